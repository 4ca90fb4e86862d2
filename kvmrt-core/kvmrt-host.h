/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-host.h - libkvmrt's view of the host it tunes (DESIGN.md decision 6,
 * SPEC K5-K6): the sysroot through which every /proc, /sys and cgroup file is
 * read and written, IRQs and tasks with their CPU affinity, the host tuning
 * journal that kvmrt-shutdown undoes, and the threads of a running VM.
 *
 * Conventions as in kvmrt.h: 0 or a count on success, a negative errno on
 * failure, a one-line reason in @why where the failure comes from the host's
 * files or the caller's input; output parameters written only on success.
 */
#ifndef KVMRT_HOST_H
#define KVMRT_HOST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kvmrt.h"

/* ---- Sysroot (sysroot.c) ---- */

/*
 * The root under which /proc and /sys (and /sys/fs/cgroup) are found: "/" on
 * the live host, a fixture tree in tests. On a fixture tree (live == false)
 * the actions that are system calls rather than file writes
 * (sched_setaffinity, sched_setscheduler) are applied to the tree's stand-in
 * files instead (see kvmrt_task_set_affinity()), so tests can observe and
 * restore them; nothing on the build machine is ever changed.
 */
struct kvmrt_sysroot {
	int fd;        /* O_PATH directory of the root */
	char *prefix;  /* as given, for messages ("/" on the live host) */
	bool live;     /* prefix is "/" */
};

/* Opens @prefix (NULL = "/"). Returns 0 or a negative errno with @why. */
int kvmrt_sysroot_open(const char *prefix, struct kvmrt_sysroot *ret, char *why, size_t why_len);
void kvmrt_sysroot_close(struct kvmrt_sysroot *s);

/*
 * Reads the file @path ("/proc/interrupts" or "proc/interrupts": always
 * relative to the root) whole, NUL-terminated, at most 16 MiB.
 * -ENOENT when it does not exist.
 */
int kvmrt_sysroot_read(const struct kvmrt_sysroot *s, const char *path, char **ret,
		       size_t *ret_len);
/* Like kvmrt_sysroot_read() with the trailing newline(s) removed. */
int kvmrt_sysroot_read_line(const struct kvmrt_sysroot *s, const char *path, char **ret);
/* Reads a decimal integer file. -EINVAL when it holds something else. */
int kvmrt_sysroot_read_long(const struct kvmrt_sysroot *s, const char *path, long *ret);
/*
 * Writes @value to the existing file @path in one write(2) (sysfs and procfs
 * take a value per write; fixture files are truncated first). Returns 0 or
 * the errno the kernel gave (-EIO for a managed IRQ, -EBUSY, -EPERM ...).
 */
int kvmrt_sysroot_write(const struct kvmrt_sysroot *s, const char *path, const char *value);
bool kvmrt_sysroot_exists(const struct kvmrt_sysroot *s, const char *path);
/*
 * Lists the names in directory @path (without "." and ".."), sorted (numbers
 * in numeric order). *ret is a NULL-terminated array: free it with
 * kvmrt_strv_free(). Returns the count.
 */
int kvmrt_sysroot_list(const struct kvmrt_sysroot *s, const char *path, char ***ret);
void kvmrt_strv_free(char **v);
/*
 * What to put before an absolute path ("/proc/...") in messages: "" on the
 * live host, the prefix of a fixture tree. Borrowed.
 */
static inline const char *kvmrt_sysroot_label(const struct kvmrt_sysroot *s)
{
	return s->live ? "" : s->prefix;
}

/* ---- CPU lists of the host (host-cpus.c) ---- */

/*
 * Reads the CPU list file @path ("/sys/devices/system/cpu/online") into @ret
 * (initialised by this call; empty for an empty file). -ENOENT when missing,
 * -EINVAL when it is not a CPU list; @why names the file.
 */
int kvmrt_sysroot_read_ids(const struct kvmrt_sysroot *s, const char *path,
			   struct kvmrt_ids *ret, char *why, size_t why_len);
/*
 * 0 when @cpus holds an online CPU (or, when the host does not say which are
 * online, any CPU); else -EINVAL with @why.
 */
