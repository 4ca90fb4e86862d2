/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-campaign.c - one campaign of `kvmrt-latency run`: probe every system
 * (facts, SCHED_FIFO, a work directory), start cyclictest on all of them at
 * once (under xtrace-run with --trace), watch them for the duration (a
 * break on one stops every recording), then bring everything back into the
 * results directory and clean up. Ctrl-C (a count in *stop) interrupts every
 * system and still collects what they wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "remote.h"
#include "run-campaign.h"
#include "spike.h"
#include "tool.h"

#define GRACE_S 60 /* past the duration before the systems are interrupted */
#define KILL_S 30  /* past the interrupt before the local clients are killed */

struct sys_run {
	const struct lat_system *s;
	struct lat_probe probe;
	struct lat_plan plan;
	bool probed;  /* the probe answered: the work directory exists */
	pid_t pid;    /* the main script's process group, 0 before the start */
	bool done;
	int status;
	char rt_note[512];
};

struct campaign {
	const struct lat_run_params *p;
	const char *dir;
	struct sys_run sys[LAT_MAX_SYSTEMS];
	char started[32];
	int spike; /* the system that broke first, -1 */
	struct lat_break brk;
	const char *ended; /* complete, break, interrupted, timeout */
	bool started_all;  /* every system was probed and started */
	volatile sig_atomic_t *stop;
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int write_text(const char *dir, const char *name, const char *sub, const char *text)
{
	char path[4096];
	_cleanup_close_ int fd = -1;
	int r;

	if (sub)
		snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return tool_error(-errno, "%s: cannot create", path);
	r = write_all(fd, text, strlen(text));
	return r < 0 ? tool_error(r, "%s: write failed", path) : 0;
}

static int write_campaign(const struct campaign *c)
{
	const struct lat_run_params *p = c->p;
	_cleanup_free_ char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return tool_error(-ENOMEM, "campaign");
	fprintf(f, "version = 1\nstarted = %s\nduration_s = %" PRIu64 "\ninterval_us = %" PRIu64
		"\npriority = %" PRIu64 "\nhistogram_us = %" PRIu64 "\nload = %s\nbreak_us = %"
		PRIu64 "\ntrace = %s\nsystems =", c->started, p->duration_s, p->interval_us,
		p->priority, p->histogram_us, lat_load_name(p->load), p->break_us,
		p->trace ? "yes" : "no");
	for (unsigned i = 0; i < p->nr_systems; i++)
		fprintf(f, " %s", p->systems[i].name);
	fputc('\n', f);
	if (c->ended)
		fprintf(f, "ended = %s\n", c->ended);
	if (fclose(f) != 0)
		return tool_error(-ENOMEM, "campaign");
	return write_text(c->dir, "campaign", NULL, text);
}

static int write_facts(const struct campaign *c, const struct sys_run *r)
{
	_cleanup_free_ char *text = NULL;
	char target[LAT_HOST_MAX + 8];
	size_t len;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return tool_error(-ENOMEM, "facts");
	fprintf(f, "target = %s\nhostname = %s\nkernel = %s\nkernel_version = %s\ncmdline = %s\n"
		"cpus = %s\npolicy = %s\nrt_note = %s\nonline = %s\nboot_id = %s\nrecorder = %s\n",
		lat_system_target(r->s, target, sizeof(target)), r->probe.hostname, r->probe.kernel,
		r->probe.kernel_version, r->probe.cmdline, r->plan.cpus,
		r->plan.fifo ? "fifo" : "other", r->rt_note, r->probe.online, r->probe.boot_id,
		!c->p->trace ? "none" : r->plan.top_level ? "top-level" : "instance");
	if (r->done)
		fprintf(f, "exit_status = %d\n", r->status);
	if (fclose(f) != 0)
		return tool_error(-ENOMEM, "facts");
	return write_text(c->dir, "facts", r->s->name, text);
}

/* Creates DIR (absent or empty), DIR/<system>/ and DIR/trace/. */
static int make_dirs(const struct campaign *c)
{
	char path[4096];

	if (mkdir(c->dir, 0755) < 0 && (errno != EEXIST || rmdir(c->dir) < 0 ||
					 mkdir(c->dir, 0755) < 0))
		return tool_error(-errno, "%s: cannot create the results directory (it must not "
				  "exist or be empty)", c->dir);
	for (unsigned i = 0; i <= c->p->nr_systems; i++) {
		if (i == c->p->nr_systems && !c->p->trace)
			break;
		snprintf(path, sizeof(path), "%s/%s", c->dir,
			 i < c->p->nr_systems ? c->p->systems[i].name : "trace");
		if (mkdir(path, 0755) < 0)
			return tool_error(-errno, "%s: cannot create", path);
	}
	return 0;
}

static void rt_note(struct sys_run *r, const struct lat_run_params *p)
{
	const char *e = r->probe.fifo_error;
	char note[sizeof(r->rt_note)];

	if (r->plan.fifo)
		snprintf(note, sizeof(note), "SCHED_FIFO priority %" PRIu64, p->priority);
	else if (r->probe.other)
		snprintf(note, sizeof(note), "SCHED_FIFO refused (%s): measured with --policy "
			 "other, NOT real-time", e);
	else if (r->plan.measure)
		snprintf(note, sizeof(note), "SCHED_FIFO refused (%s) and cyclictest refuses "
			 "--policy other: measured by the fallback kvmrt-latency measure "
			 "(SCHED_OTHER), NOT real-time%s", e,
			 p->break_us ? "; no --break there" : "");
	else
		snprintf(note, sizeof(note), "SCHED_FIFO refused (%s) and cyclictest refuses "
			 "--policy other too (it checks for SCHED_FIFO first): allow real-time "
			 "scheduling there (root, CAP_SYS_NICE or ulimit -r), or install "
			 "kvmrt-latency there for its SCHED_OTHER fallback", e);
	memcpy(r->rt_note, note, sizeof(note));
}

static int probe(struct campaign *c, struct sys_run *r)
{
	_cleanup_free_ char *script = lat_script_probe(c->p, r->s), *out = NULL;
	char why[512], target[LAT_HOST_MAX + 8];
	int status, e;

	lat_system_target(r->s, target, sizeof(target));
	if (!script)
		return tool_error(-ENOMEM, "%s", r->s->name);
	e = lat_remote_run(c->p, r->s, script, c->stop, &out, &status);
	if (e < 0)
		return tool_error(e, "%s (%s): cannot run %s", r->s->name, target,
				  lat_system_is_local(r->s) ? "sh" : "ssh");
	if (*c->stop)
		return -EINTR;
	if (!lat_system_is_local(r->s) && status == 255)
		return tool_error(0, "%s (%s): ssh failed: %.300s", r->s->name, target, out),
		       -EHOSTUNREACH;
	if (lat_probe_parse(out, &r->probe, why, sizeof(why)) < 0)
		return tool_error(0, "%s (%s): %s; it said: %.300s", r->s->name, target, why,
				  out), -EIO;
	r->probed = true;
	if (r->probe.missing[0])
		return tool_error(-ENOENT, "%s (%s): not found there: %s (install rt-tests%s, or "
				  "name their directory with --remote-path)", r->s->name, target,
				  r->probe.missing, c->p->trace ? " and kvmrt" : "");
	if (lat_plan_cpus(c->p, r->s, &r->probe, &r->plan, why, sizeof(why)) < 0)
		return tool_error(-EINVAL, "%s", why);
	r->plan.fifo = r->probe.fifo;
	r->plan.measure = !r->probe.fifo && !r->probe.other && r->probe.measure;
	rt_note(r, c->p);
	if (!r->plan.fifo)
		tool_warn("%s: %s", r->s->name, r->rt_note);
	return 0;
}

/* One recorder per kernel uses the top-level buffer (cyclictest -b stops it): the first. */
static void plan_recorders(struct campaign *c)
{
	for (unsigned i = 0; i < c->p->nr_systems; i++) {
		c->sys[i].plan.top_level = c->p->break_us > 0;
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(c->sys[i].probe.boot_id, c->sys[j].probe.boot_id))
				c->sys[i].plan.top_level = false;
	}
}

