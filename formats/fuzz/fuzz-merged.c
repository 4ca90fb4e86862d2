/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-merged.c - feeds bytes to the merged record decoder as the payload
 * of one stream.xtm frame. Byte 0 picks the layout (even: 1, odd: 2), byte
 * 1 the number of systems (0-7); the rest is the frame. Every record
 * decoded must lie inside the frame and name a system that exists.
 */
#include <stdlib.h>
#include <string.h>

#include "merged-record.h"
#include "fuzz.h"

/* Payload bytes are summed into it so that every byte returned is read. */
static volatile unsigned sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct merged_decoder d;
	struct xt_event ev;
	const char *why = NULL;
	uint8_t *frame;
	size_t len;
	unsigned sum = 0;
	int r;

	if (size < 2)
		return 0;
	len = size - 2;
	frame = malloc(len ? len : 1); /* exactly the frame: ASan sees any overread */
	if (!frame || merged_decoder_init(&d, 1 + (data[0] & 1), data[1] % 8) < 0)
		abort();
	memcpy(frame, data + 2, len);
	merged_decoder_frame(&d, frame, len, 1000);
	while ((r = merged_decoder_next(&d, &ev, &why)) > 0) {
		const uint8_t *p = ev.data;

		if (ev.kind == XT_EVENT_RECORD && ev.size &&
		    (p < frame || p + ev.size > frame + len))
			abort();
		if (d.version == 2 && ev.system >= d.nr_systems)
			abort();
		for (uint32_t i = 0; i < ev.size; i++)
			sum += p[i];
	}
	if (r < 0 && !why)
		abort();
	merged_decoder_fini(&d);
	free(frame);
	sink = sum;
	return 0;
}
