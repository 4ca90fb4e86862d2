/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirt-sync.c - the libvirt side of kvmrt (SPEC K7): reading domains,
 * defining them with the elements kvmrt owns, comparing by values. libvirt's
 * -1/virError convention is converted to negative errnos here only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cleanup.h"
#include "kvmrt-private.h"
#include "virt-private.h"

static void quiet(void *ud, virErrorPtr e)
{
}

int kvmrt_virt_error(const char *what, char *why, size_t why_len)
{
	int code = virGetLastErrorCode();

	snprintf(why, why_len, "%s: %s", what, virGetLastErrorMessage());
	switch (code) {
	case VIR_ERR_NO_DOMAIN:
		return -ENOENT;
	case VIR_ERR_XML_ERROR:
	case VIR_ERR_XML_DETAIL:
	case VIR_ERR_XML_INVALID_SCHEMA:
	case VIR_ERR_CONFIG_UNSUPPORTED:
	case VIR_ERR_INVALID_ARG:
		return -EINVAL;
	case VIR_ERR_OPERATION_INVALID:
		return -EBUSY;
	case VIR_ERR_AUTH_FAILED:
	case VIR_ERR_ACCESS_DENIED:
		return -EACCES;
	default:
		return -EIO;
	}
}

int kvmrt_virt_open(const char *uri, struct kvmrt_virt **ret, char *why, size_t why_len)
{
	struct kvmrt_virt *v = calloc(1, sizeof(*v));
	char what[512];

	if (!v)
		return -ENOMEM;
	virSetErrorFunc(NULL, quiet);
	v->conn = virConnectOpen(uri);
	if (!v->conn) {
		free(v);
		snprintf(what, sizeof(what), "%s: cannot connect to libvirt (is libvirtd running?)",
			 uri);
		kvmrt_virt_error(what, why, why_len);
		return -ECONNREFUSED;
	}
	*ret = v;
	return 0;
}

void kvmrt_virt_close(struct kvmrt_virt *v)
{
	if (!v)
		return;
	if (v->conn)
		virConnectClose(v->conn);
	free(v);
}

int kvmrt_virt_list(struct kvmrt_virt *v, char (**ret)[37], char *why, size_t why_len)
{
	virDomainPtr *doms = NULL;
	char(*uuids)[37];
	int n = virConnectListAllDomains(v->conn, &doms, 0), r = 0;

	if (n < 0)
		return kvmrt_virt_error("cannot list the libvirt domains", why, why_len);
	uuids = calloc((size_t)n + 1, sizeof(*uuids));
	for (int i = 0; i < n; i++) {
		if (uuids && virDomainGetUUIDString(doms[i], uuids[i]) < 0)
			r = kvmrt_virt_error("cannot read a domain's UUID", why, why_len);
		virDomainFree(doms[i]);
	}
	free(doms);
	if (!uuids)
		return -ENOMEM;
	if (r < 0) {
		free(uuids);
		return r;
	}
	*ret = uuids;
	return n;
}

int kvmrt_virt_lookup(struct kvmrt_virt *v, const char *uuid, virDomainPtr *ret, char *why,
		      size_t why_len)
{
	virDomainPtr d = virDomainLookupByUUIDString(v->conn, uuid);
	char what[128];

	if (!d) {
		snprintf(what, sizeof(what), "libvirt domain %s", uuid);
		return kvmrt_virt_error(what, why, why_len);
	}
	*ret = d;
	return 0;
}

static int domain_read(virDomainPtr d, const char *uuid, char **ret_xml, bool *ret_autostart,
		       char *why, size_t why_len)
{
	char what[128], *xml;
	int autostart = 0;

	snprintf(what, sizeof(what), "libvirt domain %s", uuid);
	xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	if (!xml)
		return kvmrt_virt_error(what, why, why_len);
	if (virDomainGetAutostart(d, &autostart) < 0) {
		free(xml);
		return kvmrt_virt_error(what, why, why_len);
	}
	*ret_xml = xml;
	*ret_autostart = autostart;
	return 0;
}

