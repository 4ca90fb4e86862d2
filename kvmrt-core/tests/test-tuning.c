/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host tuning on the fixture trees: apply for rt VMs changes what the plan
 * asks, undo puts every file of the tree back byte for byte, and one VM's
 * undo leaves another VM's tuning in place.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kvmrt-test.h"
#include "tuning-private.h"
#include "tuning-test.h"

static void assert_holds(const struct tt_host *h, const char *rel, const char *want)
{
	char *text = tt_read(h, rel);

	if (!strstr(text, want))
		fail_msg("%s: %s does not hold '%s':\n%s", h->tree->name, rel, want, text);
	free(text);
}

static void undo_all(const struct tt_host *h, struct kvmrt_tuning *t)
{
	struct kvmrt_notes notes = {0};

	assert_true(kvmrt_tuning_undo(t, NULL, &notes) > 0);
	for (unsigned i = 0; i < notes.nr; i++)
		assert_int_not_equal(notes.n[i].severity, KVMRT_ERROR);
	kvmrt_notes_done(&notes);
	tt_assert_pristine(h);
}

/* What VM A's tuning shows in each tree, besides the IRQ and task moves every tree has. */
static void check_isolation(const struct tt_host *h, const struct kvmrt_notes *notes)
{
	const char *name = h->tree->name;

	if (!strcmp(name, "smt2s")) {
		tt_assert_file(h, "sys/fs/cgroup/kvmrt/cpuset.cpus", "2-3,10-11");
		tt_assert_file(h, "sys/fs/cgroup/kvmrt/cpuset.cpus.partition", "isolated");
	} else if (!strcmp(name, "cgroup-v2")) {
		tt_assert_file(h, "sys/fs/cgroup/cgroup.subtree_control", "cpuset memory pids");
		tt_assert_file(h, "sys/fs/cgroup/kvmrt/cpuset.cpus", "2-3");
		tt_assert_file(h, "sys/fs/cgroup/kvmrt/cpuset.cpus.partition", "isolated");
	} else if (!strcmp(name, "cgroup-v1")) {
		tt_assert_file(h, "sys/fs/cgroup/cpuset/kvmrt/cpuset.cpus", "2-3,6-7");
		tt_assert_file(h, "sys/fs/cgroup/cpuset/kvmrt/cpuset.mems", "0");
		tt_assert_file(h, "sys/fs/cgroup/cpuset/kvmrt/cpuset.cpu_exclusive", "1");
		tt_assert_file(h, "sys/fs/cgroup/cpuset/kvmrt/cpuset.sched_load_balance", "0");
		tt_assert_file(h, "sys/fs/cgroup/cpuset/cpuset.sched_load_balance", "0");
		assert_true(tt_notes_have(notes, "cgroup v1/v2 hybrid"));
		assert_false(tt_notes_have(notes, "hold CPUs of the rt VMs"));
	} else {
		assert_true(tt_notes_have(notes, "isolcpus=domain,managed_irq,2-3,34-35"));
	}
}

static void check_apply(const struct tt_host *h, const struct kvmrt_notes *notes)
{
	const char *rest = h->tree->rest_a;
	char *want;

	check_isolation(h, notes);
	/* Spanning IRQs lose the owned CPUs; IRQs only on them go to the host's CPUs. */
	tt_assert_file(h, "proc/irq/1/smp_affinity_list", rest);
	tt_assert_file(h, "proc/irq/25/smp_affinity_list", rest);
	tt_assert_file(h, "proc/irq/26/smp_affinity_list", "5");
	tt_assert_file(h, "proc/irq/0/smp_affinity_list", "0");
	tt_assert_file(h, "proc/irq/default_smp_affinity", h->tree->mask_a);
	/* The managed one stays, with a note naming it and the boot parameter. */
	tt_assert_file(h, "proc/irq/24/smp_affinity_list", "2");
	assert_true(tt_notes_have(notes, "IRQ 24 (nvme0q1) is managed"));
	assert_true(asprintf(&want, "irqaffinity=%s isolcpus=managed_irq,", rest) > 0);
	assert_true(tt_notes_have(notes, want));
	free(want);
	/* Movable tasks move; per-CPU kthreads and tasks within the VM's CPUs stay. */
	assert_holds(h, "proc/1/status", rest);
	assert_holds(h, "proc/410/task/412/status", rest);
	assert_holds(h, "proc/412/status", rest);
	assert_holds(h, "proc/15/status", "Cpus_allowed_list:\t2\n");
	assert_holds(h, "proc/500/status", "Cpus_allowed_list:\t3\n");
	if (h->tree->sibling_a)
		tt_assert_file(h, h->tree->sibling_a, "0");
}

