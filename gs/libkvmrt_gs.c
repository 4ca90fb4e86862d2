/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libkvmrt_gs.c - the public functions of kvmrt_gs.h (SPEC G1). The API has
 * no handle, so this is the library's one piece of process-wide state: a
 * context detected once (pthread_once) and read-only afterwards, apart from
 * its atomic counters. Everything else works on an explicit struct gs_ctx.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "gs-internal.h"
#include "kvmrt_gs.h"

_Static_assert(KVMRT_GS_XTRACE_CPU_CURRENT == KVMRT_GS_SCOPE_CPU_CURRENT, "ABI scope");
_Static_assert(KVMRT_GS_XTRACE_CPU_VM == KVMRT_GS_SCOPE_CPU_VM, "ABI scope");
_Static_assert(KVMRT_GS_XTRACE_CPU_ALL == KVMRT_GS_SCOPE_CPU_ALL, "ABI scope");

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct gs_ctx process_ctx;

static void process_init(void)
{
	struct gs_probe p;

	gs_probe_default(&p);
	gs_ctx_init(&process_ctx, &p);
}

static struct gs_ctx *ctx(void)
{
	pthread_once(&once, process_init);
	return &process_ctx;
}

GS_EXPORT bool kvmrt_gs_available(void)
{
	return gs_ctx_check(ctx(), 0) == 0;
}

GS_EXPORT bool kvmrt_gs_ping_available(void)
{
	return gs_ctx_check(ctx(), KVMRT_GS_FN_PING) == 0;
}

GS_EXPORT bool kvmrt_gs_log_msg_available(void)
{
	return gs_ctx_check(ctx(), KVMRT_GS_FN_LOG_MSG) == 0;
}

GS_EXPORT bool kvmrt_gs_xtrace_flush_available(void)
{
	return gs_ctx_check(ctx(), KVMRT_GS_FN_FLUSH) == 0;
}

GS_EXPORT bool kvmrt_gs_xtrace_log_data_available(void)
{
	return gs_ctx_check(ctx(), KVMRT_GS_FN_LOG_DATA) == 0;
}

GS_EXPORT long kvmrt_gs_ping(unsigned long cookie)
{
	return gs_ping(ctx(), cookie);
}

GS_EXPORT long kvmrt_gs_log_msg(char *msg)
{
	struct gs_ctx *c = ctx();
	int r = gs_ctx_check(c, KVMRT_GS_FN_LOG_MSG);

	if (r < 0)
		return r;
	if (!msg)
		return -EINVAL;
	/* strnlen: a message over the cap is refused without reading all of it */
	return gs_log(c, KVMRT_GS_FN_LOG_MSG, msg, strnlen(msg, KVMRT_GS_MAX_PAYLOAD + 1));
}

GS_EXPORT long kvmrt_gs_xtrace_flush(unsigned long scope)
{
	return gs_flush(ctx(), scope);
}

GS_EXPORT long kvmrt_gs_xtrace_log_data(void *data, long size)
{
	struct gs_ctx *c = ctx();
	int r = gs_ctx_check(c, KVMRT_GS_FN_LOG_DATA);

	if (r < 0)
		return r;
	if (size < 0)
		return -EINVAL;
	return gs_log(c, KVMRT_GS_FN_LOG_DATA, data, (size_t)size);
}