/* Another system later in the list runs on the kernel of system @i. */
static bool shares_kernel(const struct campaign *c, unsigned i)
{
	for (unsigned j = i + 1; j < c->p->nr_systems; j++)
		if (!strcmp(c->sys[i].probe.boot_id, c->sys[j].probe.boot_id))
			return true;
	return false;
}

/* Runs one of the small scripts (stop, wait, clean up) on a system; returns its status. */
static int run_script(const struct campaign *c, const struct sys_run *r, char *script)
{
	int status = -1;

	if (script && lat_remote_run(c->p, r->s, script, NULL, NULL, &status) < 0)
		status = -1;
	free(script);
	return status;
}

static int start(struct campaign *c, unsigned i)
{
	struct sys_run *r = &c->sys[i];
	_cleanup_free_ char *script = lat_script_main(c->p, r->s, &r->plan, r->probe.workdir);
	char log[4096];
	_cleanup_close_ int fd = -1;
	int e;

	if (!script)
		return tool_error(-ENOMEM, "%s", r->s->name);
	e = write_text(c->dir, "command", r->s->name, script);
	if (e < 0)
		return e;
	snprintf(log, sizeof(log), "%s/%s/cyclictest.log", c->dir, r->s->name);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return tool_error(-errno, "%s: cannot create", log);
	e = lat_remote_spawn(c->p, r->s, script, fd, &r->pid);
	if (e < 0)
		return tool_error(e, "%s: cannot start", r->s->name);
	/* The top-level recorder saves tracing_on before a shared kernel's other cyclictest runs. */
	if (r->plan.top_level && shares_kernel(c, i) &&
	    run_script(c, r, lat_script_wait_recorder(r->s, r->probe.workdir, c->p)) != 0)
		tool_warn("%s: the recorder did not start within 10 s", r->s->name);
	return 0;
}

