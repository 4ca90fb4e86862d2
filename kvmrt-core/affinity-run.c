/* SPDX-License-Identifier: GPL-2.0-or-later */
/* affinity-run.c - the start of irq-affinity, task-affinity and cpustat, and --set's arithmetic. */
#include <errno.h>
#include <stdio.h>

#include "affinity-tool.h"
#include "tool.h"

int affinity_moved(const struct kvmrt_ids *cur, const struct kvmrt_ids *from,
		   const struct kvmrt_ids *to, struct kvmrt_ids *ret)
{
	unsigned nbits = cur->nbits > to->nbits ? cur->nbits : to->nbits;
	struct kvmrt_ids n;
	int r = kvmrt_ids_init(&n, nbits);

	if (r < 0)
		return r;
	kvmrt_ids_or(&n, cur);
	kvmrt_ids_andnot(&n, from);
	kvmrt_ids_or(&n, to);
	*ret = n;
	return 0;
}

static int (*const runs[])(const struct affinity_params *, const struct kvmrt_sysroot *) = {
	[AFFINITY_IRQ] = irq_affinity_run,
	[AFFINITY_TASK] = task_affinity_run,
	[AFFINITY_CPUSTAT] = cpustat_run,
};

int affinity_tool_main(enum affinity_tool tool, int argc, char **argv)
{
	struct affinity_params p;
	struct kvmrt_sysroot s;
	char why[512];
	int r;

	tool_set_name(argv[0]);
	if (affinity_parse_args(tool, argc, argv, &p, why, sizeof(why)) < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_USAGE;
	}
	if (p.help || p.version) {
		if (p.help)
			affinity_print_help(tool);
		else
			tool_print_version();
		affinity_params_done(&p);
		return EXIT_TOOL_OK;
	}
	if (kvmrt_sysroot_open(p.sysroot, &s, why, sizeof(why)) < 0) {
		tool_error(0, "--sysroot %s", why);
		affinity_params_done(&p);
		return EXIT_TOOL_USAGE;
	}
	r = runs[tool](&p, &s);
	kvmrt_sysroot_close(&s);
	affinity_params_done(&p);
	return r;
}