/* The journal names each sibling taken offline with the CPUs of its core. */
static void check_journal(const struct tt_host *h)
{
	char *path, *text;

	if (strcmp(h->tree->name, "smt2s"))
		return;
	assert_true(asprintf(&path, "%s/journal", h->journal) > 0);
	text = kt_read_file(path);
	assert_non_null(strstr(text, " offline smt sys/devices/system/cpu/cpu10/online 1%0A 0 "
				     "2,10\n"));
	assert_non_null(strstr(text, " offline smt sys/devices/system/cpu/cpu11/online 1%0A 0 "
				     "3,11\n"));
	free(text);
	free(path);
}

static void test_apply_undo(void **state)
{
	(void)state;
	for (unsigned i = 0; i < tt_nr_trees; i++) {
		struct kvmrt_notes notes = {0};
		struct kvmrt_tuning *t;
		struct tt_host h;

		tt_host_init(&h, &tt_trees[i]);
		t = tt_open(&h);
		assert_int_equal(tt_apply(&h, t, TT_UUID_A, h.tree->cpuset_a, &notes), 0);
		check_apply(&h, &notes);
		assert_true(kvmrt_tuning_active(t, TT_UUID_A));
		check_journal(&h);
		kvmrt_notes_done(&notes);
		/* Undo from a fresh handle, as kvmrt-shutdown does. */
		kvmrt_tuning_close(t);
		t = tt_open(&h);
		assert_true(kvmrt_tuning_active(t, TT_UUID_A));
		undo_all(&h, t);
		assert_false(kvmrt_tuning_active(t, TT_UUID_A));
		kvmrt_tuning_close(t);
		tt_host_done(&h);
	}
}

static void check_state(const struct tt_host *h, struct kvmrt_tuning *t)
{
	struct kvmrt_ids shielded, offline;
	struct kvmrt_vm_plan a, b;

	tt_plan(h, TT_UUID_A, h->tree->cpuset_a, &a);
	tt_plan(h, TT_UUID_B, h->tree->cpuset_b, &b);
	assert_int_equal(kvmrt_tuning_state(t, &shielded, &offline), 0);
	kvmrt_ids_or(&a.owned, &b.owned);
	assert_true(kvmrt_ids_equal(&shielded, &a.owned));
	kvmrt_ids_or(&a.siblings, &b.siblings);
	/* CPU 0 has no online file: the 1-core VM B of cgroup-v1 cannot take it down. */
	assert_true(kvmrt_ids_subset(&offline, &a.siblings));
	assert_string_equal(kvmrt_tuning_owner(t, (unsigned)kvmrt_ids_next(&b.rt_cpus, 0)),
			    TT_UUID_B);
	assert_string_equal(kvmrt_tuning_owner(t, 2), TT_UUID_A);
	assert_null(kvmrt_tuning_owner(t, 0));
	kvmrt_ids_done(&shielded);
	kvmrt_ids_done(&offline);
	kvmrt_plan_vm_done(&a);
	kvmrt_plan_vm_done(&b);
}

