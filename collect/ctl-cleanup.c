/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-cleanup.c - xtrace-ctl cleanup: removes the tracefs instances and
 * control sockets of recordings that were killed.
 */
#include <stdio.h>

#include "ctl.h"
#include "tool.h"
#include "xcollect.h"

int ctl_cleanup(struct ctl_context *c)
{
	int instances, sockets, r;

	(void)c;
	r = xc_tracefs_mount(NULL);
	if (r < 0)
		return tool_error(r, XC_TRACEFS_PATH ": not mounted and mount failed"),
		       EXIT_TOOL_FAILURE;
	instances = xc_session_remove_stale();
	if (instances < 0)
		return tool_error(instances, XC_TRACEFS_PATH "/instances: cannot remove stale "
				  "instances"), EXIT_TOOL_FAILURE;
	sockets = xc_control_remove_stale();
	if (sockets < 0)
		return tool_error(sockets, XC_CONTROL_DIR ": cannot remove stale sockets"),
		       EXIT_TOOL_FAILURE;
	printf("removed %d stale instance(s) and %d stale socket(s)\n", instances, sockets);
	return EXIT_TOOL_OK;
}
