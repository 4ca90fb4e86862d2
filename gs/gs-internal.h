/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-internal.h - libkvmrt_gs inside: a context object holding what
 * detection found, and the calls working on it. The public functions use
 * one process-wide context (libkvmrt_gs.c); tests, the CLI and the
 * benchmark build their own through the detection seam (struct gs_probe).
 */
#ifndef GS_INTERNAL_H
#define GS_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvmrt_gs_abi.h"

#define GS_EXPORT __attribute__((visibility("default")))

#define GS_CONF_PATH "/etc/kvmrt-gs.conf"
#define GS_CONF_ENV "KVMRT_GS_CONF"	  /* overrides GS_CONF_PATH */
#define GS_SYSROOT_ENV "KVMRT_GS_SYSROOT" /* prefix of /proc/cmdline and /sys/firmware */
#define GS_MARKER_PATH "/sys/kernel/tracing/trace_marker"
#define GS_MARKER_PATH_OLD "/sys/kernel/debug/tracing/trace_marker"
#define GS_MARKER_MAX 160

/* One hypercall: rax = nr, rbx = a0, rcx = a1, rdx = a2, rsi = a3; returns rax. */
typedef long (*gs_hypercall_fn)(unsigned long nr, unsigned long a0, unsigned long a1,
				unsigned long a2, unsigned long a3);

/* The detection seam: where the facts come from. */
struct gs_probe {
	/* CPUID @leaf into eax, ebx, ecx, edx */
	void (*cpuid)(uint32_t leaf, uint32_t regs[4]);
	const char *sysroot;	   /* prefix of /proc and /sys reads ("" = the real ones) */
	const char *conf_path;	   /* guest-side config file */
	const char *marker_path;   /* trace_marker to write; NULL = none */
	gs_hypercall_fn hypercall; /* NULL: the instruction CPUID's vendor calls for */
};

/* Function bits of gs_ctx.permit. */
#define GS_BIT(fn) (1u << (fn))
#define GS_ALL_FUNCTIONS                                                                           \
	(GS_BIT(KVMRT_GS_FN_PING) | GS_BIT(KVMRT_GS_FN_FLUSH) | GS_BIT(KVMRT_GS_FN_LOG_DATA) |     \
	 GS_BIT(KVMRT_GS_FN_LOG_MSG))

struct gs_ctx {
	int present;	 /* 0, or -ENODEV when no KVM hypervisor was found */
	bool enabled;	 /* guest-side switches both on */
	unsigned permit; /* GS_BIT()s the host permits */
	gs_hypercall_fn hypercall;
	int marker_fd;	  /* -1: no marker */
	atomic_uint seq;  /* ping sequence */
	atomic_uint msg;  /* log message counter */
	uint32_t id_base; /* high half of message ids: pid bits, so processes differ */
};

/* --- gs-cpuid.c --- */

/* The real CPUID instruction. */
void gs_cpuid(uint32_t leaf, uint32_t regs[4]);
/*
 * Whether CPUID reports a KVM hypervisor; on success *ret_fn is the
 * hypercall instruction for this CPU vendor. 0 or -ENODEV.
 */
int gs_detect_kvm(void (*cpuid)(uint32_t leaf, uint32_t regs[4]), gs_hypercall_fn *ret_fn);
long gs_vmcall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
	       unsigned long a3);
long gs_vmmcall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
		unsigned long a3);

/* --- gs-switch.c: the enable switches (SPEC G6) --- */

#define GS_SW_HC 1u	 /* kvmrt_gs_hc_guest_enabled=1 */
#define GS_SW_SYSCALL 2u /* kvmrt_gs_syscall_enabled=1 */
#define GS_SW_BOTH (GS_SW_HC | GS_SW_SYSCALL)
/* GS_SW_* bits the kernel command line @cmdline turns on (the last setting counts). */
unsigned gs_cmdline_switches(const char *cmdline);
/* The same for a kvmrt-gs.conf text: "key = value" lines, # comments. */
unsigned gs_conf_switches(const char *conf);
/*
 * Function bits of a permit VALUE ("1", "all", "0", "none" or a comma list
 * of ping, flush, log_data, log_msg). -EINVAL when malformed.
 */
int gs_permit_parse(const char *value, size_t len, unsigned *ret);
/* Permit bits from an SMBIOS type 11 structure (its raw bytes), 0 if none. */
unsigned gs_permit_from_smbios(const uint8_t *raw, size_t len);
/* Permit bits from the fw_cfg file's bytes, 0 if none. */
unsigned gs_permit_from_fw_cfg(const char *text, size_t len);
/* Reads the switches under @p: sets c->enabled and c->permit. */
void gs_switches_read(const struct gs_probe *p, struct gs_ctx *c);

/* --- gs-call.c --- */

/* Detects and reads the switches; opens the marker. Never fails: see c->present. */
void gs_ctx_init(struct gs_ctx *c, const struct gs_probe *p);
void gs_ctx_done(struct gs_ctx *c);
/* 0 when function @fn (0: the interface as a whole) may be called, else -ENODEV/-EPERM. */
int gs_ctx_check(const struct gs_ctx *c, unsigned fn);
long gs_ping(struct gs_ctx *c, unsigned long cookie);
long gs_flush(struct gs_ctx *c, unsigned long scope);
/* @fn: KVMRT_GS_FN_LOG_DATA or KVMRT_GS_FN_LOG_MSG. */
long gs_log(struct gs_ctx *c, unsigned fn, const void *data, size_t size);

/* The default probe: real CPUID, /, the config path from the environment. */
void gs_probe_default(struct gs_probe *p);

#endif
