/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vm-threads.c - the threads of a running VM's QEMU process (SPEC K5): what
 * each one is (vCPU, emulator, I/O) from its name, whether it runs where and
 * how the plan says, putting it back when libvirt could not, and saying why
 * the host refused.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cleanup.h"
#include "kvmrt-host.h"

enum kvmrt_thread_role kvmrt_thread_role_of(const char *comm, int *ret_vcpu)
{
	unsigned long n;
	char *end;

	*ret_vcpu = -1;
	if (!strncmp(comm, "CPU ", 4) && isdigit((unsigned char)comm[4])) {
		errno = 0;
		n = strtoul(comm + 4, &end, 10);
		if (!errno && n < KVMRT_MAX_VCPUS &&
		    (!strcmp(end, "/KVM") || !strcmp(end, "/TCG"))) {
			*ret_vcpu = (int)n;
			return KVMRT_THREAD_VCPU;
		}
	}
	if (!strncmp(comm, "IO ", 3) || !strcmp(comm, "worker") || !strcmp(comm, "SPICE Worker") ||
	    !strncmp(comm, "vhost-", 6))
		return KVMRT_THREAD_IO;
	return KVMRT_THREAD_EMULATOR;
}

const char *kvmrt_thread_role_name(enum kvmrt_thread_role r)
{
	return r == KVMRT_THREAD_VCPU ? "vcpu" : r == KVMRT_THREAD_IO ? "io" : "emulator";
}

const char *kvmrt_policy_name(int policy)
{
	static const char *const names[] = { "OTHER", "FIFO", "RR", "BATCH", "ISO", "IDLE",
					     "DEADLINE" };

	return policy >= 0 && (unsigned)policy < ARRAY_SIZE(names) ? names[policy] : "?";
}

/*
 * Where and how the plan wants @th: *ret_cpus (initialised here; empty = not
 * bound) and, for vCPUs of real-time VMs, SCHED_FIFO at @prio (*ret_policy -1:
 * no policy planned). -ENOENT for a vCPU the plan does not have.
 */
static int thread_plan(const struct kvmrt_vm_thread *th, const struct kvmrt_vm_plan *p, int prio,
		       struct kvmrt_ids *ret_cpus, int *ret_policy)
{
	if (prio > 0 && th->role == KVMRT_THREAD_VCPU) {
		unsigned cpu;

		if ((unsigned)th->vcpu >= p->nr_vcpus || p->vcpu_cpu[th->vcpu] == UINT32_MAX)
			return -ENOENT;
		cpu = p->vcpu_cpu[th->vcpu];
		if (kvmrt_ids_init(ret_cpus, cpu + 1) < 0)
			return -ENOMEM;
		kvmrt_ids_add(ret_cpus, cpu);
		*ret_policy = SCHED_FIFO;
		return 0;
	}
	*ret_policy = -1;
	return kvmrt_ids_copy(ret_cpus, &p->emulator);
}

static const char *ids_text(const struct kvmrt_ids *ids, char *buf, size_t len)
{
	_cleanup_free_ char *text = NULL;

	snprintf(buf, len, "%s", kvmrt_ids_format(ids, &text) == 0 ? text : "?");
	return buf;
}

static bool affinity_ok(const struct kvmrt_task *t, const struct kvmrt_ids *planned)
{
	return kvmrt_ids_count(planned) == 0 || kvmrt_ids_subset(&t->allowed, planned);
}

static bool policy_ok(const struct kvmrt_task *t, int policy, int prio)
{
	return policy < 0 || (t->policy == policy && t->rt_priority == prio);
}

/* Compares @th with the plan: sets th->matches and th->why. */
static int thread_compare(struct kvmrt_vm_thread *th, const struct kvmrt_vm_plan *p, int prio)
{
	struct kvmrt_ids planned;
	char a[128], b[128];
	size_t n = 0;
	int policy, r = thread_plan(th, p, prio, &planned, &policy);

	th->why[0] = '\0';
	if (r == -ENOENT) {
		th->matches = false;
		snprintf(th->why, sizeof(th->why), "vCPU %d is not in the plan (%u vCPUs)",
			 th->vcpu, p->nr_vcpus);
		return 0;
	}
	if (r < 0)
		return r;
	if (!affinity_ok(&th->task, &planned))
		n += (size_t)snprintf(th->why, sizeof(th->why), "allowed CPUs %s, planned %s",
				      ids_text(&th->task.allowed, a, sizeof(a)),
				      ids_text(&planned, b, sizeof(b)));
	if (!policy_ok(&th->task, policy, prio) && n < sizeof(th->why))
		snprintf(th->why + n, sizeof(th->why) - n, "%spolicy %s %d, planned %s %d",
			 n ? "; " : "", kvmrt_policy_name(th->task.policy), th->task.rt_priority,
			 kvmrt_policy_name(policy), prio);
	th->matches = !th->why[0];
	kvmrt_ids_done(&planned);
	return 0;
}

void kvmrt_vm_threads_free(struct kvmrt_vm_thread *threads, unsigned nr)
{
	if (!threads)
		return;
	for (unsigned i = 0; i < nr; i++)
		kvmrt_ids_done(&threads[i].task.allowed);
	free(threads);
}

