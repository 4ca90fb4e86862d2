/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tuning.c - host tuning for rt VMs and its undo (docs/host-tuning.md): the
 * steps journal each change before making it; undo restores newest first, and
 * a resource several VMs changed (an IRQ, the kvmrt cgroup) is put back only
 * when the last of them is undone, else recomputed for the VMs still tuned.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "tuning-private.h"

int kvmrt_tuning_open(const struct kvmrt_sysroot *s, const char *journal_dir,
		      struct kvmrt_tuning **ret, char *why, size_t why_len)
{
	struct kvmrt_tuning *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	t->s = s;
	r = journal_open(journal_dir ? journal_dir : KVMRT_JOURNAL_DIR, &t->j, why, why_len);
	if (r < 0) {
		free(t);
		return r;
	}
	*ret = t;
	return 0;
}

void kvmrt_tuning_close(struct kvmrt_tuning *t)
{
	if (!t)
		return;
	journal_close(&t->j);
	free(t);
}

void kvmrt_tuning_set_hook(struct kvmrt_tuning *t, tuning_hook fn, void *data)
{
	t->hook = fn;
	t->hook_data = data;
	t->changes = 0;
}

int tuning_note(struct tuning_ctx *c, enum kvmrt_severity sev, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (sev == KVMRT_ERROR)
		c->errors++;
	va_start(ap, fmt);
	r = kvmrt_notes_vadd(c->notes, sev, fmt, ap);
	va_end(ap);
	return r;
}

int tuning_journal(struct tuning_ctx *c, enum journal_kind k, const char *step, const char *key,
		   const char *before, const char *after, const char *aux)
{
	struct journal_entry e = {
	    .kind = k,
	    .step = (char *)step,
	    .key = (char *)key,
	    .before = (char *)before,
	    .after = (char *)after,
	    .aux = (char *)(aux ? aux : ""),
	};
	int r;

	memcpy(e.uuid, c->uuid, sizeof(e.uuid));
	r = journal_append(&c->t->j, &e);
	if (r < 0) {
		if (k == J_VM)
			kvmrt_notes_add(c->notes, KVMRT_ERROR,
					"VM %s: journal %s: %s; nothing changed", c->uuid,
					c->t->j.path, strerror(-r));
		else
			kvmrt_notes_add(c->notes, KVMRT_ERROR,
					"VM %s: journal %s: %s; stopped before changing %s/%s",
					c->uuid, c->t->j.path, strerror(-r),
					kvmrt_sysroot_label(c->t->s), key);
		return r;
	}
	c->t->changes++;
	if (c->t->hook)
		c->t->hook(c->t->hook_data, TUNING_JOURNALED, c->t->changes);
	return 0;
}

void tuning_made(struct tuning_ctx *c)
{
	if (c->t->hook)
		c->t->hook(c->t->hook_data, TUNING_CHANGED, c->t->changes);
}

int tuning_write_file(struct tuning_ctx *c, enum journal_kind k, const char *step, const char *key,
		      const char *after, const char *aux)
{
	_cleanup_free_ char *before = NULL;
	int r, made;

	r = kvmrt_sysroot_read(c->t->s, key, &before, &(size_t){0});
	if (r < 0)
		return tuning_note(c, KVMRT_ERROR, "VM %s: %s/%s: %s", c->uuid,
				   kvmrt_sysroot_label(c->t->s), key, strerror(-r));
	r = tuning_journal(c, k, step, key, before, after, aux);
	if (r < 0)
		return r;
	made = kvmrt_sysroot_write(c->t->s, key, after);
	tuning_made(c);
	if (made < 0)
		return tuning_note(c, KVMRT_ERROR, "VM %s: %s/%s: writing %s: %s", c->uuid,
				   kvmrt_sysroot_label(c->t->s), key, after, strerror(-made));
	return 0;
}

bool kvmrt_tuning_active(const struct kvmrt_tuning *t, const char *uuid)
{
	char id[37];

	return kvmrt_uuid_parse(uuid, id) == 0 && journal_vm_record(&t->j, id);
}

/* The CPUs owned by the VMs in the journal other than @except (NULL: all). */
static int owned_by_others(const struct journal *j, const char *except, struct kvmrt_ids *ret)
{
	int r = kvmrt_ids_init(ret, KVMRT_MAX_IDS);

	for (unsigned i = 0; r == 0 && i < j->nr; i++)
		if (j->e[i].kind == J_VM && (!except || strcmp(j->e[i].uuid, except)))
			journal_add_cpus(ret, j->e[i].after);
	return r;
}

/* The CPU number of "sys/devices/system/cpu/cpuN/online", or -1. */
static int offline_cpu(const char *key)
{
	unsigned cpu;
	int n = 0;

	if (sscanf(key, "sys/devices/system/cpu/cpu%u/online%n", &cpu, &n) != 1 || key[n] ||
	    cpu >= KVMRT_MAX_IDS)
		return -1;
	return (int)cpu;
}

