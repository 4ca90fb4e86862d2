/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-command.c - running COMMAND: exit status passed through (128 +
 * signal when killed), signals from other processes forwarded, the tick
 * called while it runs, its environment, a missing command.
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
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "xcollect.h"

extern char **environ;

static sigset_t child_mask;

struct ticker {
	unsigned ticks;
	char flag[64]; /* created by the first tick: the command waits for it */
};

static int on_tick(void *userdata)
{
	struct ticker *t = userdata;
	FILE *f;

	if (t->ticks++ == 0 && t->flag[0] && (f = fopen(t->flag, "we")))
		fclose(f);
	return 0;
}

static int run_argv(char **argv, char **env, struct ticker *t, int *ret_status)
{
	const struct xc_command_hooks hooks = {
		.tick_ms = 20, .tick = on_tick, .fd = -1, .userdata = t,
	};

	return xc_command_run(argv, env, &child_mask, &hooks, ret_status);
}

static int run_sh(const char *script, struct ticker *t, int *ret_status)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };

	return run_argv(argv, environ, t, ret_status);
}

static int setup(void **state)
{
	return xc_signals_block(&child_mask);
}

static void test_exit_status(void **state)
{
	struct ticker t = {};
	int status = -1;

	assert_int_equal(run_sh("exit 0", &t, &status), 0);
	assert_int_equal(status, 0);
	assert_int_equal(run_sh("exit 3", &t, &status), 0);
	assert_int_equal(status, 3);
	assert_int_equal(run_sh("exit 255", &t, &status), 0);
	assert_int_equal(status, 255);
	/* Killed by a signal: 128 + signal, as shells report it. */
	assert_int_equal(run_sh("kill -KILL $$", &t, &status), 0);
	assert_int_equal(status, 128 + SIGKILL);
}

static void test_forwarded_signal(void **state)
{
	struct ticker t = {};
	int status = -1;

	/* The command makes someone send SIGTERM to us: it must reach the command. */
	assert_int_equal(run_sh("kill -TERM $PPID; exec sleep 30", &t, &status), 0);
	assert_int_equal(status, 128 + SIGTERM);
}

static void test_ticks(void **state)
{
	struct ticker t = {};
	_cleanup_free_ char *script = NULL;
	int status = -1;

	snprintf(t.flag, sizeof(t.flag), "/tmp/test-command-%d", (int)getpid());
	unlink(t.flag);
	assert_true(asprintf(&script, "while [ ! -e %s ]; do sleep 0.01; done", t.flag) > 0);
	assert_int_equal(run_sh(script, &t, &status), 0);
	assert_int_equal(status, 0);
	assert_true(t.ticks >= 1);
	unlink(t.flag);
}

static void test_not_found(void **state)
{
	char *argv[] = { "/nonexistent/xtrace-test-command", NULL };
	struct ticker t = {};
	int status = -1;

	assert_int_equal(run_argv(argv, environ, &t, &status),
			 -ENOENT);
	assert_int_equal(status, -1);
}

static void test_pending_signal(void **state)
{
	struct ticker t = {};
	int status = -1;

	/* A stop request that came before the command: it is not started. */
	raise(SIGHUP);
	assert_int_equal(run_sh("exit 0", &t, &status), 0);
	assert_int_equal(status, 128 + SIGHUP);
}

static void test_environment(void **state)
{
	char *base[] = { "A=1", "XTRACE_SESSION=old", "XTRACE_SESSIONX=keep", "B=2", NULL };
	char *set[] = { "XTRACE_SESSION=7", "XTRACE_OUTPUT=/tmp/d", NULL };
	char *argv[] = { "sh", "-c",
			 "[ \"$XTRACE_SESSION\" = 7 ] && [ \"$XTRACE_OUTPUT\" = /tmp/d ] && "
			 "[ \"$A$B\" = 12 ] && [ \"$XTRACE_SESSIONX\" = keep ]", NULL };
	_cleanup_free_ char **env = NULL;
	struct ticker t = {};
	int status = -1, n = 0;

	assert_int_equal(xc_env_with(base, set, &env), 0);
	while (env[n])
		n++;
	assert_int_equal(n, 5);
	assert_int_equal(run_argv(argv, env, &t, &status), 0);
	assert_int_equal(status, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_forwarded_signal),
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_pending_signal),
		cmocka_unit_test(test_environment),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
