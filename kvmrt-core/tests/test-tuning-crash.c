/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host tuning after a crash: apply and adopt killed in a child right after
 * each change is journaled and right after it is made, then a fresh handle's
 * undo puts the tree back byte for byte; torn and damaged journals; an unwritable journal.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "kvmrt-test.h"
#include "tuning-private.h"
#include "tuning-test.h"

struct crash_at {
	unsigned nth;
	enum tuning_event ev;
	unsigned seen; /* changes counted when not crashing */
};

static void crash_hook(void *data, enum tuning_event ev, unsigned nth)
{
	struct crash_at *at = data;

	at->seen = nth;
	if (nth == at->nth && ev == at->ev)
		raise(SIGKILL);
}

/*
 * Applies VM A (and VM B first when @two) with the hook, then moves A's QEMU
 * process into the kvmrt cgroup (the last change); returns the changes seen.
 */
static unsigned apply_with_hook(const struct tt_host *h, struct crash_at *at, bool two)
{
	struct kvmrt_notes notes = {0};
	struct kvmrt_tuning *t = tt_open(h);

	if (two)
		assert_true(tt_apply(h, t, TT_UUID_B, h->tree->cpuset_b, &notes) >= 0);
	kvmrt_tuning_set_hook(t, crash_hook, at);
	assert_true(tt_apply(h, t, TT_UUID_A, h->tree->cpuset_a, &notes) >= 0);
	assert_int_equal(kvmrt_tuning_adopt(t, TT_UUID_A, TT_QEMU_PID, &notes), 0);
	kvmrt_notes_done(&notes);
	kvmrt_tuning_close(t);
	return at->seen;
}

/*
 * Runs apply in a child killed at @at; the parent undoes everything and compares.
 * With @b_only (VM B tuned before the crashed VM A): undoing A alone leaves the
 * tree as tuning B alone makes it.
 */
static void crash_and_recover(const struct tt_tree *tree, struct crash_at at, const char *b_only)
{
	bool two = b_only != NULL;
	struct kvmrt_notes notes = {0};
	struct kvmrt_tuning *t;
	struct tt_host h;
	int status;
	pid_t pid;

	tt_host_init(&h, tree);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		apply_with_hook(&h, &at, two);
		_exit(3); /* not killed: the step does not exist */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("%s: child not killed at change %u (status %d)", tree->name, at.nth,
			 status);
	t = tt_open(&h);
	assert_true(kvmrt_tuning_active(t, TT_UUID_A));
	if (b_only) {
		char *now;

		assert_true(kvmrt_tuning_undo(t, TT_UUID_A, &notes) >= 0);
		now = tt_snapshot(h.root);
		if (strcmp(now, b_only))
			fail_msg("%s: change %u: undoing A disturbed B", tree->name, at.nth);
		free(now);
	}
	assert_true(kvmrt_tuning_undo(t, NULL, &notes) >= 0);
	for (unsigned i = 0; i < notes.nr; i++)
		if (notes.n[i].severity == KVMRT_ERROR)
			fail_msg("%s: change %u: %s", tree->name, at.nth, notes.n[i].message);
	tt_assert_pristine(&h);
	kvmrt_notes_done(&notes);
	kvmrt_tuning_close(t);
	tt_host_done(&h);
}

static char *journal_path(const struct tt_host *h)
{
	char *p;

	assert_true(asprintf(&p, "%s/journal", h->journal) > 0);
	return p;
}

/* The changes apply_with_hook() makes; the last is the QEMU move where the tree isolates. */
static unsigned count_changes(const struct tt_tree *tree, bool two)
{
	struct crash_at at = {0};
	struct tt_host h;
	char *path, *text;
	size_t last;
	unsigned n;

	tt_host_init(&h, tree);
	n = apply_with_hook(&h, &at, two);
	path = journal_path(&h);
	text = kt_read_file(path);
	last = strlen(text) - 1;
	while (last > 0 && text[last - 1] != '\n')
		last--;
	if (strcmp(tree->name, "workstation"))
		assert_non_null(strstr(text + last, " procs adopt proc/700/cgroup "));
	free(text);
	free(path);
	tt_host_done(&h);
	return n;
}

/* The tree as tuning VM B alone leaves it. */
static char *tuned_b_only(const struct tt_tree *tree)
{
	struct kvmrt_notes notes = {0};
	struct kvmrt_tuning *t;
	struct tt_host h;
	char *snap;

	tt_host_init(&h, tree);
	t = tt_open(&h);
	assert_true(tt_apply(&h, t, TT_UUID_B, tree->cpuset_b, &notes) >= 0);
	snap = tt_snapshot(h.root);
	kvmrt_notes_done(&notes);
	kvmrt_tuning_close(t);
	tt_host_done(&h);
	return snap;
}

