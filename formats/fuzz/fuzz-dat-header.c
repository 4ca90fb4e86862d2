/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-dat-header.c - feeds bytes to the trace.dat header reader and checks
 * that what it accepts lies within the input: every text, every format.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "dat-private.h"

static void check_text(const uint8_t *data, size_t size, struct dat_text t)
{
	const char *start = (const char *)data;

	if (t.len && (t.data < start || t.len > size || t.data - start > (ptrdiff_t)(size - t.len)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dat_header h;
	char why[256];

	if (xt_dat_header_parse(data, size, &h, why, sizeof(why)) < 0) {
		if (!memchr(why, '\0', sizeof(why)))
			abort();
		return 0;
	}
	check_text(data, size, h.header_page);
	check_text(data, size, h.header_event);
	check_text(data, size, h.kallsyms);
	check_text(data, size, h.printk);
	check_text(data, size, h.cmdlines);
	for (unsigned i = 0; i < h.n_formats; i++) {
		check_text(data, size, h.formats[i].text);
		/* the ftrace section's system name is the reader's own string */
		if (h.formats[i].system.len != 6 || memcmp(h.formats[i].system.data, "ftrace", 6))
			check_text(data, size, h.formats[i].system);
	}
	if (h.cpus == 0 || h.cpus > XT_DAT_MAX_CPUS || !memchr(h.clock, '\0', sizeof(h.clock)))
		abort();
	free(h.formats);
	return 0;
}
