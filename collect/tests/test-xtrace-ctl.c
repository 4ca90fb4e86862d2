/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-xtrace-ctl.c - xtrace-ctl against real recordings (suite root, run
 * alone: it counts the running sessions): each command inside and outside
 * the recorded command, session choice, errors, cleanup after a kill, the
 * control socket's permissions, the guest-flush trigger of an instance and
 * what follows when its tracing_on goes 0.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-exec.h"
#include "xcollect.h"
#include "xrun-harness.h"

#define INSTANCE T "/instances/" XC_INSTANCE_PREFIX "$XTRACE_SESSION"

/* Runs xtrace-ctl with @args (NULL-terminated) outside any recording. */
static void ctl(struct test_output *o, const char *const *args)
{
	char *argv[16] = { xctl_bin };
	unsigned n = 1;

	while (*args && n < 15)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	unsetenv("XTRACE_SESSION");
	assert_int_equal(test_exec(argv, o), 0);
}

/* Inside COMMAND: the session comes from the environment; each command does what it says. */
static void test_inside(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *seen = scratch(f, "seen");
	_cleanup_free_ char *script = NULL, *text = NULL, *expect = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;

	assert_true(asprintf(&script, "{ X=%s; $X status; $X pause; cat " INSTANCE "/tracing_on; "
			     "$X status; $X resume; cat " INSTANCE "/tracing_on; $X flush; } > %s",
			     xctl_bin, seen) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "-t", "mono", "-o", out, "sh", "-c",
						  script, NULL }),
			 0);
	text = slurp(seen);
	assert_true(asprintf(&expect, " output=%s mode=stream clock=mono state=recording events=",
			     out) > 0);
	assert_non_null(strstr(text, expect));
	assert_non_null(strstr(text, ": paused\n0\n"));
	assert_non_null(strstr(text, " state=paused "));
	assert_non_null(strstr(text, ": resumed\n1\n"));
	assert_non_null(strstr(text, ": flushed "));
	assert_int_equal(xt_dump_open(out, &d), 0);
	assert_int_equal(meta_u64(d, "flush_count"), 1);
}

static pid_t session_of(struct fixture *f, const char *const *args, const char *pidfile)
{
	pid_t pid = start(f, args);
	char sock[64];

	wait_for_file(pidfile);
	snprintf(sock, sizeof(sock), XC_CONTROL_DIR "/%d.sock", (int)pid);
	wait_for_file(sock);
	return pid;
}

/* Running sessions: other test runs on this machine may record beside ours. */
static int sessions_now(void)
{
	_cleanup_free_ pid_t *pids = NULL;
	int n = xc_control_sessions(&pids);

	assert_true(n >= 0);
	return n;
}

/*
 * Outside: the only running session (named with --session when other runs
 * record too); "flush stop" in order; status lists them.
 */
static void test_outside(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *pidfile = scratch(f, "pid");
	_cleanup_free_ char *script = NULL, *expect = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	struct test_output o;
	char session[16];
	struct stat st;
	bool alone;
	pid_t pid;

	assert_true(asprintf(&script, "echo $$ > %s; exec sleep 60", pidfile) > 0);
	pid = session_of(f, (const char *[]){ "-q", "-m", "overwrite", "-o", out, "sh", "-c",
					      script, NULL }, pidfile);
	snprintf(session, sizeof(session), "%d", (int)pid);
	alone = sessions_now() == 1;
	/* Root's alone. */
	assert_int_equal(stat(XC_CONTROL_DIR, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	ctl(&o, (const char *[]){ "status", NULL });
	assert_int_equal(o.status, 0);
	assert_true(asprintf(&expect, "session=%d output=%s mode=overwrite clock=tai "
			     "state=recording events=0 lost=", (int)pid, out) > 0);
	assert_non_null(strstr(o.out, expect));
	test_output_free(&o);
	if (alone)
		ctl(&o, (const char *[]){ "flush", "stop", NULL });
	else
		ctl(&o, (const char *[]){ "--session", session, "flush", "stop", NULL });
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, ": flushed "));
	assert_non_null(strstr(o.out, ": stopping\n"));
	test_output_free(&o);
	/* Stopped on request: not a failure. */
	assert_int_equal(finish(pid), 0);
	assert_int_equal(xt_dump_open(out, &d), 0);
	assert_string_equal(xt_dump_meta(d, XT_META_STATUS), "complete");
	assert_int_equal(meta_u64(d, "flush_count"), 1);
	ctl(&o, (const char *[]){ "status", NULL });
	if (alone)
		assert_string_equal(o.out, "no recording\n");
	assert_null(strstr(o.out, expect));
	test_output_free(&o);
}