static void crash_every_step(bool two)
{
	for (unsigned i = 0; i < tt_nr_trees; i++) {
		unsigned n = count_changes(&tt_trees[i], two);
		char *b_only = two ? tuned_b_only(&tt_trees[i]) : NULL;

		assert_true(n > 3);
		for (unsigned k = 1; k <= n; k++) {
			struct crash_at journaled = {.nth = k, .ev = TUNING_JOURNALED};
			struct crash_at changed = {.nth = k, .ev = TUNING_CHANGED};

			crash_and_recover(&tt_trees[i], journaled, b_only);
			crash_and_recover(&tt_trees[i], changed, b_only);
		}
		free(b_only);
	}
}

static void test_crash_every_step(void **state)
{
	(void)state;
	crash_every_step(false);
}

/* Another VM tuned before the crash shares IRQs and the cgroup with the crashed one. */
static void test_crash_beside_other_vm(void **state)
{
	(void)state;
	crash_every_step(true);
}

/* Applies VM A, then lets @damage rewrite the journal text; returns the undo's notes. */
static void apply_damage_undo(struct tt_host *h, void (*damage)(char *text, size_t *len),
			      struct kvmrt_notes *notes)
{
	struct kvmrt_tuning *t = tt_open(h);
	char *path = journal_path(h), *text, *p;
	size_t len;

	assert_int_equal(tt_apply(h, t, TT_UUID_A, h->tree->cpuset_a, notes), 0);
	kvmrt_tuning_close(t);
	kvmrt_notes_done(notes);
	text = kt_read_file(path);
	len = strlen(text);
	damage(text, &len);
	text[len] = '\0';
	p = kt_write_file(h->journal, "journal", text, 0600);
	free(p);
	free(text);
	free(path);
	t = tt_open(h);
	assert_true(kvmrt_tuning_undo(t, NULL, notes) > 0);
	kvmrt_tuning_close(t);
}

static unsigned count_lines(const char *text, size_t len)
{
	unsigned n = 0;

	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	return n;
}

/* The last line cut in half, as a crash in the middle of its write leaves it. */
static void tear_last(char *text, size_t *len)
{
	size_t start = *len - 1;

	while (start > 0 && text[start - 1] != '\n')
		start--;
	*len = start + (*len - start) / 2;
}

static void test_torn_journal(void **state)
{
	struct kvmrt_notes notes = {0};
	char *path, *text;
	struct tt_host h;
	unsigned lines;

	(void)state;
	tt_host_init(&h, &tt_trees[0]);
	apply_damage_undo(&h, tear_last, &notes);
	/* The torn entry (the last sibling offline: CPU 11) is reported with its line... */
	text = tt_read(&h, "sys/devices/system/cpu/cpu11/online");
	assert_string_equal(text, "0");
	free(text);
	/* ...and every complete one undone (CPU 10 is back online). */
	text = tt_read(&h, "sys/devices/system/cpu/cpu10/online");
	assert_string_equal(text, "1");
	free(text);
	assert_int_equal(notes.nr, 1);
	assert_int_equal(notes.n[0].severity, KVMRT_WARNING);
	assert_non_null(strstr(notes.n[0].message, "/journal:"));
	assert_non_null(strstr(notes.n[0].message, "torn entry"));
	path = journal_path(&h);
	text = kt_read_file(path);
	lines = count_lines(text, strlen(text));
	free(text);
	free(path);
	assert_int_equal(lines, 1); /* the header: the damage was reported and dropped */
	kvmrt_notes_done(&notes);
	tt_host_done(&h);
}

/* One byte of the third line changed: its checksum no longer matches. */
static void edit_third(char *text, size_t *len)
{
	char *p = text;

	for (unsigned n = 0; n < 2; n++)
		p = strchr(p, '\n') + 1;
	assert_true((size_t)(p - text) + 20 < *len);
	p[20] = p[20] == 'x' ? 'y' : 'x';
}

static void test_damaged_line(void **state)
{
	struct kvmrt_notes notes = {0};
	struct tt_host h;

	(void)state;
	tt_host_init(&h, &tt_trees[0]);
	apply_damage_undo(&h, edit_third, &notes);
	assert_int_equal(notes.nr, 1);
	assert_non_null(strstr(notes.n[0].message, "/journal:3: checksum does not match"));
	kvmrt_notes_done(&notes);
	tt_host_done(&h);
}