int kvmrt_tuning_state(const struct kvmrt_tuning *t, struct kvmrt_ids *ret_shielded,
		       struct kvmrt_ids *ret_offline)
{
	struct kvmrt_ids shielded = {0}, offline = {0};
	int r;

	r = owned_by_others(&t->j, NULL, &shielded);
	if (r == 0)
		r = kvmrt_ids_init(&offline, KVMRT_MAX_IDS);
	for (unsigned i = 0; r == 0 && i < t->j.nr; i++) {
		int cpu = t->j.e[i].kind == J_OFFLINE ? offline_cpu(t->j.e[i].key) : -1;

		if (cpu >= 0)
			kvmrt_ids_add(&offline, (unsigned)cpu);
	}
	if (r < 0) {
		kvmrt_ids_done(&shielded);
		kvmrt_ids_done(&offline);
		return r;
	}
	if (ret_shielded)
		*ret_shielded = shielded;
	else
		kvmrt_ids_done(&shielded);
	if (ret_offline)
		*ret_offline = offline;
	else
		kvmrt_ids_done(&offline);
	return 0;
}

const char *kvmrt_tuning_owner(const struct kvmrt_tuning *t, unsigned cpu)
{
	for (unsigned i = t->j.nr; i-- > 0;) {
		const struct journal_entry *e = &t->j.e[i];
		struct kvmrt_ids ids;
		char why[128];
		bool mine;

		if (e->kind != J_VM || journal_vm_record(&t->j, e->uuid) != e ||
		    kvmrt_idset_parse(e->after, KVMRT_MAX_IDS, &ids, why, sizeof(why)) < 0)
			continue;
		mine = kvmrt_ids_test(&ids, cpu);
		kvmrt_ids_done(&ids);
		if (mine)
			return e->uuid;
	}
	return NULL;
}

static void ctx_done(struct tuning_ctx *c)
{
	kvmrt_ids_done(&c->all_owned);
	kvmrt_ids_done(&c->housekeeping);
}

/* The CPUs every tuned VM owns with @p's, and the online CPUs left for the host. */
static int ctx_init(struct tuning_ctx *c)
{
	int r;

	r = owned_by_others(&c->t->j, c->uuid, &c->all_owned);
	if (r == 0)
		r = kvmrt_ids_init(&c->housekeeping, KVMRT_MAX_IDS);
	if (r < 0)
		return r;
	kvmrt_ids_or(&c->all_owned, &c->p->owned);
	kvmrt_ids_or(&c->housekeeping, kvmrt_topology_online(c->topo));
	kvmrt_ids_andnot(&c->housekeeping, &c->all_owned);
	if (kvmrt_ids_count(&c->housekeeping) == 0)
		return tuning_note(c, KVMRT_ERROR,
				   "VM %s: the rt VMs would own every online CPU; leave at least "
				   "one CPU to the host (cpuset)",
				   c->uuid)
			   ?: -EINVAL;
	return 0;
}

/* The VM's record: the CPUs it owns and the housekeeping CPUs of this apply. */
static int journal_vm(struct tuning_ctx *c)
{
	_cleanup_free_ char *owned = NULL, *hk = NULL;
	int r;

	if (kvmrt_ids_format(&c->p->owned, &owned) < 0 ||
	    kvmrt_ids_format(&c->housekeeping, &hk) < 0)
		return -ENOMEM;
	r = tuning_journal(c, J_VM, "begin", "vm", "", owned, hk);
	if (r == 0)
		tuning_made(c);
	return r;
}

int kvmrt_tuning_apply(struct kvmrt_tuning *t, const char *uuid, const struct kvmrt_vm_plan *p,
		       const struct kvmrt_topology *topo, struct kvmrt_notes *notes)
{
	int (*const steps[])(struct tuning_ctx *) = {
	    isolation_apply,
	    shield_irqs_apply,
	    shield_tasks_apply,
	    smt_apply,
	};
	struct tuning_ctx c = {.t = t, .p = p, .topo = topo, .notes = notes};
	char id[37];
	int r;

	if (kvmrt_uuid_parse(uuid, id) < 0 || p->status != 0 || kvmrt_ids_count(&p->owned) == 0)
		return -EINVAL;
	c.uuid = id;
	if (journal_vm_record(&t->j, id)) {
		/* Re-tuning a running VM: from the host's state before, not on top of it. */
		r = kvmrt_tuning_undo(t, id, notes);
		if (r < 0)
			return r;
	}
	r = ctx_init(&c);
	if (r == 0)
		r = journal_vm(&c);
	for (size_t i = 0; r == 0 && i < sizeof(steps) / sizeof(*steps); i++)
		r = steps[i](&c);
	ctx_done(&c);
	return r < 0 ? r : c.errors;
}
