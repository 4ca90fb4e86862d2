/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * undo.c - kvmrt_tuning_undo(): the journal's changes of a VM undone newest
 * first. A key only this VM changed gets the value it had before kvmrt touched
 * it (harmless when the change was journaled but never made); a key other VMs
 * still hold is recomputed for them (docs/host-tuning.md).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "tuning-private.h"

/* What undoing one VM needs to know besides the journal. */
struct undo {
	struct kvmrt_tuning *t;
	const char *uuid;
	struct kvmrt_notes *notes;
	bool *done; /* per journal entry: handled in this undo */
	int restored;
};

static bool same_key(const struct journal_entry *a, const struct journal_entry *b)
{
	return a->kind == b->kind && !strcmp(a->key, b->key);
}

/* The thread, IRQ or file that is gone has nothing left to restore. */
static bool gone(int r)
{
	return r == -ENOENT || r == -ESRCH;
}

/* The number in @key after @prefix ("proc/irq/" 24 "/..."), or -1 when there is none. */
static long key_number(const char *key, const char *prefix)
{
	size_t len = strlen(prefix);
	unsigned long v;
	char *end;

	if (strncmp(key, prefix, len) || !isdigit((unsigned char)key[len]))
		return -1;
	errno = 0;
	v = strtoul(key + len, &end, 10);
	if (errno || v > INT_MAX || (*end && *end != '/'))
		return -1;
	return (long)v;
}

/* The length of @s without its trailing newlines (files hold "0-3\n"). */
static int line_len(const char *s)
{
	size_t len = strlen(s);

	while (len > 0 && s[len - 1] == '\n')
		len--;
	return (int)len;
}

static int parse_cpus(enum journal_kind k, const char *text, struct kvmrt_ids *ret)
{
	_cleanup_free_ char *line = strndup(text, (size_t)line_len(text));
	char why[128];

	if (!line)
		return -ENOMEM;
	if (k == J_MASK_MINUS)
		return cpumask_parse(line, KVMRT_MAX_IDS, ret);
	return kvmrt_idset_parse(line, KVMRT_MAX_IDS, ret, why, sizeof(why));
}

/* Puts @e's key back to @orig, the value before kvmrt changed it. */
static int restore(struct undo *u, const struct journal_entry *e, const char *orig)
{
	const struct kvmrt_sysroot *s = u->t->s;
	struct kvmrt_ids cpus;
	char why[256] = "";
	int r;

	switch (e->kind) {
	case J_CONTROL:
		return cgroup_control_write(s, e->key, "-cpuset");
	case J_MKDIR:
		return cgroup_rmdir(s, e->key);
	case J_PROCS:
		return adopt_restore(s, e, orig);
	case J_TASK:
		r = key_number(e->key, "") < 0 ? -EINVAL : parse_cpus(e->kind, orig, &cpus);
		if (r == 0) {
			r = kvmrt_task_set_affinity(s, (pid_t)key_number(e->key, ""), &cpus, why,
						    sizeof(why));
			kvmrt_ids_done(&cpus);
		}
		return r;
	case J_IRQ:
		r = kvmrt_sysroot_write(s, e->key, orig);
		/* A managed IRQ the kernel refused to move still has its value. */
		return r == -EIO ? 0 : r;
	default:
		return kvmrt_sysroot_write(s, e->key, orig);
	}
}

/*
 * Whether VMs other than the one undone hold @e's key; their owned CPUs are
 * added to @owned and their housekeeping CPUs to @hk (both initialised).
 */
static bool other_holders(const struct undo *u, const struct journal_entry *e,
			  struct kvmrt_ids *owned, struct kvmrt_ids *hk)
{
	const struct journal *j = &u->t->j;
	bool any = false;

	for (unsigned i = 0; i < j->nr; i++) {
		const struct journal_entry *o = &j->e[i], *vm;

		if (!strcmp(o->uuid, u->uuid) || !same_key(o, e))
			continue;
		any = true;
		vm = journal_vm_record(j, o->uuid);
		if (vm) {
			journal_add_cpus(owned, vm->after);
			journal_add_cpus(hk, vm->aux);
		}
	}
	return any;
}

