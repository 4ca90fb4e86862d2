/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tuning-test.h - what the host tuning tests share: a fixture sysroot tree of
 * fixtures/kvmrt-core/sysroots copied to a temporary directory with a journal
 * directory beside it, snapshots to compare the tree byte for byte, plans.
 */
#ifndef TUNING_TEST_H
#define TUNING_TEST_H

#include "kvmrt-host.h"

/* One fixture tree and what the tests expect of it. */
struct tt_tree {
	const char *name;      /* directory under fixtures/kvmrt-core/sysroots */
	const char *topology;  /* hwloc synthetic description of it */
	const char *cpuset_a;  /* the rt VM of the single-VM tests */
	const char *cpuset_b;  /* a second rt VM beside it */
	const char *rest_a;    /* every CPU but VM A's owned ones */
	const char *sibling_a; /* an SMT sibling VM A takes offline, or NULL */
	const char *mask_a;    /* default_smp_affinity without VM A's owned CPUs */
};

extern const struct tt_tree tt_trees[];
extern const unsigned tt_nr_trees;

#define TT_UUID_A "aaaaaaaa-0000-4000-8000-00000000000a"
#define TT_UUID_B "bbbbbbbb-0000-4000-8000-00000000000b"

/*
 * VM A's QEMU process, which tt_host_init() adds to every copy: proc/PID/cgroup
 * and the cgroup.procs of libvirt's cgroup for it (TT_QEMU_V2 on cgroup v2,
 * TT_QEMU_V1 in the v1 cpuset hierarchy), as libvirt leaves them.
 */
#define TT_QEMU_PID 700
#define TT_QEMU_V2 "machine.slice/machine-qemu\\x2d1\\x2drt1.scope/libvirt/emulator"
#define TT_QEMU_V1 "machine/qemu-1-rt1.libvirt-qemu/emulator"

struct tt_host {
	const struct tt_tree *tree;
	char *tmp;     /* holds root/ and journal/ */
	char *root;    /* the copy of the tree */
	char *journal; /* the journal directory */
	struct kvmrt_sysroot s;
	struct kvmrt_topology *topo;
	char *pristine; /* snapshot of the copy before any tuning */
};

/* The file proc/TT_QEMU_PID/cgroup of @h as tt_host_init() writes it (borrowed). */
const char *tt_qemu_cgroup(const struct tt_host *h);
/* Copies @tree (with VM A's QEMU process) and loads its topology. Fails the test on error. */
void tt_host_init(struct tt_host *h, const struct tt_tree *tree);
void tt_host_done(struct tt_host *h);
/* Every directory and file under @dir with its contents, in name order (free() it). */
char *tt_snapshot(const char *dir);
/* Fails the test, naming the first difference, unless the tree is as copied. */
void tt_assert_pristine(const struct tt_host *h);
/* The file @rel of the tree without its trailing newline (free() it). */
char *tt_read(const struct tt_host *h, const char *rel);
/* Fails the test unless the file @rel of the tree holds @want (trailing newlines aside). */
void tt_assert_file(const struct tt_host *h, const char *rel, const char *want);
/* Plans rt VM @uuid on @cpuset with one vCPU (free with kvmrt_plan_vm_done()). */
void tt_plan(const struct tt_host *h, const char *uuid, const char *cpuset,
	     struct kvmrt_vm_plan *ret);
/* Opens the tuning of @h's tree and journal. */
struct kvmrt_tuning *tt_open(const struct tt_host *h);
/* Applies rt VM @uuid on @cpuset; returns what kvmrt_tuning_apply() returned. */
int tt_apply(const struct tt_host *h, struct kvmrt_tuning *t, const char *uuid, const char *cpuset,
	     struct kvmrt_notes *notes);
/* Whether a note holds @text. */
bool tt_notes_have(const struct kvmrt_notes *n, const char *text);

#endif
