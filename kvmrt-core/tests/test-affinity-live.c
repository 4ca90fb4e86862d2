/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * irq-affinity, task-affinity and cpustat on the live host: they read /proc
 * and /sys without error, and task-affinity --set moves a child this test
 * started (never a real IRQ or another process).
 */
#include <sched.h>
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

#include "test-exec.h"

static struct test_output run(char **argv)
{
	struct test_output o;

	assert_int_equal(test_exec(argv, &o), 0);
	return o;
}

static void reads_the_live_host(void **state)
{
	char *irq[] = { "kvmrt-core/irq-affinity", NULL };
	char *irq_json[] = { "kvmrt-core/irq-affinity", "--json", NULL };
	char *tasks[] = { "kvmrt-core/task-affinity", "--threads", NULL };
	char *cpus[] = { "kvmrt-core/cpustat", "--json", NULL };
	char **runs[] = { irq, irq_json, tasks, cpus };

	(void)state;
	for (size_t i = 0; i < sizeof(runs) / sizeof(*runs); i++) {
		struct test_output o = run(runs[i]);

		if (o.status != 0)
			fail_msg("%s: status %d: %s", runs[i][0], o.status, o.err);
		assert_string_equal(o.err, "");
		test_output_free(&o);
	}
}

static void moves_a_child_off_a_cpu(void **state)
{
	char pid[16], set[32], *argv[] = { "kvmrt-core/task-affinity", "--pid", pid, "--set", set,
					   NULL };
	struct test_output o;
	cpu_set_t mine, got;
	int lo = -1, hi = -1, status;
	pid_t child;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(mine), &mine), 0);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &mine)) {
			lo = lo < 0 ? c : lo;
			hi = c;
		}
	if (lo == hi)
		skip(); /* one CPU: nowhere to move to */
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	snprintf(pid, sizeof(pid), "%d", (int)child);
	snprintf(set, sizeof(set), "%d:%d", hi, lo);
	o = run(argv);
	assert_int_equal(sched_getaffinity(child, sizeof(got), &got), 0);
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &status, 0), child);
	if (o.status != 0)
		fail_msg("status %d: %s%s", o.status, o.out, o.err);
	assert_non_null(strstr(o.out, "1 thread moved"));
	test_output_free(&o);
	CPU_CLR(hi, &mine);
	assert_true(CPU_EQUAL(&got, &mine));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_the_live_host),
		cmocka_unit_test(moves_a_child_off_a_cpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
