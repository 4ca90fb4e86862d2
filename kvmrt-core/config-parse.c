/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config-parse.c - reads kvmrt.cfg: INI sections named by VM UUIDs (kvmrt.cfg(5)). */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kvmrt-cleanup.h"
#include "fileio.h"
#include "kvmrt-private.h"

#define CONFIG_MAX_BYTES (16u << 20)

static const char bool_forms[] = "true, false, on, off, yes, no, 1 or 0 (any case)";

static int set_text(char **field, const char *value)
{
	char *s = strdup(value);

	if (!s)
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

static int parse_bool(const char *v, bool *ret)
{
	static const char *const yes[] = { "true", "on", "yes", "1" };
	static const char *const no[] = { "false", "off", "no", "0" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i])) {
			*ret = true;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

/* A whole number in [1, max]. */
static int parse_count(const char *v, unsigned max, unsigned *ret)
{
	unsigned long n = 0;

	if (!*v)
		return -EINVAL;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return -EINVAL;
		n = n * 10 + (unsigned long)(*v - '0');
		if (n > max)
			return -ERANGE;
	}
	if (n == 0)
		return -ERANGE;
	*ret = (unsigned)n;
	return 0;
}

static int set_name(struct kvmrt_vm *vm, const char *v, char *why, size_t why_len)
{
	if (strchr(v, '\n')) {
		snprintf(why, why_len, "the name must fit on one line");
		return -EINVAL;
	}
	if (!*v) {
		free(vm->name);
		vm->name = NULL;
		return 0;
	}
	return set_text(&vm->name, v);
}

static int set_title(struct kvmrt_vm *vm, const char *v, char *why, size_t why_len)
{
	return set_text(&vm->title, v);
}

static int set_description(struct kvmrt_vm *vm, const char *v, char *why, size_t why_len)
{
	return set_text(&vm->description, v);
}

static int set_comments(struct kvmrt_vm *vm, const char *v, char *why, size_t why_len)
{
	return set_text(&vm->comments, v);
}

static int set_nr_vcpus(struct kvmrt_vm *vm, const char *v, char *why, size_t why_len)
{
	return parse_count(v, KVMRT_MAX_VCPUS, &vm->nr_vcpus) < 0 ? -EINVAL : 0;
}

static int set_cpu_topology(struct kvmrt_vm *vm, const char *v, char *why, size_t why_len)
{
	_cleanup_free_ char *s = kvmrt_strip_blanks(v);
	unsigned n[3];
	char *p, *save = NULL;
	int i = 0;

	if (!s)
		return -ENOMEM;
	if (!strcasecmp(s, "auto")) {
		vm->topology_auto = true;
		return 0;
	}
	if (strstr(s, ",,") || s[0] == ',' || (*s && s[strlen(s) - 1] == ','))
		return -EINVAL;
	for (p = strtok_r(s, ",", &save); p; p = strtok_r(NULL, ",", &save), i++)
		if (i >= 3 || parse_count(p, KVMRT_MAX_VCPUS, &n[i]) < 0)
			return -EINVAL;
	if (i != 3)
		return -EINVAL;
	vm->topology_auto = false;
	vm->sockets = n[0];
	vm->cores = n[1];
	vm->threads = n[2];
	return 0;
}

static int set_cpuset(struct kvmrt_vm *vm, const char *v, char *why, size_t why_len)
{
	int r = kvmrt_cpuset_parse(v, NULL, NULL, why, why_len);

	return r < 0 ? r : set_text(&vm->cpuset, v);
}

static int set_numatune(struct kvmrt_vm *vm, const char *v, char *why, size_t why_len)
{
	struct kvmrt_ids ids;
	int r;

	if (!strcasecmp(v, "auto")) {
		vm->numatune_auto = true;
		return set_text(&vm->numatune, "");
	}
	r = kvmrt_idset_parse(v, KVMRT_MAX_IDS, &ids, why, why_len);
	if (r < 0)
		return r;
	kvmrt_ids_done(&ids);
	vm->numatune_auto = false;
	return set_text(&vm->numatune, v);
}

