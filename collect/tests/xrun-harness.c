/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xrun-harness.c - see xrun-harness.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "xrun-harness.h"
#include "xcollect.h"

/* Top-level tracefs files a recording must never change. */
static const char *const watched[] = {
	T "/events/enable", T "/trace_clock", T "/tracing_on",       T "/buffer_size_kb",
	T "/current_tracer", T "/set_event",  T "/options/copy_trace_marker",
};

#define NR_WATCHED (sizeof(watched) / sizeof(watched[0]))
#define WAIT_LIMIT_MS 60000 /* only a hang takes this long */

char xrun_bin[4096];
char xctl_bin[4096];

char *slurp(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 16, len = 0;
	char *buf;
	ssize_t n;

	if (fd < 0)
		return strdup("");
	buf = malloc(cap + 1);
	assert_non_null(buf);
	while ((n = read(fd, buf + len, cap - len)) > 0 && len + n < cap)
		len += n;
	if (n > 0)
		len += n;
	buf[len] = '\0';
	return buf;
}

/*
 * The "xtrace-PID" instances whose PID no longer runs, sorted, one per line:
 * what a recording would leave behind. Live sessions (other tests running
 * xtrace-run meanwhile) are not ours to compare.
 */
static char *list_instances(void)
{
	char *out = NULL, name[256];
	size_t len = 0;
	FILE *f = popen("ls " T "/instances | grep '^" XC_INSTANCE_PREFIX "[0-9]*$' | sort", "re");
	FILE *mem = open_memstream(&out, &len);

	assert_non_null(f);
	assert_non_null(mem);
	while (fgets(name, sizeof(name), f)) {
		long pid = strtol(name + strlen(XC_INSTANCE_PREFIX), NULL, 10);

		if (pid <= 0 || kill(pid, 0) < 0)
			fputs(name, mem);
	}
	pclose(f);
	fclose(mem);
	return out;
}

int check_machine(void)
{
	const char *build = getenv("KVMRT_BUILD_ROOT");

	if (geteuid() != 0 || access(T "/instances", W_OK) < 0 || !build)
		return -1;
	snprintf(xrun_bin, sizeof(xrun_bin), "%s/collect/xtrace-run", build);
	snprintf(xctl_bin, sizeof(xctl_bin), "%s/collect/xtrace-ctl", build);
	return access(xrun_bin, X_OK) < 0 ? -1 : access(xctl_bin, X_OK);
}

int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->before = calloc(NR_WATCHED, sizeof(*f->before));
	assert_non_null(f->before);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-xtrace-run-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->marker, sizeof(f->marker), "xtrace-test-marker-%s", strrchr(f->dir, '-') + 1);
	for (size_t i = 0; i < NR_WATCHED; i++)
		f->before[i] = slurp(watched[i]);
	f->instances = list_instances();
	*state = f;
	return 0;
}

