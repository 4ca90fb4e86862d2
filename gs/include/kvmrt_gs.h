/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt_gs.h - libkvmrt_gs: guest services for applications in a KVM guest
 * (SPEC G1). Link with `pkg-config --libs kvmrt-gs`; see libkvmrt_gs(3).
 *
 * Every function is safe to call anywhere: on bare metal, on another
 * hypervisor or with the service switched off it returns an error and
 * executes nothing. All are thread-safe; kvmrt_gs_ping() allocates nothing.
 *
 * The long-returning functions return 0 on success or a negative errno:
 *   -ENODEV  no KVM hypervisor (CPUID signature "KVMKVMKVM" absent)
 *   -EPERM   not enabled in this guest or not permitted by the host
 *   -EINVAL  bad argument (NULL pointer, empty payload, unknown scope)
 *   -E2BIG   payload over the size cap (4096 bytes)
 */
#ifndef KVMRT_GS_H
#define KVMRT_GS_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Scopes of kvmrt_gs_xtrace_flush(). */
#define KVMRT_GS_XTRACE_CPU_CURRENT 0UL /* the host CPU running the calling vCPU */
#define KVMRT_GS_XTRACE_CPU_VM 1UL	/* every host CPU serving this VM */
#define KVMRT_GS_XTRACE_CPU_ALL 2UL	/* every host CPU */

/* Whether the service is present, enabled in the guest and permitted by the host. */
bool kvmrt_gs_available(void);
/* Whether each function is present, enabled and permitted. */
bool kvmrt_gs_ping_available(void);
bool kvmrt_gs_log_msg_available(void);
bool kvmrt_gs_xtrace_flush_available(void);
bool kvmrt_gs_xtrace_log_data_available(void);

/* Pings the hypervisor with @cookie: KVMRT_GS_PING_GUEST/_HOST events. */
long kvmrt_gs_ping(unsigned long cookie);
/* Logs the NUL-terminated text @msg in the host's log. */
long kvmrt_gs_log_msg(char *msg);
/* Asks the host to flush its running xtrace recordings over @scope. */
long kvmrt_gs_xtrace_flush(unsigned long scope);
/* Logs @size bytes at @data as KVMRT_GS_LOG_DATA_GUEST/_HOST events. */
long kvmrt_gs_xtrace_log_data(void *data, long size);

#ifdef __cplusplus
}
#endif

#endif
