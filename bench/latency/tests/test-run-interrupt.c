/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-run-interrupt.c - Ctrl-C (suite e2e, run alone): a one-minute
 * campaign with --trace and --load hackbench on this host and on a
 * network-namespace guest "vm1" over a real sshd gets SIGINT once cyclictest
 * measures on both. kvmrt-latency must stop every system, still bring back
 * both JSON results and both recordings (merged), say "ended = interrupted",
 * and leave nothing behind: no work directory, no cyclictest, hackbench or
 * recorder of the campaign, tracefs as it was (the harness's teardown).
 */
#include <dirent.h>
#include <fcntl.h>
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

#include "cleanup.h"
#include "run-harness.h"

#define WORKDIR_LEN (sizeof("/tmp/kvmrt-latency.XXXXXX") - 1)

/* The work directory DIR/res/@system/command names ("cd '/tmp/kvmrt-latency.XXXXXX'"). */
static char *workdir(struct fixture *f, const char *system)
{
	_cleanup_free_ char *path = NULL, *cmd = NULL;
	const char *q;

	assert_true(asprintf(&path, "%s/res/%s/command", f->dir, system) > 0);
	wait_for_file(path);
	cmd = slurp(path);
	q = strstr(cmd, "cd '/tmp/kvmrt-latency.");
	assert_non_null(q);
	return strndup(q + 4, WORKDIR_LEN);
}

/* A process whose parent is @parent, named cyclictest, with measuring threads. */
static bool cyclictest_measures(long parent)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	bool found = false;

	assert_non_null(proc);
	while (!found && (e = readdir(proc))) {
		char path[300], name[64] = "";
		long ppid = 0, threads = 0;
		_cleanup_fclose_ FILE *st = NULL;
		char line[256];

		snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
		st = fopen(path, "re");
		if (!st)
			continue;
		while (fgets(line, sizeof(line), st)) {
			sscanf(line, "Name: %63s", name);
			sscanf(line, "PPid: %ld", &ppid);
			sscanf(line, "Threads: %ld", &threads);
		}
		found = ppid == parent && !strcmp(name, "cyclictest") && threads >= 2;
	}
	closedir(proc);
	return found;
}

/* Waits until cyclictest measures under the recorder of @work. */
static void wait_measuring(const char *work)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	_cleanup_free_ char *pidfile = NULL;
	long pid;

	assert_true(asprintf(&pidfile, "%s/pid", work) > 0);
	wait_for_file(pidfile);
	pid = read_pid(pidfile);
	for (int i = 0; !cyclictest_measures(pid); i++) {
		if (i > 3000)
			fail_msg("cyclictest never started under %ld", pid);
		nanosleep(&tick, NULL);
	}
}

static pid_t start_campaign(struct fixture *f)
{
	_cleanup_free_ char *err = scratch(f, "run.err"), *tool = NULL;
	char *argv[CAMPAIGN_MAX_ARGS];
	pid_t pid;

	campaign_argv(f, (const char *[]){ "-D", "60s", "--cpus", "1", "--trace", "--load",
					   "hackbench", NULL },
		      argv);
	assert_true(asprintf(&tool, "%s/%s", getenv("KVMRT_BUILD_ROOT"), argv[0]) > 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(99);
		execv(tool, argv);
		_exit(98);
	}
	campaign_argv_free(argv);
	return pid;
}

static void test_interrupt(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *host = NULL, *vm1 = NULL, *merged = scratch(f, "res/trace/merged");
	_cleanup_free_ char *err = NULL, *json = NULL;
	struct lat_kv_file c;
	pid_t runner = start_campaign(f);
	int status;

	host = workdir(f, "host");
	vm1 = workdir(f, "vm1");
	wait_measuring(host);
	wait_measuring(vm1);
	/* A terminal's Ctrl-C reaches kvmrt-latency only: its systems run in groups of their own. */
	assert_int_equal(kill(runner, SIGINT), 0);
	assert_int_equal(waitpid(runner, &status, 0), runner);
	err = scratch(f, "run.err");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		_cleanup_free_ char *text = slurp(err);

		fail_msg("kvmrt-latency ended with %d: %s", status, text);
	}
	read_kv(f, "campaign", &c);
	assert_string_equal(kv(&c, "ended"), "interrupted");
	lat_kv_file_done(&c);
	json = scratch(f, "res/host/cyclictest.json");
	assert_int_equal(access(json, F_OK), 0);
	free(json);
	json = scratch(f, "res/vm1/cyclictest.json");
	assert_int_equal(access(json, F_OK), 0);
	assert_int_equal(access(merged, F_OK), 0);
	/* Nothing left running or lying around on either system. */
	assert_int_equal(access(host, F_OK), -1);
	assert_int_equal(access(vm1, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_interrupt, guest_setup, guest_teardown),
	};

	if (check_e2e_machine() < 0 || system("command -v hackbench >/dev/null") != 0) {
		fprintf(stderr, "skipped: needs root, tracefs, sshd, cyclictest, hackbench and the "
			"built tools\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
