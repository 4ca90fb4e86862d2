/* SPDX-License-Identifier: GPL-2.0-or-later */
/* affinity-task.c - task-affinity: the tasks with their CPUs and policy, and --set FROM:TO. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "affinity-tool.h"
#include "cleanup.h"
#include "tool.h"

static const struct table_column task_columns[] = {
	{ "PID", "pid", TABLE_NUMBER },
	{ "TID", "tid", TABLE_NUMBER },
	{ "CPU", "cpu", TABLE_NUMBER },
	{ "ALLOWED", "allowed", TABLE_LIST },
	{ "POLICY", "policy", TABLE_STRING },
	{ "PRIO", "priority", TABLE_NUMBER },
	{ "KTHREAD", "kthread", TABLE_BOOL },
	{ "PINNED", "pinned", TABLE_BOOL },
	{ "NAME", "name", TABLE_STRING },
};

static bool task_selected(const struct affinity_params *p, const struct kvmrt_task *t)
{
	return !p->have_cpus || kvmrt_ids_intersects(&t->allowed, &p->cpus);
}

static int task_row(struct table *tb, const struct kvmrt_task *t)
{
	_cleanup_free_ char *allowed = NULL;
	char pid[16], tid[16], cpu[16], prio[16];

	if (kvmrt_ids_format(&t->allowed, &allowed) < 0)
		return -ENOMEM;
	snprintf(pid, sizeof(pid), "%d", (int)t->pid);
	snprintf(tid, sizeof(tid), "%d", (int)t->tid);
	snprintf(cpu, sizeof(cpu), "%d", t->cpu);
	snprintf(prio, sizeof(prio), "%d", t->rt_priority);
	return table_add_row(tb, (const char *const[]){ pid, tid, cpu, allowed,
			     kvmrt_policy_name(t->policy), prio, table_yes_no(t->kthread, true),
			     table_yes_no(t->pinned, true), t->comm });
}

/* The tasks to show or move: every thread for --set, --threads and --pid. */
static int list_tasks(const struct affinity_params *p, const struct kvmrt_sysroot *s,
		      struct kvmrt_task **ret)
{
	char why[512];
	int n;

	if (p->pid)
		n = kvmrt_task_threads(s, p->pid, ret, why, sizeof(why));
	else
		n = kvmrt_tasks_list(s, p->threads || p->have_set ? KVMRT_TASKS_THREADS : 0, ret,
				     why, sizeof(why));
	if (n < 0)
		tool_error(0, "%s", why);
	return n;
}

static int show(const struct affinity_params *p, const struct kvmrt_task *tasks, unsigned n)
{
	struct table t;
	int r = 0;

	table_init(&t, task_columns, ARRAY_SIZE(task_columns));
	for (unsigned i = 0; i < n && r == 0; i++)
		if (task_selected(p, &tasks[i]))
			r = task_row(&t, &tasks[i]);
	return table_emit(&t, r, p->json, "listing tasks");
}

/*
 * Moves one thread for --set. Returns 1 moved, 0 nothing to do (or it exited),
 * -1 refused (reported).
 */
static int move_task(const struct affinity_params *p, const struct kvmrt_sysroot *s,
		     const struct kvmrt_task *t)
{
	_cleanup_free_ char *before = NULL, *after = NULL;
	struct kvmrt_ids n;
	char why[512];
	int r;

	if (affinity_moved(&t->allowed, &p->from, &p->to, &n) < 0)
		return tool_error(-ENOMEM, "thread %d", (int)t->tid), -1;
	r = kvmrt_ids_format(&t->allowed, &before);
	if (r == 0)
		r = kvmrt_ids_format(&n, &after);
	if (r == 0 && !p->dry_run)
		r = kvmrt_task_set_affinity(s, t->tid, &n, why, sizeof(why));
	kvmrt_ids_done(&n);
	if (r == -ESRCH)
		return 0;
	if (r < 0) {
		if (r == -ENOMEM)
			snprintf(why, sizeof(why), "thread %d: out of memory", (int)t->tid);
		tool_error(0, "%s", why);
		return -1;
	}
	printf("%d/%d %s: %s -> %s%s\n", (int)t->pid, (int)t->tid, t->comm, before, after,
	       p->dry_run ? " (dry run)" : "");
	return 1;
}

static int set(const struct affinity_params *p, const struct kvmrt_sysroot *s,
	       const struct kvmrt_task *tasks, unsigned n)
{
	unsigned moved = 0, pinned = 0, refused = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct kvmrt_task *t = &tasks[i];
		int r;

		if (!task_selected(p, t) || !kvmrt_ids_intersects(&t->allowed, &p->from))
			continue;
		if (t->pinned) {
			pinned++;
			continue;
		}
		r = move_task(p, s, t);
		if (r > 0)
			moved++;
		else if (r < 0)
			refused++;
	}
	printf("%u thread%s %s, %u refused, %u bound to their CPU by the kernel (left)\n", moved,
	       moved == 1 ? "" : "s", p->dry_run ? "to move" : "moved", refused, pinned);
	return refused ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
}

int task_affinity_run(const struct affinity_params *p, const struct kvmrt_sysroot *s)
{
	struct kvmrt_task *tasks;
	int n, r;

	n = list_tasks(p, s, &tasks);
	if (n < 0)
		return EXIT_TOOL_FAILURE;
	for (int i = 0; i < n; i++)
		table_sanitize(tasks[i].comm);
	r = p->have_set ? set(p, s, tasks, (unsigned)n) : show(p, tasks, (unsigned)n);
	kvmrt_tasks_free(tasks, (unsigned)n);
	return r;
}
