/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * domain-xml.c - the libvirt domain XML elements kvmrt owns: writing them
 * from a VM's plan with libxml2 while keeping every other element, and
 * reading their values back in a normalised form for comparison.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "kvmrt-private.h"
#include "xml-util.h"

/* ---- writing ---- */

static int set_ids_prop(xmlNode *n, const char *name, const struct kvmrt_ids *ids)
{
	char *text;
	int r = kvmrt_ids_format(ids, &text);

	if (r < 0)
		return r;
	xml_set_prop(n, name, text);
	free(text);
	return 0;
}

static void apply_identity(xmlNode *root, const struct kvmrt_vm *vm)
{
	xml_set_child_text(root, "name", vm->name);
	xml_set_child_text(root, "uuid", vm->uuid);
	if (*vm->title)
		xml_set_child_text(root, "title", vm->title);
	else
		xml_drop_all(root, "title");
	if (*vm->description)
		xml_set_child_text(root, "description", vm->description);
	else
		xml_drop_all(root, "description");
}

static int apply_vcpu(xmlNode *root, const struct kvmrt_vm *vm, const struct kvmrt_vm_plan *p)
{
	xmlNode *vcpu = xml_ensure(root, "vcpu");
	char n[16];

	snprintf(n, sizeof(n), "%u", vm->nr_vcpus);
	xml_set_text(vcpu, n);
	xmlUnsetProp(vcpu, BAD_CAST "current");
	if (kvmrt_ids_count(&p->cpus) == 0) {
		xmlUnsetProp(vcpu, BAD_CAST "cpuset");
		return 0;
	}
	/* bound to CPUs: not placed by numad */
	xml_set_prop(vcpu, "placement", "static");
	if (vm->rt) {
		xmlUnsetProp(vcpu, BAD_CAST "cpuset");
		return 0;
	}
	return set_ids_prop(vcpu, "cpuset", &p->cpus);
}

/* The I/O thread IDs of the domain: <iothreadids> or 1..<iothreads>. */
static unsigned iothread_ids(xmlNode *root, unsigned *ids, unsigned max)
{
	xmlNode *list = xml_child(root, "iothreadids"), *count = xml_child(root, "iothreads");
	unsigned n = 0;

	for (xmlNode *c = list ? list->children : NULL; c && n < max; c = c->next) {
		unsigned long id;

		if (xml_is(c, "iothread") && xml_prop_ulong(c, "id", &id) == 0 && id < UINT32_MAX)
			ids[n++] = (unsigned)id;
	}
	if (n == 0 && count) {
		unsigned long nr;

		if (xml_text_ulong(count, &nr) == 0)
			for (; n < nr && n < max; n++)
				ids[n] = n + 1;
	}
	return n;
}

static int apply_cputune(xmlNode *root, const struct kvmrt_vm *vm, const struct kvmrt_vm_plan *p)
{
	xmlNode *tune = xml_ensure(root, "cputune"), *n;
	unsigned ids[256], nr_ids;
	char buf[32];
	int r = 0;

	xml_drop_all(tune, "vcpupin");
	xml_drop_all(tune, "emulatorpin");
	xml_drop_all(tune, "iothreadpin");
	xml_drop_all(tune, "vcpusched");
	if (vm->rt) {
		for (unsigned i = 0; i < vm->nr_vcpus && p->vcpu_cpu[i] != UINT32_MAX; i++) {
			n = xml_add(tune, "vcpupin");
			snprintf(buf, sizeof(buf), "%u", i);
			xml_set_prop(n, "vcpu", buf);
			snprintf(buf, sizeof(buf), "%u", p->vcpu_cpu[i]);
			xml_set_prop(n, "cpuset", buf);
		}
		if (kvmrt_ids_count(&p->emulator))
			r = set_ids_prop(xml_add(tune, "emulatorpin"), "cpuset", &p->emulator);
		nr_ids = iothread_ids(root, ids, ARRAY_SIZE(ids));
		for (unsigned i = 0; r == 0 && i < nr_ids && kvmrt_ids_count(&p->emulator); i++) {
			n = xml_add(tune, "iothreadpin");
			snprintf(buf, sizeof(buf), "%u", ids[i]);
			xml_set_prop(n, "iothread", buf);
			r = set_ids_prop(n, "cpuset", &p->emulator);
		}
		n = xml_add(tune, "vcpusched");
		snprintf(buf, sizeof(buf), "0-%u", vm->nr_vcpus - 1);
		xml_set_prop(n, "vcpus", vm->nr_vcpus > 1 ? buf : "0");
		xml_set_prop(n, "scheduler", "fifo");
		xml_set_prop(n, "priority", "1");
	}
	xml_drop_if_childless(tune);
	return r;
}

static int apply_memory(xmlNode *root, const struct kvmrt_vm_plan *p)
{
	xmlNode *mb = xml_ensure(root, "memoryBacking"), *nt;
	int r = 0;

	xml_drop_all(mb, "locked");
	xml_drop_all(mb, "nosharepages");
	if (p->mem_locked) {
		xml_add(mb, "nosharepages");
		xml_add(mb, "locked");
	}
	xml_drop_if_childless(mb);
	nt = xml_ensure(root, "numatune");
	xml_drop_all(nt, "memory");
	if (p->mem_restricted) {
		xmlNode *m = xml_add(nt, "memory");

		xml_set_prop(m, "mode", "strict");
		r = set_ids_prop(m, "nodeset", &p->mem_nodes);
	}
	xml_drop_if_childless(nt);
	return r;
}

