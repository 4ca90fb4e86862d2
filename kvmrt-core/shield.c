/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * shield.c - IRQs (and the default affinity of new ones) and movable tasks
 * moved off the CPUs rt VMs own, each move journaled (docs/host-tuning.md).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "tuning-private.h"

#define DEFAULT_AFFINITY "proc/irq/default_smp_affinity"

int cpumask_parse(const char *text, unsigned limit, struct kvmrt_ids *ret)
{
	struct kvmrt_ids set;
	size_t len = strlen(text);
	unsigned bit = 0;
	int r;

	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	if (len == 0)
		return -EINVAL;
	r = kvmrt_ids_init(&set, limit);
	if (r < 0)
		return r;
	for (size_t i = len; i-- > 0;) {
		char c = text[i];
		int v;

		if (c == ',')
			continue;
		if (!isxdigit((unsigned char)c))
			goto bad;
		v = isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
		for (unsigned b = 0; b < 4; b++, bit++) {
			if (!(v >> b & 1))
				continue;
			if (bit >= limit)
				goto bad;
			kvmrt_ids_add(&set, bit);
		}
	}
	*ret = set;
	return 0;
bad:
	kvmrt_ids_done(&set);
	return -EINVAL;
}

int cpumask_format(const struct kvmrt_ids *s, const char *like, char **ret)
{
	unsigned digits = 0, highest = 0;
	char *out, *p;

	for (const char *c = like; *c; c++)
		digits += isxdigit((unsigned char)*c) != 0;
	for (int c = kvmrt_ids_next(s, 0); c >= 0; c = kvmrt_ids_next(s, (unsigned)c + 1))
		highest = (unsigned)c / 4 + 1;
	if (highest > digits)
		digits = highest;
	if (digits == 0)
		digits = 1;
	/* Digits, a comma before each group of 8 but the first, the NUL. */
	out = malloc(digits + digits / 8 + 1);
	if (!out)
		return -ENOMEM;
	p = out;
	for (unsigned d = digits; d-- > 0;) {
		unsigned v = 0;

		for (unsigned b = 0; b < 4; b++)
			v |= (unsigned)kvmrt_ids_test(s, d * 4 + b) << b;
		*p++ = "0123456789abcdef"[v];
		if (d > 0 && d % 8 == 0)
			*p++ = ',';
	}
	*p = '\0';
	*ret = out;
	return 0;
}

/* @from minus every owned CPU, or the housekeeping CPUs when that leaves none. */
static int minus_owned(const struct tuning_ctx *c, const struct kvmrt_ids *from,
		       struct kvmrt_ids *ret)
{
	int r = kvmrt_ids_copy(ret, from);

	if (r < 0)
		return r;
	kvmrt_ids_andnot(ret, &c->all_owned);
	if (kvmrt_ids_count(ret) > 0)
		return 0;
	kvmrt_ids_done(ret);
	return kvmrt_ids_copy(ret, &c->housekeeping);
}

static int move_irq(struct tuning_ctx *c, const struct kvmrt_irq *irq)
{
	_cleanup_free_ char *key = NULL, *before = NULL, *after = NULL;
	const struct kvmrt_sysroot *s = c->t->s;
	struct kvmrt_ids cpus;
	char why[512];
	int r, made;

	if (asprintf(&key, "proc/irq/%u/smp_affinity_list", irq->nr) < 0)
		return -ENOMEM;
	if (kvmrt_sysroot_read(s, key, &before, &(size_t){0}) < 0)
		return 0; /* freed meanwhile */
	r = minus_owned(c, &irq->affinity, &cpus);
	if (r == 0)
		r = kvmrt_ids_format(&cpus, &after);
	if (r == 0)
		r = tuning_journal(c, J_IRQ, "irq", key, before, after, irq->name);
	if (r < 0) {
		kvmrt_ids_done(&cpus);
		return r;
	}
	made = kvmrt_irq_set_affinity(s, irq->nr, &cpus, why, sizeof(why));
	kvmrt_ids_done(&cpus);
	tuning_made(c);
	if (made == -EIO)
		return tuning_note(c, KVMRT_WARNING, "VM %s: IRQ %u (%s): %s (irqaffinity=%s)",
				   c->uuid, irq->nr, irq->name, why, after);
	if (made < 0 && made != -ENOENT)
		return tuning_note(c, KVMRT_ERROR, "VM %s: IRQ %u (%s): %s", c->uuid, irq->nr,
				   irq->name, why);
	return 0;
}

