/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * task.c - the tasks of the host from /proc/PID/{stat,status} and
 * /proc/PID/task/TID/..., their CPU affinity and scheduling policy.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "kvmrt-host.h"
#include "kvmrt-private.h"

#define PF_KTHREAD 0x00200000ul
#define PF_NO_SETAFFINITY 0x04000000ul

/* The stat fields we read (numbered as in proc(5): 1 = pid, 2 = comm). */
enum {
	STAT_FLAGS = 9,
	STAT_PROCESSOR = 39,
	STAT_RT_PRIORITY = 40,
	STAT_POLICY = 41,
};

struct task_vec {
	unsigned nr, cap;
	struct kvmrt_task *v;
};

static const char *skip_blanks(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/*
 * Finds field @field of the stat line @text: its start in *ret_start, its
 * end returned. The comm may hold spaces and ')': fields are counted from
 * the last ')'. NULL when the line is shorter.
 */
static const char *stat_field(const char *text, unsigned field, const char **ret_start)
{
	const char *p = strrchr(text, ')');

	if (!p || !strchr(text, '(') || field < 3)
		return NULL;
	p++;
	for (unsigned f = 3;; f++) {
		const char *start = skip_blanks(p);

		p = start;
		while (*p && *p != ' ' && *p != '\n')
			p++;
		if (p == start)
			return NULL;
		if (f == field) {
			*ret_start = start;
			return p;
		}
	}
}

/* Field @field as a number in [0, @max]. */
static int stat_number(const char *text, unsigned field, unsigned long max, unsigned long *ret)
{
	const char *start, *end = stat_field(text, field, &start);
	unsigned long v;
	char *num_end;

	if (!end || !isdigit((unsigned char)*start))
		return -EBADMSG;
	errno = 0;
	v = strtoul(start, &num_end, 10);
	if (num_end != end || errno || v > max)
		return -EBADMSG;
	*ret = v;
	return 0;
}

/* Fills comm, cpu, policy, priority and the flags of @t from the stat line @text. */
static int parse_stat(const char *text, struct kvmrt_task *t)
{
	const char *open = strchr(text, '('), *close = strrchr(text, ')');
	unsigned long flags, cpu, prio, policy;
	size_t len;

	if (!open || !close || close < open)
		return -EBADMSG;
	if (stat_number(text, STAT_FLAGS, ULONG_MAX, &flags) < 0 ||
	    stat_number(text, STAT_PROCESSOR, KVMRT_MAX_IDS - 1, &cpu) < 0 ||
	    stat_number(text, STAT_RT_PRIORITY, 99, &prio) < 0 ||
	    stat_number(text, STAT_POLICY, 7, &policy) < 0)
		return -EBADMSG;
	len = (size_t)(close - open - 1);
	if (len >= sizeof(t->comm))
		len = sizeof(t->comm) - 1;
	memcpy(t->comm, open + 1, len);
	t->comm[len] = '\0';
	t->cpu = (int)cpu;
	t->rt_priority = (int)prio;
	t->policy = (int)policy;
	t->kthread = flags & PF_KTHREAD;
	t->pinned = flags & PF_NO_SETAFFINITY;
	return 0;
}

/* The value of the "KEY:" line of a status file, up to its end of line, or NULL. */
static const char *status_value(const char *text, const char *key, size_t *ret_len)
{
	size_t klen = strlen(key);

	for (const char *line = text; *line; line = strchrnul(line, '\n'), line += !!*line) {
		const char *v;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		v = line + klen + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		*ret_len = (size_t)(strchrnul(v, '\n') - v);
		return v;
	}
	return NULL;
}

static int parse_allowed(const char *status, struct kvmrt_ids *ret)
{
	_cleanup_free_ char *list = NULL;
	char reason[128];
	const char *v;
	size_t len;

	v = status_value(status, "Cpus_allowed_list", &len);
	if (!v)
		return -EBADMSG;
	list = strndup(v, len);
	if (!list)
		return -ENOMEM;
	return kvmrt_idset_parse(list, KVMRT_MAX_IDS, ret, reason, sizeof(reason)) < 0 ? -EBADMSG
										: 0;
}

/* A /proc directory name that is a task ID. */
static bool task_id(const char *name, pid_t *ret)
{
	int64_t v = kvmrt_name_number(name, INT_MAX);

	if (v <= 0)
		return false;
	*ret = (pid_t)v;
	return true;
}

/* The "Tgid:" of a status file into *ret; left alone when the line is missing. */
static int parse_tgid(const char *status, pid_t *ret)
{
	_cleanup_free_ char *num = NULL;
	size_t len;
	const char *v = status_value(status, "Tgid", &len);

	if (!v)
		return 0;
	num = strndup(v, len);
	if (!num)
		return -ENOMEM;
	return task_id(num, ret) ? 0 : -EBADMSG;
}

/* Whether a read error means the task exited (its directory went away). */
static bool vanished(int r)
{
	return r == -ENOENT || r == -ESRCH;
}

/*
 * Reads the task in directory @dir ("/proc/PID" or "/proc/PID/task/TID").
 * -ESRCH when it exited meanwhile.
 */
static int task_read(const struct kvmrt_sysroot *s, const char *dir, pid_t pid, pid_t tid,
		     struct kvmrt_task *ret, char *why, size_t why_len)
{
	_cleanup_free_ char *stat = NULL, *status = NULL;
	struct kvmrt_task t = { .pid = pid, .tid = tid };
	char path[96];
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/stat", dir);
	r = kvmrt_sysroot_read(s, path, &stat, &len);
	if (r == 0)
		r = parse_stat(stat, &t);
	if (r == 0) {
		snprintf(path, sizeof(path), "%s/status", dir);
		r = kvmrt_sysroot_read(s, path, &status, &len);
	}
	if (r == 0)
		r = parse_tgid(status, &t.pid);
	if (r == 0)
		r = parse_allowed(status, &t.allowed);
	if (vanished(r))
		return -ESRCH;
	if (r < 0) {
		snprintf(why, why_len, "%s%s: %s", kvmrt_sysroot_label(s), path,
			 r == -EBADMSG ? "not what the kernel writes there (field missing or out "
					 "of range)" : strerror(-r));
		return r;
	}
	*ret = t;
	return 0;
}

static int task_vec_push(struct task_vec *v, const struct kvmrt_task *t)
{
	struct kvmrt_task *n = kvmrt_array_grow(v->v, v->nr, &v->cap, sizeof(*n), 256);

	if (!n)
		return -ENOMEM;
	v->v = n;
	v->v[v->nr++] = *t;
	return 0;
}

/* Reads the task in @dir and appends it, skipping it when it exited. */
static int add_task(const struct kvmrt_sysroot *s, const char *dir, pid_t pid, pid_t tid,
		    struct task_vec *v, char *why, size_t why_len)
{
	struct kvmrt_task t;
	int r = task_read(s, dir, pid, tid, &t, why, why_len);

	if (r == -ESRCH)
		return 0;
	if (r == 0 && t.pid != pid) {
		/* /proc/TID of a thread that does not lead its group (fixture trees list them) */
		kvmrt_ids_done(&t.allowed);
		return 0;
	}
	if (r == 0) {
		r = task_vec_push(v, &t);
		if (r < 0)
			kvmrt_ids_done(&t.allowed);
	}
	return r;
}

/* Appends the threads of @pid; -ESRCH when the process does not exist. */
static int add_threads(const struct kvmrt_sysroot *s, pid_t pid, struct task_vec *v, char *why,
		       size_t why_len)
{
	char dir[64], **tids;
	int n, r = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	n = kvmrt_sysroot_list(s, dir, &tids);
	if (n < 0)
		return vanished(n) ? -ESRCH : n;
	for (int i = 0; i < n && r == 0; i++) {
		pid_t tid;

		if (!task_id(tids[i], &tid))
			continue;
		snprintf(dir, sizeof(dir), "/proc/%d/task/%d", (int)pid, (int)tid);
		r = add_task(s, dir, pid, tid, v, why, why_len);
	}
	kvmrt_strv_free(tids);
	return r;
}

void kvmrt_tasks_free(struct kvmrt_task *tasks, unsigned nr)
{
	if (!tasks)
		return;
	for (unsigned i = 0; i < nr; i++)
		kvmrt_ids_done(&tasks[i].allowed);
	free(tasks);
}

static int compare_tasks(const void *a, const void *b)
{
	const struct kvmrt_task *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* Hands @v out sorted, or frees it on error @r. */
static int task_vec_finish(struct task_vec *v, int r, struct kvmrt_task **ret)
{
	if (r < 0) {
		kvmrt_tasks_free(v->v, v->nr);
		return r;
	}
	if (!v->v) {
		v->v = calloc(1, sizeof(*v->v));
		if (!v->v)
			return -ENOMEM;
	}
	qsort(v->v, v->nr, sizeof(*v->v), compare_tasks);
	*ret = v->v;
	return (int)v->nr;
}

int kvmrt_tasks_list(const struct kvmrt_sysroot *s, unsigned flags, struct kvmrt_task **ret,
		     char *why, size_t why_len)
{
	struct task_vec v = {};
	char **pids;
	int n, r = 0;

	n = kvmrt_sysroot_list(s, "/proc", &pids);
	if (n < 0) {
		snprintf(why, why_len, "%s/proc: %s", kvmrt_sysroot_label(s), strerror(-n));
		return n;
	}
	for (int i = 0; i < n && r == 0; i++) {
		char dir[32];
		pid_t pid;

		if (!task_id(pids[i], &pid))
			continue;
		if (flags & KVMRT_TASKS_THREADS) {
			r = add_threads(s, pid, &v, why, why_len);
			if (r == -ESRCH)
				r = 0;
		} else {
			snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
			r = add_task(s, dir, pid, pid, &v, why, why_len);
		}
	}
	kvmrt_strv_free(pids);
	return task_vec_finish(&v, r, ret);
}

int kvmrt_task_threads(const struct kvmrt_sysroot *s, pid_t pid, struct kvmrt_task **ret,
		       char *why, size_t why_len)
{
	struct task_vec v = {};
	int r = add_threads(s, pid, &v, why, why_len);

	if (r == -ESRCH)
		snprintf(why, why_len, "process %d does not exist (in %s/proc)", (int)pid,
			 kvmrt_sysroot_label(s));
	return task_vec_finish(&v, r, ret);
}

/* The thread group of @tid, from /proc/TID/status. -ESRCH when there is no such task. */
static int task_tgid(const struct kvmrt_sysroot *s, pid_t tid, pid_t *ret)
{
	_cleanup_free_ char *status = NULL;
	pid_t tgid = 0;
	char path[48];
	size_t len;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	r = kvmrt_sysroot_read(s, path, &status, &len);
	if (r < 0)
		return vanished(r) ? -ESRCH : r;
	r = parse_tgid(status, &tgid);
	if (r == 0 && !tgid)
		r = -EBADMSG;
	if (r == 0)
		*ret = tgid;
	return r;
}

/* Where in @text the value to replace is: [*ret_start, *ret_end). */
typedef int (*locate_fn)(const char *text, size_t *ret_start, size_t *ret_end);

static int locate_allowed(const char *text, size_t *ret_start, size_t *ret_end)
{
	size_t len;
	const char *v = status_value(text, "Cpus_allowed_list", &len);

	if (!v)
		return -EBADMSG;
	*ret_start = (size_t)(v - text);
	*ret_end = *ret_start + len;
	return 0;
}

static int locate_policy(const char *text, size_t *ret_start, size_t *ret_end)
{
	const char *prio, *policy, *end;

	if (!stat_field(text, STAT_RT_PRIORITY, &prio) ||
	    !(end = stat_field(text, STAT_POLICY, &policy)))
		return -EBADMSG;
	*ret_start = (size_t)(prio - text);
	*ret_end = (size_t)(end - text);
	return 0;
}

/* Replaces the part @locate finds in the fixture file @path with @value. */
static int rewrite_file(const struct kvmrt_sysroot *s, const char *path, locate_fn locate,
			const char *value)
{
	_cleanup_free_ char *text = NULL, *out = NULL;
	size_t len, start, end;
	int r;

	r = kvmrt_sysroot_read(s, path, &text, &len);
	if (r < 0)
		return r;
	r = locate(text, &start, &end);
	if (r < 0)
		return r;
	if (asprintf(&out, "%.*s%s%s", (int)start, text, value, text + end) < 0)
		return -ENOMEM;
	return kvmrt_sysroot_write(s, path, out);
}

/*
 * The stand-in of a system call on a fixture tree: rewrites @file
 * ("status", "stat") of /proc/TID and of /proc/TGID/task/TID where present.
 */
static int rewrite_task(const struct kvmrt_sysroot *s, pid_t tid, const char *file,
			locate_fn locate, const char *value, char *why, size_t why_len)
{
	char path[2][80];
	pid_t tgid = 0;
	int r;

	r = task_tgid(s, tid, &tgid);
	if (r < 0) {
		snprintf(why, why_len, "%s/proc/%d/status: %s", kvmrt_sysroot_label(s), (int)tid,
			 r == -ESRCH ? "no such task" : "no Tgid line");
		return r;
	}
	snprintf(path[0], sizeof(path[0]), "/proc/%d/%s", (int)tid, file);
	snprintf(path[1], sizeof(path[1]), "/proc/%d/task/%d/%s", (int)tgid, (int)tid, file);
	for (unsigned i = 0; i < 2; i++) {
		if (i == 1 && !kvmrt_sysroot_exists(s, path[i]))
			continue;
		r = rewrite_file(s, path[i], locate, value);
		if (r < 0) {
			snprintf(why, why_len, "%s%s: %s", kvmrt_sysroot_label(s), path[i],
				 r == -EBADMSG ? "not what the kernel writes there" : strerror(-r));
			return r;
		}
	}
	return 0;
}

/* Reads thread @tid (as /proc/TID) for the checks before changing it. */
static int task_get(const struct kvmrt_sysroot *s, pid_t tid, struct kvmrt_task *ret, char *why,
		    size_t why_len)
{
	char dir[32];
	int r;

	snprintf(dir, sizeof(dir), "/proc/%d", (int)tid);
	r = task_read(s, dir, tid, tid, ret, why, why_len);
	if (r == -ESRCH)
		snprintf(why, why_len, "thread %d does not exist (in %s/proc)", (int)tid,
			 kvmrt_sysroot_label(s));
	return r;
}

static int set_affinity_live(pid_t tid, const struct kvmrt_ids *cpus)
{
	unsigned n = cpus->nbits ? cpus->nbits : 1;
	size_t size = CPU_ALLOC_SIZE(n);
	cpu_set_t *set = CPU_ALLOC(n);
	int r = 0;

	if (!set)
		return -ENOMEM;
	CPU_ZERO_S(size, set);
	for (int c = kvmrt_ids_next(cpus, 0); c >= 0; c = kvmrt_ids_next(cpus, (unsigned)c + 1))
		CPU_SET_S((unsigned)c, size, set);
	if (sched_setaffinity(tid, size, set) < 0)
		r = -errno;
	CPU_FREE(set);
	return r;
}

int kvmrt_task_set_affinity(const struct kvmrt_sysroot *s, pid_t tid,
			    const struct kvmrt_ids *cpus, char *why, size_t why_len)
{
	_cleanup_free_ char *list = NULL;
	struct kvmrt_task t;
	int r;

	r = task_get(s, tid, &t, why, why_len);
	if (r < 0)
		return r;
	kvmrt_ids_done(&t.allowed);
	if (t.pinned) {
		snprintf(why, why_len, "thread %d (%s) is bound to its CPU by the kernel",
			 (int)tid, t.comm);
		return -EINVAL;
	}
	r = kvmrt_cpus_check_online(s, cpus, why, why_len);
	if (r < 0)
		return r;
	r = kvmrt_ids_format(cpus, &list);
	if (r < 0)
		return r;
	if (!s->live)
		return rewrite_task(s, tid, "status", locate_allowed, list, why, why_len);
	r = set_affinity_live(tid, cpus);
	if (r < 0)
		snprintf(why, why_len, "thread %d (%s): setting its CPUs to %s: %s", (int)tid,
			 t.comm, list, strerror(-r));
	return r;
}

static bool policy_is_rt(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

int kvmrt_task_set_scheduler(const struct kvmrt_sysroot *s, pid_t tid, int policy,
			     int priority, char *why, size_t why_len)
{
	struct sched_param param = { .sched_priority = priority };
	char value[32];
	bool rt = policy_is_rt(policy);
	int err;

	if (policy < 0 || policy > 7 || (rt ? priority < 1 || priority > 99 : priority != 0)) {
		snprintf(why, why_len, "thread %d: policy %d with priority %d is not valid "
			 "(SCHED_FIFO and SCHED_RR take 1-99, the others 0)", (int)tid, policy,
			 priority);
		return -EINVAL;
	}
	if (!s->live) {
		snprintf(value, sizeof(value), "%d %d", priority, policy);
		return rewrite_task(s, tid, "stat", locate_policy, value, why, why_len);
	}
	if (sched_setscheduler(tid, policy, &param) == 0)
		return 0;
	err = errno;
	snprintf(why, why_len, "thread %d: policy %d priority %d: %s%s", (int)tid, policy,
		 priority, strerror(err),
		 err == EPERM && rt ? " (real-time scheduling needs CAP_SYS_NICE and, with "
				      "cgroup v1, cpu.rt_runtime_us in the task's cgroup)" : "");
	return -err;
}