static void apply_features(xmlNode *root, const struct kvmrt_vm *vm)
{
	xmlNode *f = xml_ensure(root, "features"), *kvm = xml_child(f, "kvm");

	if (vm->hide_kvm) {
		kvm = kvm ? kvm : xml_add(f, "kvm");
		xml_set_prop(xml_ensure(kvm, "hidden"), "state", "on");
	} else if (kvm) {
		xml_drop_all(kvm, "hidden");
		xml_drop_if_childless(kvm);
	}
	if (vm->rt)
		xml_set_prop(xml_ensure(f, "pmu"), "state", "off");
	xml_drop_if_childless(f);
}

/* Whether @root is a KVM domain: TCG ones (type "qemu") have no host CPU to pass through. */
static bool domain_kvm(const xmlNode *root)
{
	_cleanup_free_ char *type = xml_prop(root, "type");

	return type && !strcmp(type, "kvm");
}

/* @rt: the host's CPU with the TSC deadline timer (KVM domains only), and the topology. */
static void apply_cpu(xmlNode *root, const struct kvmrt_vm_plan *p, bool rt)
{
	xmlNode *cpu = xml_ensure(root, "cpu"), *topo;
	char buf[16];

	if (rt) {
		xmlNode *tsc = xml_find(cpu, "feature", "name", "tsc-deadline");

		xml_set_prop(cpu, "mode", "host-passthrough");
		xmlUnsetProp(cpu, BAD_CAST "match");
		xml_drop_all(cpu, "model");
		xml_drop_all(cpu, "vendor");
		if (!tsc) {
			tsc = xml_add(cpu, "feature");
			xml_set_prop(tsc, "name", "tsc-deadline");
		}
		xml_set_prop(tsc, "policy", "require");
	}
	topo = xml_ensure(cpu, "topology");
	snprintf(buf, sizeof(buf), "%u", p->sockets);
	xml_set_prop(topo, "sockets", buf);
	xml_set_prop(topo, "dies", "1");
	snprintf(buf, sizeof(buf), "%u", p->cores);
	xml_set_prop(topo, "cores", buf);
	snprintf(buf, sizeof(buf), "%u", p->threads);
	xml_set_prop(topo, "threads", buf);
}

static void apply_devices(xmlNode *root, bool rt)
{
	xmlNode *dev;

	if (!rt)
		return;
	dev = xml_ensure(root, "devices");
	xml_drop_all(dev, "memballoon");
	xml_set_prop(xml_add(dev, "memballoon"), "model", "none");
}

/* The guest-services permission: an SMBIOS OEM string (DESIGN.md decision 5). */
static void apply_guest_services(xmlNode *root, bool permit)
{
	xmlNode *si = xml_find(root, "sysinfo", "type", "smbios"), *oem, *os;

	if (permit) {
		if (!si) {
			si = xml_add(root, "sysinfo");
			xml_set_prop(si, "type", "smbios");
		}
		oem = xml_ensure(si, "oemStrings");
		if (!xml_find_text(oem, "entry", KVMRT_GS_OEM_STRING))
			xml_set_text(xml_add(oem, "entry"), KVMRT_GS_OEM_STRING);
		xml_set_prop(xml_ensure(xml_ensure(root, "os"), "smbios"), "mode", "sysinfo");
		return;
	}
	if (!si)
		return;
	oem = xml_child(si, "oemStrings");
	if (oem) {
		xmlNode *e;

		while ((e = xml_find_text(oem, "entry", KVMRT_GS_OEM_STRING)))
			xml_drop(e);
		xml_drop_if_childless(oem);
	}
	if (!xml_child(si, NULL)) {
		xml_drop(si);
		os = xml_child(root, "os");
		if (os && !xml_find(root, "sysinfo", "type", "smbios"))
			xml_drop_all(os, "smbios");
	}
}

int kvmrt_domain_apply(const char *xml, const struct kvmrt_vm *vm, const struct kvmrt_vm_plan *p,
		       char **ret, char *why, size_t why_len)
{
	xmlDoc *doc;
	xmlNode *root;
	int r;

	if (!vm->name) {
		snprintf(why, why_len, "VM [%s] has no name", vm->uuid);
		return -EINVAL;
	}
	r = xml_parse_domain(xml, &doc, &root, why, why_len);
	if (r < 0)
		return r;
	apply_identity(root, vm);
	r = apply_vcpu(root, vm, p);
	if (r == 0)
		r = apply_cputune(root, vm, p);
	if (r == 0)
		r = apply_memory(root, p);
	if (r == 0) {
		apply_features(root, vm);
		apply_cpu(root, p, vm->rt && domain_kvm(root));
		apply_devices(root, vm->rt);
		apply_guest_services(root, vm->guest_services);
		r = xml_dump(doc, ret);
	}
	xmlFreeDoc(doc);
	return r;
}
