/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-status.c - xtrace-ctl status: one line per running recording (the
 * chosen one with --session or inside a recorded command, else all).
 */
#include <stdio.h>

#include "cleanup.h"
#include "ctl.h"
#include "tool.h"
#include "xcollect.h"

static int print_status(pid_t session)
{
	char reply[XC_CONTROL_LINE_MAX + 64];
	int r = xc_control_request(session, "status", reply, sizeof(reply));

	if (r < 0)
		return tool_error(r, XC_CONTROL_DIR "/%d.sock: no status", (int)session);
	printf("%s\n", reply + 3);
	return 0;
}

int ctl_status(struct ctl_context *c)
{
	_cleanup_free_ pid_t *pids = NULL;
	int n, failed = 0;

	if (c->params->session || c->env_session) {
		int session = ctl_session(c);

		return session < 0 || print_status(session) < 0 ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
	}
	n = xc_control_sessions(&pids);
	if (n < 0)
		return tool_error(n, XC_CONTROL_DIR ": cannot list sessions"), EXIT_TOOL_FAILURE;
	if (n == 0)
		printf("no recording\n");
	for (int i = 0; i < n; i++)
		failed |= print_status(pids[i]) < 0;
	return failed ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
}
