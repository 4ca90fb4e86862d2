/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lifecycle.c - starting, stopping and asking the state of the libvirt
 * domains of kvmrt VMs (SPEC K4), for kvmrt-boot, kvmrt-shutdown and
 * kvmrt-stat. A host that refuses what a real-time domain asks of it
 * (SCHED_FIFO in libvirt's cgroup, a higher RLIMIT_MEMLOCK) makes libvirt
 * refuse the whole start; a degraded start leaves those out so that kvmrt
 * can ask for them itself and report each refusal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "cleanup.h"
#include "kvmrt-private.h"
#include "virt-private.h"
#include "xml-util.h"

const char *kvmrt_vm_state_name(enum kvmrt_vm_state s)
{
	static const char *const names[] = {
		[KVMRT_VM_MISSING] = "missing",   [KVMRT_VM_SHUTOFF] = "shut off",
		[KVMRT_VM_CRASHED] = "crashed",   [KVMRT_VM_RUNNING] = "running",
		[KVMRT_VM_PAUSED] = "paused",     [KVMRT_VM_SHUTTING_DOWN] = "shutting down",
	};

	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

static enum kvmrt_vm_state state_of(int libvirt_state)
{
	switch (libvirt_state) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
		return KVMRT_VM_RUNNING;
	case VIR_DOMAIN_PAUSED:
	case VIR_DOMAIN_PMSUSPENDED:
		return KVMRT_VM_PAUSED;
	case VIR_DOMAIN_SHUTDOWN:
		return KVMRT_VM_SHUTTING_DOWN;
	case VIR_DOMAIN_CRASHED:
		return KVMRT_VM_CRASHED;
	default:
		return KVMRT_VM_SHUTOFF;
	}
}

int kvmrt_virt_state(struct kvmrt_virt *v, const char *uuid, enum kvmrt_vm_state *ret,
		     char *why, size_t why_len)
{
	_cleanup_(virDomainFreep) virDomainPtr d = NULL;
	int r = kvmrt_virt_lookup(v, uuid, &d, why, why_len), state, reason;

	if (r == -ENOENT) {
		*ret = KVMRT_VM_MISSING;
		return 0;
	}
	if (r < 0)
		return r;
	if (virDomainGetState(d, &state, &reason, 0) < 0)
		return kvmrt_virt_error("cannot read the domain's state", why, why_len);
	*ret = state_of(state);
	return 0;
}

/* @xml without <vcpusched> and <locked/>: what a start asks that hosts may refuse. */
static int degrade(const char *xml, char **ret, char *why, size_t why_len)
{
	xmlDoc *doc;
	xmlNode *root, *n;
	int r = xml_parse_domain(xml, &doc, &root, why, why_len);

	if (r < 0)
		return r;
	n = xml_child(root, "cputune");
	if (n) {
		xml_drop_all(n, "vcpusched");
		xml_drop_if_childless(n);
	}
	n = xml_child(root, "memoryBacking");
	if (n) {
		xml_drop_all(n, "locked");
		xml_drop_if_childless(n);
	}
	r = xml_dump(doc, ret);
	xmlFreeDoc(doc);
	return r;
}

static int start_degraded(struct kvmrt_virt *v, virDomainPtr d, char *why, size_t why_len)
{
	_cleanup_free_ char *xml = NULL, *live = NULL;
	virDomainPtr started;
	int r;

	xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	if (!xml)
		return kvmrt_virt_error("cannot read the domain's XML", why, why_len);
	r = degrade(xml, &live, why, why_len);
	if (r < 0)
		return r;
	/* Same name and UUID: libvirt runs the persistent domain with this live definition. */
	started = virDomainCreateXML(v->conn, live, 0);
	if (!started)
		return kvmrt_virt_error("libvirt could not start the domain even without "
					"SCHED_FIFO and memory locking", why, why_len);
	virDomainFree(started);
	return 0;
}

int kvmrt_virt_start(struct kvmrt_virt *v, const char *uuid, unsigned flags, char *why,
		     size_t why_len)
{
	_cleanup_(virDomainFreep) virDomainPtr d = NULL;
	int r = kvmrt_virt_lookup(v, uuid, &d, why, why_len);

	if (r < 0)
		return r;
	if (virDomainIsActive(d) == 1) {
		snprintf(why, why_len, "libvirt domain %s is already running", uuid);
		return -EBUSY;
	}
	if (flags & KVMRT_START_DEGRADED)
		return start_degraded(v, d, why, why_len);
	if (virDomainCreate(d) < 0)
		return kvmrt_virt_error("libvirt could not start the domain", why, why_len);
	return 0;
}

/* Looks domain @uuid up and runs @op on it; @what names the step in messages. */
static int domain_op(struct kvmrt_virt *v, const char *uuid, int (*op)(virDomainPtr),
		     const char *what, char *why, size_t why_len)
{
	_cleanup_(virDomainFreep) virDomainPtr d = NULL;
	int r = kvmrt_virt_lookup(v, uuid, &d, why, why_len);

	if (r == 0 && op(d) < 0)
		r = kvmrt_virt_error(what, why, why_len);
	return r;
}

int kvmrt_virt_shutdown(struct kvmrt_virt *v, const char *uuid, char *why, size_t why_len)
{
	return domain_op(v, uuid, virDomainShutdown, "libvirt could not ask the guest to shut down",
			 why, why_len);
}

int kvmrt_virt_destroy(struct kvmrt_virt *v, const char *uuid, char *why, size_t why_len)
{
	return domain_op(v, uuid, virDomainDestroy, "libvirt could not stop the domain", why,
			 why_len);
}