int kvmrt_virt_domain(struct kvmrt_virt *v, const char *uuid, char **ret_xml,
		      bool *ret_autostart, char *why, size_t why_len)
{
	_cleanup_(virDomainFreep) virDomainPtr d = NULL;
	int r = kvmrt_virt_lookup(v, uuid, &d, why, why_len);

	return r < 0 ? r : domain_read(d, uuid, ret_xml, ret_autostart, why, why_len);
}

/* The difference of the owned values of two domain XML texts (NULL when equal). */
static int xml_diff(const char *have, const char *want, char **ret, char *why, size_t why_len)
{
	_cleanup_free_ char *have_v = NULL, *want_v = NULL;
	int r = kvmrt_domain_owned(have, &have_v, why, why_len);

	if (r == 0)
		r = kvmrt_domain_owned(want, &want_v, why, why_len);
	return r < 0 ? r : kvmrt_owned_diff(have_v, want_v, ret);
}

/* What applying @p to @xml changes: the owned-values difference, plus autostart. */
static int plan_diff(const char *xml, bool autostart, const struct kvmrt_vm *vm,
		     const struct kvmrt_vm_plan *p, char **ret_want, char **ret_diff, char *why,
		     size_t why_len)
{
	_cleanup_free_ char *want = NULL, *diff = NULL;
	int r = kvmrt_domain_apply(xml, vm, p, &want, why, why_len);

	if (r == 0)
		r = xml_diff(xml, want, &diff, why, why_len);
	if (r < 0)
		return r;
	if (autostart != vm->autostart) {
		char *d;

		if (asprintf(&d, "%s%sautostart: %s -> %s", diff ? diff : "", diff ? "; " : "",
			     autostart ? "yes" : "no", vm->autostart ? "yes" : "no") < 0)
			return -ENOMEM;
		free(diff);
		diff = d;
	}
	*ret_want = TAKE_PTR(want);
	*ret_diff = TAKE_PTR(diff);
	return 0;
}

int kvmrt_sync_query(struct kvmrt_virt *v, const struct kvmrt_vm *vm,
		     const struct kvmrt_vm_plan *p, enum kvmrt_sync_state *ret_state,
		     char **ret_diff, char *why, size_t why_len)
{
	_cleanup_free_ char *xml = NULL, *want = NULL;
	char *diff = NULL;
	bool autostart;
	int r = kvmrt_virt_domain(v, vm->uuid, &xml, &autostart, why, why_len);

	if (r == -ENOENT) {
		*ret_state = KVMRT_SYNC_MISSING;
		*ret_diff = NULL;
		return 0;
	}
	if (r == 0)
		r = plan_diff(xml, autostart, vm, p, &want, &diff, why, why_len);
	if (r < 0)
		return r;
	*ret_state = diff ? KVMRT_SYNC_DIFFERS : KVMRT_SYNC_IN_SYNC;
	*ret_diff = diff;
	return 0;
}

/* Renames the domain when the configuration names it differently (inactive domains only). */
static int rename_if_needed(virDomainPtr *d, const char *name, char *why, size_t why_len)
{
	const char *now = virDomainGetName(*d);

	if (!now || !strcmp(now, name))
		return 0;
	if (virDomainRename(*d, name, 0) < 0) {
		char what[512];

		snprintf(what, sizeof(what),
			 "cannot rename libvirt domain '%s' to '%s' (shut it down first)", now, name);
		return kvmrt_virt_error(what, why, why_len);
	}
	return 0;
}

/* Reads the domain back and checks that libvirt kept the owned values of @want. */
static int verify(virDomainPtr d, const char *uuid, const char *want, char *why, size_t why_len)
{
	_cleanup_free_ char *xml = NULL, *diff = NULL;
	bool autostart;
	int r = domain_read(d, uuid, &xml, &autostart, why, why_len);

	if (r == 0)
		r = xml_diff(xml, want, &diff, why, why_len);
	if (r == 0 && diff) {
		snprintf(why, why_len, "libvirt stored something else than was defined: %s", diff);
		r = -EPROTO;
	}
	return r;
}

