/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-session.c - which recording xtrace-ctl talks to, and talking to it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "ctl.h"
#include "tool.h"
#include "xcollect.h"

static int parse_session(const char *text, const char *what)
{
	uint64_t v;

	if (tool_parse_u64(text, 1, INT32_MAX, &v) < 0) {
		tool_error(0, "%s '%s': expected the PID of an xtrace-run", what, text);
		return -EINVAL;
	}
	return (int)v;
}

/* The only running session, or an error naming the choices. */
static int only_session(void)
{
	_cleanup_free_ pid_t *pids = NULL;
	int n = xc_control_sessions(&pids);

	if (n < 0)
		return tool_error(n, XC_CONTROL_DIR ": cannot list sessions");
	if (n == 0) {
		tool_error(0, "no xtrace-run is recording (" XC_CONTROL_DIR " has no live session)");
		return -ENOENT;
	}
	if (n > 1) {
		tool_error(0, "%d recordings run (first: %d); choose one with --session PID (see "
			   "'xtrace-ctl status')", n, (int)pids[0]);
		return -EINVAL;
	}
	return pids[0];
}

int ctl_session(struct ctl_context *c)
{
	int r;

	if (c->session > 0)
		return c->session;
	if (c->params->session)
		r = parse_session(c->params->session, "--session");
	else if (c->env_session)
		r = parse_session(c->env_session, "XTRACE_SESSION");
	else
		r = only_session();
	if (r > 0)
		c->session = r;
	return r;
}

int ctl_send(struct ctl_context *c, const char *request)
{
	char reply[XC_CONTROL_LINE_MAX + 64];
	int session = ctl_session(c), r;

	if (session < 0)
		return EXIT_TOOL_FAILURE;
	r = xc_control_request(session, request, reply, sizeof(reply));
	if (r == -EREMOTEIO) {
		tool_error(0, "session %d: %s", session,
			   strncmp(reply, "error ", 6) ? reply : reply + 6);
		return EXIT_TOOL_FAILURE;
	}
	if (r == -ENOENT) {
		tool_error(0, "session %d: not running (no " XC_CONTROL_DIR "/%d.sock)", session,
			   session);
		return EXIT_TOOL_FAILURE;
	}
	if (r < 0) {
		tool_error(r, XC_CONTROL_DIR "/%d.sock: %s", session, request);
		return EXIT_TOOL_FAILURE;
	}
	printf("session %d: %s\n", session, reply + strspn(reply, "ok "));
	return EXIT_TOOL_OK;
}
