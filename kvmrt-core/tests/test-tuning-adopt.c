/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt_tuning_adopt() on the fixture trees: VM A's QEMU process moves from
 * libvirt's cgroup into the kvmrt cgroup (the trees' cgroup.procs and
 * proc/PID/cgroup show it), undo moves it back byte for byte, and a process
 * that is gone (before the move or before the undo) is no error.
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
#include "test-exec.h"
#include "tuning-private.h"
#include "tuning-test.h"

#define QEMU_CGROUP "proc/700/cgroup"

static void assert_no_errors(const struct kvmrt_notes *notes)
{
	for (unsigned i = 0; i < notes->nr; i++)
		if (notes->n[i].severity == KVMRT_ERROR)
			fail_msg("error note: %s", notes->n[i].message);
}

static bool is_v1(const struct tt_host *h)
{
	return !strcmp(h->tree->name, "cgroup-v1");
}

/* Whether the tree has a cpuset controller kvmrt isolates with. */
static bool isolates(const struct tt_host *h)
{
	return strcmp(h->tree->name, "workstation") != 0;
}

static unsigned journal_procs(const struct tt_host *h)
{
	char *path, *text;
	unsigned n = 0;

	assert_true(asprintf(&path, "%s/journal", h->journal) > 0);
	text = kt_read_file(path);
	for (const char *p = strstr(text, " procs adopt "); p; p = strstr(p + 1, " procs adopt "))
		n++;
	free(text);
	free(path);
	return n;
}

/* What the move shows in the tree's files. */
static void check_moved(const struct tt_host *h)
{
	if (is_v1(h)) {
		tt_assert_file(h, "sys/fs/cgroup/cpuset/kvmrt/cgroup.procs", "700");
		tt_assert_file(h, "sys/fs/cgroup/cpuset/" TT_QEMU_V1 "/cgroup.procs", "690");
		/* Only the cpuset hierarchy's line changes. */
		tt_assert_file(h, QEMU_CGROUP, "12:cpuset:/kvmrt\n4:cpu,cpuacct:/" TT_QEMU_V1
					    "\n1:name=systemd:/machine.slice\n0::/machine.slice");
	} else {
		tt_assert_file(h, "sys/fs/cgroup/kvmrt/cgroup.procs", "700");
		tt_assert_file(h, "sys/fs/cgroup/" TT_QEMU_V2 "/cgroup.procs", "690");
		tt_assert_file(h, QEMU_CGROUP, "0::/kvmrt");
	}
}

/* A tree copy with VM A tuned, its tuning handle and the notes so far. */
struct run {
	struct tt_host h;
	struct kvmrt_tuning *t;
	struct kvmrt_notes notes;
	char *tuned; /* snapshot after apply */
};

static void run_init(struct run *r, const struct tt_tree *tree, const char *qemu_cgroup)
{
	memset(r, 0, sizeof(*r));
	tt_host_init(&r->h, tree);
	if (qemu_cgroup)
		kt_put(r->h.root, QEMU_CGROUP, qemu_cgroup);
	r->t = tt_open(&r->h);
	assert_int_equal(tt_apply(&r->h, r->t, TT_UUID_A, tree->cpuset_a, &r->notes), 0);
	r->tuned = tt_snapshot(r->h.root);
}

/* Fails unless the tree is as apply left it. */
static void run_assert_tuned(const struct run *r)
{
	char *now = tt_snapshot(r->h.root);

	assert_string_equal(now, r->tuned);
	free(now);
}

/* Undoes everything from a fresh handle, as kvmrt-shutdown does: the tree is as copied. */
static void run_undo(struct run *r)
{
	kvmrt_tuning_close(r->t);
	r->t = tt_open(&r->h);
	assert_true(kvmrt_tuning_undo(r->t, NULL, &r->notes) > 0);
	assert_no_errors(&r->notes);
	tt_assert_pristine(&r->h);
}

static void run_done(struct run *r)
{
	free(r->tuned);
	kvmrt_notes_done(&r->notes);
	kvmrt_tuning_close(r->t);
	tt_host_done(&r->h);
}

static void test_adopt_undo(void **state)
{
	(void)state;
	for (unsigned i = 0; i < tt_nr_trees; i++) {
		struct run r;

		run_init(&r, &tt_trees[i], NULL);
		assert_int_equal(kvmrt_tuning_adopt(r.t, TT_UUID_A, TT_QEMU_PID, &r.notes), 0);
		assert_no_errors(&r.notes);
		if (isolates(&r.h)) {
			check_moved(&r.h);
			assert_int_equal(journal_procs(&r.h), 1);
			/* Adopting again changes nothing and journals nothing. */
			assert_int_equal(kvmrt_tuning_adopt(r.t, TT_UUID_A, TT_QEMU_PID, &r.notes),
					 0);
			assert_int_equal(journal_procs(&r.h), 1);
			check_moved(&r.h);
		} else {
			assert_true(tt_notes_have(&r.notes, "no cpuset cgroup to isolate with"));
			run_assert_tuned(&r);
		}
		run_undo(&r);
		run_done(&r);
	}
}

/* Re-tuning a running VM moves its QEMU back first; adopting again moves it in again. */
static void test_reapply_adopted(void **state)
{
	struct run r;

	(void)state;
	run_init(&r, &tt_trees[0], NULL);
	assert_int_equal(kvmrt_tuning_adopt(r.t, TT_UUID_A, TT_QEMU_PID, &r.notes), 0);
	assert_int_equal(tt_apply(&r.h, r.t, TT_UUID_A, r.h.tree->cpuset_a, &r.notes), 0);
	run_assert_tuned(&r);
	assert_int_equal(kvmrt_tuning_adopt(r.t, TT_UUID_A, TT_QEMU_PID, &r.notes), 0);
	check_moved(&r.h);
	assert_int_equal(journal_procs(&r.h), 1);
	run_undo(&r);
	run_done(&r);
}

