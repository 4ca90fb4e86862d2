/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-run.c - runs the steps of a kvmrt-gs command line in order.
 */
#include <errno.h>
#include <stdio.h>

#include "gs-cli.h"
#include "tool.h"

static const struct {
	const char *name;
	unsigned fn; /* 0: the interface as a whole */
} step_info[] = {
    [GS_CMD_AVAILABLE] = {"available", 0},
    [GS_CMD_PING_AVAILABLE] = {"ping_available", KVMRT_GS_FN_PING},
    [GS_CMD_PING] = {"ping", KVMRT_GS_FN_PING},
    [GS_CMD_LOG_MSG_AVAILABLE] = {"log_msg_available", KVMRT_GS_FN_LOG_MSG},
    [GS_CMD_LOG_MSG] = {"log_msg", KVMRT_GS_FN_LOG_MSG},
    [GS_CMD_FLUSH_AVAILABLE] = {"xtrace_flush_available", KVMRT_GS_FN_FLUSH},
    [GS_CMD_FLUSH] = {"xtrace_flush", KVMRT_GS_FN_FLUSH},
    [GS_CMD_LOG_DATA_AVAILABLE] = {"xtrace_log_data_available", KVMRT_GS_FN_LOG_DATA},
    [GS_CMD_LOG_DATA] = {"xtrace_log_data", KVMRT_GS_FN_LOG_DATA},
};

int gs_exit_code(int err)
{
	switch (err) {
	case 0:
		return GS_EXIT_OK;
	case -ENODEV:
		return GS_EXIT_ABSENT;
	case -EPERM:
		return GS_EXIT_DENIED;
	case -EINVAL:
	case -E2BIG:
		return GS_EXIT_USAGE;
	default:
		return GS_EXIT_FAILURE;
	}
}

static long run_step(struct gs_ctx *c, const struct gs_step *s)
{
	switch (s->cmd) {
	case GS_CMD_PING:
		return gs_ping(c, s->number);
	case GS_CMD_FLUSH:
		return gs_flush(c, s->number);
	case GS_CMD_LOG_MSG:
		return gs_log(c, KVMRT_GS_FN_LOG_MSG, s->data, s->len);
	case GS_CMD_LOG_DATA:
		return gs_log(c, KVMRT_GS_FN_LOG_DATA, s->data, s->len);
	default:
		return gs_ctx_check(c, step_info[s->cmd].fn);
	}
}

static const char *reason(long r)
{
	switch (r) {
	case -ENODEV:
		return "no KVM hypervisor (CPUID signature KVMKVMKVM absent)";
	case -EPERM:
		return "not enabled in this guest (kvmrt_gs_hc_guest_enabled=1 and "
		       "kvmrt_gs_syscall_enabled=1 on the kernel command line or in "
		       "/etc/kvmrt-gs.conf) or not permitted by the host";
	default:
		return NULL;
	}
}

int gs_run(struct gs_ctx *c, const struct gs_params *p)
{
	for (size_t i = 0; i < p->n_steps; i++) {
		const char *name = step_info[p->steps[i].cmd].name;
		long r = run_step(c, &p->steps[i]);

		if (r < 0) {
			const char *why = reason(r);

			if (why)
				tool_error(0, "%s: %s", name, why);
			else
				tool_error((int)r, "%s", name);
			return gs_exit_code((int)r);
		}
		if (p->verbose)
			printf("%s: ok\n", name);
	}
	return GS_EXIT_OK;
}
