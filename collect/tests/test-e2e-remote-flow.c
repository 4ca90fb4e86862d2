/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-e2e-remote-flow.c - the guide's remote flow (SPEC X11) for real
 * (suite e2e, run alone): a network namespace with its own host name "vm1"
 * and a real sshd stands in for the guest (netns-sshd.sh), and the six steps
 * run as a user types them:
 *
 *   1. host:  xtrace-run -m overwrite -t tod -o host sleep 1000 &
 *   2. ssh vm1 "xtrace-run -m overwrite -t tod -o vm1 bash -c '(failing_app || xtrace-ctl flush)'"
 *   3. host:  xtrace-ctl flush stop (with --session: other runs may record here)
 *   4. scp -r vm1:vm1 .
 *   5. xtrace-multi-merge -o merged host vm1
 *   6. xtrace-view merged
 *
 * The merged view must show both systems, in time-of-day order, around the
 * failure the app marked.
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
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-exec.h"
#include "xcollect.h"
#include "xrun-harness.h"

#define FAILURE "xtrace-e2e-app-failed"

static char harness[4096];

/* Runs a shell command line; returns its exit status. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	_cleanup_free_ char *cmd = NULL;
	va_list ap;
	int status, r;

	va_start(ap, fmt);
	r = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_true(r > 0);
	status = system(cmd);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fprintf(stderr, "'%s' failed with %d\n", cmd, status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int guest_setup(void **state)
{
	struct fixture *f;

	setup(state);
	f = *state;
	return sh("%s up %s vm1 >&2", harness, f->dir) == 0 ? 0 : -1;
}

static int guest_teardown(void **state)
{
	struct fixture *f = *state;

	sh("%s down %s", harness, f->dir);
	return teardown(state);
}

struct line_check {
	char host[256];
	uint64_t last;     /* time of the previous line, ns */
	bool failure_seen; /* the guest's failure marker */
	unsigned host_before, host_after, guest_before, guest_after;
};

/* One view line "SECONDS.NANOSECONDS HOST CPU EVENT [ARG]": order and who is around the failure. */
static void check_line(struct line_check *c, const char *line)
{
	unsigned long long sec, nsec;
	char host[64];
	uint64_t t;

	if (sscanf(line, "%llu.%9llu %63s", &sec, &nsec, host) != 3)
		fail_msg("not a view line: '%s'", line);
	t = sec * 1000000000ull + nsec;
	if (t < c->last)
		fail_msg("out of time order: '%s'", line);
	c->last = t;
	if (!strcmp(host, "vm1") && strstr(line, FAILURE))
		c->failure_seen = true;
	if (!strcmp(host, "vm1"))
		++*(c->failure_seen ? &c->guest_after : &c->guest_before);
	else if (!strcmp(host, c->host))
		++*(c->failure_seen ? &c->host_after : &c->host_before);
	else
		fail_msg("unknown system in '%s'", line);
}

static void test_remote_flow(void **state)
{
	struct fixture *f = *state;
	const char *b = getenv("KVMRT_BUILD_ROOT");
	_cleanup_free_ char *app = scratch(f, "failing_app"), *merged = NULL;
	struct line_check c = {};
	struct test_output o;
	char sock[64], *save = NULL;
	pid_t host;

	assert_int_equal(gethostname(c.host, sizeof(c.host)), 0);
	assert_string_not_equal(c.host, "vm1");
	assert_int_equal(sh("printf '#!/bin/sh\\necho " FAILURE " > " T "/trace_marker\\nexit 1\\n'"
			    " > %s && chmod +x %s", app, app), 0);
	/* 1. The host records in the background, as a flight recorder. */
	assert_int_equal(chdir(f->dir), 0);
	/*
	 * Its buffers must still hold the moments before the guest's failure
	 * when it is flushed: 16 MiB per CPU, since everything else this
	 * machine runs meanwhile (ssh, other tests) is recorded too.
	 */
	host = start(f, (const char *[]){ "-m", "overwrite", "-t", "tod", "-b", "16384", "-o",
					  "host", "sleep", "1000", NULL });
	snprintf(sock, sizeof(sock), XC_CONTROL_DIR "/%d.sock", (int)host);
	wait_for_file(sock);
	/* 2. The guest records around the failing app, which flushes on failure. */
	assert_int_equal(sh("ssh -F ssh_config vm1 \"mkdir -p %s/remote && cd %s/remote && "
			    "%s/collect/xtrace-run -q -m overwrite -t tod -o vm1 bash -c '(%s || "
			    "%s/collect/xtrace-ctl flush)'\" >&2", f->dir, f->dir, b, app, b), 0);
	/*
	 * 3. The host's recording is flushed and stopped. The guide's bare
	 * "xtrace-ctl flush stop" finds the only running session; other test
	 * runs on this machine may record too, so name ours.
	 */
	assert_int_equal(sh("env -u XTRACE_SESSION %s/collect/xtrace-ctl --session %d flush stop "
			    ">&2", b, (int)host), 0);
	assert_int_equal(finish(host), 0);
	/* 4. The guest's dump comes back. */
	assert_int_equal(sh("scp -F ssh_config -q -r vm1:%s/remote/vm1 . >&2", f->dir), 0);
	/* 5, 6. Merged and viewed. */
	assert_int_equal(sh("%s/merge/xtrace-multi-merge -q -o merged host vm1 >&2", b), 0);
	merged = scratch(f, "merged");
	assert_int_equal(test_exec((char *[]){ "view/xtrace-view", "-t", "tod", merged, NULL }, &o),
			 0);
	assert_int_equal(chdir("/"), 0);
	assert_int_equal(o.status, 0);
	for (char *line = strtok_r(o.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		check_line(&c, line);
	test_output_free(&o);
	assert_true(c.failure_seen);
	assert_true(c.guest_before > 0);
	assert_true(c.host_before > 0);
	assert_true(c.host_after > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_remote_flow, guest_setup, guest_teardown),
	};
	const char *src = getenv("KVMRT_SOURCE_ROOT");

	if (check_machine() < 0 || !src || access("/usr/sbin/sshd", X_OK) < 0) {
		fprintf(stderr, "skipped: needs root, tracefs, sshd and KVMRT_BUILD_ROOT\n");
		return 77;
	}
	snprintf(harness, sizeof(harness), "%s/collect/tests/netns-sshd.sh", src);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