int kvmrt_cpus_check_online(const struct kvmrt_sysroot *s, const struct kvmrt_ids *cpus,
			    char *why, size_t why_len);
/*
 * The CPUs of the cgroup v2 cpuset partitions whose mode is "isolated" (their
 * cpuset.cpus.effective, else cpuset.cpus), at most 8 levels deep, into @ret
 * (initialised by this call; empty without cgroup v2). Returns 0 or a
 * negative errno with @why.
 */
int kvmrt_cpus_partitioned(const struct kvmrt_sysroot *s, struct kvmrt_ids *ret, char *why,
			   size_t why_len);

/* ---- IRQs (irq.c) ---- */

struct kvmrt_irq {
	unsigned nr;
	char *name;              /* actions from /proc/interrupts ("eth0-rx-0"), or "" */
	char *chip;              /* interrupt chip and type ("PCI-MSI-edge"), or "" */
	struct kvmrt_ids affinity;  /* smp_affinity_list */
	struct kvmrt_ids effective; /* effective_affinity_list (empty when the kernel has none) */
	bool managed;            /* kernel-managed: affinity cannot be changed from user space */
	unsigned long long count; /* interrupts so far, all CPUs */
	bool managed_known;      /* @managed comes from debugfs (or a refused write) */
};

/*
 * The IRQs of /proc/irq with their affinity (managed ones are recognised by
 * the debugfs flags where mounted, else by a write test only when
 * kvmrt_irq_set_affinity() is tried). *ret (free with kvmrt_irqs_free())
 * is sorted by number. Returns the count.
 */
int kvmrt_irqs_list(const struct kvmrt_sysroot *s, struct kvmrt_irq **ret, char *why,
		    size_t why_len);
void kvmrt_irqs_free(struct kvmrt_irq *irqs, unsigned nr);
/*
 * Sets IRQ @nr's affinity to @cpus. -EIO for a managed IRQ the kernel does
 * not let move, -EINVAL when @cpus holds no online CPU; @why says which.
 */
int kvmrt_irq_set_affinity(const struct kvmrt_sysroot *s, unsigned nr,
			   const struct kvmrt_ids *cpus, char *why, size_t why_len);

/* ---- Tasks (task.c) ---- */

struct kvmrt_task {
	pid_t pid;               /* thread group */
	pid_t tid;
	char comm[17];
	struct kvmrt_ids allowed; /* Cpus_allowed_list */
	int cpu;                 /* CPU it last ran on (stat field 39) */
	int policy;              /* SCHED_OTHER, SCHED_FIFO, ... (stat field 41) */
	int rt_priority;         /* stat field 40 */
	bool kthread;            /* kernel thread */
	bool pinned;             /* cannot be moved (PF_NO_SETAFFINITY: per-CPU kthreads) */
};

#define KVMRT_TASKS_THREADS 1u /* every thread, not only thread-group leaders */

/*
 * The tasks of /proc (with KVMRT_TASKS_THREADS every thread of each). Tasks
 * that exit while being read are skipped. *ret (free with kvmrt_tasks_free())
 * is sorted by pid, then tid. Returns the count.
 */
int kvmrt_tasks_list(const struct kvmrt_sysroot *s, unsigned flags, struct kvmrt_task **ret,
		     char *why, size_t why_len);
/* The threads of process @pid only. */
int kvmrt_task_threads(const struct kvmrt_sysroot *s, pid_t pid, struct kvmrt_task **ret,
		       char *why, size_t why_len);
void kvmrt_tasks_free(struct kvmrt_task *tasks, unsigned nr);
/*
 * Sets thread @tid's CPU affinity (sched_setaffinity on the live host; on a
 * fixture tree, rewrites the Cpus_allowed_list line of proc/TID/status and
 * proc/PID/task/TID/status where present).
 */
int kvmrt_task_set_affinity(const struct kvmrt_sysroot *s, pid_t tid,
			    const struct kvmrt_ids *cpus, char *why, size_t why_len);
/*
 * Sets thread @tid's policy and priority (sched_setscheduler live; on a
 * fixture tree, rewrites fields 40-41 of proc/TID/stat and
 * proc/PID/task/TID/stat where present). -EPERM when refused:
 * the caller reports it (this sandbox refuses SCHED_FIFO in libvirt's cgroup).
 */
