/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tasks: /proc/PID/stat and status, threads, and changing affinity and policy. */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "kvmrt-host.h"
#include "kvmrt-test.h"
#include "test-exec.h"

static const struct kvmrt_task *find(const struct kvmrt_task *t, int n, pid_t tid)
{
	for (int i = 0; i < n; i++)
		if (t[i].tid == tid)
			return &t[i];
	return NULL;
}

static void lists_processes_with_their_flags(void **state)
{
	struct kt_tree *f = *state;
	const struct kvmrt_task *t;
	struct kvmrt_task *tasks;
	char why[256];
	int n;

	n = kvmrt_tasks_list(&f->root, 0, &tasks, why, sizeof(why));
	assert_int_equal(n, 16);
	for (int i = 1; i < n; i++)
		assert_true(tasks[i - 1].pid < tasks[i].pid);
	assert_null(find(tasks, n, 1240)); /* a thread, not a process */
	t = find(tasks, n, 777);
	assert_non_null(t);
	assert_string_equal(t->comm, "evil) (name");
	assert_int_equal(t->cpu, 2);
	assert_false(t->kthread);
	t = find(tasks, n, 12);
	assert_string_equal(t->comm, "migration/2");
	assert_true(t->kthread);
	assert_true(t->pinned);
	assert_int_equal(t->policy, SCHED_FIFO);
	assert_int_equal(t->rt_priority, 99);
	kt_assert_ids(&t->allowed, "2");
	t = find(tasks, n, 90);
	assert_string_equal(t->comm, "kworker/u8:1-ev"); /* comm is 15 characters */
	assert_true(t->kthread);
	assert_false(t->pinned);
	kvmrt_tasks_free(tasks, (unsigned)n);
}

static void lists_threads(void **state)
{
	struct kt_tree *f = *state;
	const struct kvmrt_task *t;
	struct kvmrt_task *tasks;
	char why[256];
	int n;

	n = kvmrt_tasks_list(&f->root, KVMRT_TASKS_THREADS, &tasks, why, sizeof(why));
	assert_int_equal(n, 19);
	t = find(tasks, n, 1241);
	assert_non_null(t);
	assert_int_equal(t->pid, 1234);
	assert_string_equal(t->comm, "CPU 1/KVM");
	assert_int_equal(t->policy, SCHED_FIFO);
	kt_assert_ids(&t->allowed, "3");
	kvmrt_tasks_free(tasks, (unsigned)n);

	n = kvmrt_task_threads(&f->root, 1234, &tasks, why, sizeof(why));
	assert_int_equal(n, 4);
	assert_int_equal(tasks[0].tid, 1234);
	assert_int_equal(tasks[3].tid, 1242);
	assert_string_equal(tasks[3].comm, "worker");
	kvmrt_tasks_free(tasks, (unsigned)n);
	assert_int_equal(kvmrt_task_threads(&f->root, 4321, &tasks, why, sizeof(why)), -ESRCH);
	assert_non_null(strstr(why, "4321"));
}

/* Replaces proc/PID/stat (and its task/PID copy) of the tree with @text. */
static void put_stat(const struct kt_tree *f, pid_t pid, const char *text)
{
	char rel[64], *path;

	snprintf(rel, sizeof(rel), "proc/%d/stat", (int)pid);
	path = kt_write_file(f->dir, rel, text, 0644);
	free(path);
	snprintf(rel, sizeof(rel), "proc/%d/task/%d/stat", (int)pid, (int)pid);
	path = kt_write_file(f->dir, rel, text, 0644);
	free(path);
}

/* A stat line of sshd with the given flags (9), CPU (39), priority (40) and policy (41). */
#define SSHD_STAT(flags, cpu, prio, policy)                                                        \
	"600 (sshd) S 1 600 600 0 -1 " flags " 120 0 0 0 7 3 0 0 20 0 1 0 1 0 0 1"                 \
	" 0 0 0 0 0 0 0 0 0 0 0 0 17 " cpu " " prio " " policy " 0 0 0\n"

static void refuses_corrupt_stat_and_skips_vanished_tasks(void **state)
{
	struct kt_tree *f = *state;
	static const char *bad[] = {
		"600 (sshd) S 1 600 600 0 -1 4194560 120 0 0\n", /* truncated */
		"600 (sshd S 1 600 600 0 -1 4194560 120 0 0 0 7 3 0 0 20 0 1 0 1 0 0 1 0 0 0 0 0"
		" 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n", /* no ')' */
		SSHD_STAT("4194560", "99999999999999999999", "0", "0"), /* huge CPU */
		SSHD_STAT("4194560", "0", "0", "42"), /* no such policy */
		SSHD_STAT("4194560", "0", "100", "1"), /* no such priority */
		SSHD_STAT("x", "0", "0", "0"), /* flags not a number */
		SSHD_STAT("4194560", "-1", "0", "0"),
	};
	struct kvmrt_task *tasks;
	char why[256], *path;
	int n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		put_stat(f, 600, bad[i]);
		assert_int_equal(kvmrt_tasks_list(&f->root, 0, &tasks, why, sizeof(why)),
				 -EBADMSG);
		assert_non_null(strstr(why, "/proc/600/stat"));
	}
	put_stat(f, 600, SSHD_STAT("4194560", "1", "0", "0"));
	n = kvmrt_tasks_list(&f->root, 0, &tasks, why, sizeof(why));
	assert_int_equal(n, 16);
	kvmrt_tasks_free(tasks, (unsigned)n);
	/* A task whose files are gone (it exited while we read /proc) is skipped. */
	assert_true(asprintf(&path, "%s/proc/600", f->dir) > 0);
	test_rm_rf(path);
	free(path);
	assert_true(asprintf(&path, "%s/proc/2100/status", f->dir) > 0);
	assert_int_equal(unlink(path), 0);
	free(path);
	n = kvmrt_tasks_list(&f->root, 0, &tasks, why, sizeof(why));
	assert_int_equal(n, 14);
	kvmrt_tasks_free(tasks, (unsigned)n);
}