static int set_rt_memory(struct kvmrt_vm *vm, const char *v, char *why, size_t why_len)
{
	bool b;

	if (!strcasecmp(v, "auto")) {
		vm->rt_memory = KVMRT_AUTO;
		return 0;
	}
	if (parse_bool(v, &b) < 0)
		return -EINVAL;
	vm->rt_memory = b ? KVMRT_ON : KVMRT_OFF;
	return 0;
}

#define BOOL_SETTER(field)                                                                         \
	static int set_##field(struct kvmrt_vm *vm, const char *v, char *why, size_t why_len)     \
	{                                                                                          \
		return parse_bool(v, &vm->field);                                                  \
	}
BOOL_SETTER(rt)
BOOL_SETTER(hide_kvm)
BOOL_SETTER(autostart)
BOOL_SETTER(disabled)
BOOL_SETTER(guest_services)

struct attr_desc {
	const char *name;
	const char *forms; /* what the value may be, for messages */
	int (*set)(struct kvmrt_vm *vm, const char *v, char *why, size_t why_len);
};

static const struct attr_desc attrs[KVMRT_ATTR_COUNT] = {
	[KVMRT_ATTR_NAME] = { "name", "any text on one line", set_name },
	[KVMRT_ATTR_TITLE] = { "title", "any text", set_title },
	[KVMRT_ATTR_DESCRIPTION] = { "description", "any text", set_description },
	[KVMRT_ATTR_NR_VCPUS] = { "nr_vcpus", "a whole number from 1 to 4096", set_nr_vcpus },
	[KVMRT_ATTR_CPU_TOPOLOGY] = { "cpu_topology",
				      "auto, or 'sockets,cores,threads' (three whole numbers "
				      "from 1, e.g. 1,4,1)",
				      set_cpu_topology },
	[KVMRT_ATTR_CPUSET] = { "cpuset", kvmrt_cpuset_forms, set_cpuset },
	[KVMRT_ATTR_RT] = { "rt", bool_forms, set_rt },
	[KVMRT_ATTR_RT_MEMORY] = { "rt_memory", "auto, or true, false, on, off, yes, no, 1, 0",
				   set_rt_memory },
	[KVMRT_ATTR_NUMATUNE] = { "numatune",
				  "auto, a set of NUMA node numbers such as 0,2-3, or empty "
				  "(memory not restricted)",
				  set_numatune },
	[KVMRT_ATTR_HIDE_KVM] = { "hide_kvm", bool_forms, set_hide_kvm },
	[KVMRT_ATTR_AUTOSTART] = { "autostart", bool_forms, set_autostart },
	[KVMRT_ATTR_DISABLED] = { "disabled", bool_forms, set_disabled },
	[KVMRT_ATTR_GUEST_SERVICES] = { "guest_services", bool_forms, set_guest_services },
	[KVMRT_ATTR_COMMENTS] = { "comments", "any text; indent continuation lines",
				  set_comments },
};

const char *kvmrt_attr_name(enum kvmrt_attr a)
{
	return a < KVMRT_ATTR_COUNT ? attrs[a].name : "?";
}

int kvmrt_uuid_parse(const char *s, char ret[37])
{
	char out[37];

	if (strlen(s) != 36)
		return -EINVAL;
	for (int i = 0; i < 36; i++) {
		char c = s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return -EINVAL;
		} else if (c >= 'A' && c <= 'F') {
			c = (char)(c - 'A' + 'a');
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return -EINVAL;
		}
		out[i] = c;
	}
	out[36] = '\0';
	memcpy(ret, out, sizeof(out));
	return 0;
}

int kvmrt_vm_init(struct kvmrt_vm *vm, const char *uuid)
{
	*vm = (struct kvmrt_vm){
		.nr_vcpus = 1,
		.topology_auto = true,
		.rt_memory = KVMRT_AUTO,
		.numatune_auto = true,
	};
	snprintf(vm->uuid, sizeof(vm->uuid), "%s", uuid);
	vm->title = strdup("");
	vm->description = strdup("");
	vm->comments = strdup("");
	vm->cpuset = strdup("");
	vm->numatune = strdup("");
	if (!vm->title || !vm->description || !vm->comments || !vm->cpuset || !vm->numatune) {
		kvmrt_vm_done(vm);
		return -ENOMEM;
	}
	return 0;
}

