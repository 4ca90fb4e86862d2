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
#include <unistd.h>

#include <cmocka.h>
#include <pty.h>

#include "cleanup.h"
#include "test-exec.h"
#include "xcollect.h"
#include "xrun-harness.h"

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
	struct scan s = { .marker = f->marker };

	assert_true(asprintf(&out, "%s/dump", f->dir) > 0);
	assert_true(asprintf(&pidfile, "%s/pid", f->dir) > 0);
	/* A marker written to the top-level trace_marker, as applications do. */
	assert_true(asprintf(&script, "echo $$ > %s; for i in $(seq 1000); do :; done; "
			     "echo %s > " T "/trace_marker; sleep 0.2", pidfile, f->marker) > 0);
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
	struct scan s = { .marker = f->marker };
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
	struct scan s = { .marker = f->marker };
	pid_t pid;

	assert_true(asprintf(&out, "%s/dump", f->dir) > 0);
	assert_true(asprintf(&pidfile, "%s/pid", f->dir) > 0);
	assert_true(asprintf(&script, "echo $$ > %s; exec sleep 5", pidfile) > 0);
	pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(xrun_bin, xrun_bin, "-q", "-o", out, "sh", "-c", script, (char *)NULL);
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
	struct scan s = { .marker = f->marker };

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

static void test_clock_tsc(void **state)
{
	record_with_clock(*state, "tsc", "x86-tsc");
}

static void test_clock_boot(void **state)
{
	record_with_clock(*state, "boot", "boot");
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

	assert_true(asprintf(&script, "umount " T " && exec %s -v -o %s/dump true", xrun_bin,
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
			     "--bounding-set -sys_admin %s -o %s true", xrun_bin, out) > 0);
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
		cmocka_unit_test_setup_teardown(test_clock_tsc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_boot, setup, teardown),
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