/* New IRQs start on the default affinity: keep it off the owned CPUs too. */
static int move_default_affinity(struct tuning_ctx *c)
{
	_cleanup_free_ char *before = NULL, *after = NULL;
	struct kvmrt_ids mask, cpus;
	int r;

	if (kvmrt_sysroot_read(c->t->s, DEFAULT_AFFINITY, &before, &(size_t){0}) < 0)
		return 0;
	if (cpumask_parse(before, KVMRT_MAX_IDS, &mask) < 0)
		return tuning_note(c, KVMRT_WARNING,
				   "VM %s: %s/" DEFAULT_AFFINITY
				   ": not a CPU mask ('%s'), left as it is",
				   c->uuid, kvmrt_sysroot_label(c->t->s), before);
	r = 0;
	if (kvmrt_ids_intersects(&mask, &c->p->owned)) {
		r = minus_owned(c, &mask, &cpus);
		if (r == 0) {
			r = cpumask_format(&cpus, before, &after);
			kvmrt_ids_done(&cpus);
		}
		if (r == 0)
			r = tuning_write_file(c, J_MASK_MINUS, "irq", DEFAULT_AFFINITY, after,
					      NULL);
	}
	kvmrt_ids_done(&mask);
	return r;
}

/* A managed IRQ stays where the kernel put it: only boot parameters keep it off. */
static int note_managed(struct tuning_ctx *c, const struct kvmrt_irq *irq)
{
	_cleanup_free_ char *hk = NULL, *owned = NULL;

	if (kvmrt_ids_format(&c->housekeeping, &hk) < 0 ||
	    kvmrt_ids_format(&c->all_owned, &owned) < 0)
		return -ENOMEM;
	return tuning_note(c, KVMRT_WARNING,
			   "VM %s: IRQ %u (%s) is managed by the kernel and stays on its CPUs; "
			   "keep it off them with irqaffinity=%s isolcpus=managed_irq,%s on the "
			   "kernel command line",
			   c->uuid, irq->nr, irq->name, hk, owned);
}

int shield_irqs_apply(struct tuning_ctx *c)
{
	struct kvmrt_irq *irqs = NULL;
	char why[512];
	int n, r = 0;

	n = kvmrt_irqs_list(c->t->s, &irqs, why, sizeof(why));
	if (n < 0)
		return n == -ENOMEM
			   ? n
			   : tuning_note(c, KVMRT_ERROR, "VM %s: IRQs not moved: %s", c->uuid, why);
	for (int i = 0; i < n && r == 0; i++) {
		const struct kvmrt_irq *irq = &irqs[i];

		if (!kvmrt_ids_intersects(&irq->affinity, &c->p->owned))
			continue;
		if (irq->managed)
			r = note_managed(c, irq);
		else
			r = move_irq(c, irq);
	}
	kvmrt_irqs_free(irqs, (unsigned)n);
	return r < 0 ? r : move_default_affinity(c);
}

static int move_task(struct tuning_ctx *c, const struct kvmrt_task *task)
{
	_cleanup_free_ char *before = NULL, *after = NULL;
	struct kvmrt_ids cpus;
	char key[16], why[512];
	int r, made;

	snprintf(key, sizeof(key), "%d", (int)task->tid);
	r = minus_owned(c, &task->allowed, &cpus);
	if (r == 0 &&
	    (kvmrt_ids_format(&task->allowed, &before) < 0 || kvmrt_ids_format(&cpus, &after) < 0))
		r = -ENOMEM;
	if (r == 0)
		r = tuning_journal(c, J_TASK, "task", key, before, after, task->comm);
	if (r < 0) {
		kvmrt_ids_done(&cpus);
		return r;
	}
	made = kvmrt_task_set_affinity(c->t->s, task->tid, &cpus, why, sizeof(why));
	kvmrt_ids_done(&cpus);
	tuning_made(c);
	/* A task that exited meanwhile needs no moving. */
	if (made < 0 && made != -ESRCH && made != -ENOENT)
		return tuning_note(c, KVMRT_WARNING, "VM %s: task %d (%s) stays on CPUs %s: %s",
				   c->uuid, (int)task->tid, task->comm, before, why);
	return 0;
}

int shield_tasks_apply(struct tuning_ctx *c)
{
	struct kvmrt_task *tasks = NULL;
	char why[512];
	int n, r = 0;

	n = kvmrt_tasks_list(c->t->s, KVMRT_TASKS_THREADS, &tasks, why, sizeof(why));
	if (n < 0)
		return n == -ENOMEM ? n
				    : tuning_note(c, KVMRT_ERROR, "VM %s: tasks not moved: %s",
						  c->uuid, why);
	for (int i = 0; i < n && r == 0; i++) {
		const struct kvmrt_task *task = &tasks[i];

		/* Per-CPU kthreads stay; threads already within the VM's CPUs are its own. */
		if (task->pinned || !kvmrt_ids_intersects(&task->allowed, &c->p->owned) ||
		    kvmrt_ids_subset(&task->allowed, &c->p->owned))
			continue;
		r = move_task(c, task);
	}
	kvmrt_tasks_free(tasks, (unsigned)n);
	return r;
}
