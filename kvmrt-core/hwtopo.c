/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hwtopo: the hardware topology of this host (or of another, from --topology). */
#include <errno.h>
#include <stdio.h>

#include "kvmrt-tool.h"
#include "tool.h"

int main(int argc, char **argv)
{
	_cleanup_(kvmrt_topology_freep) struct kvmrt_topology *t = NULL;
	struct kvmrt_params p;
	char why[1024];
	int r = kvmrt_tool_start(KVMRT_TOOL_HWTOPO, argc, argv, &p);

	if (r >= 0)
		return r;
	if (kvmrt_tool_topology(&p, &t) < 0)
		return EXIT_TOOL_FAILURE;
	if (kvmrt_topology_print(stdout, t, (p.verbose ? KVMRT_TOPO_VERBOSE : 0) |
						    (p.no_io ? KVMRT_TOPO_NO_IO : 0)) < 0)
		return tool_error(-EIO, "standard output"), EXIT_TOOL_FAILURE;
	if (p.export_path && kvmrt_topology_export(t, p.export_path, why, sizeof(why)) < 0)
		return tool_error(0, "%s", why), EXIT_TOOL_FAILURE;
	return EXIT_TOOL_OK;
}
