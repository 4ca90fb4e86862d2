/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-gs-decode.c - libFuzzer target for the guest-services decoder
 * (formats/gs-decode.c): the input is a script of hypercalls and markers
 * from a few threads. Each step: one opcode byte; odd = a hypercall
 * (thread byte, function byte, a0 as 8 bytes, then 24 payload bytes),
 * even = a marker (length byte, then that many text bytes).
 */
#include <string.h>

#include "../../gs/include/kvmrt_gs_abi.h"
#include "fuzz.h"
#include "xt-gs.h"

static void sink(const struct xt_gs_event *e, void *userdata)
{
	size_t *total = userdata;
	char text[64];

	/* touch everything an event hands out */
	for (uint32_t i = 0; e->data && i < e->data_len; i++)
		*total += e->data[i];
	if (e->why)
		*total += strlen(e->why);
	*total += strlen(xt_gs_kind_name(e->kind));
	if (e->data)
		xt_gs_escape(e->data, e->data_len, text, sizeof(text));
}

static uint64_t take_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xt_gs_limits lim = {.max_payload = 512, .max_pending = 3};
	struct xt_gs_decoder *d = NULL;
	size_t total = 0, at = 0;
	uint64_t ts = 0;

	if (xt_gs_decoder_new(&lim, sink, &total, &d) < 0)
		return 0;
	while (at < size) {
		uint8_t op = data[at++];

		if (op & 1) {
			struct xt_gs_call c = {.ts = ++ts, .cpu = op >> 6};

			if (size - at < 2 + 8 + 24)
				break;
			c.tid = data[at] & 3;
			c.nr = KVMRT_GS_NR_BASE | data[at + 1] % 6;
			c.a[0] = take_u64(data + at + 2);
			for (unsigned i = 0; i < 3; i++)
				c.a[1 + i] = take_u64(data + at + 10 + 8 * i);
			at += 34;
			xt_gs_decode_call(d, &c);
		} else {
			size_t len;

			if (at >= size)
				break;
			len = data[at++];
			if (len > size - at)
				len = size - at;
			xt_gs_decode_marker(d, ++ts, 0, 0, op >> 1, (const char *)data + at, len);
			at += len;
		}
	}
	xt_gs_decoder_finish(d);
	xt_gs_decoder_free(d);
	return total == (size_t)-1; /* keeps @total alive */
}