/* Recomputes @e's key for the VMs still holding it: @orig minus their CPUs. */
static int recompute(struct undo *u, const struct journal_entry *e, const char *orig,
		     const struct kvmrt_ids *owned, const struct kvmrt_ids *hk)
{
	_cleanup_free_ char *text = NULL;
	struct kvmrt_ids cpus;
	char why[256];
	int r;

	if (e->kind == J_CPUS_UNION) {
		r = kvmrt_ids_format(owned, &text);
		return r < 0 ? r : kvmrt_sysroot_write(u->t->s, e->key, text);
	}
	if (e->kind != J_IRQ && e->kind != J_TASK && e->kind != J_MASK_MINUS)
		return 0; /* a constant: still what the other VMs need */
	r = parse_cpus(e->kind, orig, &cpus);
	if (r < 0)
		return r;
	if (!kvmrt_ids_intersects(&cpus, owned)) {
		/* The other VMs never needed it moved: exactly as it was. */
		kvmrt_ids_done(&cpus);
		return restore(u, e, orig);
	}
	kvmrt_ids_andnot(&cpus, owned);
	if (kvmrt_ids_count(&cpus) == 0) {
		kvmrt_ids_or(&cpus, hk);
		kvmrt_ids_andnot(&cpus, owned);
	}
	if (e->kind == J_IRQ && key_number(e->key, "proc/irq/") >= 0)
		r = kvmrt_irq_set_affinity(u->t->s, (unsigned)key_number(e->key, "proc/irq/"),
					   &cpus, why, sizeof(why));
	else if (e->kind == J_TASK && key_number(e->key, "") >= 0)
		r = kvmrt_task_set_affinity(u->t->s, (pid_t)key_number(e->key, ""), &cpus, why,
					    sizeof(why));
	else if (e->kind != J_MASK_MINUS)
		r = -EINVAL;
	else if ((r = cpumask_format(&cpus, orig, &text)) == 0)
		r = kvmrt_sysroot_write(u->t->s, e->key, text);
	kvmrt_ids_done(&cpus);
	return r == -EIO && e->kind == J_IRQ ? 0 : r;
}

/* The value @e's key had before any VM's tuning: the before of its oldest entry. */
static const char *original(const struct journal *j, const struct journal_entry *e)
{
	for (unsigned i = 0; i < j->nr; i++)
		if (same_key(&j->e[i], e))
			return j->e[i].before;
	return e->before;
}

static int undo_entry(struct undo *u, unsigned idx)
{
	struct journal *j = &u->t->j;
	const struct journal_entry *e = &j->e[idx];
	struct kvmrt_ids owned, hk;
	bool shared;
	int r;

	for (unsigned i = 0; i <= idx; i++)
		if (!strcmp(j->e[i].uuid, u->uuid) && same_key(&j->e[i], e))
			u->done[i] = true;
	if (kvmrt_ids_init(&owned, KVMRT_MAX_IDS) < 0)
		return -ENOMEM;
	if (kvmrt_ids_init(&hk, KVMRT_MAX_IDS) < 0) {
		kvmrt_ids_done(&owned);
		return -ENOMEM;
	}
	shared = other_holders(u, e, &owned, &hk);
	if (shared)
		r = recompute(u, e, original(j, e), &owned, &hk);
	else
		r = restore(u, e, original(j, e));
	kvmrt_ids_done(&owned);
	kvmrt_ids_done(&hk);
	if (r == -ENOMEM)
		return r;
	if (r < 0 && !gone(r))
		return kvmrt_notes_add(u->notes, KVMRT_ERROR,
				       "VM %s: could not restore %s/%s (%s, step %s): %s; set it "
				       "back by hand to '%.*s'",
				       u->uuid, kvmrt_sysroot_label(u->t->s), e->key,
				       journal_kind_name(e->kind), e->step, strerror(-r),
				       line_len(original(j, e)), original(j, e));
	u->restored++;
	return 0;
}

/* Undoes the entries of VM @uuid newest first, then drops them from the journal. */
static int undo_vm(struct kvmrt_tuning *t, const char *uuid, struct kvmrt_notes *notes)
{
	struct undo u = {.t = t, .uuid = uuid, .notes = notes};
	int r = 0;

	u.done = calloc(t->j.nr + 1, sizeof(*u.done));
	if (!u.done)
		return -ENOMEM;
	for (unsigned i = t->j.nr; r == 0 && i-- > 0;)
		if (!u.done[i] && t->j.e[i].kind != J_VM && !strcmp(t->j.e[i].uuid, uuid))
			r = undo_entry(&u, i);
	free(u.done);
	if (r == 0)
		r = journal_drop_vm(&t->j, uuid);
	if (r < 0)
		kvmrt_notes_add(notes, KVMRT_ERROR, "journal %s: %s; run kvmrt-shutdown again",
				t->j.path, strerror(-r));
	return r < 0 ? r : u.restored;
}

int kvmrt_tuning_undo(struct kvmrt_tuning *t, const char *uuid, struct kvmrt_notes *notes)
{
	char id[37];
	int r, total = 0;

	for (unsigned i = 0; i < t->j.nr_damage; i++) {
		r = kvmrt_notes_add(notes, KVMRT_WARNING, "%s; check by hand what it changed",
				    t->j.damage[i]);
		if (r < 0)
			return r;
	}
	if (uuid) {
		if (kvmrt_uuid_parse(uuid, id) < 0)
			return -EINVAL;
		return undo_vm(t, id, notes);
	}
	/* Every VM, the newest first. */
	while (t->j.nr > 0) {
		memcpy(id, t->j.e[t->j.nr - 1].uuid, sizeof(id));
		r = undo_vm(t, id, notes);
		if (r < 0)
			return r;
		total += r;
	}
	if (t->j.nr_damage > 0)
		return journal_drop_vm(&t->j, "") ?: total;
	return total;
}