int kvmrt_sync_vm(struct kvmrt_virt *v, const struct kvmrt_vm *vm, const struct kvmrt_vm_plan *p,
		  char **ret_changes, char *why, size_t why_len)
{
	_cleanup_(virDomainFreep) virDomainPtr d = NULL, defined = NULL;
	_cleanup_free_ char *xml = NULL, *want = NULL, *diff = NULL;
	bool autostart;
	int r = kvmrt_virt_lookup(v, vm->uuid, &d, why, why_len);

	if (r == 0)
		r = domain_read(d, vm->uuid, &xml, &autostart, why, why_len);
	if (r == 0)
		r = plan_diff(xml, autostart, vm, p, &want, &diff, why, why_len);
	if (r < 0 || !diff) {
		*ret_changes = NULL;
		return r;
	}
	r = rename_if_needed(&d, vm->name, why, why_len);
	if (r < 0)
		return r;
	defined = virDomainDefineXMLFlags(v->conn, want, VIR_DOMAIN_DEFINE_VALIDATE);
	if (!defined)
		return kvmrt_virt_error("libvirt refused the domain XML", why, why_len);
	if (autostart != vm->autostart && virDomainSetAutostart(defined, vm->autostart) < 0)
		return kvmrt_virt_error("cannot set autostart", why, why_len);
	r = verify(defined, vm->uuid, want, why, why_len);
	if (r == 0)
		*ret_changes = TAKE_PTR(diff);
	return r;
}

int kvmrt_sync_reverse(struct kvmrt_virt *v, const struct kvmrt_topology *t, struct kvmrt_vm *vm,
		       char *why, size_t why_len)
{
	_cleanup_free_ char *xml = NULL;
	bool autostart;
	int r = kvmrt_virt_domain(v, vm->uuid, &xml, &autostart, why, why_len);

	if (r < 0)
		return r;
	r = kvmrt_domain_to_vm(xml, t, vm, why, why_len);
	if (r < 0)
		return r;
	if (vm->autostart != autostart) {
		vm->autostart = autostart;
		r++;
	}
	return r;
}

__attribute__((format(printf, 5, 6))) static int finding(struct kvmrt_diags *d,
							 const struct kvmrt_config *c, const char *rule,
							 unsigned vm, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = kvmrt_diags_vadd(d, c, KVMRT_WARNING, rule, vm, KVMRT_ATTR_NAME, fmt, ap);
	va_end(ap);
	return r;
}

static int check_vm(const struct kvmrt_config *c, unsigned i, const struct kvmrt_topology *t,
		    struct kvmrt_virt *v, struct kvmrt_diags *ret, char *why, size_t why_len)
{
	const struct kvmrt_vm *vm = &c->vms[i];
	_cleanup_free_ char *diff = NULL;
	enum kvmrt_sync_state state;
	struct kvmrt_vm_plan p;
	int r;

	if (!vm->name)
		return 0;
	r = kvmrt_plan_vm(vm, t, &p);
	if (r < 0 || p.status < 0) {
		kvmrt_plan_vm_done(&p);
		return r;
	}
	r = kvmrt_sync_query(v, vm, &p, &state, &diff, why, why_len);
	kvmrt_plan_vm_done(&p);
	if (r < 0)
		return r;
	if (state == KVMRT_SYNC_MISSING)
		return finding(ret, c, "libvirt-missing", i,
			       "libvirt has no domain with UUID %s; define the VM in libvirt "
			       "(virt-install, virt-manager) or remove its section",
			       vm->uuid) ?: 1;
	if (state == KVMRT_SYNC_DIFFERS)
		return finding(ret, c, "libvirt-differs", i,
			       "libvirt's domain differs (%s); run kvmrt-sync-config to write the "
			       "configuration, or kvmrt-sync-config -r to take libvirt's",
			       diff) ?: 1;
	return 0;
}

int kvmrt_validate_libvirt(const struct kvmrt_config *c, const struct kvmrt_topology *t,
			   struct kvmrt_virt *v, unsigned flags, struct kvmrt_diags *ret, char *why,
			   size_t why_len)
{
	int added = 0;

	for (unsigned i = 0; i < c->nr_vms; i++) {
		int r;

		if (c->vms[i].disabled && !(flags & KVMRT_VALIDATE_ALL))
			continue;
		r = check_vm(c, i, t, v, ret, why, why_len);
		if (r < 0)
			return r;
		added += r;
	}
	return added;
}
