/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-show-config: the configuration as kvmrt interprets it, with the placement plan. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "kvmrt-tool.h"
#include "tool.h"

/* With -c: "  libvirt: in sync / differs (...) / missing". */
static int show_sync(struct kvmrt_virt *v, const struct kvmrt_vm *vm,
		     const struct kvmrt_vm_plan *plan)
{
	enum kvmrt_sync_state state;
	char why[1024], *diff = NULL;
	int r;

	if (!v || plan->status < 0 || !vm->name)
		return 0;
	r = kvmrt_sync_query(v, vm, plan, &state, &diff, why, sizeof(why));
	if (r < 0)
		return tool_error(0, "%s", why);
	printf("  libvirt: %s%s\n",
	       state == KVMRT_SYNC_IN_SYNC ? "in sync"
	       : state == KVMRT_SYNC_MISSING ? "missing (no domain with this UUID)"
					     : "differs: ",
	       diff ? diff : "");
	free(diff);
	return 0;
}

int main(int argc, char **argv)
{
	_cleanup_(kvmrt_topology_freep) struct kvmrt_topology *t = NULL;
	_cleanup_(kvmrt_config_freep) struct kvmrt_config *c = NULL;
	_cleanup_(kvmrt_virt_closep) struct kvmrt_virt *v = NULL;
	struct kvmrt_params p;
	int r = kvmrt_tool_start(KVMRT_TOOL_SHOW, argc, argv, &p), status = EXIT_TOOL_OK;

	if (r >= 0)
		return r;
	if (kvmrt_tool_topology(&p, &t) < 0 || kvmrt_tool_config(&p, false, &c) < 0 ||
	    kvmrt_tool_check_vms(&p, c) < 0 || (p.uri_given && kvmrt_tool_virt(&p, &v) < 0))
		return EXIT_TOOL_FAILURE;
	for (unsigned i = 0; i < c->nr_vms; i++) {
		struct kvmrt_vm_plan plan;

		if (!kvmrt_tool_selected(&p, &c->vms[i]))
			continue;
		if (kvmrt_plan_vm(&c->vms[i], t, &plan) < 0)
			return tool_error(-ENOMEM, "%s", p.config), EXIT_TOOL_FAILURE;
		if (i)
			putchar('\n');
		if (kvmrt_show_vm(stdout, &c->vms[i], &plan) < 0 ||
		    show_sync(v, &c->vms[i], &plan) < 0)
			status = EXIT_TOOL_FAILURE;
		kvmrt_plan_vm_done(&plan);
	}
	return status;
}
