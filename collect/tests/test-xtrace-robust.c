/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-xtrace-robust.c - xtrace-run under abuse (suite root, run alone: it
 * leaves stale instances on purpose): SIGKILLed at random instants under a
 * syscall storm, its dumps still read back whole up to a reported torn tail
 * and the next run removes what it left; a full file system stops it with a
 * clear error and what was written stays readable; SIGINT, SIGTERM and
 * SIGHUP stop it cleanly.
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
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-exec.h"
#include "xcollect.h"
#include "xrun-harness.h"

#define KILLS 10
#define STORMS 2

/* Two "dd bs=1" syscall storms, killed by pid at the end. */
static void storm_start(pid_t *pids)
{
	for (int i = 0; i < STORMS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			execlp("dd", "dd", "if=/dev/zero", "of=/dev/null", "bs=1", (char *)NULL);
			_exit(98);
		}
	}
}

static void storm_stop(const pid_t *pids)
{
	for (int i = 0; i < STORMS; i++) {
		kill(pids[i], SIGKILL);
		finish(pids[i]);
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A dump of a killed recorder: every complete frame reads; xtrace-view names the torn tail. */
static void check_killed_dump(const char *out)
{
	char *argv[] = { "view/xtrace-view", (char *)out, NULL };
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	struct scan s = { .allow_torn = true };
	struct test_output o;

	scan_dump(out, 0, &s, &d);
	assert_string_equal(xt_dump_meta(d, XT_META_STATUS), "recording");
	assert_true(s.torn <= xt_dump_cpu_count(d));
	assert_int_equal(test_exec(argv, &o), 0);
	assert_int_equal(o.status, 0);
	if (s.torn > 0 && !strstr(o.err, "torn tail"))
		fail_msg("%s: %u torn tail(s) not reported by xtrace-view: '%s'", out, s.torn, o.err);
	test_output_free(&o);
}

static void test_sigkill(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *pidfile = scratch(f, "pid"), *script = NULL;
	_cleanup_free_ char *last = scratch(f, "last");
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	pid_t storm[STORMS], killed[KILLS];

	fprintf(stderr, "seed %u\n", seed);
	srand(seed);
	assert_true(asprintf(&script, "echo $$ > %s; exec sleep 60", pidfile) > 0);
	storm_start(storm);
	for (int i = 0; i < KILLS; i++) {
		char name[16];
		_cleanup_free_ char *out = NULL;

		snprintf(name, sizeof(name), "dump%d", i);
		out = scratch(f, name);
		unlink(pidfile);
		killed[i] = start(f, (const char *[]){ "-q", "-o", out, "sh", "-c", script, NULL });
		wait_for_file(pidfile);
		sleep_ms(50 + rand() % 1500);
		kill(killed[i], SIGKILL);
		assert_int_equal(finish(killed[i]), 128 + SIGKILL);
		kill(read_pid(pidfile), SIGKILL);
		check_killed_dump(out);
	}
	storm_stop(storm);
	/* The next run removes the last one's instance and socket (each run removed the one before). */
	assert_int_equal(run(f, (const char *[]){ "-v", "-o", last, "true", NULL }), 0);
	/* (Another run on this machine may have removed it first: then none is left either.) */
	for (int i = 0; i < KILLS; i++) {
		char inst[128], sock[64];

		snprintf(inst, sizeof(inst), T "/instances/" XC_INSTANCE_PREFIX "%d", (int)killed[i]);
		snprintf(sock, sizeof(sock), XC_CONTROL_DIR "/%d.sock", (int)killed[i]);
		assert_int_equal(access(inst, F_OK), -1);
		assert_int_equal(access(sock, F_OK), -1);
	}
}

/* A full file system: one clear error, exit 1, the dump written so far reads back. */
static void test_enospc(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *mnt = scratch(f, "small"), *out = NULL, *err = NULL;
	_cleanup_free_ char *copy = NULL, *cmd = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	struct scan s = { .allow_torn = true };
	int r, copied;

	assert_int_equal(mkdir(mnt, 0700), 0);
	assert_int_equal(mount("none", mnt, "tmpfs", 0, "size=512k"), 0);
	assert_true(asprintf(&out, "%s/dump", mnt) > 0);
	r = run(f, (const char *[]){ "-q", "-o", out, "sh", "-c",
				     "dd if=/dev/zero of=/dev/null bs=1 count=400000 2>/dev/null",
				     NULL });
	/* Read from a copy: the file system goes before anything can fail. */
	copy = scratch(f, "copy");
	assert_true(asprintf(&cmd, "cp -a %s %s", out, copy) > 0);
	copied = system(cmd);
	assert_int_equal(umount(mnt), 0);
	assert_int_equal(copied, 0);
	assert_int_equal(r, 1);
	err = stderr_text(f);
	assert_non_null(strstr(err, "No space left on device"));
	scan_dump(copy, 0, &s, &d);
	assert_true(s.events > 0);
}

/* SIGINT, SIGTERM, SIGHUP from another process: the command gets it, the dump completes. */
static void test_stop_signals(void **state)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct fixture *f = *state;
	_cleanup_free_ char *pidfile = scratch(f, "pid"), *script = NULL;

	assert_true(asprintf(&script, "echo $$ > %s; exec sleep 60", pidfile) > 0);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
		_cleanup_free_ char *out = NULL;
		char name[16];
		pid_t pid;

		snprintf(name, sizeof(name), "dump%zu", i);
		out = scratch(f, name);
		unlink(pidfile);
		pid = start(f, (const char *[]){ "-q", "-m", "overwrite", "-o", out, "sh", "-c",
						 script, NULL });
		wait_for_file(pidfile);
		assert_int_equal(kill(pid, sigs[i]), 0);
		assert_int_equal(finish(pid), 128 + sigs[i]);
		assert_int_equal(xt_dump_open(out, &d), 0);
		assert_string_equal(xt_dump_meta(d, XT_META_STATUS), "complete");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sigkill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enospc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_signals, setup, teardown),
	};

	if (check_machine() < 0) {
		fprintf(stderr, "skipped: needs root, a mounted tracefs and KVMRT_BUILD_ROOT\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