int kvmrt_task_set_scheduler(const struct kvmrt_sysroot *s, pid_t tid, int policy,
			     int priority, char *why, size_t why_len);

/* ---- Host tuning and its journal (tuning.c, journal.c, ...) ---- */

/* Where the journal lives by default (one file per VM plus the shared state). */
#define KVMRT_JOURNAL_DIR "/run/kvmrt"

struct kvmrt_tuning;

/* One thing tuning did, could not do, or wants the user to know. */
struct kvmrt_note {
	enum kvmrt_severity severity; /* 0 = information */
	char *message;                /* "VM 'rt1': CPU 3: ... ; what to do" */
};

struct kvmrt_notes {
	unsigned nr, cap;
	struct kvmrt_note *n;
};
void kvmrt_notes_done(struct kvmrt_notes *n);
/*
 * Appends a note (@sev 0 = information) with a printf-formatted message to
 * @n (zero-initialised by the caller, freed with kvmrt_notes_done()).
 * Returns 0 or -ENOMEM.
 */
int kvmrt_notes_add(struct kvmrt_notes *n, enum kvmrt_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int kvmrt_notes_vadd(struct kvmrt_notes *n, enum kvmrt_severity sev, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * Opens (creating) the journal in @journal_dir (NULL = KVMRT_JOURNAL_DIR) for
 * the host under @s, which must stay open while the tuning is. Free with
 * kvmrt_tuning_close(). A journal left by a crashed boot is kept: undo finds it.
 */
int kvmrt_tuning_open(const struct kvmrt_sysroot *s, const char *journal_dir,
		      struct kvmrt_tuning **ret, char *why, size_t why_len);
void kvmrt_tuning_close(struct kvmrt_tuning *t);

/*
 * Tunes the host for rt VM @uuid with plan @p (on topology @topo): isolates
 * p->owned from the scheduler (cgroup v2 isolated partition, else cgroup v1
 * exclusive cpuset without load balancing, else a warning with the isolcpus=
 * to add), moves IRQs and movable tasks off it, takes p->siblings offline.
 * Each change is journaled (with the value before) before it is made.
 * Failures that leave the VM runnable are notes; returns the number of
 * error notes added or a negative errno (journal unwritable).
 */
int kvmrt_tuning_apply(struct kvmrt_tuning *t, const char *uuid, const struct kvmrt_vm_plan *p,
		       const struct kvmrt_topology *topo, struct kvmrt_notes *notes);

/*
 * Undoes what the journal holds for @uuid (NULL = every VM), newest first, and
 * removes it from the journal; also after a crash between steps. Returns the
 * number of changes undone or a negative errno; failures to restore are notes.
 */
int kvmrt_tuning_undo(struct kvmrt_tuning *t, const char *uuid, struct kvmrt_notes *notes);

/*
 * Moves the QEMU process @qemu_pid of rt VM @uuid (tuned by kvmrt_tuning_apply())
 * out of libvirt's cgroup into the kvmrt cgroup whose cpuset holds the VM's
 * owned CPUs (cgroup v2: its cgroup.procs; v1: the kvmrt cpuset's cgroup.procs,
 * which moves every thread), journaled with the cgroup it was in (from
 * /proc/PID/cgroup) so undo moves a still running process back. The kernel
 * resets the threads' affinity to the cpuset: check (and re-pin) them after.
 * A process that is gone, or a host without the kvmrt cgroup, is a note.
 * Returns the number of error notes added, -ENOENT when @uuid is not tuned, or
 * a negative errno (journal unwritable).
 */
int kvmrt_tuning_adopt(struct kvmrt_tuning *t, const char *uuid, pid_t qemu_pid,
		       struct kvmrt_notes *notes);

/* Whether the journal holds tuning for @uuid (for kvmrt-stat and cpustat). */
bool kvmrt_tuning_active(const struct kvmrt_tuning *t, const char *uuid);

/*
 * The CPUs the journal says kvmrt shields (isolated for rt VMs) and took
 * offline (either may be NULL; sets are initialised by this call).
 */
int kvmrt_tuning_state(const struct kvmrt_tuning *t, struct kvmrt_ids *ret_shielded,
		       struct kvmrt_ids *ret_offline);
/* The UUID of the VM whose tuning shields @cpu (borrowed from @t), or NULL. */
const char *kvmrt_tuning_owner(const struct kvmrt_tuning *t, unsigned cpu);

/* ---- Threads of a running VM (vm-threads.c) ---- */

enum kvmrt_thread_role {
	KVMRT_THREAD_VCPU,       /* "CPU n/KVM" or "CPU n/TCG" */
	KVMRT_THREAD_EMULATOR,   /* the main thread, qemu-kvm/qemu-system-*, call_rcu ... */
	KVMRT_THREAD_IO,         /* "IO ...", "worker", "SPICE Worker", vhost-* */
};

struct kvmrt_vm_thread {
	struct kvmrt_task task;
	enum kvmrt_thread_role role;
	int vcpu;                /* vCPU number for KVMRT_THREAD_VCPU, else -1 */
	bool matches;            /* placement and policy as planned */
	char why[160];           /* when not: what differs ("on CPU 1, planned 3") */
};

/*
 * The threads of the QEMU process @pid of the VM planned as @p, each
 * compared with the plan (rt VMs: vCPU i on p->vcpu_cpu[i] with SCHED_FIFO at
 * @prio; emulator and I/O threads within p->emulator). @prio 0: the VM is not
 * real-time, every thread within p->emulator (its cpuset), no policy checked.
 * Returns the count.
 */
int kvmrt_vm_threads(const struct kvmrt_sysroot *s, pid_t pid, const struct kvmrt_vm_plan *p,
		     int prio, struct kvmrt_vm_thread **ret, char *why, size_t why_len);
void kvmrt_vm_threads_free(struct kvmrt_vm_thread *threads, unsigned nr);

/* The role of a QEMU thread named @comm; *ret_vcpu is its vCPU number or -1. */
enum kvmrt_thread_role kvmrt_thread_role_of(const char *comm, int *ret_vcpu);
/* "vcpu", "emulator", "io". */
const char *kvmrt_thread_role_name(enum kvmrt_thread_role r);
/* "OTHER", "FIFO", "RR", "BATCH", "ISO", "IDLE", "DEADLINE" or "?". */
const char *kvmrt_policy_name(int policy);

/*
 * Puts thread @th back where and how the plan wants it (what libvirt could not
 * do): its CPUs, and SCHED_FIFO at @prio for a vCPU of a real-time VM. Returns
 * 0, or a negative errno with the refusal in @why ("SCHED_FIFO refused for
 * 'CPU 0/TCG' (tid N): cpu.rt_runtime_us of CGROUP is 0; ..."), -ENOENT for a
 * vCPU the plan does not have.
 */
int kvmrt_vm_thread_reapply(const struct kvmrt_sysroot *s, const struct kvmrt_vm_thread *th,
			    const struct kvmrt_vm_plan *p, int prio, char *why, size_t why_len);

/*
 * The QEMU process of domain @uuid: the process whose command line holds
 * "-uuid UUID" (libvirt always passes it). -ENOENT when none runs.
 */
int kvmrt_vm_pid(const struct kvmrt_sysroot *s, const char *uuid, pid_t *ret);

/*
 * The memory process @pid has locked (VmLck, KiB) and its RLIMIT_MEMLOCK soft
 * limit in bytes (UINT64_MAX = unlimited). Returns 0 or a negative errno with @why.
 */
int kvmrt_vm_memlock(const struct kvmrt_sysroot *s, pid_t pid, uint64_t *ret_locked_kib,
		     uint64_t *ret_limit, char *why, size_t why_len);
/* Raises process @pid's RLIMIT_MEMLOCK to unlimited (live host only: -EOPNOTSUPP otherwise). */
int kvmrt_vm_memlock_raise(const struct kvmrt_sysroot *s, pid_t pid, char *why, size_t why_len);
/* Parsers of the above (pure): the soft "Max locked memory" of a limits file, VmLck in KiB. */
int kvmrt_limits_memlock(const char *limits, uint64_t *ret);
int kvmrt_status_vmlck(const char *status, uint64_t *ret);

#endif
