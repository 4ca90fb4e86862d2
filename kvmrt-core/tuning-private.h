/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tuning-private.h - the host tuning journal and the steps of kvmrt_tuning_apply(),
 * shared by journal.c, tuning.c, undo.c, isolation.c, shield.c and smt.c
 * (docs/host-tuning.md).
 */
#ifndef KVMRT_TUNING_PRIVATE_H
#define KVMRT_TUNING_PRIVATE_H

#include <stdarg.h>

#include "kvmrt-host.h"

/*
 * What an entry changed, and so how it is made, recomputed and restored.
 * Every entry has a key: a path relative to the sysroot, or a TID for J_TASK.
 */
enum journal_kind {
	J_VM,	      /* the VM's record: after = owned CPUs, aux = housekeeping CPUs */
	J_SET,	      /* a file set to a constant (after) while any VM holds it */
	J_CONTROL,    /* a cgroup.subtree_control: after = "+cpuset" while held */
	J_MKDIR,      /* a cgroup directory kvmrt made (removed when no VM holds it) */
	J_CPUS_UNION, /* a CPU list file: the owned CPUs of every VM holding it */
	J_MASK_MINUS, /* a CPU mask file (default_smp_affinity): before minus owned */
	J_IRQ,	      /* proc/irq/N/smp_affinity_list: before minus owned */
	J_TASK,	      /* thread TID's affinity: before minus owned; aux = comm */
	J_OFFLINE,    /* sys/devices/system/cpu/cpuN/online = 0; aux = the core's CPUs */
	J_PROCS,      /* proc/PID/cgroup: QEMU moved into cgroup @after (aux: v1 controller) */
	J_KIND_COUNT,
};

struct journal_entry {
	unsigned long seq;
	char uuid[37];
	enum journal_kind kind;
	char *step; /* "cgroup", "irq", "task", "smt", ... for messages */
	char *key;
	char *before; /* the bytes before (a CPU list for J_TASK) */
	char *after;
	char *aux;
};

struct journal {
	int dir_fd;
	int lock_fd; /* flock held while the journal is open */
	char *path;  /* DIR/journal, for messages */
	unsigned nr, cap;
	struct journal_entry *e;
	unsigned long next_seq;
	unsigned nr_damage;
	char **damage; /* "PATH:LINE: what is wrong" per damaged line */
};

/*
 * Parses the journal text @text (@len bytes, not NUL-terminated) into @j:
 * whole lines become entries, damaged ones (torn, checksum, format, a key
 * outside the sysroot, NUL bytes) messages in j->damage. @j starts zeroed with
 * its path set. Returns 0 or -ENOMEM.
 */
int journal_parse(struct journal *j, const char *text, size_t len);
/* The journal line of @e, checksum and newline included (free() it). */
int journal_entry_line(const struct journal_entry *e, char **ret);
/* Opens (creating) DIR/journal, locks it, reads it. Returns 0 or a negative errno with @why. */
int journal_open(const char *dir, struct journal *ret, char *why, size_t why_len);
void journal_close(struct journal *j);
/*
 * Appends @e (its strings are copied, seq assigned) and fsyncs the file before
 * returning. Returns 0 or a negative errno.
 */
int journal_append(struct journal *j, const struct journal_entry *e);
/*
 * Rewrites the journal without the entries of @uuid (temporary file, fsync,
 * rename): a key's first "before" (the value before kvmrt touched it) moves to
 * the oldest remaining entry of that key. Damaged lines are dropped.
 */
int journal_drop_vm(struct journal *j, const char *uuid);
/* The newest VM record (J_VM) of @uuid, or NULL. Borrowed. */
const struct journal_entry *journal_vm_record(const struct journal *j, const char *uuid);
/* Adds the CPU list @list of an entry to @set (a malformed list adds nothing). */
void journal_add_cpus(struct kvmrt_ids *set, const char *list);
/* The kind named @name ("irq"), or -EINVAL; and the name of @k. */
int journal_kind_parse(const char *name);
const char *journal_kind_name(enum journal_kind k);