static void assert_ctl_fails(const char *const *args, int status, const char *message)
{
	struct test_output o;

	ctl(&o, args);
	assert_int_equal(o.status, status);
	if (!strstr(o.err, message))
		fail_msg("expected '%s' in '%s'", message, o.err);
	test_output_free(&o);
}

static void test_errors(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *pidfile = scratch(f, "pid"), *out1 = scratch(f, "d1");
	_cleanup_free_ char *out2 = scratch(f, "d2"), *script = NULL, *choose = NULL;
	pid_t a, b;

	if (sessions_now() == 0)
		assert_ctl_fails((const char *[]){ "flush", NULL }, 1, "no xtrace-run is recording");
	assert_ctl_fails((const char *[]){ "--session", "1", "flush", NULL }, 1,
			 "session 1: not running");
	assert_ctl_fails((const char *[]){ "--session", "x1", "flush", NULL }, 1,
			 "--session 'x1': expected the PID");
	assert_ctl_fails((const char *[]){ "flush", "bogus", NULL }, 2, "'bogus': unknown command");
	assert_ctl_fails((const char *[]){ NULL }, 2, "no command");
	/* Two sessions: the choice is the user's. */
	assert_true(asprintf(&script, "echo $$ > %s; exec sleep 60", pidfile) > 0);
	a = session_of(f, (const char *[]){ "-q", "-o", out1, "sh", "-c", script, NULL }, pidfile);
	unlink(pidfile);
	b = session_of(f, (const char *[]){ "-q", "-o", out2, "sh", "-c", script, NULL }, pidfile);
	assert_true(asprintf(&choose, "2 recordings run (first: %d); choose one with --session",
			     (int)(a < b ? a : b)) > 0);
	assert_ctl_fails((const char *[]){ "stop", NULL }, 1,
			 sessions_now() == 2 ? choose : "); choose one with --session PID");
	kill(a, SIGTERM);
	kill(b, SIGTERM);
	assert_int_equal(finish(a), 128 + SIGTERM);
	assert_int_equal(finish(b), 128 + SIGTERM);
}

/* A SIGKILLed recording leaves its instance and socket: cleanup removes both. */
static void test_cleanup(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *pidfile = scratch(f, "pid");
	_cleanup_free_ char *script = NULL, *inst = NULL, *sock = NULL;
	struct test_output o;
	pid_t pid;

	assert_true(asprintf(&script, "echo $$ > %s; exec sleep 60", pidfile) > 0);
	pid = session_of(f, (const char *[]){ "-q", "-o", out, "sh", "-c", script, NULL },
			 pidfile);
	assert_true(asprintf(&inst, T "/instances/" XC_INSTANCE_PREFIX "%d", (int)pid) > 0);
	assert_true(asprintf(&sock, XC_CONTROL_DIR "/%d.sock", (int)pid) > 0);
	kill(pid, SIGKILL);
	assert_int_equal(finish(pid), 128 + SIGKILL);
	kill(read_pid(pidfile), SIGKILL);
	assert_int_equal(access(inst, F_OK), 0);
	assert_int_equal(access(sock, F_OK), 0);
	ctl(&o, (const char *[]){ "cleanup", NULL });
	assert_int_equal(o.status, 0);
	/* Other runs may have left some too, or removed ours first: ours are gone. */
	assert_non_null(strstr(o.out, "removed "));
	test_output_free(&o);
	assert_int_equal(access(inst, F_OK), -1);
	assert_int_equal(access(sock, F_OK), -1);
}

