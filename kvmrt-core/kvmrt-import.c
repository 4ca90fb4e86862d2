/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-import: add libvirt VMs to the kvmrt configuration (-u: update those already there). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvmrt-tool.h"
#include "tool.h"

/* Whether the domain @uuid named @name was asked for (all when none were named). */
static bool asked(const struct kvmrt_params *p, const char *uuid, const char *name, bool *found)
{
	char u[37];

	if (p->nr_vms == 0)
		return true;
	for (unsigned i = 0; i < p->nr_vms; i++) {
		if (kvmrt_uuid_parse(p->vms[i], u) == 0 ? !strcmp(u, uuid)
							 : name && !strcmp(p->vms[i], name)) {
			found[i] = true;
			return true;
		}
	}
	return false;
}

/* Imports or updates domain @uuid. Returns >0 when the configuration changed. */
static int import_one(const struct kvmrt_params *p, struct kvmrt_config *c,
		      const struct kvmrt_topology *t, struct kvmrt_virt *v, const char *uuid,
		      bool *found)
{
	_cleanup_free_ char *xml = NULL;
	struct kvmrt_vm vm;
	char why[1024];
	bool autostart;
	int i = kvmrt_config_find(c, uuid), r;

	r = kvmrt_virt_domain(v, uuid, &xml, &autostart, why, sizeof(why));
	if (r < 0)
		return tool_error(0, "%s", why);
	if (kvmrt_vm_init(&vm, uuid) < 0 || kvmrt_domain_to_vm(xml, t, &vm, why, sizeof(why)) < 0) {
		kvmrt_vm_done(&vm);
		return tool_error(-EINVAL, "%s: %s", uuid, why);
	}
	if (!asked(p, uuid, vm.name, found)) {
		kvmrt_vm_done(&vm);
		return 0;
	}
	if (i >= 0) {
		kvmrt_vm_done(&vm);
		if (!p->update) {
			printf("%s: already in %s (skipped; -u updates it)\n", uuid, p->config);
			return 0;
		}
		r = kvmrt_sync_reverse(v, t, &c->vms[i], why, sizeof(why));
		if (r < 0)
			return tool_error(0, "%s: %s", uuid, why);
		printf("%s: %s\n", c->vms[i].name, r ? "updated" : "unchanged");
		return r;
	}
	vm.autostart = autostart;
	printf("%s: imported as [%s]\n", vm.name, uuid);
	r = kvmrt_config_add(c, &vm);
	kvmrt_vm_done(&vm);
	return r < 0 ? r : 1;
}

static int import_all(const struct kvmrt_params *p, const struct kvmrt_topology *t,
		      struct kvmrt_virt *v)
{
	_cleanup_(kvmrt_config_freep) struct kvmrt_config *c = NULL;
	_cleanup_close_ int lock = kvmrt_config_lock(p->config);
	_cleanup_free_ char(*uuids)[37] = NULL;
	_cleanup_free_ bool *found = calloc(p->nr_vms + 1, sizeof(*found));
	char why[1024];
	int n, changed = 0, status = EXIT_TOOL_OK;

	if (lock < 0)
		return tool_error(lock, "%s: cannot lock", p->config), EXIT_TOOL_FAILURE;
	if (!found || kvmrt_tool_config(p, true, &c) < 0)
		return EXIT_TOOL_FAILURE;
	n = kvmrt_virt_list(v, &uuids, why, sizeof(why));
	if (n < 0)
		return tool_error(0, "%s", why), EXIT_TOOL_FAILURE;
	for (int i = 0; i < n; i++) {
		int r = import_one(p, c, t, v, uuids[i], found);

		if (r < 0)
			status = EXIT_TOOL_FAILURE;
		else
			changed += r;
	}
	for (unsigned i = 0; i < p->nr_vms; i++) {
		if (!found[i]) {
			tool_error(-ENOENT, "%s: no such libvirt domain at %s", p->vms[i], p->uri);
			status = EXIT_TOOL_FAILURE;
		}
	}
	if (changed && kvmrt_tool_save(p, c) < 0)
		return EXIT_TOOL_FAILURE;
	return status;
}

int main(int argc, char **argv)
{
	_cleanup_(kvmrt_topology_freep) struct kvmrt_topology *t = NULL;
	_cleanup_(kvmrt_virt_closep) struct kvmrt_virt *v = NULL;
	struct kvmrt_params p;
	int r = kvmrt_tool_start(KVMRT_TOOL_IMPORT, argc, argv, &p);

	if (r >= 0)
		return r;
	if (kvmrt_tool_topology(&p, &t) < 0 || kvmrt_tool_virt(&p, &v) < 0)
		return EXIT_TOOL_FAILURE;
	return import_all(&p, t, v);
}