/* Called by a test after each change kvmrt_tuning_apply() journals and makes. */
enum tuning_event { TUNING_JOURNALED, TUNING_CHANGED };
typedef void (*tuning_hook)(void *data, enum tuning_event ev, unsigned nth);

struct kvmrt_tuning {
	const struct kvmrt_sysroot *s;
	struct journal j;
	tuning_hook hook;
	void *hook_data;
	unsigned changes; /* made by this handle, for the hook */
};

/*
 * Test hook: @fn is called after the n-th change of this handle is journaled
 * (TUNING_JOURNALED, the change not yet made) and after it is made
 * (TUNING_CHANGED). The crash tests _exit() from it in a forked child. Not in
 * the public header: nothing but the tests sets it.
 */
void kvmrt_tuning_set_hook(struct kvmrt_tuning *t, tuning_hook fn, void *data);

/* The state of one apply: the VM, its plan and the CPUs every tuned VM owns. */
struct tuning_ctx {
	struct kvmrt_tuning *t;
	const char *uuid;
	const struct kvmrt_vm_plan *p;
	const struct kvmrt_topology *topo;
	struct kvmrt_ids all_owned;    /* this VM's and every other tuned VM's */
	struct kvmrt_ids housekeeping; /* online CPUs no tuned VM owns */
	struct kvmrt_notes *notes;
	int errors;
};

/*
 * Journals a change (kind @k of @key from @before to @after; @aux per kind)
 * and fsyncs it, before the caller makes it. Returns 0, or a negative errno
 * (noted) when the journal could not be written: nothing may change then.
 */
int tuning_journal(struct tuning_ctx *c, enum journal_kind k, const char *step, const char *key,
		   const char *before, const char *after, const char *aux);
/* The caller made the change it journaled last (for the test hook). */
void tuning_made(struct tuning_ctx *c);
/*
 * Reads file @key, journals writing @after to it, writes it. A failure to
 * read or write is an error note. Returns 0 or a negative errno (journal).
 */
int tuning_write_file(struct tuning_ctx *c, enum journal_kind k, const char *step, const char *key,
		      const char *after, const char *aux);

/* Appends a note (severity 0 = information). Returns 0 or -ENOMEM. */
int tuning_note(struct tuning_ctx *c, enum kvmrt_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The steps, in the order apply runs them. Each returns 0 or a negative errno (journal, memory). */
int isolation_apply(struct tuning_ctx *c);
int shield_irqs_apply(struct tuning_ctx *c);
int shield_tasks_apply(struct tuning_ctx *c);
int smt_apply(struct tuning_ctx *c);

/* The cgroup isolation makes (under the root of the hierarchy with the cpuset controller). */
#define KVMRT_CGROUP "kvmrt"
/*
 * The root of the hierarchy isolation uses ("sys/fs/cgroup", "sys/fs/cgroup/cpuset"), with
 * *ret_controller "" for cgroup v2 and "cpuset" for v1; NULL when there is none.
 */
const char *isolation_cgroup_root(const struct kvmrt_sysroot *s, const char **ret_controller);
/* Moves the process of a J_PROCS entry back to the cgroup in @orig (its proc/PID/cgroup). */
int adopt_restore(const struct kvmrt_sysroot *s, const struct journal_entry *e, const char *orig);

/* cgroup directories: made with the control files a kernel would give them on a fixture tree. */
int cgroup_mkdir(const struct kvmrt_sysroot *s, const char *path);
int cgroup_rmdir(const struct kvmrt_sysroot *s, const char *path);
/* Writes "+cpuset"/"-cpuset" to a cgroup.subtree_control (edited as a word list on a fixture). */
int cgroup_control_write(const struct kvmrt_sysroot *s, const char *path, const char *value);

/* CPU masks as in /proc/irq/default_smp_affinity ("ff", "00000000,000000ff"). */
int cpumask_parse(const char *text, unsigned limit, struct kvmrt_ids *ret);
/* @s as a mask as wide as the mask @like (the kernel's width for the file). */
int cpumask_format(const struct kvmrt_ids *s, const char *like, char **ret);

#endif
