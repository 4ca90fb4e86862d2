/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-gs-bytes.c - libFuzzer target for kvmrt-gs's MESSAGE/DATA parsing
 * (gs-bytes.c): text, 0x hex and \x escapes, into a small buffer so that
 * the size cap is hit often.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gs-cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[64];
	size_t n = 0;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (gs_bytes_parse(s, size, out, sizeof(out), &n) == 0 && (n == 0 || n > sizeof(out)))
		abort(); /* success must hand out 1..cap bytes */
	free(s);
	return 0;
}
