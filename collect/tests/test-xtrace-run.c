/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-xtrace-run.c - the built xtrace-run recording this machine for real
 * (suite root): exit status passed through, the dump read back with
 * libxtrace (the shell's own events present, every CPU stream undamaged,
 * the clock placed on time of day), Ctrl-C-like stops, stale instances,
 * refusals. Every test leaves tracefs exactly as it found it.
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
#include <pty.h>
#include <traceevent/event-parse.h>

#include "cleanup.h"
#include "test-exec.h"
#include "xcollect.h"

#define T XC_TRACEFS_PATH
#define WAIT_LIMIT_MS 60000 /* only a hang takes this long */

DEFINE_POINTER_CLEANUP(struct xt_dump, xt_dump_free)

/* Top-level tracefs files a recording must never change. */
static const char *const watched[] = {
	T "/events/enable", T "/trace_clock", T "/tracing_on",       T "/buffer_size_kb",
	T "/current_tracer", T "/set_event",  T "/options/copy_trace_marker",
};

struct fixture {
	char dir[64];         /* scratch directory of this test */
	char *before[sizeof(watched) / sizeof(watched[0])];
	char *instances;      /* our "xtrace-*" instances before the test */
};

static char bin[4096];

static char *slurp(const char *path)
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

/* 0 when this machine can run these tests: root, tracefs, the built tool. */
static int check_machine(void)
{
	const char *build = getenv("KVMRT_BUILD_ROOT");

	if (geteuid() != 0 || access(T "/instances", W_OK) < 0 || !build)
		return -1;
	snprintf(bin, sizeof(bin), "%s/collect/xtrace-run", build);
	return access(bin, X_OK);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-xtrace-run-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	for (size_t i = 0; i < sizeof(watched) / sizeof(watched[0]); i++)
		f->before[i] = slurp(watched[i]);
	f->instances = list_instances();
	*state = f;
	return 0;
}

/* Fails the test when tracefs is not exactly as it was before it. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *cmd = NULL, *instances = list_instances();

	for (size_t i = 0; i < sizeof(watched) / sizeof(watched[0]); i++) {
		_cleanup_free_ char *after = slurp(watched[i]);

		if (strcmp(after, f->before[i]))
			fail_msg("%s changed: '%s' -> '%s'", watched[i], f->before[i], after);
		free(f->before[i]);
	}
	if (strcmp(instances, f->instances))
		fail_msg("instances changed: '%s' -> '%s'", f->instances, instances);
	free(f->instances);
	assert_true(asprintf(&cmd, "rm -rf %s", f->dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Starts xtrace-run with @args (NULL-terminated), its stderr into DIR/stderr. */
static pid_t start(struct fixture *f, const char *const *args)
{
	char *argv[64];
	char err[128];
	unsigned n = 0;
	pid_t pid;

	argv[n++] = bin;
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
		execv(bin, argv);
		_exit(98);
	}
	return pid;
}

static int finish(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static int run(struct fixture *f, const char *const *args)
{
	return finish(start(f, args));
}

static char *stderr_text(struct fixture *f)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/stderr", f->dir);
	return slurp(path);
}

/* Waits for @path to exist (the recorded command announces itself so). */
static void wait_for_file(const char *path)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int ms = 0; access(path, F_OK) < 0; ms += 10) {
		if (ms > WAIT_LIMIT_MS)
			fail_msg("%s never appeared", path);
		nanosleep(&tick, NULL);
	}
}

static long read_pid(const char *path)
{
	_cleanup_free_ char *text = slurp(path);

	return strtol(text, NULL, 10);
}

struct scan {
	struct tep_handle *tep;
	long pid;           /* the recorded shell */
	unsigned damage;    /* diagnostics other than lost events */
	uint64_t events;
	uint64_t shell_switch, shell_syscalls;
	uint64_t markers; /* ftrace:print records holding "xtrace-test-marker" */
	uint64_t first_tod, last_tod;
};

static void on_diag(const struct xt_diag *d, void *userdata)
{
	struct scan *s = userdata;

	if (d->kind != XT_DIAG_LOST_EVENTS) {
		fprintf(stderr, "damage: %s cpu %u offset %llu: %s\n", d->path, d->cpu,
			(unsigned long long)d->offset, d->detail);
		s->damage++;
	}
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
	if (!strcmp(te->system, "ftrace") && !strcmp(te->name, "print") &&
	    memmem(ev->data, ev->size, "xtrace-test-marker", 18))
		s->markers++;
	if (tep_data_pid(s->tep, &rec) != s->pid)
		return;
	if (!strcmp(te->system, "sched") && !strcmp(te->name, "sched_switch"))
		s->shell_switch++;
	if (!strcmp(te->system, "raw_syscalls"))
		s->shell_syscalls++;
}

