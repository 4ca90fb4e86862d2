/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xtrace-view - prints the events of dumps and merged directories in time
 * order. A thin main over libxview: parse, open, render, map to an exit code.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <xtrace.h>

#include "cleanup.h"
#include "tool.h"
#include "xview.h"

DEFINE_POINTER_CLEANUP(struct xv_view, xv_view_free)
DEFINE_POINTER_CLEANUP(struct xt_source, xt_source_free)

static const char *diag_kind(enum xt_diag_kind kind)
{
	switch (kind) {
	case XT_DIAG_TORN_TAIL:
		return "torn tail";
	case XT_DIAG_CORRUPT_FRAME:
		return "corrupt frame skipped";
	case XT_DIAG_BAD_PAGE:
		return "malformed page skipped";
	default:
		return "damage";
	}
}

/* Damage the reader skipped: one warning line each. Lost events are shown in the stream. */
static void on_diag(const struct xt_diag *d, void *userdata)
{
	struct xv_view *v = userdata;

	if (d->kind == XT_DIAG_LOST_EVENTS)
		return;
	/* Lines already rendered come first, so that the warning sits where it happened. */
	xv_view_flush(v);
	if (d->cpu == XT_FRAME_CPU_MERGED)
		tool_warn("%s: offset %llu: %s%s%s", d->path, (unsigned long long)d->offset,
			  diag_kind(d->kind), d->detail ? ": " : "", d->detail ? d->detail : "");
	else
		tool_warn("%s: CPU %u offset %llu: %s%s%s", d->path, d->cpu,
			  (unsigned long long)d->offset, diag_kind(d->kind), d->detail ? ": " : "",
			  d->detail ? d->detail : "");
}

static int run(const struct xv_params *p)
{
	const struct xv_view_opts opts = { .fields = p->fields, .time = p->time, .raw = p->raw };
	_cleanup_(xv_view_freep) struct xv_view *v = NULL;
	_cleanup_(xt_source_freep) struct xt_source *src = NULL;
	char why[512] = "";
	int r;

	r = xv_view_new(&opts, STDOUT_FILENO, &v);
	if (r < 0)
		return tool_error(r, "cannot set up the output");
	r = xt_source_open(p->dirs, p->n_dirs, on_diag, v, why, sizeof(why), &src);
	if (r < 0) {
		if (why[0]) {
			tool_error(0, "%s", why);
			return r;
		}
		return tool_error(r, "%s", p->dirs[0]);
	}
	for (unsigned i = 0; i < xt_source_system_count(src); i++)
		if (xt_dump_warning(xt_source_system(src, i)))
			tool_warn("%s/%s", xt_dump_path(xt_source_system(src, i)),
				  xt_dump_warning(xt_source_system(src, i)));
	r = xv_view_source(v, src);
	if (r < 0 && xv_view_write_error(v))
		return tool_error(r, "writing the output");
	if (r < 0)
		return tool_error(r, "reading the events");
	return 0;
}

int main(int argc, char **argv)
{
	struct xv_params p;
	char why[256] = "";

	tool_set_name(argv[0]);
	if (xv_parse_args(argc, argv, &p, why, sizeof(why)) < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_USAGE;
	}
	if (p.help) {
		fputs(xv_usage(), stdout);
		return EXIT_TOOL_OK;
	}
	if (p.version) {
		tool_print_version();
		return EXIT_TOOL_OK;
	}
	return run(&p) < 0 ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
}
