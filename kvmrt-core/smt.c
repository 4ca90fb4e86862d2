/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * smt.c - the SMT siblings of rt CPUs taken offline, after the IRQs moved.
 * hwloc does not show offline CPUs, so the journal keeps the core each one
 * belongs to (DESIGN.md decision 6).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "tuning-private.h"

static int sibling_offline(struct tuning_ctx *c, unsigned cpu)
{
	_cleanup_free_ char *key = NULL, *state = NULL, *core = NULL;
	const struct kvmrt_ids *core_cpus = kvmrt_topology_core_cpus(c->topo, cpu);
	int r;

	if (asprintf(&key, "sys/devices/system/cpu/cpu%u/online", cpu) < 0)
		return -ENOMEM;
	r = kvmrt_sysroot_read_line(c->t->s, key, &state);
	if (r < 0)
		return tuning_note(c, KVMRT_WARNING,
				   "VM %s: SMT sibling CPU %u cannot be taken offline (%s/%s: %s); "
				   "add nosmt to the kernel command line",
				   c->uuid, cpu, kvmrt_sysroot_label(c->t->s), key, strerror(-r));
	if (!strcmp(state, "0"))
		return 0; /* offline already, not by kvmrt */
	if (core_cpus ? kvmrt_ids_format(core_cpus, &core) < 0 : !(core = strdup("")))
		return -ENOMEM;
	return tuning_write_file(c, J_OFFLINE, "smt", key, "0", core);
}

int smt_apply(struct tuning_ctx *c)
{
	const struct kvmrt_ids *sib = &c->p->siblings;
	int r = 0;

	for (int cpu = kvmrt_ids_next(sib, 0); cpu >= 0 && r == 0;
	     cpu = kvmrt_ids_next(sib, (unsigned)cpu + 1))
		r = sibling_offline(c, (unsigned)cpu);
	return r;
}