/* Reads every CPU of the dump at @path; fails on damage. */
static void scan_dump(const char *path, long pid, struct scan *s, struct xt_dump **ret)
{
	struct xt_dump *d = NULL;

	memset(s, 0, sizeof(*s));
	s->pid = pid;
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

static uint64_t meta_u64(struct xt_dump *d, const char *key)
{
	const char *v = xt_dump_meta(d, key);

	assert_non_null(v);
	return strtoull(v, NULL, 10);
}

/* Events lie on TOD between the start and the end of the recording. */
static void assert_placed(struct xt_dump *d, const struct scan *s)
{
	const uint64_t slack = 1000000000ull; /* clocks read a little apart */
	const char *why = NULL;

	assert_true(xt_clock_placeable(xt_dump_clock(d), &why));
	assert_true(s->events > 0);
	assert_true(s->first_tod + slack >= meta_u64(d, "start_tod"));
	assert_true(s->last_tod <= meta_u64(d, "end_tod") + slack);
}

/* What a user sees: xtrace-view's lines of the shell's pid hold its switches and syscalls. */
static void assert_view_shows_shell(const char *dump, long pid)
{
	char *argv[] = { "view/xtrace-view", "--fields", "pid,event,arg", (char *)dump, NULL };
	struct test_output o;
	char line_switch[64], line_syscall[64];

	assert_int_equal(test_exec(argv, &o), 0);
	assert_int_equal(o.status, 0);
	snprintf(line_switch, sizeof(line_switch), "\n%ld SCHED_SWITCH [", pid);
	snprintf(line_syscall, sizeof(line_syscall), "\n%ld SYSCALL_ENTER [", pid);
	if (!strstr(o.out, line_switch) || !strstr(o.out, line_syscall))
		fail_msg("xtrace-view shows no SCHED_SWITCH or SYSCALL_ENTER of pid %ld", pid);
	test_output_free(&o);
}

static void test_record_shell(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL, *pidfile = NULL, *script = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	struct scan s;

	assert_true(asprintf(&out, "%s/dump", f->dir) > 0);
	assert_true(asprintf(&pidfile, "%s/pid", f->dir) > 0);
	/* A marker written to the top-level trace_marker, as applications do. */
	assert_true(asprintf(&script, "echo $$ > %s; for i in $(seq 1000); do :; done; "
			     "echo xtrace-test-marker > " T "/trace_marker; sleep 0.2", pidfile) > 0);
	assert_int_equal(run(f, (const char *[]){ "-o", out, "--", "sh", "-c", script, NULL }), 0);

	scan_dump(out, read_pid(pidfile), &s, &d);
	assert_true(s.shell_switch > 0);
	assert_true(s.shell_syscalls > 0);
	assert_int_equal(s.markers, 1);
	assert_string_equal(xt_dump_meta(d, XT_META_TRACE_CLOCK), "tai");
	assert_non_null(xt_dump_meta(d, XT_META_TAI_OFFSET));
	assert_string_equal(xt_dump_meta(d, XT_META_STATUS), "complete");
	assert_string_equal(xt_dump_meta(d, "mode"), "stream");
	assert_non_null(strstr(xt_dump_meta(d, "events"), "sched:sched_switch"));
	assert_non_null(xt_dump_meta(d, "cpu0.lost"));
	assert_placed(d, &s);
	assert_view_shows_shell(out, read_pid(pidfile));
}

static void test_exit_status(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL;

	assert_true(asprintf(&out, "%s/dump", f->dir) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "-o", out, "sh", "-c", "exit 7", NULL }),
			 7);
	assert_int_equal(run(f, (const char *[]){ "-q", "--force", "-o", out, "sh", "-c",
						  "kill -TERM $$", NULL }),
			 128 + SIGTERM);
	assert_int_equal(run(f, (const char *[]){ "-q", "--force", "-o", out,
						  "/nonexistent/command", NULL }),
			 127);
}

