/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt_gs_abi.h - the guest-services hypercall ABI on stock KVM (DESIGN.md
 * decision 5). The one definition shared by the guest library (gs/), the
 * host-side decoder (formats/gs-decode.c) and the host daemon.
 *
 * A hypercall from guest user space reaches KVM's kvm_hypercall tracepoint
 * before KVM refuses it for privilege (the guest sees -1 in rax): that
 * tracepoint is the host half of every guest-services call.
 *
 *   rax = KVMRT_GS_NR(function)   rbx = a0   rcx = a1   rdx = a2   rsi = a3
 *   instruction: vmcall (Intel and other VMX vendors), vmmcall (AMD, Hygon)
 *
 *   ping      a0 = cookie, a1 = sequence, a2 = guest TOD ns
 *   flush     a0 = scope (KVMRT_GS_SCOPE_*)
 *   log data  a0 = KVMRT_GS_LOG_A0(id, length, chunk), a1..a3 = 24 payload
 *   log msg     bytes of chunk @chunk, packed little-endian (byte 0 of the
 *               chunk is the low byte of a1); bytes past @length are zero
 *
 * The guest writes a marker to its trace_marker before and after each call
 * (texts below); the host shows the hypercall as KVMRT_GS_*_HOST.
 */
#ifndef KVMRT_GS_ABI_H
#define KVMRT_GS_ABI_H

#define KVMRT_GS_NR_BASE 0x4b525400u /* 'K','R','T' */
#define KVMRT_GS_NR_MASK 0xffffff00u
#define KVMRT_GS_NR(fn) (KVMRT_GS_NR_BASE | (fn))

/* Function numbers (the low byte of nr). */
#define KVMRT_GS_FN_PING 0x01u
#define KVMRT_GS_FN_FLUSH 0x02u
#define KVMRT_GS_FN_LOG_DATA 0x03u
#define KVMRT_GS_FN_LOG_MSG 0x04u
#define KVMRT_GS_FN_MAX KVMRT_GS_FN_LOG_MSG

/* Flush scopes (a0 of flush). */
#define KVMRT_GS_SCOPE_CPU_CURRENT 0u
#define KVMRT_GS_SCOPE_CPU_VM 1u
#define KVMRT_GS_SCOPE_CPU_ALL 2u

/* Log payload: 24 bytes per hypercall in a1..a3. */
#define KVMRT_GS_CHUNK_BYTES 24u
/* Largest payload the guest library sends; the host decoder caps at this too. */
#define KVMRT_GS_MAX_PAYLOAD 4096u
/* The length field is 16 bits wide: no payload can ever exceed this. */
#define KVMRT_GS_LEN_LIMIT 0xffffu

/* a0 of the log functions: message id << 32 | length << 16 | chunk index. */
#define KVMRT_GS_LOG_A0(id, len, chunk)                                                            \
	((unsigned long long)(id) << 32 | ((unsigned long long)(len)&0xffffu) << 16 |              \
	 ((unsigned long long)(chunk)&0xffffu))
#define KVMRT_GS_LOG_ID(a0) ((unsigned)((unsigned long long)(a0) >> 32))
#define KVMRT_GS_LOG_LEN(a0) ((unsigned)(((unsigned long long)(a0) >> 16) & 0xffffu))
#define KVMRT_GS_LOG_CHUNK(a0) ((unsigned)((unsigned long long)(a0)&0xffffu))

/*
 * Guest markers, written to trace_marker before and after the call with
 * the same values (tod is the guest's CLOCK_REALTIME in ns at each write).
 * Arguments: unsigned long long cookie, unsigned seq, unsigned long long tod.
 */
#define KVMRT_GS_MARKER_PREFIX "KVMRT_GS_"
#define KVMRT_GS_PING_GUEST "KVMRT_GS_PING_GUEST"
#define KVMRT_GS_FLUSH_GUEST "KVMRT_GS_FLUSH_GUEST"
#define KVMRT_GS_LOG_DATA_GUEST "KVMRT_GS_LOG_DATA_GUEST"
#define KVMRT_GS_LOG_MSG_GUEST "KVMRT_GS_LOG_MSG_GUEST"
#define KVMRT_GS_PING_MARKER_FMT KVMRT_GS_PING_GUEST " cookie=0x%llx seq=%u tod=%llu"
/* unsigned scope, unsigned long long tod */
#define KVMRT_GS_FLUSH_MARKER_FMT KVMRT_GS_FLUSH_GUEST " scope=%u tod=%llu"
/* unsigned id, unsigned len, unsigned long long tod */
#define KVMRT_GS_LOG_DATA_MARKER_FMT KVMRT_GS_LOG_DATA_GUEST " id=%u len=%u tod=%llu"
#define KVMRT_GS_LOG_MSG_MARKER_FMT KVMRT_GS_LOG_MSG_GUEST " id=%u len=%u tod=%llu"

/* Host-side names of the decoded hypercalls. */
#define KVMRT_GS_PING_HOST "KVMRT_GS_PING_HOST"
#define KVMRT_GS_FLUSH_HOST "KVMRT_GS_FLUSH_HOST"
#define KVMRT_GS_LOG_DATA_HOST "KVMRT_GS_LOG_DATA_HOST"
#define KVMRT_GS_LOG_MSG_HOST "KVMRT_GS_LOG_MSG_HOST"

/*
 * Host permission as advertised to the VM (written by kvmrt-core), either
 *   an SMBIOS type 11 OEM string  "kvmrt-gs:permit=VALUE"
 *   a fw_cfg file  opt/org.kvmrt/gs  holding "permit=VALUE"
 * VALUE: 1 or all (every function), 0 or none, or a comma list of
 * ping, flush, log_data, log_msg.
 */
#define KVMRT_GS_SMBIOS_PREFIX "kvmrt-gs:"
#define KVMRT_GS_FW_CFG_NAME "opt/org.kvmrt/gs"

#endif
