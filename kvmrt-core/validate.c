/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * validate.c - the rules of a kvmrt configuration (the guide's "Configuring
 * Real-Time Virtual Machines", SPEC K2, and the rules of issue 6), each
 * finding naming the VM, the attribute, the problem and the fix.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "kvmrt-private.h"

struct check {
	const struct kvmrt_config *c;
	const struct kvmrt_topology *t;
	struct kvmrt_vm_plan *plans;
	bool *active;       /* VMs checked (disabled ones only with KVMRT_VALIDATE_ALL) */
	struct kvmrt_diags *out;
	int err;            /* -ENOMEM once out of memory */
};

const char *kvmrt_severity_name(enum kvmrt_severity s)
{
	return s == KVMRT_ERROR ? "error" : "warning";
}

void kvmrt_diags_done(struct kvmrt_diags *d)
{
	for (unsigned i = 0; i < d->nr; i++)
		free(d->d[i].message);
	free(d->d);
	memset(d, 0, sizeof(*d));
}

int kvmrt_diags_vadd(struct kvmrt_diags *out, const struct kvmrt_config *c,
		     enum kvmrt_severity sev, const char *rule, unsigned vm, enum kvmrt_attr attr,
		     const char *fmt, va_list ap)
{
	const struct kvmrt_vm *v = &c->vms[vm];
	char label[128], text[1024];
	struct kvmrt_diag *d;

	if (out->nr == out->cap) {
		unsigned cap = out->cap ? out->cap * 2 : 16;
		struct kvmrt_diag *n = realloc(out->d, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		out->d = n;
		out->cap = cap;
	}
	vsnprintf(text, sizeof(text), fmt, ap);
	d = &out->d[out->nr];
	*d = (struct kvmrt_diag){ .severity = sev, .rule = rule, .vm = vm, .attr = attr,
				  .line = v->attr_line[attr] ? v->attr_line[attr] : v->line };
	if (asprintf(&d->message, "%s: %s: %s", kvmrt_vm_label(v, label, sizeof(label)),
		     kvmrt_attr_name(attr), text) < 0)
		return -ENOMEM;
	out->nr++;
	if (sev == KVMRT_ERROR)
		out->errors++;
	else
		out->warnings++;
	return 0;
}

__attribute__((format(printf, 6, 7))) static void add(struct check *k, enum kvmrt_severity sev,
						      const char *rule, unsigned vm,
						      enum kvmrt_attr attr, const char *fmt, ...)
{
	va_list ap;

	if (k->err)
		return;
	va_start(ap, fmt);
	k->err = kvmrt_diags_vadd(k->out, k->c, sev, rule, vm, attr, fmt, ap);
	va_end(ap);
}

/* A set as a compact list, in a buffer owned by the caller. */
static const char *list(const struct kvmrt_ids *s, char *buf, size_t len)
{
	_cleanup_free_ char *text = NULL;

	snprintf(buf, len, "%s", kvmrt_ids_format(s, &text) == 0 ? text : "?");
	return buf;
}

static void check_names(struct check *k, unsigned i)
{
	const struct kvmrt_vm *vm = &k->c->vms[i];

	if (!vm->name) {
		add(k, KVMRT_ERROR, "name-missing", i, KVMRT_ATTR_NAME,
		    "no name; set name = the VM's libvirt domain name (virsh list --all)");
		return;
	}
	for (unsigned j = 0; j < i; j++)
		if (k->active[j] && k->c->vms[j].name && !strcmp(k->c->vms[j].name, vm->name))
			add(k, KVMRT_ERROR, "name-duplicate", i, KVMRT_ATTR_NAME,
			    "'%s' is also the name of [%s]; libvirt names are unique: rename one",
			    vm->name, k->c->vms[j].uuid);
}

static void check_resources(struct check *k, unsigned i)
{
	const struct kvmrt_vm *vm = &k->c->vms[i];
	const struct kvmrt_vm_plan *p = &k->plans[i];
	char buf[256];

	if (p->status < 0)
		add(k, KVMRT_ERROR, "cpuset-invalid", i, KVMRT_ATTR_CPUSET,
		    "%s; name only CPUs, nodes, cores, dies and packages of this host (see hwtopo)",
		    p->why);
	if (!vm->numatune_auto && !kvmrt_ids_subset(&p->mem_nodes, kvmrt_topology_nodes(k->t))) {
		struct kvmrt_ids missing;

		if (kvmrt_ids_copy(&missing, &p->mem_nodes) < 0) {
			k->err = -ENOMEM;
			return;
		}
		kvmrt_ids_andnot(&missing, kvmrt_topology_nodes(k->t));
		add(k, KVMRT_ERROR, "numatune-invalid", i, KVMRT_ATTR_NUMATUNE,
		    "NUMA node %s does not exist; use nodes of this host (%s) or auto",
		    list(&missing, buf, sizeof(buf)),
		    list(kvmrt_topology_nodes(k->t), buf + 128, sizeof(buf) - 128));
		kvmrt_ids_done(&missing);
	}
	if (!vm->topology_auto &&
	    (uint64_t)vm->sockets * vm->cores * vm->threads != vm->nr_vcpus)
		add(k, KVMRT_ERROR, "cpu-topology", i, KVMRT_ATTR_CPU_TOPOLOGY,
		    "%u sockets x %u cores x %u threads is %llu vCPUs but nr_vcpus is %u; make the "
		    "product equal nr_vcpus or use auto",
		    vm->sockets, vm->cores, vm->threads,
		    (unsigned long long)vm->sockets * vm->cores * vm->threads, vm->nr_vcpus);
}

static void check_rt_cpus(struct check *k, unsigned i)
{
	const struct kvmrt_vm *vm = &k->c->vms[i];
	const struct kvmrt_vm_plan *p = &k->plans[i];
	unsigned usable = kvmrt_ids_count(&p->rt_cpus);

	if (kvmrt_ids_count(&p->cpus) == 0) {
		add(k, KVMRT_ERROR, "rt-cpuset-empty", i, KVMRT_ATTR_CPUSET,
		    "a real-time VM needs its own CPUs; set cpuset to at least nr_vcpus + 1 = %u "
		    "CPUs on separate cores (e.g. a NUMA node: n1)",
		    vm->nr_vcpus + 1);
		return;
	}
	if (usable < vm->nr_vcpus + 1)
		add(k, KVMRT_ERROR, "rt-underprovisioned", i, KVMRT_ATTR_CPUSET,
		    "%u usable CPUs (one per core) for %u vCPUs; a real-time VM needs nr_vcpus + 1 "
		    "= %u (one runs the emulator and I/O threads, never a vCPU's CPU): add CPUs of "
		    "other cores or lower nr_vcpus",
		    usable, vm->nr_vcpus, vm->nr_vcpus + 1);
	if (kvmrt_ids_test(&p->owned, 0))
		add(k, KVMRT_ERROR, "rt-cpu0", i, KVMRT_ATTR_CPUSET,
		    "CPU 0 (or its SMT sibling) would be taken from the host; CPU 0 stays with the "
		    "host: use CPUs of other cores");
	if (kvmrt_ids_count(&p->nodes) > 1) {
		char buf[128];

		add(k, KVMRT_WARNING, "rt-numa-span", i, KVMRT_ATTR_CPUSET,
		    "the CPUs span NUMA nodes %s; memory access across nodes adds latency: keep a "
		    "real-time VM within one node if it fits",
		    list(&p->nodes, buf, sizeof(buf)));
	}
}

static void check_rt_memory(struct check *k, unsigned i)
{
	const struct kvmrt_vm *vm = &k->c->vms[i];
	const struct kvmrt_vm_plan *p = &k->plans[i];

	if (!kvmrt_vm_rt_memory(vm))
		add(k, KVMRT_ERROR, "rt-memory", i, KVMRT_ATTR_RT_MEMORY,
		    "a real-time VM must lock its memory; set rt_memory = auto (or true)");
	if (kvmrt_ids_count(&p->cpus) == 0)
		return; /* rt-cpuset-empty says it all */
	if (!p->mem_restricted)
		add(k, KVMRT_WARNING, "rt-numatune", i, KVMRT_ATTR_NUMATUNE,
		    "memory is not restricted to NUMA nodes; set numatune = auto to use the nodes "
		    "of the cpuset");
	else if (!kvmrt_ids_subset(&p->mem_nodes, &p->nodes)) {
		char a[128], b[128];

		add(k, KVMRT_WARNING, "rt-numatune", i, KVMRT_ATTR_NUMATUNE,
		    "memory nodes %s are not all nodes of the cpuset (%s); set numatune = auto",
		    list(&p->mem_nodes, a, sizeof(a)), list(&p->nodes, b, sizeof(b)));
	}
}

/* Findings between real-time VM @i and another VM @j. */
static void check_pair(struct check *k, unsigned i, unsigned j)
{
	const struct kvmrt_vm_plan *pi = &k->plans[i], *pj = &k->plans[j];
	const struct kvmrt_vm *vj = &k->c->vms[j];
	char label[128], a[256];
	struct kvmrt_ids both;

	kvmrt_vm_label(vj, label, sizeof(label));
	if (kvmrt_ids_copy(&both, &pi->cpus) < 0) {
		k->err = -ENOMEM;
		return;
	}
	kvmrt_ids_andnot(&both, &pj->cpus);
	if (kvmrt_ids_intersects(&pi->cpus, &pj->cpus)) {
		struct kvmrt_ids shared;

		if (kvmrt_ids_copy(&shared, &pi->cpus) == 0) {
			kvmrt_ids_andnot(&shared, &both);
			add(k, KVMRT_ERROR, "rt-overlap", i, KVMRT_ATTR_CPUSET,
			    "CPUs %s are also in the cpuset of %s; a real-time VM's CPUs are its "
			    "own: give %s other CPUs",
			    list(&shared, a, sizeof(a)), label, label);
			kvmrt_ids_done(&shared);
		}
	} else if (kvmrt_ids_intersects(&pi->siblings, &pj->cpus)) {
		add(k, KVMRT_ERROR, "rt-siblings", i, KVMRT_ATTR_CPUSET,
		    "%s uses SMT siblings of this VM's CPUs (%s), which are taken offline for "
		    "real time; give %s CPUs of other cores",
		    label, list(&pi->siblings, a, sizeof(a)), label);
	} else if (kvmrt_ids_intersects(&pi->nodes, &pj->nodes)) {
		add(k, KVMRT_WARNING, "rt-shared-node", i, KVMRT_ATTR_CPUSET,
		    "%s has CPUs on the same NUMA node(s) (%s); it shares caches and memory "
		    "bandwidth: move %s to other nodes",
		    label, list(&pi->nodes, a, sizeof(a)), label);
	}
	if (!vj->numatune_auto && pj->mem_restricted &&
	    kvmrt_ids_intersects(&pj->mem_nodes, &pi->nodes))
		add(k, KVMRT_WARNING, "rt-numatune-overlap", j, KVMRT_ATTR_NUMATUNE,
		    "memory nodes %s include NUMA nodes of real-time %s; choose other nodes",
		    list(&pj->mem_nodes, a, sizeof(a)),
		    kvmrt_vm_label(&k->c->vms[i], label, sizeof(label)));
	kvmrt_ids_done(&both);
}

static void check_host_keeps_cpus(struct check *k)
{
	struct kvmrt_ids taken;
	int first = -1;

	if (kvmrt_ids_init(&taken, kvmrt_topology_nr_cpus(k->t)) < 0) {
		k->err = -ENOMEM;
		return;
	}
	for (unsigned i = 0; i < k->c->nr_vms; i++) {
		if (!k->active[i] || !k->c->vms[i].rt)
			continue;
		if (first < 0)
			first = (int)i;
		kvmrt_ids_or(&taken, &k->plans[i].owned);
	}
	if (first >= 0 && kvmrt_ids_subset(kvmrt_topology_online(k->t), &taken))
		add(k, KVMRT_ERROR, "rt-all-cpus", (unsigned)first, KVMRT_ATTR_CPUSET,
		    "the real-time VMs take every host CPU; the host needs some (at least CPU 0): "
		    "shrink the cpusets of the real-time VMs");
	kvmrt_ids_done(&taken);
}

static int by_line(const void *a, const void *b)
{
	const struct kvmrt_diag *x = a, *y = b;

	if (x->vm != y->vm)
		return x->vm < y->vm ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return 0;
}

static void check_all(struct check *k)
{
	const struct kvmrt_config *c = k->c;

	for (unsigned i = 0; i < c->nr_vms; i++) {
		if (!k->active[i])
			continue;
		check_names(k, i);
		check_resources(k, i);
		if (c->vms[i].rt) {
			check_rt_cpus(k, i);
			check_rt_memory(k, i);
		}
	}
	for (unsigned i = 0; i < c->nr_vms; i++) {
		if (!k->active[i] || !c->vms[i].rt)
			continue;
		for (unsigned j = 0; j < c->nr_vms; j++)
			if (j != i && k->active[j] && (!c->vms[j].rt || j > i))
				check_pair(k, i, j);
	}
	check_host_keeps_cpus(k);
}

int kvmrt_validate(const struct kvmrt_config *c, const struct kvmrt_topology *t, unsigned flags,
		   struct kvmrt_diags *ret)
{
	struct check k = { .c = c, .t = t, .out = ret };
	unsigned first = ret->nr, planned = 0;

	k.plans = calloc(c->nr_vms ? c->nr_vms : 1, sizeof(*k.plans));
	k.active = calloc(c->nr_vms ? c->nr_vms : 1, sizeof(*k.active));
	if (!k.plans || !k.active)
		k.err = -ENOMEM;
	for (; !k.err && planned < c->nr_vms; planned++) {
		k.active[planned] = (flags & KVMRT_VALIDATE_ALL) || !c->vms[planned].disabled;
		k.err = kvmrt_plan_vm(&c->vms[planned], t, &k.plans[planned]);
	}
	if (!k.err)
		check_all(&k);
	for (unsigned i = 0; i < planned; i++)
		kvmrt_plan_vm_done(&k.plans[i]);
	free(k.plans);
	free(k.active);
	if (k.err)
		return k.err;
	if (ret->nr > first)
		qsort(ret->d + first, ret->nr - first, sizeof(*ret->d), by_line);
	return (int)ret->errors;
}
