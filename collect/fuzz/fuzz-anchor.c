/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-anchor.c - feeds bytes to the anchor marker parser (marker texts
 * come from anyone who can write trace_marker) and checks that what it
 * accepts formats back to the same text.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "xcollect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t realtime, again;
	char text[64];
	int n;

	if (xc_anchor_parse(data, size, &realtime) < 0)
		return 0;
	n = xc_anchor_format(text, sizeof(text), realtime);
	if (n < 0 || xc_anchor_parse(text, n, &again) < 0 || again != realtime)
		abort();
	return 0;
}
