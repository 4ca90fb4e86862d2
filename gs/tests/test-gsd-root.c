/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-gsd-root.c - a guest's flush request reaches a running xtrace-run
 * session and it flushes (suite root): the built kvmrt-gsd replays the
 * fixture host dump (one KVMRT_GS flush from vm1, scope VM) while a real
 * xtrace-run records; the dump's flush log shows the flush, of the VM's
 * host CPU only. Also: the live daemon
 * creates its filtered tracefs instance and removes it on SIGTERM.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gs-test.h"
#include "gsd-run.h"
#include "test-exec.h"
#include "xtrace.h"

#define TRACEFS "/sys/kernel/tracing"
#define WAIT_LIMIT_MS 60000 /* only a hang takes this long */

static char *build_path(const char *rel)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", getenv("KVMRT_BUILD_ROOT"), rel) > 0);
	return p;
}

static void sleep_ms(unsigned ms)
{
	struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&t, NULL);
}

/* Waits until @path exists (true) or @present is false and it is gone. */
static void wait_path(const char *path, bool present)
{
	for (unsigned ms = 0; (access(path, F_OK) == 0) != present; ms += 10) {
		if (ms > WAIT_LIMIT_MS)
			fail_msg("%s never %s", path, present ? "appeared" : "went away");
		sleep_ms(10);
	}
}

static pid_t spawn(char *const argv[])
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int reap(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int setup(void **state)
{
	if (geteuid() != 0 || access(TRACEFS "/instances", W_OK) < 0)
		skip();
	return 0;
}

static void test_flush_reaches_session(void **state)
{
	char *dir = test_mkdtemp(), *dump = NULL, *sock = NULL, *session = NULL;
	char *run = build_path("collect/xtrace-run"), *ctl = build_path("collect/xtrace-ctl");
	char *gsd = build_path("gs/kvmrt-gsd"), *host = test_source_path("fixtures/dumps/host");
	struct xt_dump *d = NULL;
	struct test_output o = {0};
	pid_t rec;

	/* vCPU thread 4321 of the fixture runs on host CPU 1: its VM-scope flush covers that. */
	gs_test_write_text(dir, "proc/4321/status", "Name:\tCPU 0/KVM\nTgid:\t4300\n");
	gs_test_write_text(dir, "proc/4300/task/4321/status",
			   "Name:\tCPU 0/KVM\nTgid:\t4300\nCpus_allowed_list:\t1\n");
	assert_true(asprintf(&dump, "%s/rec", dir) > 0);
	{
		char *argv[] = {run, "-o", dump, "--", "/bin/sleep", "60", NULL};

		rec = spawn(argv);
	}
	assert_true(asprintf(&sock, GSD_CONTROL_DIR "/%d.sock", (int)rec) > 0);
	assert_true(asprintf(&session, "%d", (int)rec) > 0);
	wait_path(sock, true);
	{
		char *argv[] = {gsd, "--replay", host, "--session", session, "--xtrace-ctl",
				ctl, "--proc-root", dir, "-o", "-", NULL};

		assert_int_equal(test_exec(argv, &o), 0);
		assert_int_equal(o.status, 0);
		test_output_free(&o);
	}
	{
		char *argv[] = {ctl, "--session", session, "stop", NULL};

		assert_int_equal(test_exec(argv, &o), 0);
		test_output_free(&o);
	}
	reap(rec);
	assert_int_equal(xt_dump_open(dump, &d), 0);
	assert_non_null(xt_dump_meta(d, "flush_count"));
	assert_true(strtoul(xt_dump_meta(d, "flush_count"), NULL, 10) >= 1);
	assert_non_null(strstr(xt_dump_meta(d, "flush.0"), " xtrace-ctl events="));
	assert_string_equal(strstr(xt_dump_meta(d, "flush.0"), " cpus="), " cpus=1");
	xt_dump_free(d);
	test_rm_rf(dir);
	free(dir);
	free(dump);
	free(sock);
	free(session);
	free(run);
	free(ctl);
	free(gsd);
	free(host);
}

/* The live daemon: its instance, filtered, exists while it runs and goes at SIGTERM. */
static void test_live_instance(void **state)
{
	char *gsd = build_path("gs/kvmrt-gsd");
	char *argv[] = {gsd, "-o", "/dev/null", NULL};
	const char *filter = TRACEFS "/instances/" GSD_INSTANCE "/events/kvm/kvm_hypercall/filter";
	char text[256] = "";
	FILE *f;
	pid_t pid;

	if (access(TRACEFS "/instances/" GSD_INSTANCE, F_OK) == 0)
		skip(); /* a real kvmrt-gsd runs here: not ours to stop */
	pid = spawn(argv);
	wait_path(filter, true);
	/* the filter is written just after the instance appears */
	for (unsigned ms = 0; !strstr(text, "0x4b525401") && ms < WAIT_LIMIT_MS; ms += 10) {
		f = fopen(filter, "re");
		if (f && !fgets(text, sizeof(text), f))
			text[0] = '\0';
		if (f)
			fclose(f);
		sleep_ms(10);
	}
	assert_non_null(strstr(text, "0x4b525401"));
	kill(pid, SIGTERM);
	assert_int_equal(reap(pid), 0);
	assert_int_equal(access(TRACEFS "/instances/" GSD_INSTANCE, F_OK), -1);
	free(gsd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_flush_reaches_session, setup),
	    cmocka_unit_test_setup(test_live_instance, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
