/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xtrace-view - prints the events of dumps and merged directories in time
 * order. A thin main over libxview: parse, open, render, map to an exit code.
 */
#include <errno.h>
#include <fcntl.h>
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

/* The output: stdout, or the export file. */
static int open_output(const struct xv_params *p)
{
	int fd;

	if (p->mode != XV_MODE_PERFETTO)
		return STDOUT_FILENO;
	fd = open(p->export_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return tool_error(-errno, "%s: cannot create the export file", p->export_path);
	return fd;
}

static int open_source(const struct xv_params *p, struct xv_view *v, struct xt_source **ret)
{
	char why[512] = "";
	int r;

	r = xt_source_open(p->dirs, p->n_dirs, on_diag, v, why, sizeof(why), ret);
	if (r < 0) {
		if (why[0]) {
			tool_error(0, "%s", why);
			return r;
		}
		return tool_error(r, "%s", p->dirs[0]);
	}
	for (unsigned i = 0; i < xt_source_system_count(*ret); i++)
		if (xt_dump_warning(xt_source_system(*ret, i)))
			tool_warn("%s/%s", xt_dump_path(xt_source_system(*ret, i)),
				  xt_dump_warning(xt_source_system(*ret, i)));
	return 0;
}

static int run(const struct xv_params *p, int fd)
{
	const struct xv_view_opts opts = { .fields = p->fields,
					   .time = p->time,
					   .raw = p->raw,
					   .format = p->format,
					   .mode = p->mode,
					   .export_path = p->export_path };
	_cleanup_(xv_view_freep) struct xv_view *v = NULL;
	_cleanup_(xt_source_freep) struct xt_source *src = NULL;
	char why[256] = "";
	uint64_t lost, losses;
	int r;

	r = xv_view_new(&opts, fd, &v);
	if (r < 0)
		return tool_error(r, "cannot set up the output");
	r = xv_view_set_filter(v, &p->filter, why, sizeof(why));
	if (r < 0)
		return tool_error(r == -EINVAL ? 0 : r, "%s", r == -EINVAL ? why : "filters");
	r = open_source(p, v, &src);
	if (r < 0)
		return r;
	if (p->mode == XV_MODE_EXPLAIN)
		r = xv_explain(v, src, p);
	else
		r = xv_view_source(v, src);
	if (r < 0 && xv_view_write_error(v))
		return tool_error(r, "writing the output");
	if (r < 0 && p->mode == XV_MODE_TRACEDAT)
		return tool_error(r, "%s: cannot export the trace.dat", p->export_path);
	if (r < 0)
		return tool_error(r, "reading the events");
	lost = xv_view_lost(v, &losses);
	if (p->strict && lost) {
		tool_error(0, "--strict: the inputs lost %llu events in %llu places",
			   (unsigned long long)lost, (unsigned long long)losses);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct xv_params p;
	char why[256] = "";
	int fd, r;

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
	fd = open_output(&p);
	if (fd < 0)
		return EXIT_TOOL_FAILURE;
	r = run(&p, fd);
	if (fd != STDOUT_FILENO && close(fd) < 0 && r == 0)
		r = tool_error(-errno, "%s: writing the export file", p.export_path);
	return r < 0 ? EXIT_TOOL_FAILURE : r > 0 ? XV_EXIT_LOST : EXIT_TOOL_OK;
}
