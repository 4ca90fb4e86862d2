/* SPDX-License-Identifier: GPL-2.0-or-later */
/* affinity-irq.c - irq-affinity: the IRQs with their CPUs, and --set FROM:TO. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "affinity-tool.h"
#include "cleanup.h"
#include "tool.h"

static const struct table_column irq_columns[] = {
	{ "IRQ", "irq", TABLE_NUMBER },
	{ "AFFINITY", "affinity", TABLE_LIST },
	{ "EFFECTIVE", "effective", TABLE_LIST },
	{ "MANAGED", "managed", TABLE_BOOL },
	{ "COUNT", "count", TABLE_NUMBER },
	{ "CHIP", "chip", TABLE_STRING },
	{ "NAME", "name", TABLE_STRING },
};

static bool irq_selected(const struct affinity_params *p, const struct kvmrt_irq *q)
{
	if (p->have_cpus && !kvmrt_ids_intersects(&q->affinity, &p->cpus) &&
	    !kvmrt_ids_intersects(&q->effective, &p->cpus))
		return false;
	if (p->managed && !(q->managed_known && q->managed))
		return false;
	return !(p->unmanaged && q->managed);
}

static int irq_row(struct table *t, const struct kvmrt_irq *q)
{
	_cleanup_free_ char *aff = NULL, *eff = NULL;
	char nr[16], count[24];

	if (kvmrt_ids_format(&q->affinity, &aff) < 0 || kvmrt_ids_format(&q->effective, &eff) < 0)
		return -ENOMEM;
	snprintf(nr, sizeof(nr), "%u", q->nr);
	snprintf(count, sizeof(count), "%llu", q->count);
	return table_add_row(t, (const char *const[]){ nr, aff, eff,
			     table_yes_no(q->managed, q->managed_known), count, q->chip, q->name });
}

static int show(const struct affinity_params *p, const struct kvmrt_irq *irqs, unsigned n)
{
	struct table t;
	int r = 0;

	table_init(&t, irq_columns, ARRAY_SIZE(irq_columns));
	for (unsigned i = 0; i < n && r == 0; i++)
		if (irq_selected(p, &irqs[i]))
			r = irq_row(&t, &irqs[i]);
	return table_emit(&t, r, p->json, "listing IRQs");
}

/* Moves one IRQ for --set. Returns 1 moved, 0 nothing to do, -1 refused (reported). */
static int move_irq(const struct affinity_params *p, const struct kvmrt_sysroot *s,
		    const struct kvmrt_irq *q)
{
	_cleanup_free_ char *before = NULL, *after = NULL;
	struct kvmrt_ids n;
	char why[512];
	int r;

	if (!kvmrt_ids_intersects(&q->affinity, &p->from))
		return 0;
	if (affinity_moved(&q->affinity, &p->from, &p->to, &n) < 0)
		return tool_error(-ENOMEM, "IRQ %u", q->nr), -1;
	r = kvmrt_ids_format(&q->affinity, &before);
	if (r == 0)
		r = kvmrt_ids_format(&n, &after);
	if (r == 0 && !p->dry_run)
		r = kvmrt_irq_set_affinity(s, q->nr, &n, why, sizeof(why));
	kvmrt_ids_done(&n);
	if (r < 0) {
		if (r == -ENOMEM)
			snprintf(why, sizeof(why), "IRQ %u: out of memory", q->nr);
		tool_error(0, "%s", why);
		return -1;
	}
	printf("IRQ %u %s: %s -> %s%s\n", q->nr, *q->name ? q->name : "-", before, after,
	       !p->dry_run ? "" : q->managed ? " (dry run: managed, will be refused)"
					     : " (dry run)");
	return 1;
}

static int set(const struct affinity_params *p, const struct kvmrt_sysroot *s,
	       const struct kvmrt_irq *irqs, unsigned n)
{
	unsigned moved = 0, refused = 0;

	for (unsigned i = 0; i < n; i++) {
		int r;

		if (!irq_selected(p, &irqs[i]))
			continue;
		r = move_irq(p, s, &irqs[i]);
		if (r > 0)
			moved++;
		else if (r < 0)
			refused++;
	}
	printf("%u IRQ%s %s, %u refused\n", moved, moved == 1 ? "" : "s",
	       p->dry_run ? "to move" : "moved", refused);
	return refused ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
}

int irq_affinity_run(const struct affinity_params *p, const struct kvmrt_sysroot *s)
{
	struct kvmrt_irq *irqs;
	char why[512];
	int n, r;

	n = kvmrt_irqs_list(s, &irqs, why, sizeof(why));
	if (n < 0)
		return tool_error(0, "%s", why), EXIT_TOOL_FAILURE;
	for (int i = 0; i < n; i++) {
		table_sanitize(irqs[i].name);
		table_sanitize(irqs[i].chip);
	}
	r = p->have_set ? set(p, s, irqs, (unsigned)n) : show(p, irqs, (unsigned)n);
	kvmrt_irqs_free(irqs, (unsigned)n);
	return r;
}