/* Not a journal at all: every line reported, nothing undone, nothing crashes. */
static void test_garbage_journal(void **state)
{
	static const char garbage[] =
	    "kvmrt-journal 2\n"
	    "\n"
	    "00000000 1 aaaaaaaa-0000-4000-8000-00000000000a irq irq k b a x\n"
	    "zzzzzzzz 1 2 3\n"
	    "12345678\n"
	    " \x01\xff%%%%\n"
	    "no newline at the end";
	struct kvmrt_notes notes = {0};
	struct kvmrt_tuning *t;
	struct tt_host h;
	char *p;

	(void)state;
	tt_host_init(&h, &tt_trees[3]);
	assert_int_equal(mkdir(h.journal, 0755), 0);
	p = kt_write_file(h.journal, "journal", garbage, 0600);
	free(p);
	t = tt_open(&h);
	assert_false(kvmrt_tuning_active(t, TT_UUID_A));
	assert_int_equal(kvmrt_tuning_undo(t, NULL, &notes), 0);
	assert_int_equal(notes.nr, 7);
	assert_non_null(strstr(notes.n[0].message, "/journal:1: not a kvmrt journal header"));
	assert_non_null(strstr(notes.n[2].message, "/journal:3: checksum does not match"));
	assert_non_null(strstr(notes.n[6].message, "/journal:7: torn entry"));
	tt_assert_pristine(&h);
	kvmrt_notes_done(&notes);
	kvmrt_tuning_close(t);
	tt_host_done(&h);
}

/* FNV-1a 32, as the journal checksums its lines. */
static unsigned fnv1a(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Well-formed lines whose key points outside the sysroot are refused. */
static void test_journal_key_outside(void **state)
{
	static const char *const bodies[] = {
	    "1 aaaaaaaa-0000-4000-8000-00000000000a set cgroup ../../etc/hostname x y -",
	    "2 aaaaaaaa-0000-4000-8000-00000000000a set cgroup /etc/hostname x y -",
	    "3 aaaaaaaa-0000-4000-8000-00000000000a set cgroup proc/.. x y -",
	};
	struct kvmrt_notes notes = {0};
	struct kvmrt_tuning *t;
	struct tt_host h;
	char *text = strdup("kvmrt-journal 1\n"), *p;

	(void)state;
	tt_host_init(&h, &tt_trees[3]);
	for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
		assert_true(asprintf(&p, "%s%08x %s\n", text, fnv1a(bodies[i]), bodies[i]) > 0);
		free(text);
		text = p;
	}
	assert_int_equal(mkdir(h.journal, 0755), 0);
	p = kt_write_file(h.journal, "journal", text, 0600);
	t = tt_open(&h);
	assert_false(kvmrt_tuning_active(t, TT_UUID_A));
	assert_int_equal(kvmrt_tuning_undo(t, NULL, &notes), 0);
	assert_int_equal(notes.nr, 3);
	for (unsigned i = 0; i < notes.nr; i++)
		assert_non_null(strstr(notes.n[i].message, "the key leaves the sysroot"));
	tt_assert_pristine(&h);
	free(p);
	free(text);
	kvmrt_notes_done(&notes);
	kvmrt_tuning_close(t);
	tt_host_done(&h);
}

/* A journal directory that cannot be made: nothing is opened, nothing changed. */
static void test_journal_unwritable(void **state)
{
	struct kvmrt_tuning *t = NULL;
	struct tt_host h;
	char why[512], *file, *dir;

	(void)state;
	tt_host_init(&h, &tt_trees[0]);
	file = kt_write_file(h.tmp, "not-a-dir", "", 0644);
	assert_true(asprintf(&dir, "%s/journal", file) > 0);
	assert_int_equal(kvmrt_tuning_open(&h.s, dir, &t, why, sizeof(why)), -ENOTDIR);
	assert_non_null(strstr(why, dir));
	assert_null(t);
	free(dir);
	free(file);
	tt_assert_pristine(&h);
	tt_host_done(&h);
}

/* The journal file cannot be written once open: apply stops before the first change. */
static void test_journal_write_fails(void **state)
{
	struct kvmrt_notes notes = {0};
	struct kvmrt_tuning *t;
	struct tt_host h;
	char *path;

	(void)state;
	tt_host_init(&h, &tt_trees[0]);
	t = tt_open(&h);
	path = journal_path(&h);
	assert_int_equal(symlink("/dev/full", path), 0);
	assert_true(tt_apply(&h, t, TT_UUID_A, h.tree->cpuset_a, &notes) < 0);
	assert_true(tt_notes_have(&notes, "Too many levels of symbolic links; nothing changed"));
	tt_assert_pristine(&h);
	free(path);
	kvmrt_notes_done(&notes);
	kvmrt_tuning_close(t);
	tt_host_done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crash_every_step),   cmocka_unit_test(test_crash_beside_other_vm),
	    cmocka_unit_test(test_torn_journal),       cmocka_unit_test(test_damaged_line),
	    cmocka_unit_test(test_garbage_journal),    cmocka_unit_test(test_journal_key_outside),
	    cmocka_unit_test(test_journal_unwritable), cmocka_unit_test(test_journal_write_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