/* A pid that is not there: a warning, nothing journaled or changed. */
static void test_adopt_vanished(void **state)
{
	struct run r;

	(void)state;
	run_init(&r, &tt_trees[0], NULL);
	assert_int_equal(kvmrt_tuning_adopt(r.t, TT_UUID_A, 4321, &r.notes), 0);
	assert_true(tt_notes_have(&r.notes, "QEMU pid 4321 has exited"));
	assert_no_errors(&r.notes);
	assert_int_equal(journal_procs(&r.h), 0);
	run_assert_tuned(&r);
	run_undo(&r);
	run_done(&r);
}

/* The process exits after the move (the kernel drops it from cgroup.procs): undo is clean. */
static void test_exits_after_adopt(void **state)
{
	struct run r;
	char *dir;

	(void)state;
	run_init(&r, &tt_trees[0], NULL);
	assert_int_equal(kvmrt_tuning_adopt(r.t, TT_UUID_A, TT_QEMU_PID, &r.notes), 0);
	assert_true(asprintf(&dir, "%s/proc/700", r.h.root) > 0);
	test_rm_rf(dir);
	free(dir);
	kt_put(r.h.root, "sys/fs/cgroup/kvmrt/cgroup.procs", "");
	assert_true(kvmrt_tuning_undo(r.t, NULL, &r.notes) > 0);
	assert_no_errors(&r.notes);
	/* Everything else is as before: put the exited process back and compare. */
	kt_put(r.h.root, QEMU_CGROUP, tt_qemu_cgroup(&r.h));
	kt_put(r.h.root, "sys/fs/cgroup/" TT_QEMU_V2 "/cgroup.procs", "690\n700\n");
	tt_assert_pristine(&r.h);
	run_done(&r);
}

/* A hostile proc/PID/cgroup (a path leaving the hierarchy, no v2 line) moves nothing. */
static void test_hostile_cgroup_file(void **state)
{
	static const char *const bad[] = {
	    "0::/../../etc\n", "0::machine.slice\n", "0::\n", "3:cpu:/x\n", "", "garbage",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct run r;

		run_init(&r, &tt_trees[0], bad[i]);
		assert_int_equal(kvmrt_tuning_adopt(r.t, TT_UUID_A, TT_QEMU_PID, &r.notes), 1);
		assert_true(tt_notes_have(&r.notes, "no usable v2 cgroup line"));
		run_assert_tuned(&r);
		run_done(&r);
	}
}

/* A VM that is not tuned, a bad UUID or pid: refused, nothing noted or changed. */
static void test_refuses_bad_input(void **state)
{
	struct run r;

	(void)state;
	run_init(&r, &tt_trees[0], NULL);
	kvmrt_notes_done(&r.notes);
	assert_int_equal(kvmrt_tuning_adopt(r.t, TT_UUID_B, TT_QEMU_PID, &r.notes), -ENOENT);
	assert_int_equal(kvmrt_tuning_adopt(r.t, "not-a-uuid", TT_QEMU_PID, &r.notes), -EINVAL);
	assert_int_equal(kvmrt_tuning_adopt(r.t, TT_UUID_A, 0, &r.notes), -EINVAL);
	assert_int_equal(kvmrt_tuning_adopt(r.t, TT_UUID_A, -5, &r.notes), -EINVAL);
	assert_int_equal(r.notes.nr, 0);
	run_assert_tuned(&r);
	run_undo(&r);
	run_done(&r);
}

/* A journal entry moving the process to a cgroup outside sys/fs/cgroup is refused by undo. */
static void test_journal_procs_outside(void **state)
{
	struct journal_entry e = {
	    .seq = 900,
	    .uuid = TT_UUID_A,
	    .kind = J_PROCS,
	    .step = "adopt",
	    .key = QEMU_CGROUP,
	    .before = "0::/\n",
	    .after = "sys/fs/cgroup/../../../tmp/kvmrt",
	    .aux = "",
	};
	char *line, *path, *text, *all;
	struct run r;

	(void)state;
	run_init(&r, &tt_trees[0], NULL);
	assert_int_equal(journal_entry_line(&e, &line), 0);
	assert_true(asprintf(&path, "%s/journal", r.h.journal) > 0);
	text = kt_read_file(path);
	assert_true(asprintf(&all, "%s%s", text, line) > 0);
	kt_put(r.h.journal, "journal", all);
	kvmrt_tuning_close(r.t);
	r.t = tt_open(&r.h);
	assert_true(kvmrt_tuning_undo(r.t, NULL, &r.notes) > 0);
	assert_true(tt_notes_have(&r.notes, "could not restore"));
	assert_true(tt_notes_have(&r.notes, "Invalid argument"));
	tt_assert_pristine(&r.h);
	free(all);
	free(text);
	free(path);
	free(line);
	run_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_adopt_undo),		cmocka_unit_test(test_reapply_adopted),
	    cmocka_unit_test(test_adopt_vanished),	cmocka_unit_test(test_exits_after_adopt),
	    cmocka_unit_test(test_hostile_cgroup_file), cmocka_unit_test(test_refuses_bad_input),
	    cmocka_unit_test(test_journal_procs_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
