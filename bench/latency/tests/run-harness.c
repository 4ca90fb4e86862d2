/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-harness.c - see run-harness.h.
 */
#include <setjmp.h>
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
#include "run-harness.h"

static char netns_sshd[4096];

/*
 * netns-sshd.sh up|down DIR: 0 when it succeeded. Through a shell: the sshd it
 * leaves running must not hold a pipe of ours (its output goes to our stderr).
 */
static int netns(const char *verb, const char *dir)
{
	char cmd[8192];
	int status;

	snprintf(cmd, sizeof(cmd), "%s %s %s%s >&2", netns_sshd, verb, dir,
		 strcmp(verb, "up") ? "" : " vm1");
	status = system(cmd);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "'%s' failed with %d\n", cmd, status);
		return -1;
	}
	return 0;
}

int guest_setup(void **state)
{
	struct fixture *f;

	setup(state);
	f = *state;
	return netns("up", f->dir) == 0 ? 0 : -1;
}

int guest_teardown(void **state)
{
	struct fixture *f = *state;

	netns("down", f->dir);
	return teardown(state);
}

void campaign_argv(struct fixture *f, const char *const *args, char **argv)
{
	const char *b = getenv("KVMRT_BUILD_ROOT");
	unsigned n = 0;

	argv[n++] = "bench/latency/kvmrt-latency";
	argv[n++] = "run";
	argv[n++] = "-o";
	argv[n++] = scratch(f, "res");
	argv[n++] = "--ssh-config";
	argv[n++] = scratch(f, "ssh_config");
	argv[n++] = "--remote-path";
	/* The guest shares this file system: it finds the built tools where we do. */
	assert_true(asprintf(&argv[n++], "%s/collect:%s/merge:%s/view", b, b, b) > 0);
	while (*args && n < CAMPAIGN_MAX_ARGS - 3)
		argv[n++] = (char *)*args++;
	argv[n++] = "local";
	argv[n++] = "vm1=ssh:vm1";
	argv[n] = NULL;
}

void campaign_argv_free(char **argv)
{
	free(argv[3]);
	free(argv[5]);
	free(argv[7]);
}

void run_campaign(struct fixture *f, const char *const *args, struct test_output *ret)
{
	char *argv[CAMPAIGN_MAX_ARGS];

	campaign_argv(f, args, argv);
	assert_int_equal(test_exec(argv, ret), 0);
	campaign_argv_free(argv);
	if (ret->status != 0)
		fprintf(stderr, "kvmrt-latency run exited with %d:\n%s\n", ret->status, ret->err);
}

void read_kv(struct fixture *f, const char *rel, struct lat_kv_file *ret)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	char why[256];

	assert_true(asprintf(&path, "%s/res/%s", f->dir, rel) > 0);
	text = slurp(path);
	if (lat_kv_parse(text, strlen(text), ret, why, sizeof(why)) < 0)
		fail_msg("%s: %s", path, why);
}

const char *kv(const struct lat_kv_file *kv, const char *key)
{
	const char *v = lat_kv_get(kv, key);

	if (!v)
		fail_msg("no '%s' key", key);
	return v;
}

int check_e2e_machine(void)
{
	const char *src = getenv("KVMRT_SOURCE_ROOT");
	const char *b = getenv("KVMRT_BUILD_ROOT");
	_cleanup_free_ char *path = NULL;

	if (check_machine() < 0 || !src || access("/usr/sbin/sshd", X_OK) < 0 ||
	    system("command -v cyclictest >/dev/null") != 0)
		return -1;
	snprintf(netns_sshd, sizeof(netns_sshd), "%s/collect/tests/netns-sshd.sh", src);
	/* kvmrt-latency runs the merge and view tools it finds in PATH. */
	if (asprintf(&path, "%s/merge:%s/view:%s/collect:%s", b, b, b, getenv("PATH")) < 0)
		return -1;
	return setenv("PATH", path, 1);
}
