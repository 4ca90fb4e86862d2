/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-flush.c - xtrace-ctl flush [--cpus LIST]: writes out what the
 * session's ring buffers (of those CPUs) hold, and keeps recording.
 */
#include <errno.h>
#include <stdlib.h>

#include "cleanup.h"
#include "cpulist.h"
#include "ctl.h"
#include "tool.h"
#include "xcollect.h"

int ctl_flush(struct ctl_context *c)
{
	_cleanup_free_ struct xc_request *req = calloc(1, sizeof(*req));
	char line[XC_CONTROL_LINE_MAX];
	const char *cpus = c->command->cpus;

	if (!req)
		return tool_error(-ENOMEM, "flush"), EXIT_TOOL_FAILURE;
	req->kind = XC_REQUEST_FLUSH;
	/* The list was checked with the command line. */
	if ((cpus && cpulist_parse(cpus, XC_REQUEST_CPUS_MAX, req->cpus, &req->nr_cpus) < 0) ||
	    xc_request_format(req, line, sizeof(line)) < 0)
		return tool_error(0, "--cpus '%s': too long a list for one request", cpus),
		       EXIT_TOOL_FAILURE;
	return ctl_send(c, line);
}