void kvmrt_vm_done(struct kvmrt_vm *vm)
{
	free(vm->name);
	free(vm->title);
	free(vm->description);
	free(vm->comments);
	free(vm->cpuset);
	free(vm->numatune);
	memset(vm, 0, sizeof(*vm));
}

const char *kvmrt_vm_label(const struct kvmrt_vm *vm, char *buf, size_t len)
{
	if (vm->name)
		snprintf(buf, len, "VM '%s'", vm->name);
	else
		snprintf(buf, len, "VM [%s]", vm->uuid);
	return buf;
}

bool kvmrt_vm_rt_memory(const struct kvmrt_vm *vm)
{
	return vm->rt_memory == KVMRT_AUTO ? vm->rt : vm->rt_memory == KVMRT_ON;
}

int kvmrt_config_new(const char *path, struct kvmrt_config **ret)
{
	struct kvmrt_config *c = calloc(1, sizeof(*c));

	if (!c || !(c->path = strdup(path ? path : ""))) {
		free(c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

void kvmrt_config_free(struct kvmrt_config *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->nr_vms; i++)
		kvmrt_vm_done(&c->vms[i]);
	free(c->vms);
	free(c->path);
	free(c);
}


int kvmrt_config_add(struct kvmrt_config *c, struct kvmrt_vm *vm)
{
	struct kvmrt_vm *vms = realloc(c->vms, sizeof(*vms) * (c->nr_vms + 1));

	if (!vms)
		return -ENOMEM;
	c->vms = vms;
	vms[c->nr_vms] = *vm;
	memset(vm, 0, sizeof(*vm));
	return (int)c->nr_vms++;
}

int kvmrt_config_find(const struct kvmrt_config *c, const char *key)
{
	char uuid[37];
	bool is_uuid = kvmrt_uuid_parse(key, uuid) == 0;

	for (unsigned i = 0; i < c->nr_vms; i++) {
		const struct kvmrt_vm *vm = &c->vms[i];

		if (is_uuid ? !strcmp(vm->uuid, uuid) : vm->name && !strcmp(vm->name, key))
			return (int)i;
	}
	return -ENOENT;
}

/* Parser state: the VM being filled and the attribute whose value may continue. */
struct parser {
	const char *path;
	struct kvmrt_config *c;
	struct kvmrt_vm *vm;
	int attr;          /* attribute whose value is pending, -1 when none */
	unsigned attr_line;
	char *value;       /* pending value (continuation lines joined with '\n') */
	size_t value_len;
	char *why;
	size_t why_len;
};

__attribute__((format(printf, 3, 4))) static int fail(struct parser *p, unsigned line,
							const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->why, p->why_len, "%s:%u: %s", p->path, line, msg);
	return -EINVAL;
}

static int value_append(struct parser *p, const char *s, size_t n)
{
	char *v = realloc(p->value, p->value_len + n + 2);

	if (!v)
		return -ENOMEM;
	p->value = v;
	if (p->value_len)
		v[p->value_len++] = '\n';
	memcpy(v + p->value_len, s, n);
	p->value_len += n;
	v[p->value_len] = '\0';
	return 0;
}

/* Applies the pending attribute value. */
static int flush(struct parser *p)
{
	const struct attr_desc *d;
	char why[512] = "";
	int r;

	if (p->attr < 0)
		return 0;
	d = &attrs[p->attr];
	r = d->set(p->vm, p->value ? p->value : "", why, sizeof(why));
	p->attr = -1;
	p->value_len = 0;
	if (p->value)
		p->value[0] = '\0';
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		char msg[768];

		snprintf(msg, sizeof(msg), "%s%s", why, why[0] ? "; " : "");
		snprintf(p->why, p->why_len, "%s:%u: %s: bad value: %s%s is accepted", p->path,
			 p->attr_line, d->name, msg, d->forms);
		return -EINVAL;
	}
	return 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

static int section(struct parser *p, const char *s, size_t n, unsigned line)
{
	char name[64], uuid[37];
	struct kvmrt_vm vm;
	int r;

	if (n < 2 || s[n - 1] != ']')
		return fail(p, line, "a section header must be [UUID]");
	snprintf(name, sizeof(name), "%.*s", (int)(n - 2 < 63 ? n - 2 : 63), s + 1);
	if (kvmrt_uuid_parse(name, uuid) < 0)
		return fail(p, line,
			    "[%s]: a section is named by its VM's libvirt UUID, such as "
			    "[aeec46cc-0638-4949-ac04-146b233194a9]", name);
	if (kvmrt_config_find(p->c, uuid) >= 0)
		return fail(p, line, "[%s]: this VM already has a section above", uuid);
	r = kvmrt_vm_init(&vm, uuid);
	if (r < 0)
		return r;
	vm.line = line;
	r = kvmrt_config_add(p->c, &vm);
	if (r < 0) {
		kvmrt_vm_done(&vm);
		return r;
	}
	p->vm = &p->c->vms[r];
	return 0;
}

static int attribute(struct parser *p, const char *s, size_t n, unsigned line)
{
	const char *eq = memchr(s, '=', n), *key = s, *val;
	size_t klen, vlen;
	char kname[64];

	if (!eq)
		return fail(p, line, "expected 'attribute = value', a [UUID] section header or a "
				     "# comment");
	klen = (size_t)(eq - s);
	trim(&key, &klen);
	snprintf(kname, sizeof(kname), "%.*s", (int)(klen < 63 ? klen : 63), key);
	for (int a = 0; a < KVMRT_ATTR_COUNT; a++) {
		if (strlen(attrs[a].name) != klen || strncasecmp(attrs[a].name, key, klen))
			continue;
		if (!p->vm)
			return fail(p, line, "%s: attributes belong in a [UUID] section", kname);
		if (p->vm->attr_line[a])
			return fail(p, line, "%s: already set on line %u of this section", kname,
				    p->vm->attr_line[a]);
		p->vm->attr_line[a] = line;
		p->attr = a;
		p->attr_line = line;
		val = eq + 1;
		vlen = (size_t)(s + n - val);
		trim(&val, &vlen);
		return value_append(p, val, vlen);
	}
	return fail(p, line,
		    "unknown attribute '%s'; the attributes are name, title, description, "
		    "nr_vcpus, cpu_topology, cpuset, rt, rt_memory, numatune, hide_kvm, "
		    "autostart, disabled, guest_services and comments", kname);
}

static int line_parse(struct parser *p, const char *s, size_t n, unsigned line)
{
	const char *t = s;
	size_t tn = n;
	int r;

	if (memchr(s, '\0', n))
		return fail(p, line, "contains a NUL byte: not a text file");
	trim(&t, &tn);
	if (tn && (t[0] == '#' || t[0] == ';'))
		return 0;
	if (tn && t != s) {
		/* an indented line continues the value above */
		if (p->attr < 0)
			return fail(p, line, "indented line without an attribute above it (only "
					     "values continue on indented lines)");
		return value_append(p, t, tn);
	}
	r = flush(p);
	if (r < 0 || tn == 0)
		return r;
	if (t[0] == '[')
		return section(p, t, tn, line);
	return attribute(p, t, tn, line);
}

int kvmrt_config_parse(const char *text, size_t len, const char *path, struct kvmrt_config **ret,
		       char *why, size_t why_len)
{
	_cleanup_(kvmrt_config_freep) struct kvmrt_config *c = NULL;
	struct parser p = { .path = path, .attr = -1, .why = why, .why_len = why_len };
	unsigned line = 0;
	size_t pos = 0;
	int r = kvmrt_config_new(path, &c);

	if (r < 0)
		return r;
	p.c = c;
	while (r == 0 && pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		r = line_parse(&p, s, n, ++line);
		pos += n + 1;
	}
	if (r == 0)
		r = flush(&p);
	free(p.value);
	if (r == -ENOMEM)
		snprintf(why, why_len, "%s: out of memory", path);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c);
	return 0;
}

int kvmrt_config_load(const char *path, struct kvmrt_config **ret, char *why, size_t why_len)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = read_file_at(AT_FDCWD, path, CONFIG_MAX_BYTES, &text, &len);

	if (r < 0) {
		snprintf(why, why_len, "%s: cannot read the configuration: %s%s", path,
			 strerror(-r), r == -EFBIG ? " (over 16 MiB)" : "");
		return r;
	}
	return kvmrt_config_parse(text, len, path, ret, why, why_len);
}