/* The CPU list file @rel holds no CPU of VM A or B. */
static void assert_off_owned(const struct tt_host *h, const char *rel)
{
	struct kvmrt_vm_plan a, b;
	struct kvmrt_ids cpus;
	char *text = tt_read(h, rel), why[256];

	tt_plan(h, TT_UUID_A, h->tree->cpuset_a, &a);
	tt_plan(h, TT_UUID_B, h->tree->cpuset_b, &b);
	assert_int_equal(kvmrt_idset_parse(text, KVMRT_MAX_IDS, &cpus, why, sizeof(why)), 0);
	assert_true(kvmrt_ids_count(&cpus) > 0);
	assert_false(kvmrt_ids_intersects(&cpus, &a.owned));
	assert_false(kvmrt_ids_intersects(&cpus, &b.owned));
	kvmrt_ids_done(&cpus);
	kvmrt_plan_vm_done(&a);
	kvmrt_plan_vm_done(&b);
	free(text);
}

static void test_two_vms(void **state)
{
	(void)state;
	for (unsigned i = 0; i < tt_nr_trees; i++) {
		struct kvmrt_notes notes = {0};
		struct kvmrt_tuning *t;
		struct tt_host h;
		char *b_state, *after;

		tt_host_init(&h, &tt_trees[i]);
		t = tt_open(&h);
		assert_int_equal(tt_apply(&h, t, TT_UUID_A, h.tree->cpuset_a, &notes), 0);
		assert_int_equal(tt_apply(&h, t, TT_UUID_B, h.tree->cpuset_b, &notes), 0);
		check_state(&h, t);
		/* cgroup-v1's "system" cpuset (CPUs 0-1) holds VM B's CPU 1. */
		assert_int_equal(tt_notes_have(&notes, "the cpusets system under"),
				 !strcmp(h.tree->name, "cgroup-v1"));
		/* IRQ 26 (CPUs 3 and 5) was moved for both VMs. */
		assert_off_owned(&h, "proc/irq/26/smp_affinity_list");
		assert_true(kvmrt_tuning_undo(t, TT_UUID_A, &notes) > 0);
		assert_false(kvmrt_tuning_active(t, TT_UUID_A));
		assert_true(kvmrt_tuning_active(t, TT_UUID_B));
		/* VM B's tuning is intact: IRQ 26 only loses B's CPU 5 now. */
		tt_assert_file(&h, "proc/irq/26/smp_affinity_list", "3");
		b_state = tt_snapshot(h.root);
		kvmrt_tuning_close(t);
		/* Re-tuning B from a new handle changes nothing. */
		t = tt_open(&h);
		assert_true(tt_apply(&h, t, TT_UUID_B, h.tree->cpuset_b, &notes) >= 0);
		after = tt_snapshot(h.root);
		assert_string_equal(after, b_state);
		undo_all(&h, t);
		free(b_state);
		free(after);
		kvmrt_notes_done(&notes);
		kvmrt_tuning_close(t);
		tt_host_done(&h);
	}
}

static void test_reapply(void **state)
{
	struct kvmrt_notes notes = {0};
	struct kvmrt_tuning *t;
	struct tt_host h;

	(void)state;
	tt_host_init(&h, &tt_trees[0]);
	t = tt_open(&h);
	assert_int_equal(tt_apply(&h, t, TT_UUID_A, h.tree->cpuset_a, &notes), 0);
	assert_int_equal(tt_apply(&h, t, TT_UUID_A, h.tree->cpuset_a, &notes), 0);
	check_apply(&h, &notes);
	undo_all(&h, t);
	/* Nothing left to undo. */
	assert_int_equal(kvmrt_tuning_undo(t, NULL, &notes), 0);
	kvmrt_notes_done(&notes);
	kvmrt_tuning_close(t);
	tt_host_done(&h);
}

static void test_refuses_bad_input(void **state)
{
	struct kvmrt_notes notes = {0};
	struct kvmrt_vm_plan p;
	struct kvmrt_tuning *t;
	struct tt_host h;

	(void)state;
	tt_host_init(&h, &tt_trees[3]);
	t = tt_open(&h);
	tt_plan(&h, TT_UUID_A, "2-3", &p);
	assert_int_equal(kvmrt_tuning_apply(t, "not-a-uuid", &p, h.topo, &notes), -EINVAL);
	kvmrt_plan_vm_done(&p);
	/* A VM owning every CPU leaves the host nothing: refused before any change. */
	tt_plan(&h, TT_UUID_A, "0-7", &p);
	assert_int_equal(kvmrt_tuning_apply(t, TT_UUID_A, &p, h.topo, &notes), -EINVAL);
	assert_true(tt_notes_have(&notes, "leave at least one CPU"));
	kvmrt_plan_vm_done(&p);
	tt_assert_pristine(&h);
	assert_false(kvmrt_tuning_active(t, TT_UUID_A));
	kvmrt_notes_done(&notes);
	kvmrt_tuning_close(t);
	tt_host_done(&h);
}