static void interrupt_all(struct campaign *c)
{
	for (unsigned i = 0; i < c->p->nr_systems; i++)
		if (c->sys[i].pid && !c->sys[i].done)
			run_script(c, &c->sys[i], lat_script_interrupt(c->sys[i].probe.workdir));
}

/* A system that ended: did its cyclictest break? Then every recording is frozen. */
static void check_break(struct campaign *c, unsigned i)
{
	char log[4096];
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (!c->p->break_us || c->spike >= 0)
		return;
	snprintf(log, sizeof(log), "%s/%s/cyclictest.log", c->dir, c->sys[i].s->name);
	if (read_file_at(AT_FDCWD, log, 1u << 24, &text, &len) < 0 ||
	    lat_break_parse(text, c->sys[i].plan.cpus, &c->brk) <= 0)
		return;
	c->spike = (int)i;
	c->ended = "break";
	fprintf(stderr, "%s: %s: thread %u (CPU %d) woke %" PRIu64 " us late: freezing every "
		"recording\n", tool_name(), c->sys[i].s->name, c->brk.thread, c->brk.cpu,
		c->brk.value_us);
	for (unsigned j = 0; j < c->p->nr_systems; j++)
		if (!c->sys[j].done &&
		    run_script(c, &c->sys[j], lat_script_flush_stop(c->p, c->sys[j].s,
								      c->sys[j].probe.workdir)) != 0)
			tool_warn("%s: could not flush and stop its recording", c->sys[j].s->name);
}

/* Reaps the systems that ended; returns how many still run. */
static unsigned reap(struct campaign *c)
{
	unsigned running = 0;

	for (unsigned i = 0; i < c->p->nr_systems; i++) {
		struct sys_run *r = &c->sys[i];

		if (!r->pid || r->done)
			continue;
		if (lat_remote_wait(r->pid, false, &r->status) != 0) {
			r->done = true;
			check_break(c, i);
		} else {
			running++;
		}
	}
	return running;
}

static void progress(double left)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r%s: %.0f s left  ", tool_name(), left > 0 ? left : 0);
}

static void watch(struct campaign *c)
{
	const struct timespec tick = { 0, 100 * 1000 * 1000 };
	double begin = now_s(), interrupted = 0;
	int last = -1;

	while (reap(c) > 0) {
		double t = now_s() - begin;

		if ((*c->stop || t > c->p->duration_s + GRACE_S) && !interrupted) {
			c->ended = *c->stop ? "interrupted" : "timeout";
			interrupt_all(c);
			interrupted = now_s();
		}
		if (interrupted && (*c->stop > 1 || now_s() - interrupted > KILL_S))
			for (unsigned i = 0; i < c->p->nr_systems; i++)
				if (c->sys[i].pid && !c->sys[i].done)
					kill(-c->sys[i].pid, SIGKILL);
		if ((int)t != last) {
			last = (int)t;
			progress(c->p->duration_s - t);
		}
		nanosleep(&tick, NULL);
	}
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
}