int kvmrt_vm_threads(const struct kvmrt_sysroot *s, pid_t pid, const struct kvmrt_vm_plan *p,
		     int prio, struct kvmrt_vm_thread **ret, char *why, size_t why_len)
{
	struct kvmrt_task *tasks;
	struct kvmrt_vm_thread *th;
	int n = kvmrt_task_threads(s, pid, &tasks, why, why_len), r = 0;

	if (n < 0)
		return n;
	th = calloc((size_t)n + 1, sizeof(*th));
	if (!th) {
		kvmrt_tasks_free(tasks, (unsigned)n);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		th[i].task = tasks[i];
		th[i].role = kvmrt_thread_role_of(tasks[i].comm, &th[i].vcpu);
		if (r == 0)
			r = thread_compare(&th[i], p, prio);
	}
	free(tasks); /* the allowed sets now belong to th */
	if (r < 0) {
		kvmrt_vm_threads_free(th, (unsigned)n);
		return r;
	}
	*ret = th;
	return n;
}

/* ---- Putting threads back, and why the host refuses ---- */

/*
 * The cpu.rt_runtime_us file of the cgroup v1 "cpu" hierarchy that thread
 * @tid of @pid is in, into @buf ("" when there is none: cgroup v2 only).
 */
static void rt_runtime_file(const struct kvmrt_sysroot *s, pid_t pid, pid_t tid, char *buf,
			    size_t len)
{
	_cleanup_free_ char *text = NULL;
	char path[96], *save;
	size_t n;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/task/%d/cgroup", (int)pid, (int)tid);
	if (kvmrt_sysroot_read(s, path, &text, &n) < 0)
		return;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctrl = strchr(line, ':'), *cg = ctrl ? strchr(ctrl + 1, ':') : NULL;
		bool cpu = false;

		if (!cg)
			continue;
		*cg++ = '\0';
		for (char *c = ctrl + 1, *e; *c; c = e + !!*e) {
			e = strchrnul(c, ',');
			cpu |= (size_t)(e - c) == 3 && !strncmp(c, "cpu", 3);
		}
		if (!cpu)
			continue;
		snprintf(buf, len, "/sys/fs/cgroup/%s%s%s/cpu.rt_runtime_us", ctrl + 1,
			 *cg == '/' ? "" : "/", strcmp(cg, "/") ? cg : "");
		if (!kvmrt_sysroot_exists(s, buf))
			buf[0] = '\0';
		return;
	}
}

/* Explains a refused SCHED_FIFO for @th into @why. */
static void fifo_refused(const struct kvmrt_sysroot *s, const struct kvmrt_vm_thread *th,
			 const char *reason, char *why, size_t why_len)
{
	char file[512];
	long runtime;

	rt_runtime_file(s, th->task.pid, th->task.tid, file, sizeof(file));
	if (file[0] && kvmrt_sysroot_read_long(s, file, &runtime) == 0 && runtime == 0) {
		snprintf(why, why_len,
			 "SCHED_FIFO refused for '%s' (tid %d): cpu.rt_runtime_us of %s%.*s is 0; "
			 "give real-time time to every cgroup from the root down to it (e.g. "
			 "libvirt's machine/ groups), or use a kernel without RT_GROUP_SCHED",
			 th->task.comm, (int)th->task.tid, kvmrt_sysroot_label(s),
			 (int)(strlen(file) - strlen("/cpu.rt_runtime_us")), file);
		return;
	}
	snprintf(why, why_len, "SCHED_FIFO refused for '%s' (tid %d): %s", th->task.comm,
		 (int)th->task.tid, reason);
}

int kvmrt_vm_thread_reapply(const struct kvmrt_sysroot *s, const struct kvmrt_vm_thread *th,
			    const struct kvmrt_vm_plan *p, int prio, char *why, size_t why_len)
{
	struct kvmrt_ids planned;
	char reason[512];
	int policy, r = thread_plan(th, p, prio, &planned, &policy), ra = 0, rs = 0;

	if (r == -ENOENT) {
		snprintf(why, why_len, "'%s' (tid %d): vCPU %d is not in the plan: leave it",
			 th->task.comm, (int)th->task.tid, th->vcpu);
		return r;
	}
	if (r < 0)
		return r;
	if (!affinity_ok(&th->task, &planned))
		ra = kvmrt_task_set_affinity(s, th->task.tid, &planned, reason, sizeof(reason));
	if (ra < 0)
		snprintf(why, why_len, "pinning '%s' (tid %d) refused: %s", th->task.comm,
			 (int)th->task.tid, reason);
	kvmrt_ids_done(&planned);
	if (!policy_ok(&th->task, policy, prio))
		rs = kvmrt_task_set_scheduler(s, th->task.tid, policy, prio, reason,
					      sizeof(reason));
	if (rs < 0 && ra == 0)
		fifo_refused(s, th, reason, why, why_len);
	return ra < 0 ? ra : rs;
}

/* ---- Locked memory ---- */