/* Host files that are not what the kernel writes: notes, no crash, undo still exact. */
static void test_hostile_host_files(void **state)
{
	struct kvmrt_notes notes = {0};
	struct kvmrt_tuning *t;
	struct tt_host h;
	char *p, *dir;

	(void)state;
	tt_host_init(&h, &tt_trees[0]);
	assert_true(asprintf(&dir, "%s/proc/irq", h.root) > 0);
	p = kt_write_file(dir, "default_smp_affinity", "zz,not a mask\n", 0644);
	free(p);
	free(dir);
	assert_true(asprintf(&dir, "%s/sys/devices/system/cpu/cpu11", h.root) > 0);
	p = kt_write_file(dir, "online", "", 0644);
	assert_int_equal(unlink(p), 0);
	free(p);
	free(dir);
	free(h.pristine);
	h.pristine = tt_snapshot(h.root);
	t = tt_open(&h);
	assert_int_equal(tt_apply(&h, t, TT_UUID_A, h.tree->cpuset_a, &notes), 0);
	assert_true(tt_notes_have(&notes, "default_smp_affinity: not a CPU mask ('zz,not a mask"));
	assert_true(tt_notes_have(&notes, "SMT sibling CPU 11 cannot be taken offline"));
	tt_assert_file(&h, "sys/devices/system/cpu/cpu10/online", "0");
	undo_all(&h, t);
	kvmrt_notes_done(&notes);
	kvmrt_tuning_close(t);
	tt_host_done(&h);
}

struct exit_task {
	struct kvmrt_tuning *t;
	const struct tt_host *h;
	char *from, *to;
};

/* When the first task move is journaled, sshd (300) exits: its /proc directory goes. */
static void exit_sshd(void *data, enum tuning_event ev, unsigned nth)
{
	struct exit_task *x = data;
	const struct journal *j = &x->t->j;

	(void)nth;
	if (ev == TUNING_JOURNALED && j->e[j->nr - 1].kind == J_TASK && !x->from) {
		assert_true(asprintf(&x->from, "%s/proc/300", x->h->root) > 0);
		assert_true(asprintf(&x->to, "%s/sshd-gone", x->h->tmp) > 0);
		assert_int_equal(rename(x->from, x->to), 0);
	}
}

static void test_task_exits_meanwhile(void **state)
{
	struct kvmrt_notes notes = {0};
	struct exit_task x = {0};
	struct tt_host h;

	(void)state;
	tt_host_init(&h, &tt_trees[0]);
	x.t = tt_open(&h);
	x.h = &h;
	kvmrt_tuning_set_hook(x.t, exit_sshd, &x);
	assert_int_equal(tt_apply(&h, x.t, TT_UUID_A, h.tree->cpuset_a, &notes), 0);
	assert_non_null(x.from);
	assert_false(tt_notes_have(&notes, "sshd"));
	assert_holds(&h, "proc/410/status", h.tree->rest_a);
	assert_true(kvmrt_tuning_undo(x.t, NULL, &notes) > 0);
	assert_false(tt_notes_have(&notes, "sshd"));
	/* Everything else is back as it was. */
	assert_int_equal(rename(x.to, x.from), 0);
	tt_assert_pristine(&h);
	free(x.from);
	free(x.to);
	kvmrt_notes_done(&notes);
	kvmrt_tuning_close(x.t);
	tt_host_done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_apply_undo),
	    cmocka_unit_test(test_two_vms),
	    cmocka_unit_test(test_reapply),
	    cmocka_unit_test(test_refuses_bad_input),
	    cmocka_unit_test(test_task_exits_meanwhile),
	    cmocka_unit_test(test_hostile_host_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
