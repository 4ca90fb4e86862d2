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

#define TICK_MS 100u /* the tracing_on watch; anchors once a second */
#define EXIT_NOT_FOUND 127
#define EXIT_CANNOT_RUN 126

extern char **environ;

/* What the command loop works on. */
struct running {
	struct xc_recorder *rec;
	struct xc_control *control;
	bool stop_requested; /* by xtrace-ctl stop or the trigger: not a failure */
};

static int tick(void *userdata)
{
	struct running *run = userdata;
	/* A failed anchor shows at the end, when the last ones are written. */
	int r = xc_recorder_tick(run->rec);

	if (r > 0)
		run->stop_requested = true;
	return r > 0;
}

static int on_request(const char *request, size_t request_len, char *reply, size_t len,
		      void *userdata)
{
	struct running *run = userdata;

	return xc_recorder_control(run->rec, request, request_len, reply, len);
}

static int on_control(int fd, void *userdata)
{
	struct running *run = userdata;
	int r;

	(void)fd;
	r = xc_control_serve(run->control, on_request, run);
	if (r > 0)
		run->stop_requested = true;
	return r > 0;
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
	for (unsigned cpu = 0; cpu < sum->nr_cpus; cpu++) {
		if (!sum->lost[cpu])
			continue;
		if (p->mode == XC_MODE_OVERWRITE)
			fprintf(stderr, "%s: cpu%u: %" PRIu64 " older events overwritten (the "
				"flight recorder keeps the latest; -b keeps more)\n", tool_name(),
				cpu, sum->lost[cpu]);
		else
			fprintf(stderr, "%s: LOST %" PRIu64 " events on cpu%u: use -b to enlarge "
				"buffers%s\n", tool_name(), sum->lost[cpu], cpu,
				sum->readers_realtime < sum->readers ?
				" (the readers ran SCHED_OTHER: real-time was refused or "
				"--reader-prio 0)" : "");
	}
}

/* Runs the command with XTRACE_SESSION and XTRACE_OUTPUT set; returns its exit status. */
static int run_command(struct running *run, const struct run_params *p,
		       const sigset_t *child_mask)
{
	const struct xc_command_hooks hooks = {
		.tick_ms = TICK_MS,
		.tick = tick,
		.fd = xc_control_fd(run->control),
		.on_fd = on_control,
		.userdata = run,
	};
	struct xc_recorder *rec = run->rec;
	_cleanup_free_ char *session = NULL, *output = NULL;
	_cleanup_free_ char **env = NULL;
	int r, status;

	if (asprintf(&session, "XTRACE_SESSION=%d", (int)getpid()) < 0 ||
	    asprintf(&output, "XTRACE_OUTPUT=%s", xc_recorder_output(rec)) < 0)
		return tool_error(-ENOMEM, "environment"), EXIT_TOOL_FAILURE;
	r = xc_env_with(environ, (char *const[]){ session, output, NULL }, &env);
	if (r >= 0)
		r = xc_command_run(p->command, env, child_mask, &hooks, &status);
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
		.mode = p->mode,
		.specs = p->specs,
		.filters = p->filters,
		.nr_specs = p->nr_specs,
		.no_default = p->no_default,
		.buffer_kb = p->buffer_kb,
		.cpus = p->cpus,
		.top_level = p->top_level,
		.stop_on_trigger = p->stop_on_trigger,
		.gs_flush = p->gs_flush,
		.reader_fifo = p->reader_fifo,
		.session = getpid(),
	};
	struct xc_record_summary sum = {};
	struct running run = {};
	struct xc_recorder *rec;
	char why[1024];
	int r, status;

	r = xc_recorder_new(&cfg, &rec, why, sizeof(why));
	if (r < 0)
		return tool_error(0, "%s", why), EXIT_TOOL_FAILURE;
	if (p->verbose)
		report_verbose(rec);
	run.rec = rec;
	xc_control_remove_stale();
	r = xc_control_listen(cfg.session, &run.control);
	if (r < 0) {
		xc_recorder_free(rec);
		return tool_error(r, XC_CONTROL_DIR "/%d.sock: cannot listen; run as root",
				  (int)cfg.session), EXIT_TOOL_FAILURE;
	}
	r = xc_recorder_start(rec, why, sizeof(why));
	if (r < 0) {
		xc_control_free(run.control);
		xc_recorder_free(rec);
		return tool_error(0, "%s", why), EXIT_TOOL_FAILURE;
	}
	status = run_command(&run, p, child_mask);
	xc_control_free(run.control);
	r = xc_recorder_stop(rec, &sum, why, sizeof(why));
	if (r < 0)
		tool_error(0, "%s", why);
	else
		report_summary(&sum, p);
	xc_recorder_free(rec);
	/* A failed recording must not look like a successful run. */
	if (r < 0 || sum.reader_error < 0)
		return status == 0 || run.stop_requested ? EXIT_TOOL_FAILURE : status;
	/* Ended on request: the command's SIGTERM is ours, not a failure. */
	return run.stop_requested ? EXIT_TOOL_OK : status;
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
