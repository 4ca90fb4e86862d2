/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xtrace-run - record ftrace events of this system while a command runs.
 * A thin main over libxcollect: parse, record around the command, report.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <traceevent/event-parse.h>
#include <tracefs/tracefs.h>

#include "cleanup.h"
#include "run-params.h"
#include "tool.h"
#include "xcollect.h"

#define TICK_MS 1000u /* anchors once a second */
#define EXIT_NOT_FOUND 127
#define EXIT_CANNOT_RUN 126

extern char **environ;

static void tick(void *userdata)
{
	/* A failed anchor shows at the end, when the last ones are written. */
	xc_recorder_tick(userdata);
}

static void report_verbose(const struct xc_recorder *rec)
{
	const struct xc_event_set *missing = xc_recorder_missing(rec);

	if (xc_recorder_mounted(rec))
		fprintf(stderr, "%s: mounted tracefs on %s\n", tool_name(), XC_TRACEFS_PATH);
	if (xc_recorder_stale_removed(rec))
		fprintf(stderr, "%s: removed %u stale instance(s) of killed recordings\n",
			tool_name(), xc_recorder_stale_removed(rec));
	for (size_t i = 0; i < missing->n; i++)
		fprintf(stderr, "%s: this kernel has no %s:%s: not recorded\n", tool_name(),
			missing->ids[i].system, missing->ids[i].event);
	fprintf(stderr, "%s: recording into %s with trace clock %s\n", tool_name(),
		xc_recorder_output(rec), xc_recorder_trace_clock(rec));
}

/* "812 bytes", "12.3 KiB", "1.5 GiB". */
static void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = bytes;
	unsigned u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " bytes", bytes);
		return;
	}
	for (v /= 1024; v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0]); v /= 1024)
		u++;
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

static void report_summary(const struct xc_record_summary *sum, const struct run_params *p)
{
	char size[32];

	if (sum->reader_error < 0)
		tool_error(sum->reader_error, "%s/cpu%u.xtd: recording of this CPU stopped early",
			   p->output, sum->reader_error_cpu);
	if (p->quiet)
		return;
	format_size(sum->bytes, size, sizeof(size));
	fprintf(stderr, "%s: %" PRIu64 " events, %s written to %s\n", tool_name(), sum->events,
		size, p->output);
	for (unsigned cpu = 0; cpu < sum->nr_cpus; cpu++)
		if (sum->lost[cpu])
			fprintf(stderr, "%s: LOST %" PRIu64 " events on cpu%u: use -b to enlarge "
				"buffers\n", tool_name(), sum->lost[cpu], cpu);
}

/* Runs the command with XTRACE_SESSION and XTRACE_OUTPUT set; returns its exit status. */
static int run_command(struct xc_recorder *rec, const struct run_params *p,
		       const sigset_t *child_mask)
{
	_cleanup_free_ char *session = NULL, *output = NULL;
	_cleanup_free_ char **env = NULL;
	int r, status;

	if (asprintf(&session, "XTRACE_SESSION=%d", (int)getpid()) < 0 ||
	    asprintf(&output, "XTRACE_OUTPUT=%s", xc_recorder_output(rec)) < 0)
		return tool_error(-ENOMEM, "environment"), EXIT_TOOL_FAILURE;
	r = xc_env_with(environ, (char *const[]){ session, output, NULL }, &env);
	if (r >= 0)
		r = xc_command_run(p->command, env, child_mask, TICK_MS, tick, rec, &status);
	if (r == -ENOENT) {
		tool_error(0, "%s: command not found; check its name and PATH", p->command[0]);
		return EXIT_NOT_FOUND;
	}
	if (r < 0) {
		tool_error(r, "%s: cannot run", p->command[0]);
		return EXIT_CANNOT_RUN;
	}
	return status;
}

static int record(const struct run_params *p, const sigset_t *child_mask)
{
	struct xc_record_config cfg = {
		.output = p->output,
		.force = p->force,
		.clock = p->clock,
		.specs = p->specs,
		.nr_specs = p->nr_specs,
		.buffer_kb = p->buffer_kb,
		.session = getpid(),
	};
	struct xc_record_summary sum = {};
	struct xc_recorder *rec;
	char why[1024];
	int r, status;

	r = xc_recorder_new(&cfg, &rec, why, sizeof(why));
	if (r < 0)
		return tool_error(0, "%s", why), EXIT_TOOL_FAILURE;
	if (p->verbose)
		report_verbose(rec);
	r = xc_recorder_start(rec, why, sizeof(why));
	if (r < 0) {
		xc_recorder_free(rec);
		return tool_error(0, "%s", why), EXIT_TOOL_FAILURE;
	}
	status = run_command(rec, p, child_mask);
	r = xc_recorder_stop(rec, &sum, why, sizeof(why));
	if (r < 0)
		tool_error(0, "%s", why);
	else
		report_summary(&sum, p);
	xc_recorder_free(rec);
	/* A failed recording must not look like a successful run. */
	if ((r < 0 || sum.reader_error < 0) && status == 0)
		return EXIT_TOOL_FAILURE;
	return status;
}

int main(int argc, char **argv)
{
	struct run_params p;
	sigset_t child_mask;
	char why[512];
	int r;

	tool_set_name(argv[0]);
	r = run_parse_args(argc, argv, &p, why, sizeof(why));
	if (r < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_USAGE;
	}
	if (p.help) {
		run_print_help();
		return EXIT_TOOL_OK;
	}
	if (p.version) {
		tool_print_version();
		return EXIT_TOOL_OK;
	}
	/* The libraries report through our one-line errors, not on their own. */
	tep_set_loglevel(TEP_LOG_NONE);
	tracefs_set_loglevel(TEP_LOG_NONE);
	r = xc_signals_block(&child_mask);
	if (r < 0)
		return tool_error(r, "blocking signals"), EXIT_TOOL_FAILURE;
	return record(&p, &child_mask);
}
