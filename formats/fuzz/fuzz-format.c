/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-format: an event format text as a dump carries it, through what the
 * dump reader does with it: the strict check, a parse in a probe child, and
 * the parse in this process only when the child survived. Whatever the
 * bytes, this process must not crash.
 */
#include <event-parse.h>

#include "child-probe.h"
#include "format-check.h"
#include "fuzz.h"

struct text {
	const char *data;
	size_t size;
};

static void parse(const struct text *t)
{
	struct tep_handle *tep = tep_alloc();
	struct tep_event *ev = NULL;

	if (!tep)
		return;
	tep_parse_format(tep, &ev, t->data, t->size, "fuzz");
	tep_free(tep);
}

static void parse_in_child(void *arg, int progress_fd)
{
	parse(arg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct text t = { (const char *)data, size };
	struct xt_probe_report rep;

	if (xt_event_format_check(t.data, t.size, NULL, 0) < 0)
		return 0;
	if (xt_probe_in_child(parse_in_child, &t, &rep) < 0 || rep.crashed)
		return 0;
	parse(&t);
	return 0;
}