static void sets_affinity_in_a_fixture_tree(void **state)
{
	struct kt_tree *f = *state;
	struct kvmrt_ids cpus, offline;
	struct kvmrt_task *tasks;
	char why[256];
	int n;

	assert_int_equal(kvmrt_idset_parse("0-1", 64, &cpus, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_task_set_affinity(&f->root, 1242, &cpus, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_task_set_affinity(&f->root, 777, &cpus, why, sizeof(why)), 0);
	n = kvmrt_task_threads(&f->root, 1234, &tasks, why, sizeof(why));
	assert_int_equal(n, 4);
	kt_assert_ids(&tasks[3].allowed, "0-1");
	kt_assert_ids(&tasks[2].allowed, "3");
	kvmrt_tasks_free(tasks, (unsigned)n);
	n = kvmrt_tasks_list(&f->root, 0, &tasks, why, sizeof(why));
	kt_assert_ids(&find(tasks, n, 777)->allowed, "0-1");
	kvmrt_tasks_free(tasks, (unsigned)n);

	assert_int_equal(kvmrt_task_set_affinity(&f->root, 11, &cpus, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "migration/1"));
	assert_int_equal(kvmrt_task_set_affinity(&f->root, 4321, &cpus, why, sizeof(why)),
			 -ESRCH);
	assert_int_equal(kvmrt_idset_parse("9", 64, &offline, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_task_set_affinity(&f->root, 1242, &offline, why, sizeof(why)),
			 -EINVAL);
	kvmrt_ids_done(&offline);
	kvmrt_ids_done(&cpus);
}

static void sets_the_scheduler_in_a_fixture_tree(void **state)
{
	struct kt_tree *f = *state;
	const struct kvmrt_task *t;
	struct kvmrt_task *tasks;
	char why[256];
	int n;

	assert_int_equal(kvmrt_task_set_scheduler(&f->root, 1242, SCHED_FIFO, 10, why,
						  sizeof(why)), 0);
	assert_int_equal(kvmrt_task_set_scheduler(&f->root, 777, SCHED_RR, 5, why, sizeof(why)),
			 0);
	assert_int_equal(kvmrt_task_set_scheduler(&f->root, 1240, SCHED_OTHER, 0, why,
						  sizeof(why)), 0);
	n = kvmrt_tasks_list(&f->root, KVMRT_TASKS_THREADS, &tasks, why, sizeof(why));
	assert_int_equal(n, 19);
	t = find(tasks, n, 1242);
	assert_int_equal(t->policy, SCHED_FIFO);
	assert_int_equal(t->rt_priority, 10);
	assert_int_equal(t->cpu, 3);
	t = find(tasks, n, 777);
	assert_string_equal(t->comm, "evil) (name");
	assert_int_equal(t->policy, SCHED_RR);
	assert_int_equal(t->rt_priority, 5);
	assert_int_equal(find(tasks, n, 1240)->policy, SCHED_OTHER);
	kvmrt_tasks_free(tasks, (unsigned)n);
	assert_int_equal(kvmrt_task_set_scheduler(&f->root, 1242, SCHED_FIFO, 0, why,
						  sizeof(why)), -EINVAL);
	assert_int_equal(kvmrt_task_set_scheduler(&f->root, 1242, SCHED_OTHER, 3, why,
						  sizeof(why)), -EINVAL);
}

/* The live host: only a child this test started is changed. */
static void sets_a_live_childs_affinity(void **state)
{
	struct kvmrt_sysroot live;
	struct kvmrt_task *tasks;
	struct kvmrt_ids one;
	cpu_set_t mine, got;
	char why[256];
	int cpu, n, status;
	pid_t child;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(mine), &mine), 0);
	for (cpu = 0; !CPU_ISSET(cpu, &mine); cpu++)
		;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(kvmrt_sysroot_open(NULL, &live, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_ids_init(&one, (unsigned)cpu + 1), 0);
	kvmrt_ids_add(&one, (unsigned)cpu);
	assert_int_equal(kvmrt_task_set_affinity(&live, child, &one, why, sizeof(why)), 0);
	assert_int_equal(sched_getaffinity(child, sizeof(got), &got), 0);
	assert_int_equal(CPU_COUNT(&got), 1);
	assert_true(CPU_ISSET(cpu, &got));
	n = kvmrt_task_threads(&live, child, &tasks, why, sizeof(why));
	assert_int_equal(n, 1);
	assert_int_equal(kvmrt_ids_count(&tasks[0].allowed), 1);
	assert_true(kvmrt_ids_test(&tasks[0].allowed, (unsigned)cpu));
	kvmrt_tasks_free(tasks, (unsigned)n);
	assert_int_equal(kvmrt_task_set_scheduler(&live, child, SCHED_BATCH, 0, why,
						  sizeof(why)), 0);
	assert_int_equal(sched_getscheduler(child), SCHED_BATCH);
	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, &status, 0), child);
	kvmrt_ids_done(&one);
	kvmrt_sysroot_close(&live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		kt_affinity_tree_test(lists_processes_with_their_flags),
		kt_affinity_tree_test(lists_threads),
		kt_affinity_tree_test(refuses_corrupt_stat_and_skips_vanished_tasks),
		kt_affinity_tree_test(sets_affinity_in_a_fixture_tree),
		kt_affinity_tree_test(sets_the_scheduler_in_a_fixture_tree),
		cmocka_unit_test(sets_a_live_childs_affinity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
