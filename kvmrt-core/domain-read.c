/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * domain-read.c - reading the elements kvmrt owns out of libvirt domain XML:
 * normalised values for comparison (libvirt rewrites and reorders XML on
 * define), their differences, and the attributes of a VM (sync -r, import).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "kvmrt-private.h"
#include "xml-util.h"

/* Lines "key value" collected, then sorted and joined. */
struct lines {
	char **v;
	unsigned nr;
	int err;
};

__attribute__((format(printf, 2, 3))) static void line(struct lines *l, const char *fmt, ...)
{
	char **v;
	va_list ap;

	if (l->err)
		return;
	v = realloc(l->v, sizeof(*v) * (l->nr + 1));
	if (!v) {
		l->err = -ENOMEM;
		return;
	}
	l->v = v;
	va_start(ap, fmt);
	if (vasprintf(&v[l->nr], fmt, ap) < 0)
		l->err = -ENOMEM;
	else
		l->nr++;
	va_end(ap);
}

/* A CPU or node list attribute, normalised ("" when absent, "?" when malformed). */
static char *ids_prop(const xmlNode *n, const char *name)
{
	_cleanup_free_ char *v = n ? xml_prop(n, name) : NULL;
	struct kvmrt_ids ids;
	char why[128], *out = NULL;

	if (!v)
		return strdup("-");
	if (kvmrt_idset_parse(v, KVMRT_MAX_IDS, &ids, why, sizeof(why)) < 0)
		return strdup("?");
	if (kvmrt_ids_format(&ids, &out) < 0)
		out = NULL;
	kvmrt_ids_done(&ids);
	return out;
}

static void prop_line(struct lines *l, const char *key, const xmlNode *n, const char *attr,
		      const char *absent)
{
	_cleanup_free_ char *v = n ? xml_prop(n, attr) : NULL;

	line(l, "%s\t%s", key, v ? v : absent);
}

static void ids_line(struct lines *l, const char *key, const xmlNode *n, const char *attr)
{
	_cleanup_free_ char *v = ids_prop(n, attr);

	if (!v)
		l->err = -ENOMEM;
	else
		line(l, "%s\t%s", key, v);
}

