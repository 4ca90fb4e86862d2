/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-sync-config: write the configuration into libvirt (or -r: libvirt into it; --query). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kvmrt-tool.h"
#include "tool.h"

/* The VMs to work on: the named ones, or all that are not disabled. */
static bool wanted(const struct kvmrt_params *p, const struct kvmrt_vm *vm)
{
	return p->nr_vms ? kvmrt_tool_selected(p, vm) : !vm->disabled;
}

static const char *vm_name(const struct kvmrt_vm *vm)
{
	return vm->name ? vm->name : vm->uuid;
}

/* Configuration to libvirt (or only compared, with --query). */
static int forward(const struct kvmrt_params *p, const struct kvmrt_config *c,
		   const struct kvmrt_topology *t, struct kvmrt_virt *v)
{
	char why[2048];
	int status = EXIT_TOOL_OK;

	for (unsigned i = 0; i < c->nr_vms; i++) {
		const struct kvmrt_vm *vm = &c->vms[i];
		enum kvmrt_sync_state state;
		struct kvmrt_vm_plan plan;
		char *diff = NULL;
		int r;

		if (!wanted(p, vm))
			continue;
		if (kvmrt_plan_vm(vm, t, &plan) < 0)
			return tool_error(-ENOMEM, "%s", p->config), EXIT_TOOL_FAILURE;
		if (plan.status < 0) {
			tool_error(0, "%s: cpuset: %s", vm_name(vm), plan.why);
			kvmrt_plan_vm_done(&plan);
			status = EXIT_TOOL_FAILURE;
			continue;
		}
		if (p->query) {
			r = kvmrt_sync_query(v, vm, &plan, &state, &diff, why, sizeof(why));
			if (r == 0 && state != KVMRT_SYNC_IN_SYNC)
				status = EXIT_TOOL_FAILURE;
			if (r == 0)
				printf("%s: %s%s\n", vm_name(vm),
				       state == KVMRT_SYNC_IN_SYNC ? "in sync"
				       : state == KVMRT_SYNC_MISSING ? "missing from libvirt"
								     : "differs: ",
				       diff ? diff : "");
		} else {
			r = kvmrt_sync_vm(v, vm, &plan, &diff, why, sizeof(why));
			if (r == 0)
				printf("%s: %s%s\n", vm_name(vm), diff ? "synced: " : "in sync",
				       diff ? diff : "");
		}
		if (r < 0) {
			tool_error(0, "%s: %s%s", vm_name(vm), why,
				   r == -ENOENT ? " (create the VM in libvirt first, then run "
						  "kvmrt-import)"
						: "");
			status = EXIT_TOOL_FAILURE;
		}
		free(diff);
		kvmrt_plan_vm_done(&plan);
	}
	return status;
}

/* libvirt to the configuration, under the lock. */
static int reverse(const struct kvmrt_params *p, const struct kvmrt_topology *t,
		   struct kvmrt_virt *v)
{
	_cleanup_(kvmrt_config_freep) struct kvmrt_config *c = NULL;
	_cleanup_close_ int lock = kvmrt_config_lock(p->config);
	char why[1024];
	int status = EXIT_TOOL_OK, changed = 0;

	if (lock < 0)
		return tool_error(lock, "%s: cannot lock", p->config), EXIT_TOOL_FAILURE;
	if (kvmrt_tool_config(p, false, &c) < 0 || kvmrt_tool_check_vms(p, c) < 0)
		return EXIT_TOOL_FAILURE;
	for (unsigned i = 0; i < c->nr_vms; i++) {
		struct kvmrt_vm *vm = &c->vms[i];
		int r;

		if (!wanted(p, vm))
			continue;
		r = kvmrt_sync_reverse(v, t, vm, why, sizeof(why));
		if (r < 0) {
			tool_error(0, "%s: %s", vm_name(vm), why);
			status = EXIT_TOOL_FAILURE;
			continue;
		}
		printf("%s: %s\n", vm_name(vm), r ? "updated from libvirt" : "unchanged");
		changed += r;
	}
	if (changed && kvmrt_tool_save(p, c) < 0)
		return EXIT_TOOL_FAILURE;
	return status;
}

int main(int argc, char **argv)
{
	_cleanup_(kvmrt_topology_freep) struct kvmrt_topology *t = NULL;
	_cleanup_(kvmrt_config_freep) struct kvmrt_config *c = NULL;
	_cleanup_(kvmrt_virt_closep) struct kvmrt_virt *v = NULL;
	struct kvmrt_diags d = {};
	struct kvmrt_params p;
	int r = kvmrt_tool_start(KVMRT_TOOL_SYNC, argc, argv, &p);

	if (r >= 0)
		return r;
	if (kvmrt_tool_topology(&p, &t) < 0 || kvmrt_tool_virt(&p, &v) < 0)
		return EXIT_TOOL_FAILURE;
	if (p.reverse)
		return reverse(&p, t, v);
	if (kvmrt_tool_config(&p, false, &c) < 0 || kvmrt_tool_check_vms(&p, c) < 0)
		return EXIT_TOOL_FAILURE;
	r = kvmrt_validate(c, t, 0, &d);
	if (r > 0) {
		kvmrt_tool_print_diags(c, &d);
		tool_error(0, "%s: %d errors: fix them (kvmrt-edit-config) before syncing", p.config,
			   r);
	}
	kvmrt_diags_done(&d);
	if (r != 0)
		return EXIT_TOOL_FAILURE;
	return forward(&p, c, t, v);
}
