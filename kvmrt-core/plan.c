/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan.c - the placement plan of a VM (SPEC K3): its CPUs, for real-time VMs
 * one CPU per core with vCPU i on the i-th lowest and the emulator and I/O
 * threads on the rest, the SMT siblings taken offline, the memory nodes.
 * When cpuset leaves no CPU beyond the vCPUs (validation says so:
 * rt-underprovisioned), the emulator and I/O threads share the vCPUs' CPUs:
 * never CPUs outside cpuset, never no pinning at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmrt-private.h"

void kvmrt_plan_vm_done(struct kvmrt_vm_plan *p)
{
	kvmrt_ids_done(&p->cpus);
	kvmrt_ids_done(&p->nodes);
	kvmrt_ids_done(&p->rt_cpus);
	kvmrt_ids_done(&p->emulator);
	kvmrt_ids_done(&p->siblings);
	kvmrt_ids_done(&p->owned);
	kvmrt_ids_done(&p->mem_nodes);
	free(p->vcpu_cpu);
	p->vcpu_cpu = NULL;
}

/* rt: one CPU per core, vCPUs on the lowest, siblings of all those cores offline. */
static void plan_rt(const struct kvmrt_vm *vm, const struct kvmrt_topology *t,
		    struct kvmrt_vm_plan *p)
{
	unsigned i = 0;

	for (int c = kvmrt_ids_next(&p->cpus, 0); c >= 0;
	     c = kvmrt_ids_next(&p->cpus, (unsigned)c + 1)) {
		const struct kvmrt_ids *core = kvmrt_topology_core_cpus(t, (unsigned)c);

		if (core && kvmrt_ids_intersects(core, &p->rt_cpus))
			continue;
		kvmrt_ids_add(&p->rt_cpus, (unsigned)c);
		if (core)
			kvmrt_ids_or(&p->siblings, core);
		if (i < vm->nr_vcpus)
			p->vcpu_cpu[i++] = (unsigned)c;
		else
			kvmrt_ids_add(&p->emulator, (unsigned)c);
	}
	for (; i < vm->nr_vcpus; i++)
		p->vcpu_cpu[i] = UINT32_MAX;
	if (kvmrt_ids_count(&p->emulator) == 0)
		kvmrt_ids_or(&p->emulator, &p->rt_cpus);
	kvmrt_ids_andnot(&p->siblings, &p->rt_cpus);
	kvmrt_ids_or(&p->owned, &p->siblings);
}

static int plan_memory(const struct kvmrt_vm *vm, struct kvmrt_vm_plan *p)
{
	struct kvmrt_ids nodes;
	char why[256];
	int r;

	p->mem_locked = kvmrt_vm_rt_memory(vm);
	if (vm->numatune_auto) {
		p->mem_restricted = kvmrt_ids_count(&p->cpus) > 0;
		return kvmrt_ids_copy(&p->mem_nodes, &p->nodes);
	}
	/* the syntax was checked when the file was read: a bad set here restricts nothing */
	r = kvmrt_idset_parse(vm->numatune, KVMRT_MAX_IDS, &nodes, why, sizeof(why));
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return kvmrt_ids_init(&p->mem_nodes, 0);
	p->mem_nodes = nodes;
	p->mem_restricted = kvmrt_ids_count(&nodes) > 0;
	return 0;
}

int kvmrt_plan_vm(const struct kvmrt_vm *vm, const struct kvmrt_topology *t,
		  struct kvmrt_vm_plan *ret)
{
	struct kvmrt_vm_plan p = {};
	unsigned n = kvmrt_topology_nr_cpus(t);
	int r;

	r = kvmrt_cpuset_parse(vm->cpuset, t, &p.cpus, p.why, sizeof(p.why));
	if (r == -ENOMEM)
		return r;
	p.status = r;
	p.vcpu_cpu = calloc(vm->nr_vcpus ? vm->nr_vcpus : 1, sizeof(*p.vcpu_cpu));
	if (!p.vcpu_cpu || (r < 0 && kvmrt_ids_init(&p.cpus, n) < 0) ||
	    kvmrt_ids_init(&p.rt_cpus, n) < 0 || kvmrt_ids_init(&p.siblings, n) < 0 ||
	    kvmrt_topology_nodes_of(t, &p.cpus, &p.nodes) < 0 ||
	    kvmrt_ids_copy(&p.owned, &p.cpus) < 0 ||
	    (vm->rt ? kvmrt_ids_init(&p.emulator, n) : kvmrt_ids_copy(&p.emulator, &p.cpus)) < 0 ||
	    plan_memory(vm, &p) < 0) {
		kvmrt_plan_vm_done(&p);
		return -ENOMEM;
	}
	p.nr_vcpus = vm->nr_vcpus;
	if (vm->rt)
		plan_rt(vm, t, &p);
	if (vm->topology_auto) {
		p.sockets = 1;
		p.cores = vm->nr_vcpus;
		p.threads = 1;
	} else {
		p.sockets = vm->sockets;
		p.cores = vm->cores;
		p.threads = vm->threads;
	}
	*ret = p;
	return 0;
}
