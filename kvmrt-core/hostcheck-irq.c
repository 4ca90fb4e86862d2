/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostcheck-irq.c - host checks of interrupts: default affinity, IRQs on rt CPUs, irqbalance. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "hostcheck-private.h"

/* Whether @set holds CPUs and none of the rt CPUs. */
static bool clear_of_rt(const struct hc_ctx *c, const struct kvmrt_ids *set)
{
	return kvmrt_ids_count(set) > 0 && !kvmrt_ids_intersects(set, c->rt);
}

HC_CHECK(irqaffinity)
{
	struct kvmrt_ids set;
	char buf[1024];
	const char *v;
	bool ok = false;
	int r;

	if (hc_no_rt(c, out, &r))
		return r;
	if (c->hk_list[0] && hc_param(out, "irqaffinity=%s", c->hk_list) < 0)
		return -ENOMEM;
	v = hc_cmdline_value(c, "irqaffinity", buf, sizeof(buf));
	if (v && (r = hc_parse_list(v, &set)) == 0) {
		ok = clear_of_rt(c, &set);
		kvmrt_ids_done(&set);
	}
	/* set at run time instead of at boot */
	if (!ok && (r = hc_read_mask(c, "proc/irq/default_smp_affinity", &set)) == 0) {
		ok = clear_of_rt(c, &set);
		kvmrt_ids_done(&set);
	}
	if (r == -ENOMEM)
		return r;
	if (ok)
		return hc_pass(out);
	return hc_warn(out,
		       "new IRQs may be routed to the rt %s: boot with irqaffinity= the "
		       "housekeeping CPUs",
		       hc_cpus(c->rt, buf, sizeof(buf)));
}

HC_CHECK(irqbalance)
{
	long pid = hc_find_process(c, "irqbalance");

	if (pid < 0)
		return (int)pid;
	if (pid == 0)
		return hc_pass(out);
	return hc_fail(out,
		       "irqbalance (PID %ld) moves IRQs back onto the rt CPUs: stop and "
		       "disable it",
		       pid);
}

/* Appends "NR (NAME)" of @irq to @buf (@len bytes), the first few only. */
static void list_irq(char *buf, size_t len, unsigned listed, const struct kvmrt_irq *irq)
{
	size_t used = strlen(buf);

	if (listed > 4) {
		if (listed == 5)
			snprintf(buf + used, len - used, ", ...");
		return;
	}
	snprintf(buf + used, len - used, "%s%u%s%s%s", used ? ", " : "", irq->nr,
		 irq->name[0] ? " (" : "", irq->name, irq->name[0] ? ")" : "");
}

HC_CHECK(irqs)
{
	struct kvmrt_irq *irqs = NULL;
	unsigned on_rt = 0, managed = 0;
	char why[256], list[256] = "";
	int n, r;

	if (hc_no_rt(c, out, &r))
		return r;
	n = kvmrt_irqs_list(c->root, &irqs, why, sizeof(why));
	if (n == -ENOMEM)
		return n;
	if (n < 0)
		return hc_warn(out, "cannot list the IRQs: %s", why);
	for (int i = 0; i < n; i++) {
		const struct kvmrt_irq *irq = &irqs[i];
		/* where it fires: the effective affinity when the kernel says, else the mask */
		const struct kvmrt_ids *where =
		    kvmrt_ids_count(&irq->effective) ? &irq->effective : &irq->affinity;

		if (!kvmrt_ids_intersects(where, c->rt))
			continue;
		list_irq(list, sizeof(list), on_rt++, irq);
		managed += irq->managed;
	}
	kvmrt_irqs_free(irqs, (unsigned)n);
	if (on_rt == 0)
		return hc_pass(out);
	return hc_warn(out,
		       "%u IRQ%s may fire on the rt CPUs: %s; kvmrt-boot moves them, "
		       "'irq-affinity --set %s:%s' moves them now%s",
		       on_rt, on_rt > 1 ? "s" : "", list, c->rt_list, c->hk_list,
		       managed ? "; managed ones need isolcpus=managed_irq,... at boot" : "");
}
