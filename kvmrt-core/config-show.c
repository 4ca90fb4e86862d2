/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config-show.c - a VM as kvmrt interprets it, with its placement plan (kvmrt-show-config). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "kvmrt-private.h"

static void field(FILE *f, const char *key, const char *value)
{
	fprintf(f, "  %-15s= ", key);
	for (const char *s = value; *s; s++) {
		fputc(*s, f);
		if (*s == '\n')
			fprintf(f, "%19s", "");
	}
	fputc('\n', f);
}

static const char *yes_no(bool b)
{
	return b ? "true" : "false";
}

static char *ids_text(const struct kvmrt_ids *ids)
{
	char *text = NULL;

	if (kvmrt_ids_format(ids, &text) < 0)
		return NULL;
	return text;
}

static void show_attributes(FILE *f, const struct kvmrt_vm *vm, const struct kvmrt_vm_plan *p)
{
	_cleanup_free_ char *cpus = ids_text(&p->cpus), *mem = ids_text(&p->mem_nodes);
	char buf[512];

	field(f, "name", vm->name ? vm->name : "(missing)");
	field(f, "title", vm->title);
	field(f, "description", vm->description);
	snprintf(buf, sizeof(buf), "%u", vm->nr_vcpus);
	field(f, "nr_vcpus", buf);
	snprintf(buf, sizeof(buf), "%s%u socket(s), %u core(s), %u thread(s)%s",
		 vm->topology_auto ? "auto (" : "", p->sockets, p->cores, p->threads,
		 vm->topology_auto ? ")" : "");
	field(f, "cpu_topology", buf);
	if (p->status < 0)
		snprintf(buf, sizeof(buf), "%s (invalid: %s)", vm->cpuset, p->why);
	else if (!*vm->cpuset)
		snprintf(buf, sizeof(buf), "(none: not bound to host CPUs)");
	else
		snprintf(buf, sizeof(buf), "%s (CPUs %s)", vm->cpuset, cpus ? cpus : "?");
	field(f, "cpuset", buf);
	field(f, "rt", yes_no(vm->rt));
	snprintf(buf, sizeof(buf), "%s%s", vm->rt_memory == KVMRT_AUTO ? "auto: " : "",
		 p->mem_locked ? "true (memory locked)" : "false");
	field(f, "rt_memory", buf);
	if (p->mem_restricted)
		snprintf(buf, sizeof(buf), "%s(nodes %s, strict)", vm->numatune_auto ? "auto " : "",
			 mem ? mem : "?");
	else
		snprintf(buf, sizeof(buf), "%s(not restricted)", vm->numatune_auto ? "auto " : "");
	field(f, "numatune", buf);
	field(f, "hide_kvm", yes_no(vm->hide_kvm));
	field(f, "autostart", yes_no(vm->autostart));
	field(f, "disabled", yes_no(vm->disabled));
	field(f, "guest_services", yes_no(vm->guest_services));
	field(f, "comments", vm->comments);
}

static void show_rt_policy(FILE *f, const struct kvmrt_vm *vm, const struct kvmrt_vm_plan *p)
{
	_cleanup_free_ char *emu = ids_text(&p->emulator), *sib = ids_text(&p->siblings);
	_cleanup_free_ char *nodes = ids_text(&p->nodes);

	fprintf(f, "  real-time policy:\n");
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		if (p->vcpu_cpu[i] == UINT32_MAX)
			fprintf(f, "    vCPU %-3u -> (no CPU left: under-provisioned)\n", i);
		else
			fprintf(f, "    vCPU %-3u -> CPU %u (SCHED_FIFO 1)\n", i, p->vcpu_cpu[i]);
	}
	fprintf(f, "    emulator, I/O -> CPUs %s\n", emu && *emu ? emu : "(none left)");
	fprintf(f, "    NUMA nodes    -> %s\n", nodes && *nodes ? nodes : "(none)");
	fprintf(f, "    SMT siblings taken offline -> %s\n", sib && *sib ? sib : "(none)");
	fprintf(f, "    memory        -> %s\n", p->mem_locked ? "locked" : "not locked");
}

int kvmrt_show_vm(FILE *f, const struct kvmrt_vm *vm, const struct kvmrt_vm_plan *p)
{
	fprintf(f, "[%s]%s%s\n", vm->uuid, vm->rt ? " real-time" : "",
		vm->disabled ? " (disabled)" : "");
	show_attributes(f, vm, p);
	if (vm->rt && p->status == 0) {
		show_rt_policy(f, vm, p);
	} else if (p->status == 0) {
		_cleanup_free_ char *cpus = ids_text(&p->cpus);

		fprintf(f, "  placement: all threads -> %s%s\n",
			cpus && *cpus ? "CPUs " : "any host CPU", cpus ? cpus : "");
	}
	return ferror(f) ? -EIO : 0;
}