/* SIGINT to xtrace-run while the command sleeps: both stop, the dump is whole. */
static void test_interrupt(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL, *pidfile = NULL, *script = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	struct scan s;
	pid_t pid;

	assert_true(asprintf(&out, "%s/dump", f->dir) > 0);
	assert_true(asprintf(&pidfile, "%s/pid", f->dir) > 0);
	assert_true(asprintf(&script, "echo $$ > %s; exec sleep 5", pidfile) > 0);
	pid = start(f, (const char *[]){ "-q", "-o", out, "sh", "-c", script, NULL });
	wait_for_file(pidfile);
	assert_int_equal(kill(pid, SIGINT), 0);
	assert_int_equal(finish(pid), 128 + SIGINT);

	scan_dump(out, read_pid(pidfile), &s, &d);
	assert_string_equal(xt_dump_meta(d, XT_META_STATUS), "complete");
	assert_true(s.events > 0);
}

/* Ctrl-C on a terminal reaches xtrace-run and the command at once: it waits, then stops. */
static void test_terminal_ctrl_c(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL, *pidfile = NULL, *script = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	_cleanup_close_ int master = -1;
	struct scan s;
	pid_t pid;

	assert_true(asprintf(&out, "%s/dump", f->dir) > 0);
	assert_true(asprintf(&pidfile, "%s/pid", f->dir) > 0);
	assert_true(asprintf(&script, "echo $$ > %s; exec sleep 5", pidfile) > 0);
	pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(bin, bin, "-q", "-o", out, "sh", "-c", script, (char *)NULL);
		_exit(98);
	}
	wait_for_file(pidfile);
	assert_int_equal(write(master, "\x03", 1), 1);
	assert_int_equal(finish(pid), 128 + SIGINT);
	scan_dump(out, read_pid(pidfile), &s, &d);
	assert_string_equal(xt_dump_meta(d, XT_META_STATUS), "complete");
}

static void test_stale_instance(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL, *stale = NULL, *live = NULL;
	const char *other = T "/instances/" XC_INSTANCE_PREFIX "0x12";
	bool kept, stale_left;
	pid_t dead = fork();
	int r;

	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(finish(dead), 0);
	/* What a SIGKILLed recording with that pid leaves behind. */
	assert_true(asprintf(&stale, T "/instances/" XC_INSTANCE_PREFIX "%d", (int)dead) > 0);
	assert_int_equal(mkdir(stale, 0755), 0);
	/* Instances of running sessions and names not ours stay. */
	assert_true(asprintf(&live, T "/instances/" XC_INSTANCE_PREFIX "%d", (int)getpid()) > 0);
	assert_int_equal(mkdir(live, 0755), 0);
	assert_int_equal(mkdir(other, 0755), 0);
	assert_true(asprintf(&out, "%s/dump", f->dir) > 0);
	r = run(f, (const char *[]){ "-q", "-o", out, "true", NULL });
	kept = access(live, F_OK) == 0 && access(other, F_OK) == 0;
	stale_left = access(stale, F_OK) == 0;
	rmdir(stale);
	rmdir(live);
	rmdir(other);
	assert_int_equal(r, 0);
	assert_false(stale_left);
	assert_true(kept);
}

/* Clocks other than tai carry anchors that place them on time of day. */
static void record_with_clock(struct fixture *f, const char *clock, const char *trace_clock)
{
	_cleanup_free_ char *out = NULL, *anchors = NULL, *anchors_path = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	struct scan s;

	assert_true(asprintf(&out, "%s/dump-%s", f->dir, clock) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "-t", clock, "-o", out, "sh", "-c",
						  "sleep 0.1", NULL }),
			 0);
	scan_dump(out, 0, &s, &d);
	assert_string_equal(xt_dump_meta(d, XT_META_TRACE_CLOCK), trace_clock);
	assert_null(xt_dump_meta(d, XT_META_TAI_OFFSET));
	assert_true(asprintf(&anchors_path, "%s/anchors", out) > 0);
	anchors = slurp(anchors_path);
	/* At least the start and end markers. */
	assert_true(strchr(anchors, '\n') && strchr(strchr(anchors, '\n') + 1, '\n'));
	assert_placed(d, &s);
}

static void test_clock_mono(void **state)
{
	record_with_clock(*state, "mono", "mono");
}

static void test_clock_local(void **state)
{
	record_with_clock(*state, "local", "local");
}

static void test_refuse_non_empty(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL, *mine = NULL, *err = NULL;

	assert_true(asprintf(&out, "%s/dump", f->dir) > 0);
	assert_true(asprintf(&mine, "%s/dump/notes.txt", f->dir) > 0);
	assert_int_equal(mkdir(out, 0755), 0);
	close(open(mine, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	assert_int_equal(run(f, (const char *[]){ "-o", out, "true", NULL }), 1);
	err = stderr_text(f);
	assert_non_null(strstr(err, out));
	assert_non_null(strstr(err, "--force"));
	/* Nothing of the user's is touched, not even with --force. */
	assert_int_equal(access(mine, F_OK), 0);
	assert_int_equal(run(f, (const char *[]){ "--force", "-o", out, "true", NULL }), 1);
	assert_int_equal(access(mine, F_OK), 0);
	/* An earlier dump is replaced with --force, refused without. */
	unlink(mine);
	assert_int_equal(run(f, (const char *[]){ "-q", "-o", out, "true", NULL }), 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "-o", out, "true", NULL }), 1);
	assert_int_equal(run(f, (const char *[]){ "-q", "--force", "-o", out, "true", NULL }), 0);
}