/*
 * In its own instance: the guest-flush trigger is armed; tracing_on 0 there
 * (as the trigger does) is flushed and re-armed, or with --stop-on-trigger
 * ends the recording.
 */
static void test_trigger(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *seen = scratch(f, "seen");
	_cleanup_free_ char *script = NULL, *text = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL, *d2 = NULL;

	if (access(T "/events/kvm/kvm_hypercall", F_OK) < 0)
		skip();
	assert_true(asprintf(&script, "cat " INSTANCE "/events/kvm/kvm_hypercall/trigger > %s; "
			     "echo 0 > " INSTANCE "/tracing_on; for i in $(seq 100); do "
			     "[ $(cat " INSTANCE "/tracing_on) = 1 ] && break; sleep 0.05; done; "
			     "cat " INSTANCE "/tracing_on >> %s", seen, seen) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "-m", "overwrite", "-o", out, "sh", "-c",
						  script, NULL }),
			 0);
	text = slurp(seen);
	/* The kernel shows it as "traceoff:unlimited if nr == ...". */
	assert_non_null(strstr(text, "traceoff"));
	assert_non_null(strstr(text, "if nr == 0x4b525402"));
	assert_string_equal(text + strlen(text) - 2, "1\n");
	assert_int_equal(xt_dump_open(out, &d), 0);
	assert_non_null(strstr(xt_dump_meta(d, "flush.0"), " tracing_on=0,rearmed events="));
	assert_string_equal(xt_dump_meta(d, "gs_flush_trigger_removed"), "yes");

	/* --stop-on-trigger: the recording ends, the command is stopped, exit 0. */
	free(script);
	assert_true(asprintf(&script, "echo 0 > " INSTANCE "/tracing_on; exec sleep 60") > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "--force", "--stop-on-trigger", "-o", out,
						  "sh", "-c", script, NULL }),
			 0);
	assert_int_equal(xt_dump_open(out, &d2), 0);
	assert_non_null(strstr(xt_dump_meta(d2, "flush.0"), " tracing_on=0,stop events="));
	assert_string_equal(xt_dump_meta(d2, XT_META_STATUS), "complete");
}

/*
 * flush --cpus 0 in @mode: CPU 0's data reaches its file at once, CPU 1's
 * stays buffered (its file empty: a 1 MiB frame is far off), tracing_cpumask
 * is as before, the flush log names the scope, and the end keeps both
 * CPUs' markers.
 */
static void flush_cpu0(struct fixture *f, const char *mode)
{
	_cleanup_free_ char *out = scratch(f, "dump"), *seen = scratch(f, "seen");
	_cleanup_free_ char *script = NULL, *text = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	struct scan s = { .marker = f->marker };
	unsigned long size0, size1;
	char mask_before[64], mask_after[64], reply[128];

	assert_true(asprintf(&script, "{ M=" INSTANCE "/tracing_cpumask; cat $M; "
			     "taskset -c 0 sh -c 'echo %s-0 > " T "/trace_marker'; "
			     "taskset -c 1 sh -c 'echo %s-1 > " T "/trace_marker'; "
			     "%s flush --cpus 0; cat $M; stat -c %%s %s/cpu0.xtd %s/cpu1.xtd; } > %s",
			     f->marker, f->marker, xctl_bin, out, out, seen) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "-m", mode, "--no-default", "-e",
						  "sched:sched_process_exec", "-b", "4096", "-o",
						  out, "sh", "-c", script, NULL }),
			 0);
	text = slurp(seen);
	assert_int_equal(sscanf(text, "%63s %127[^\n] %63s %lu %lu", mask_before, reply,
				mask_after, &size0, &size1), 5);
	assert_non_null(strstr(reply, " events (cpus 0)"));
	assert_string_equal(mask_before, mask_after);
	assert_true(size0 > 0);
	assert_int_equal(size1, 0);
	scan_dump(out, 0, &s, &d);
	assert_int_equal(s.markers, 2);
	assert_non_null(strstr(xt_dump_meta(d, "flush.0"), " xtrace-ctl events="));
	assert_string_equal(strstr(xt_dump_meta(d, "flush.0"), " cpus="), " cpus=0");
}