/* Copies @what from the work directory of @r to @local, if it is there. */
static void fetch(const struct campaign *c, const struct sys_run *r, const char *what,
		  const char *local, bool needed)
{
	_cleanup_free_ char *remote = NULL, *out = NULL;
	char path[4096];
	int status = -1;

	snprintf(path, sizeof(path), "%s/%s", c->dir, local);
	if (asprintf(&remote, "%s/%s", r->probe.workdir, what) < 0)
		return;
	if (lat_remote_fetch(c->p, r->s, remote, path, &out, &status) < 0 || status != 0) {
		if (needed)
			tool_warn("%s: could not copy %s back: %.200s", r->s->name, what,
				  out ? out : "");
	}
}

static void collect(struct campaign *c)
{
	char local[4096];

	for (unsigned i = 0; i < c->p->nr_systems; i++) {
		struct sys_run *r = &c->sys[i];

		if (!r->probed)
			continue;
		if (r->pid) {
			snprintf(local, sizeof(local), "%s/cyclictest.json", r->s->name);
			fetch(c, r, "cyclictest.json", local, true);
			snprintf(local, sizeof(local), "trace/%s", r->s->name);
			if (c->p->trace)
				fetch(c, r, "trace", local, true);
			snprintf(local, sizeof(local), "%s/load.log", r->s->name);
			if (c->p->load != LAT_LOAD_NONE)
				fetch(c, r, "load.log", local, false);
		}
		run_script(c, r, lat_script_cleanup(r->probe.workdir,
						    r->plan.top_level ? r->probe.tracing_on : NULL));
	}
}

static void started_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Probes every system, then starts them all; 0 when every system runs. */
static int prepare(struct campaign *c)
{
	int r = 0;

	for (unsigned i = 0; i < c->p->nr_systems && r == 0; i++)
		r = probe(c, &c->sys[i]);
	if (r < 0)
		return r;
	plan_recorders(c);
	r = write_campaign(c);
	for (unsigned i = 0; i < c->p->nr_systems && r == 0; i++)
		r = write_facts(c, &c->sys[i]);
	for (unsigned i = 0; i < c->p->nr_systems && r == 0 && !*c->stop; i++)
		r = start(c, i);
	c->started_all = r == 0 && !*c->stop;
	return r;
}

static int finish(struct campaign *c)
{
	char why[512];
	int failed = 0;

	write_campaign(c);
	if (!c->started_all)
		failed = 1;
	for (unsigned i = 0; i < c->p->nr_systems; i++) {
		struct sys_run *r = &c->sys[i];

		if (!r->probed)
			continue;
		write_facts(c, r);
		if (c->started_all && r->status != 0) {
			tool_error(0, "%s: cyclictest failed: see %s/%s/cyclictest.log", r->s->name,
				   c->dir, r->s->name);
			failed = 1;
		}
	}
	if (c->p->trace && lat_trace_merge(c->dir, c->p, why, sizeof(why)) < 0) {
		tool_error(0, "%s", why);
		failed = 1;
	}
	if (c->spike >= 0 && lat_spike_write(c->dir, c->p, c->spike, &c->brk, why,
					     sizeof(why)) < 0) {
		tool_error(0, "%s", why);
		failed = 1;
	}
	return failed;
}

int lat_campaign_run(const struct lat_run_params *p, volatile sig_atomic_t *stop)
{
	struct campaign c = { .p = p, .dir = p->output, .spike = -1, .ended = NULL, .stop = stop };
	int r, failed;

	for (unsigned i = 0; i < p->nr_systems; i++)
		c.sys[i].s = &p->systems[i];
	started_now(c.started, sizeof(c.started));
	r = make_dirs(&c);
	if (r < 0)
		return r;
	r = prepare(&c);
	if (r < 0 || *stop)
		interrupt_all(&c);
	watch(&c);
	if (!c.ended)
		c.ended = *stop ? "interrupted" : "complete";
	collect(&c);
	failed = finish(&c);
	return r < 0 || failed ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
}