/* Fails the test when tracefs is not exactly as it was before it. */
int teardown(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *cmd = NULL, *instances = list_instances();

	for (size_t i = 0; i < NR_WATCHED; i++) {
		_cleanup_free_ char *after = slurp(watched[i]);

		if (strcmp(after, f->before[i]))
			fail_msg("%s changed: '%s' -> '%s'", watched[i], f->before[i], after);
		free(f->before[i]);
	}
	if (strcmp(instances, f->instances))
		fail_msg("instances changed: '%s' -> '%s'", f->instances, instances);
	free(f->instances);
	free(f->before);
	assert_true(asprintf(&cmd, "rm -rf %s", f->dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

char *scratch(const struct fixture *f, const char *name)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", f->dir, name) > 0);
	return path;
}

pid_t start(struct fixture *f, const char *const *args)
{
	char *argv[64];
	char err[128];
	unsigned n = 0;
	pid_t pid;

	argv[n++] = xrun_bin;
	while (*args && n < 63)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	snprintf(err, sizeof(err), "%s/stderr", f->dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(99);
		/* Run as from a terminal even when the tests were started under nohup. */
		signal(SIGHUP, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(xrun_bin, argv);
		_exit(98);
	}
	return pid;
}

int finish(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

char *stderr_text(struct fixture *f)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/stderr", f->dir);
	return slurp(path);
}

int run(struct fixture *f, const char *const *args)
{
	int status = finish(start(f, args));

	/* Said once here, so that a failing test shows why the tool failed. */
	if (status != 0) {
		_cleanup_free_ char *err = stderr_text(f);

		fprintf(stderr, "xtrace-run exited with %d: %s", status, err);
	}
	return status;
}


/* Waits for @path to exist (the recorded command announces itself so). */
void wait_for_file(const char *path)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int ms = 0; access(path, F_OK) < 0; ms += 10) {
		if (ms > WAIT_LIMIT_MS)
			fail_msg("%s never appeared", path);
		nanosleep(&tick, NULL);
	}
}

long read_pid(const char *path)
{
	_cleanup_free_ char *text = slurp(path);

	return strtol(text, NULL, 10);
}

static void on_diag(const struct xt_diag *d, void *userdata)
{
	struct scan *s = userdata;

	if (d->kind == XT_DIAG_TORN_TAIL)
		s->torn++;
	if (d->kind != XT_DIAG_LOST_EVENTS && (d->kind != XT_DIAG_TORN_TAIL || !s->allow_torn)) {
		fprintf(stderr, "damage: %s cpu %u offset %llu: %s\n", d->path, d->cpu,
			(unsigned long long)d->offset, d->detail);
		s->damage++;
	}
}

static void count_name(struct scan *s, const struct tep_event *te)
{
	char name[96];
	unsigned i;

	snprintf(name, sizeof(name), "%s:%s", te->system, te->name);
	for (i = 0; i < s->nr_names; i++)
		if (!strcmp(s->names[i].name, name))
			break;
	if (i == s->nr_names) {
		if (i == SCAN_MAX_NAMES)
			return;
		snprintf(s->names[s->nr_names++].name, sizeof(name), "%s", name);
	}
	s->names[i].n++;
}

uint64_t scan_count(const struct scan *s, const char *name)
{
	for (unsigned i = 0; i < s->nr_names; i++)
		if (!strcmp(s->names[i].name, name))
			return s->names[i].n;
	return 0;
}

static void count_event(struct scan *s, const struct xt_event *ev)
{
	struct tep_record rec = { .data = (void *)ev->data, .size = ev->size };
	struct tep_event *te;

	s->events++;
	if (!s->first_tod || ev->tod < s->first_tod)
		s->first_tod = ev->tod;
	if (ev->tod > s->last_tod)
		s->last_tod = ev->tod;
	te = tep_find_event(s->tep, tep_data_type(s->tep, &rec));
	assert_non_null(te);
	if (ev->cpu < 64)
		s->cpu_events[ev->cpu]++;
	count_name(s, te);
	if (s->each)
		s->each(s, ev, &rec, te);
	if (s->marker && !strcmp(te->system, "ftrace") && !strcmp(te->name, "print") &&
	    memmem(ev->data, ev->size, s->marker, strlen(s->marker)))
		s->markers++;
	if (tep_data_pid(s->tep, &rec) != s->pid)
		return;
	if (!strcmp(te->system, "sched") && !strcmp(te->name, "sched_switch"))
		s->shell_switch++;
	if (!strcmp(te->system, "raw_syscalls"))
		s->shell_syscalls++;
}

/* Reads every CPU of the dump at @path; fails on damage. */
void scan_dump(const char *path, long pid, struct scan *s, struct xt_dump **ret)
{
	struct xt_dump *d = NULL;
	void (*each)(struct scan *, const struct xt_event *, struct tep_record *,
		     struct tep_event *) = s->each;
	void *userdata = s->userdata;
	const char *marker = s->marker;
	bool allow_torn = s->allow_torn;

	memset(s, 0, sizeof(*s));
	s->pid = pid;
	s->each = each;
	s->userdata = userdata;
	s->marker = marker;
	s->allow_torn = allow_torn;
	assert_int_equal(xt_dump_open(path, &d), 0);
	s->tep = xt_dump_tep(d);
	assert_true(xt_dump_cpu_count(d) > 0);
	for (unsigned cpu = 0; cpu < xt_dump_cpu_count(d); cpu++) {
		struct xt_stream *stream;
		struct xt_event ev;
		int r;

		if (!xt_dump_has_cpu(d, cpu))
			continue;
		assert_int_equal(xt_cpu_stream_new(d, cpu, 0, on_diag, s, &stream), 0);
		while ((r = xt_stream_next(stream, &ev)) > 0)
			if (ev.kind == XT_EVENT_RECORD)
				count_event(s, &ev);
		assert_int_equal(r, 0);
		xt_stream_free(stream);
	}
	assert_int_equal(s->damage, 0);
	*ret = d;
}

uint64_t meta_u64(struct xt_dump *d, const char *key)
{
	const char *v = xt_dump_meta(d, key);

	assert_non_null(v);
	return strtoull(v, NULL, 10);
}

/* Events lie on TOD between the start and the end of the recording. */
void assert_placed(struct xt_dump *d, const struct scan *s)
{
	const uint64_t slack = 1000000000ull; /* clocks read a little apart */
	const char *why = NULL;

	assert_true(xt_clock_placeable(xt_dump_clock(d), &why));
	assert_true(s->events > 0);
	assert_true(s->first_tod + slack >= meta_u64(d, "start_tod"));
	assert_true(s->last_tod <= meta_u64(d, "end_tod") + slack);
}