static void test_flush_cpus(void **state)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	flush_cpu0(*state, "stream");
}

static void test_flush_cpus_overwrite(void **state)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	flush_cpu0(*state, "overwrite");
}

/* Sends @line as it is (newline included) to session @pid; the reply line, to free. */
static char *raw_request(pid_t pid, const void *line, size_t len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char reply[XC_CONTROL_LINE_MAX + 64];
	ssize_t n, got = 0;

	assert_true(fd >= 0);
	snprintf(addr.sun_path, sizeof(addr.sun_path), XC_CONTROL_DIR "/%d.sock", (int)pid);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(send(fd, line, len, MSG_NOSIGNAL), (ssize_t)len);
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, reply + got, sizeof(reply) - 1 - got)) > 0)
		got += n;
	reply[got] = '\0';
	return strdup(reply);
}

#define ASSERT_REPLY(pid, line, expect)                                                      \
	do {                                                                                 \
		_cleanup_free_ char *r_ = raw_request(pid, line, sizeof(line) - 1);          \
		if (!strstr(r_, expect))                                                     \
			fail_msg("'%s': reply '%s' lacks '%s'", #line, r_, expect);          \
	} while (0)

/* Hostile lines on a live session's socket are refused with a reason; it records on. */
static void test_hostile_requests(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *pidfile = scratch(f, "pid");
	_cleanup_free_ char *script = NULL, *huge = malloc(4096);
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	pid_t pid;

	assert_true(asprintf(&script, "echo $$ > %s; exec sleep 60", pidfile) > 0);
	pid = session_of(f, (const char *[]){ "-q", "-o", out, "sh", "-c", script, NULL },
			 pidfile);
	ASSERT_REPLY(pid, "bogus\n", "error 'bogus': unknown request");
	ASSERT_REPLY(pid, "flush cpus=x\n", "error cpus=x: not a CPU list");
	ASSERT_REPLY(pid, "flush cpus=99999\n", "error cpus=99999: CPUs are numbered below");
	ASSERT_REPLY(pid, "stop now\n", "error stop takes no argument");
	ASSERT_REPLY(pid, "st\0op\n", "error byte 0x00 at offset 2");
	ASSERT_REPLY(pid, "status", "ok session="); /* no newline: the end of the stream ends it */
	memset(huge, 'a', 4096);
	{
		_cleanup_free_ char *r = raw_request(pid, huge, 4096);

		assert_non_null(strstr(r, "error request longer than 1023 bytes"));
	}
	ASSERT_REPLY(pid, "flush cpus=0\nstop\n", "ok flushed "); /* one request per connection */
	ASSERT_REPLY(pid, "stop\n", "ok stopping");
	assert_int_equal(finish(pid), 0);
	assert_int_equal(xt_dump_open(out, &d), 0);
	assert_int_equal(meta_u64(d, "flush_count"), 1);
	assert_string_equal(strstr(xt_dump_meta(d, "flush.0"), " cpus="), " cpus=0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cleanup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trigger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_cpus_overwrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_requests, setup, teardown),
	};

	if (check_machine() < 0) {
		fprintf(stderr, "skipped: needs root, a mounted tracefs and KVMRT_BUILD_ROOT\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
