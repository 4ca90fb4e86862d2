/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-validate-config: check a kvmrt configuration against the rules and the host. */
#include <errno.h>
#include <stdio.h>

#include "kvmrt-cleanup.h"
#include "kvmrt-tool.h"
#include "tool.h"


int main(int argc, char **argv)
{
	_cleanup_(kvmrt_topology_freep) struct kvmrt_topology *t = NULL;
	_cleanup_(kvmrt_config_freep) struct kvmrt_config *c = NULL;
	struct kvmrt_params p;
	struct kvmrt_diags d = {};
	int r = kvmrt_tool_start(KVMRT_TOOL_VALIDATE, argc, argv, &p);

	if (r >= 0)
		return r;
	if (kvmrt_tool_topology(&p, &t) < 0)
		return EXIT_TOOL_FAILURE;
	r = kvmrt_tool_config(&p, false, &c);
	if (r < 0)
		return r == -EINVAL ? EXIT_VALIDATE_ERRORS : EXIT_TOOL_FAILURE;
	r = kvmrt_validate(c, t, p.all ? KVMRT_VALIDATE_ALL : 0, &d);
	if (r >= 0 && p.uri_given)
		r = kvmrt_tool_check_libvirt(&p, c, t, &d);
	else if (r < 0)
		tool_error(r, "%s", p.config);
	if (r < 0) {
		kvmrt_diags_done(&d);
		return EXIT_TOOL_FAILURE;
	}
	kvmrt_tool_print_diags(c, &d);
	printf("%s: %u VMs, %u errors, %u warnings\n", p.config, c->nr_vms, d.errors, d.warnings);
	r = d.errors ? EXIT_VALIDATE_ERRORS : d.warnings ? EXIT_VALIDATE_WARNINGS : EXIT_TOOL_OK;
	kvmrt_diags_done(&d);
	return r;
}
