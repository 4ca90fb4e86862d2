/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-control-request.c - feeds bytes to the control protocol's request
 * parser (lines read from a session's socket) and checks that a request it
 * accepts formats to a line that parses back to the same request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "xcollect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xc_request req, again;
	char line[XC_CONTROL_LINE_MAX], why[256];
	int n;

	if (xc_request_parse((const char *)data, size, &req, why, sizeof(why)) < 0) {
		/* A reason is always given, and it is one line. */
		if (!why[0] || strchr(why, '\n'))
			abort();
		return 0;
	}
	n = xc_request_format(&req, line, sizeof(line));
	/* Lists written back compact may only be shorter than the line they came from. */
	if (n < 0 || (size_t)n > size)
		abort();
	if (xc_request_parse(line, (size_t)n, &again, why, sizeof(why)) < 0 ||
	    again.kind != req.kind || again.nr_cpus != req.nr_cpus ||
	    memcmp(again.cpus, req.cpus, sizeof(req.cpus)))
		abort();
	return 0;
}