static void test_unknown_event(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL, *err = NULL;

	assert_true(asprintf(&out, "%s/dump", f->dir) > 0);
	assert_int_equal(run(f, (const char *[]){ "-e", "nosuch:event", "-o", out, "true", NULL }),
			 1);
	err = stderr_text(f);
	assert_non_null(strstr(err, "nosuch:event"));
	assert_non_null(strstr(err, "available_events"));
	assert_int_equal(access(out, F_OK), -1);
	/* A known system is accepted and recorded. */
	assert_int_equal(run(f, (const char *[]){ "-q", "-e", "sched:sched_waking", "-o", out,
						  "true", NULL }),
			 0);
}

/* What the command sees: its environment, and the instance set up as asked. */
static void test_instance_settings(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL, *seen_path = NULL, *script = NULL, *seen = NULL;
	_cleanup_free_ char *expect = NULL;
	unsigned long kb;

	assert_true(asprintf(&out, "%s/dump", f->dir) > 0);
	assert_true(asprintf(&seen_path, "%s/seen", f->dir) > 0);
	assert_true(asprintf(&script,
			     "i=" T "/instances/" XC_INSTANCE_PREFIX "$XTRACE_SESSION; "
			     "{ echo $XTRACE_OUTPUT; cat $i/buffer_size_kb $i/trace_clock "
			     "$i/events/sched/sched_waking/enable $i/options/copy_trace_marker "
			     "$i/tracing_on; } > %s", seen_path) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "-b", "2048", "-t", "mono", "-e",
						  "sched:sched_waking", "-o", out, "sh", "-c",
						  script, NULL }),
			 0);
	seen = slurp(seen_path);
	assert_true(asprintf(&expect, "%s\n", out) > 0);
	assert_memory_equal(seen, expect, strlen(expect));
	/* The kernel rounds the size up to whole pages. */
	kb = strtoul(seen + strlen(expect), NULL, 10);
	assert_true(kb >= 2048 && kb < 2048 + 64);
	assert_non_null(strstr(seen, "[mono]"));
	/* sched_waking enabled, markers copied, tracing on. */
	assert_true(strlen(seen) > 6);
	assert_string_equal(seen + strlen(seen) - 6, "1\n1\n1\n");
}

/* Runs @script with sh in a private mount namespace; returns its exit status. */
static int run_unshared(struct fixture *f, const char *script)
{
	_cleanup_free_ char *cmd = NULL;
	int status;

	assert_true(asprintf(&cmd, "unshare -m sh -c '%s' 2>%s/stderr", script, f->dir) > 0);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Where tracefs is not mounted (a fresh namespace), xtrace-run mounts it. */
static void test_mounts_tracefs(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *script = NULL, *err = NULL;

	assert_true(asprintf(&script, "umount " T " && exec %s -v -o %s/dump true", bin,
			     f->dir) > 0);
	assert_int_equal(run_unshared(f, script), 0);
	err = stderr_text(f);
	assert_non_null(strstr(err, "mounted tracefs on " T));
}

/* When it cannot mount it, one line says so and what to do. */
static void test_mount_refused(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *script = NULL, *err = NULL, *out = NULL;

	assert_true(asprintf(&out, "%s/dump", f->dir) > 0);
	assert_true(asprintf(&script, "mount -t tmpfs none " T " && exec setpriv "
			     "--bounding-set -sys_admin %s -o %s true", bin, out) > 0);
	assert_int_equal(run_unshared(f, script), 1);
	err = stderr_text(f);
	assert_string_equal(err, "xtrace-run: " T ": not mounted and mount failed: Operation not "
			    "permitted; mount tracefs or run as root\n");
	assert_int_equal(access(out, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_record_shell, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminal_ctrl_c, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_instance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_mono, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_local, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_non_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_instance_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mounts_tracefs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mount_refused, setup, teardown),
	};

	if (check_machine() < 0) {
		fprintf(stderr, "skipped: needs root, a mounted tracefs and KVMRT_BUILD_ROOT\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