static void text_line(struct lines *l, const xmlNode *root, const char *name)
{
	xmlNode *n = xml_child(root, name);
	_cleanup_free_ char *v = n ? xml_text(n) : NULL;

	for (char *c = v; c && *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	line(l, "%s\t%s", name, v ? v : "");
}

/* One line per vCPU: libvirt splits and merges <vcpusched> ranges as it likes. */
static void owned_vcpusched(struct lines *l, const xmlNode *n)
{
	_cleanup_free_ char *vcpus = xml_prop(n, "vcpus"), *s = xml_prop(n, "scheduler");
	_cleanup_free_ char *p = xml_prop(n, "priority");
	struct kvmrt_ids ids;
	char why[128];

	if (!vcpus || kvmrt_idset_parse(vcpus, KVMRT_MAX_VCPUS, &ids, why, sizeof(why)) < 0) {
		line(l, "vcpusched ?\t%s %s", s ? s : "?", p ? p : "-");
		return;
	}
	for (int i = kvmrt_ids_next(&ids, 0); i >= 0; i = kvmrt_ids_next(&ids, (unsigned)i + 1))
		line(l, "vcpusched %d\t%s %s", i, s ? s : "?", p ? p : "-");
	kvmrt_ids_done(&ids);
}

static void owned_cputune(struct lines *l, const xmlNode *root)
{
	const xmlNode *tune = xml_child(root, "cputune");

	ids_line(l, "emulatorpin", tune ? xml_child(tune, "emulatorpin") : NULL, "cpuset");
	for (xmlNode *c = tune ? tune->children : NULL; c; c = c->next) {
		_cleanup_free_ char *id = NULL, *cpus = NULL;

		if (xml_is(c, "vcpupin") || xml_is(c, "iothreadpin")) {
			id = xml_prop(c, xml_is(c, "vcpupin") ? "vcpu" : "iothread");
			cpus = ids_prop(c, "cpuset");
			line(l, "%s %s\t%s", (const char *)c->name, id ? id : "?", cpus ? cpus : "?");
		} else if (xml_is(c, "vcpusched")) {
			owned_vcpusched(l, c);
		}
	}
}

static void owned_cpu(struct lines *l, const xmlNode *root)
{
	const xmlNode *cpu = xml_child(root, "cpu"), *topo = cpu ? xml_child(cpu, "topology") : NULL;
	const xmlNode *tsc = cpu ? xml_find(cpu, "feature", "name", "tsc-deadline") : NULL;
	_cleanup_free_ char *mode = cpu ? xml_prop(cpu, "mode") : NULL;
	unsigned long s = 0, d = 1, c = 0, t = 0;

	line(l, "cpu.host-passthrough\t%s", mode && !strcmp(mode, "host-passthrough") ? "yes" : "no");
	prop_line(l, "cpu.tsc-deadline", tsc, "policy", "-");
	if (topo && (xml_prop_ulong(topo, "sockets", &s) < 0 || xml_prop_ulong(topo, "cores", &c) < 0 ||
		     xml_prop_ulong(topo, "threads", &t) < 0))
		s = c = t = 0;
	if (!topo) {
		line(l, "cpu.topology\t-");
		return;
	}
	xml_prop_ulong(topo, "dies", &d);
	line(l, "cpu.topology\t%lu,%lu,%lu dies %lu", s, c, t, d);
}

static void owned_memory_features(struct lines *l, const xmlNode *root)
{
	const xmlNode *mb = xml_child(root, "memoryBacking"), *nt = xml_child(root, "numatune");
	const xmlNode *mem = nt ? xml_child(nt, "memory") : NULL, *f = xml_child(root, "features");
	const xmlNode *kvm = f ? xml_child(f, "kvm") : NULL, *dev = xml_child(root, "devices");
	const xmlNode *si = xml_find(root, "sysinfo", "type", "smbios"), *os = xml_child(root, "os");
	const xmlNode *oem = si ? xml_child(si, "oemStrings") : NULL;

	line(l, "memoryBacking.locked\t%s", mb && xml_child(mb, "locked") ? "yes" : "no");
	line(l, "memoryBacking.nosharepages\t%s", mb && xml_child(mb, "nosharepages") ? "yes" : "no");
	prop_line(l, "numatune.mode", mem, "mode", mem ? "strict" : "-");
	ids_line(l, "numatune.nodeset", mem, "nodeset");
	prop_line(l, "features.kvm.hidden", kvm ? xml_child(kvm, "hidden") : NULL, "state", "-");
	prop_line(l, "features.pmu", f ? xml_child(f, "pmu") : NULL, "state", "-");
	prop_line(l, "memballoon", dev ? xml_child(dev, "memballoon") : NULL, "model", "-");
	line(l, "guest-services\t%s",
	     oem && xml_find_text(oem, "entry", KVMRT_GS_OEM_STRING) ? "permitted" : "no");
	prop_line(l, "os.smbios", os ? xml_child(os, "smbios") : NULL, "mode", "-");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int lines_join(struct lines *l, char **ret)
{
	size_t len = 1;
	char *out, *p;

	if (!l->err && l->nr)
		qsort(l->v, l->nr, sizeof(*l->v), cmp_str);
	for (unsigned i = 0; i < l->nr; i++)
		len += strlen(l->v[i]) + 1;
	out = l->err ? NULL : malloc(len);
	p = out;
	for (unsigned i = 0; i < l->nr; i++) {
		if (out)
			p = stpcpy(stpcpy(p, l->v[i]), "\n");
		free(l->v[i]);
	}
	free(l->v);
	if (!out)
		return -ENOMEM;
	if (l->nr == 0)
		out[0] = '\0';
	*ret = out;
	return 0;
}

int kvmrt_domain_owned(const char *xml, char **ret, char *why, size_t why_len)
{
	struct lines l = {};
	xmlDoc *doc;
	xmlNode *root, *vcpu;
	int r = xml_parse_domain(xml, &doc, &root, why, why_len);

	if (r < 0)
		return r;
	text_line(&l, root, "name");
	text_line(&l, root, "uuid");
	text_line(&l, root, "title");
	text_line(&l, root, "description");
	text_line(&l, root, "vcpu");
	vcpu = xml_child(root, "vcpu");
	ids_line(&l, "vcpu.cpuset", vcpu, "cpuset");
	owned_cputune(&l, root);
	owned_cpu(&l, root);
	owned_memory_features(&l, root);
	xmlFreeDoc(doc);
	return lines_join(&l, ret);
}

/* ---- differences ---- */

/* The value of @key in the owned text @text, or NULL. Points into @text (up to '\n'). */
static const char *value_of(const char *text, const char *key, size_t klen, size_t *ret_len)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n'), *tab = strchr(p, '\t');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (tab && tab < p + n && (size_t)(tab - p) == klen && !strncmp(p, key, klen)) {
			*ret_len = n - klen - 1;
			return tab + 1;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* Appends the difference of the lines of @a missing or changed in @b. */
static void diff_side(FILE *f, const char *a, const char *b, bool a_is_have, bool *first)
{
	for (const char *p = a; p && *p;) {
		const char *nl = strchr(p, '\n'), *tab = strchr(p, '\t'), *other;
		size_t n = nl ? (size_t)(nl - p) : strlen(p), klen, olen = 0, vlen;

		if (!tab || tab > p + n) {
			p = nl ? nl + 1 : NULL;
			continue;
		}
		klen = (size_t)(tab - p);
		vlen = n - klen - 1;
		other = value_of(b, p, klen, &olen);
		if (!other && !a_is_have) {
			fprintf(f, "%s%.*s: (none) -> %.*s", *first ? "" : "; ", (int)klen, p,
				(int)vlen, tab + 1);
			*first = false;
		} else if (!other) {
			fprintf(f, "%s%.*s: %.*s -> (none)", *first ? "" : "; ", (int)klen, p,
				(int)vlen, tab + 1);
			*first = false;
		} else if (a_is_have && (olen != vlen || strncmp(other, tab + 1, vlen))) {
			fprintf(f, "%s%.*s: %.*s -> %.*s", *first ? "" : "; ", (int)klen, p,
				(int)vlen, tab + 1, (int)olen, other);
			*first = false;
		}
		p = nl ? nl + 1 : NULL;
	}
}

int kvmrt_owned_diff(const char *have, const char *want, char **ret)
{
	char *text = NULL;
	size_t len = 0;
	bool first = true;
	FILE *f;

	if (!strcmp(have, want)) {
		*ret = NULL;
		return 0;
	}
	f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
	diff_side(f, have, want, true, &first);
	diff_side(f, want, have, false, &first);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	*ret = text;
	return 0;
}

/* ---- from libvirt to the configuration ---- */

/* What the domain XML says, in configuration terms. */
struct xml_vm {
	char *name, *title, *description;
	unsigned long nr_vcpus;
	bool rt, locked, restricted, hidden, gs, has_topology;
	unsigned long sockets, cores, threads;
	struct kvmrt_ids cpus, nodes;
};

static void xml_vm_done(struct xml_vm *x)
{
	free(x->name);
	free(x->title);
	free(x->description);
	kvmrt_ids_done(&x->cpus);
	kvmrt_ids_done(&x->nodes);
}

/* ORs the CPU list attribute @attr of @n into @set. */
static int or_ids(const xmlNode *n, const char *attr, struct kvmrt_ids *set)
{
	_cleanup_free_ char *v = xml_prop(n, attr);
	struct kvmrt_ids ids;
	char why[128];
	int r;

	if (!v)
		return 0;
	r = kvmrt_idset_parse(v, KVMRT_MAX_IDS, &ids, why, sizeof(why));
	if (r < 0)
		return r;
	kvmrt_ids_or(set, &ids);
	kvmrt_ids_done(&ids);
	return 0;
}

static int read_cpus(const xmlNode *root, struct xml_vm *x)
{
	const xmlNode *tune = xml_child(root, "cputune"), *vcpu = xml_child(root, "vcpu");
	bool pinned = false;
	int r = 0;

	for (xmlNode *c = tune ? tune->children : NULL; r == 0 && c; c = c->next) {
		_cleanup_free_ char *sched = NULL;

		if (xml_is(c, "vcpupin") || xml_is(c, "emulatorpin") || xml_is(c, "iothreadpin")) {
			pinned |= xml_is(c, "vcpupin");
			r = or_ids(c, "cpuset", &x->cpus);
		} else if (xml_is(c, "vcpusched") && (sched = xml_prop(c, "scheduler")) &&
			   !strcmp(sched, "fifo")) {
			x->rt = true;
		}
	}
	if (r == 0 && !pinned && vcpu)
		r = or_ids(vcpu, "cpuset", &x->cpus);
	return r;
}

static void read_features(const xmlNode *root, struct xml_vm *x)
{
	const xmlNode *mb = xml_child(root, "memoryBacking"), *nt = xml_child(root, "numatune");
	const xmlNode *f = xml_child(root, "features"), *kvm = f ? xml_child(f, "kvm") : NULL;
	const xmlNode *hidden = kvm ? xml_child(kvm, "hidden") : NULL;
	const xmlNode *si = xml_find(root, "sysinfo", "type", "smbios");
	const xmlNode *oem = si ? xml_child(si, "oemStrings") : NULL;
	const xmlNode *cpu = xml_child(root, "cpu"), *topo = cpu ? xml_child(cpu, "topology") : NULL;
	_cleanup_free_ char *state = hidden ? xml_prop(hidden, "state") : NULL;
	const xmlNode *mem = nt ? xml_child(nt, "memory") : NULL;

	x->locked = mb && xml_child(mb, "locked");
	x->hidden = state && !strcmp(state, "on");
	x->gs = oem && xml_find_text(oem, "entry", KVMRT_GS_OEM_STRING);
	x->restricted = mem && or_ids(mem, "nodeset", &x->nodes) == 0 && kvmrt_ids_count(&x->nodes);
	x->has_topology = topo && xml_prop_ulong(topo, "sockets", &x->sockets) == 0 &&
			  xml_prop_ulong(topo, "cores", &x->cores) == 0 &&
			  xml_prop_ulong(topo, "threads", &x->threads) == 0;
}

static char *child_text(const xmlNode *root, const char *name)
{
	const xmlNode *n = xml_child(root, name);

	return n ? xml_text(n) : strdup("");
}

static int read_xml_vm(const char *xml, struct xml_vm *x, char *why, size_t why_len)
{
	const xmlNode *vcpu;
	xmlDoc *doc;
	xmlNode *root;
	int r = xml_parse_domain(xml, &doc, &root, why, why_len);

	if (r < 0)
		return r;
	x->name = child_text(root, "name");
	x->title = child_text(root, "title");
	x->description = child_text(root, "description");
	vcpu = xml_child(root, "vcpu");
	if (!x->name || !x->title || !x->description || kvmrt_ids_init(&x->cpus, KVMRT_MAX_IDS) < 0 ||
	    kvmrt_ids_init(&x->nodes, KVMRT_MAX_IDS) < 0) {
		r = -ENOMEM;
	} else if (!vcpu || xml_text_ulong(vcpu, &x->nr_vcpus) < 0 || x->nr_vcpus < 1 ||
		   x->nr_vcpus > KVMRT_MAX_VCPUS) {
		snprintf(why, why_len, "domain XML: <vcpu> is not a number of vCPUs from 1 to %u",
			 KVMRT_MAX_VCPUS);
		r = -EINVAL;
	} else if (read_cpus(root, x) < 0) {
		snprintf(why, why_len, "domain XML: a CPU list in <cputune> or <vcpu> is malformed");
		r = -EINVAL;
	} else {
		read_features(root, x);
	}
	xmlFreeDoc(doc);
	return r;
}

/* Replaces the text attribute *@field by @value when different; counts changes. */
static int update_text(char **field, const char *value, int *changed)
{
	char *v;

	if (*field && !strcmp(*field, value))
		return 0;
	v = strdup(value);
	if (!v)
		return -ENOMEM;
	free(*field);
	*field = v;
	(*changed)++;
	return 0;
}

static int update_ids_text(char **field, const struct kvmrt_ids *ids, int *changed)
{
	_cleanup_free_ char *text = NULL;
	int r = kvmrt_ids_format(ids, &text);

	return r < 0 ? r : update_text(field, text, changed);
}

/* cpuset, then numatune, kept as written when they mean the same on @t. */
static int update_placement(const struct xml_vm *x, const struct kvmrt_topology *t,
			    struct kvmrt_vm *vm, int *changed)
{
	struct kvmrt_vm_plan p;
	struct kvmrt_ids nodes;
	int r = kvmrt_plan_vm(vm, t, &p);

	if (r < 0)
		return r;
	if (p.status < 0 || !kvmrt_ids_equal(vm->rt ? &p.rt_cpus : &p.cpus, &x->cpus))
		r = update_ids_text(&vm->cpuset, &x->cpus, changed);
	kvmrt_plan_vm_done(&p);
	if (r < 0 || (r = kvmrt_plan_vm(vm, t, &p)) < 0)
		return r;
	if (p.mem_restricted == x->restricted &&
	    (!x->restricted || kvmrt_ids_equal(&p.mem_nodes, &x->nodes))) {
		kvmrt_plan_vm_done(&p);
		return 0;
	}
	r = kvmrt_topology_nodes_of(t, &x->cpus, &nodes);
	if (r == 0) {
		bool is_auto = x->restricted ? kvmrt_ids_equal(&nodes, &x->nodes)
					     : kvmrt_ids_count(&x->cpus) == 0;

		(*changed)++;
		vm->numatune_auto = is_auto;
		r = is_auto ? update_text(&vm->numatune, "", changed)
			    : update_ids_text(&vm->numatune, &x->nodes, changed);
		kvmrt_ids_done(&nodes);
	}
	kvmrt_plan_vm_done(&p);
	return r;
}

static void update_flags(const struct xml_vm *x, struct kvmrt_vm *vm, int *changed)
{
	unsigned s = x->has_topology ? (unsigned)x->sockets : 1;
	unsigned c = x->has_topology ? (unsigned)x->cores : (unsigned)x->nr_vcpus;
	unsigned th = x->has_topology ? (unsigned)x->threads : 1;
	bool eff_auto = s == 1 && th == 1 && c == x->nr_vcpus;

	if (vm->nr_vcpus != x->nr_vcpus) {
		vm->nr_vcpus = (unsigned)x->nr_vcpus;
		(*changed)++;
	}
	if (vm->rt != x->rt) {
		vm->rt = x->rt;
		(*changed)++;
	}
	if (vm->topology_auto ? !eff_auto
			      : vm->sockets != s || vm->cores != c || vm->threads != th) {
		vm->topology_auto = eff_auto;
		vm->sockets = s;
		vm->cores = c;
		vm->threads = th;
		(*changed)++;
	}
	if (kvmrt_vm_rt_memory(vm) != x->locked) {
		vm->rt_memory = x->locked == x->rt ? KVMRT_AUTO : x->locked ? KVMRT_ON : KVMRT_OFF;
		(*changed)++;
	}
	if (vm->hide_kvm != x->hidden || vm->guest_services != x->gs)
		(*changed)++;
	vm->hide_kvm = x->hidden;
	vm->guest_services = x->gs;
}

int kvmrt_domain_to_vm(const char *xml, const struct kvmrt_topology *t, struct kvmrt_vm *vm,
		       char *why, size_t why_len)
{
	struct xml_vm x = {};
	int changed = 0, r = read_xml_vm(xml, &x, why, why_len);

	if (r == 0)
		r = update_text(&vm->name, x.name, &changed);
	if (r == 0)
		r = update_text(&vm->title, x.title, &changed);
	if (r == 0)
		r = update_text(&vm->description, x.description, &changed);
	if (r == 0) {
		update_flags(&x, vm, &changed);
		r = update_placement(&x, t, vm, &changed);
	}
	xml_vm_done(&x);
	if (r == -ENOMEM)
		snprintf(why, why_len, "out of memory");
	return r < 0 ? r : changed;
}