/* The soft limit of the "Max locked memory" line of a limits file (UINT64_MAX = unlimited). */
int kvmrt_limits_memlock(const char *limits, uint64_t *ret)
{
	const char *line = strstr(limits, "Max locked memory");
	unsigned long long v;
	char *end;

	if (!line)
		return -EBADMSG;
	line += strlen("Max locked memory");
	while (*line == ' ')
		line++;
	if (!strncmp(line, "unlimited", 9) && (line[9] == ' ' || !line[9])) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (!isdigit((unsigned char)*line))
		return -EBADMSG;
	errno = 0;
	v = strtoull(line, &end, 10);
	if (errno || (*end != ' ' && *end))
		return -EBADMSG;
	*ret = v;
	return 0;
}

/* The "VmLck:" line of a status file in KiB. */
int kvmrt_status_vmlck(const char *status, uint64_t *ret)
{
	const char *line = status;
	unsigned long long v;
	char *end;

	if (strncmp(line, "VmLck:", 6)) {
		line = strstr(status, "\nVmLck:");
		if (!line)
			return -EBADMSG;
		line++;
	}
	line += strlen("VmLck:");
	while (*line == ' ' || *line == '\t')
		line++;
	if (!isdigit((unsigned char)*line))
		return -EBADMSG;
	errno = 0;
	v = strtoull(line, &end, 10);
	if (errno || strncmp(end, " kB", 3) || v > UINT64_MAX / 1024)
		return -EBADMSG;
	*ret = v;
	return 0;
}

/* Reads /proc/@pid/@file and parses it with @parse; @why names the file and @what is missing. */
static int read_parsed(const struct kvmrt_sysroot *s, pid_t pid, const char *file,
		       int (*parse)(const char *, uint64_t *), const char *what, uint64_t *ret,
		       char *why, size_t why_len)
{
	_cleanup_free_ char *text = NULL;
	char path[48];
	size_t len;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	r = kvmrt_sysroot_read(s, path, &text, &len);
	if (r == 0)
		r = parse(text, ret);
	if (r < 0)
		snprintf(why, why_len, "%s%s: %s", kvmrt_sysroot_label(s), path,
			 r == -EBADMSG ? what : strerror(-r));
	return r;
}

int kvmrt_vm_memlock(const struct kvmrt_sysroot *s, pid_t pid, uint64_t *ret_locked_kib,
		     uint64_t *ret_limit, char *why, size_t why_len)
{
	uint64_t locked, limit;
	int r = read_parsed(s, pid, "status", kvmrt_status_vmlck, "no VmLck line", &locked, why,
			    why_len);

	if (r == 0)
		r = read_parsed(s, pid, "limits", kvmrt_limits_memlock,
				"no Max locked memory line", &limit, why, why_len);
	if (r < 0)
		return r;
	*ret_locked_kib = locked;
	*ret_limit = limit;
	return 0;
}

int kvmrt_vm_memlock_raise(const struct kvmrt_sysroot *s, pid_t pid, char *why, size_t why_len)
{
	const struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };

	if (!s->live) {
		snprintf(why, why_len, "%s: resource limits are changed on the live host only",
			 s->prefix);
		return -EOPNOTSUPP;
	}
	if (prlimit(pid, RLIMIT_MEMLOCK, &unlimited, NULL) == 0)
		return 0;
	snprintf(why, why_len, "raising RLIMIT_MEMLOCK of process %d refused: %s", (int)pid,
		 strerror(errno));
	return -errno;
}

/* ---- Finding the QEMU process ---- */

/*
 * Whether the command line @cmd (@len bytes of NUL-separated arguments, with
 * a NUL after them as kvmrt_sysroot_read() leaves it) holds "-uuid" @uuid.
 */
static bool cmdline_has_uuid(const char *cmd, size_t len, const char *uuid)
{
	const char *end = cmd + len;

	for (const char *a = cmd; a < end; a += strlen(a) + 1) {
		const char *next = a + strlen(a) + 1;

		if (!strcmp(a, "-uuid") && next < end && !strcasecmp(next, uuid))
			return true;
	}
	return false;
}

int kvmrt_vm_pid(const struct kvmrt_sysroot *s, const char *uuid, pid_t *ret)
{
	char **names;
	int n = kvmrt_sysroot_list(s, "/proc", &names), r = -ENOENT;

	if (n < 0)
		return n;
	for (int i = 0; i < n && r == -ENOENT; i++) {
		_cleanup_free_ char *cmd = NULL;
		char path[64], *end;
		unsigned long pid;
		size_t len;

		errno = 0;
		pid = strtoul(names[i], &end, 10);
		if (!isdigit((unsigned char)names[i][0]) || *end || errno || pid > INT_MAX)
			continue;
		snprintf(path, sizeof(path), "/proc/%lu/cmdline", pid);
		if (kvmrt_sysroot_read(s, path, &cmd, &len) == 0 &&
		    cmdline_has_uuid(cmd, len, uuid)) {
			*ret = (pid_t)pid;
			r = 0;
		}
	}
	kvmrt_strv_free(names);
	return r;
}
