/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-format: an event format text as a dump would carry it. What the
 * strict check accepts goes on to libtraceevent, exactly as the dump reader
 * does, so a crash here is a text the check lets through and should not.
 */
#include <event-parse.h>

#include "format-check.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tep_handle *tep;
	struct tep_event *ev = NULL;

	if (xt_event_format_check((const char *)data, size, NULL, 0) < 0)
		return 0;
	tep = tep_alloc();
	if (!tep)
		return 0;
	tep_parse_format(tep, &ev, (const char *)data, size, "fuzz");
	tep_free(tep);
	return 0;
}
