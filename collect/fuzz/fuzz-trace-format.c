/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-trace-format.c - feeds bytes to the parser of events/header_page and
 * ftrace/print/format: the input is the header_page text, a NUL, then the
 * print format (absent when there is no NUL).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "xcollect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t page_len = nul ? (size_t)(nul - text) : size;
	struct xc_trace_format f;

	if (xc_trace_format_parse(text, page_len, nul ? nul + 1 : NULL,
				  nul ? size - page_len - 1 : 0, &f) < 0)
		return 0;
	/* What a reader relies on. */
	if ((f.long_size != 4 && f.long_size != 8) || f.page_size < 256 ||
	    f.page_size > (8u << 20))
		abort();
	if (f.print_id >= 0 && (f.print_buf_offset >= f.page_size ||
				f.common_pid_offset + 4 > f.page_size))
		abort();
	return 0;
}
