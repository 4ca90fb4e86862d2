/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xt-gs.h - decoding guest services (SPEC G3, DESIGN.md decision 5) from
 * recorded events: kvm:kvm_hypercall records with the guest-services
 * numbers become KVMRT_GS_*_HOST events, the guests' ftrace:print markers
 * KVMRT_GS_*_GUEST events. Log payloads arrive 24 bytes per hypercall and
 * are reassembled per (system, calling thread, message id); sequences that
 * break the ABI or stop short are reported as such, never trusted.
 *
 * Memory is bounded by the limits: at most max_pending messages in flight,
 * each at most max_payload bytes. The decoder keeps no global state.
 */
#ifndef XT_GS_H
#define XT_GS_H

#include <stddef.h>
#include <stdint.h>

#include "xt-event.h"

struct tep_handle;

enum xt_gs_kind {
	XT_GS_PING_HOST,
	XT_GS_FLUSH_HOST,
	XT_GS_LOG_DATA_HOST, /* a whole reassembled payload */
	XT_GS_LOG_MSG_HOST,
	XT_GS_PING_GUEST,
	XT_GS_FLUSH_GUEST,
	XT_GS_LOG_DATA_GUEST,
	XT_GS_LOG_MSG_GUEST,
	XT_GS_MALFORMED, /* a guest-services hypercall or marker that breaks the ABI: see @why */
	XT_GS_PARTIAL,	 /* a log payload that did not arrive whole: @data holds what did */
};

struct xt_gs_event {
	enum xt_gs_kind kind;
	uint64_t ts;	     /* raw timestamp of the record (the last chunk of a payload) */
	uint64_t tod;	     /* TOD of the record when fed through xt_gs_decode_event, else 0 */
	uint32_t system;     /* system index */
	uint32_t cpu;	     /* CPU of that system */
	uint32_t tid;	     /* calling thread: the vCPU thread on a host, the task in a guest */
	uint32_t fn;	     /* function number (KVMRT_GS_FN_*), 0 if unknown */
	uint64_t cookie;     /* ping */
	uint64_t seq;	     /* ping */
	uint64_t call_tod;   /* ping (a2) and guest markers: the guest's TOD in ns */
	uint64_t scope;	     /* flush */
	uint32_t id;	     /* log: message id */
	uint32_t len;	     /* log: announced length */
	const uint8_t *data; /* log host, partial: payload bytes; borrowed during the callback */
	uint32_t data_len;
	const char *why; /* malformed, partial: one sentence (escaped); borrowed */
};

/* Display name: "KVMRT_GS_PING_HOST", ..., "KVMRT_GS_MALFORMED", "KVMRT_GS_PARTIAL". */
const char *xt_gs_kind_name(enum xt_gs_kind kind);

struct xt_gs_limits {
	uint32_t max_payload; /* bytes per message (0: KVMRT_GS_MAX_PAYLOAD, at most 65535) */
	uint32_t max_pending; /* messages in flight (0: 64) */
};

/* Called synchronously, 0..n times per decode call; @e is valid during the call only. */
typedef void (*xt_gs_event_fn)(const struct xt_gs_event *e, void *userdata);

struct xt_gs_decoder;

/* @limits may be NULL (defaults). Free with xt_gs_decoder_free(). 0, -EINVAL or -ENOMEM. */
int xt_gs_decoder_new(const struct xt_gs_limits *limits, xt_gs_event_fn fn, void *userdata,
		      struct xt_gs_decoder **ret);
void xt_gs_decoder_free(struct xt_gs_decoder *d);

/* One hypercall as the kvm_hypercall tracepoint saw it. */
struct xt_gs_call {
	uint64_t ts;
	uint32_t system, cpu, tid;
	uint64_t nr;
	uint64_t a[4];
};

/* 1 when @c is a guest-services call (decoded), 0 when it is another hypercall. */
int xt_gs_decode_call(struct xt_gs_decoder *d, const struct xt_gs_call *c);

/*
 * A trace_marker text (ftrace:print buf, @len bytes, need not be terminated).
 * 1 when it starts with "KVMRT_GS_" (decoded or reported malformed), else 0.
 */
int xt_gs_decode_marker(struct xt_gs_decoder *d, uint64_t ts, uint32_t system, uint32_t cpu,
			uint32_t tid, const char *text, size_t len);

/*
 * A recorded event: kvm:kvm_hypercall and ftrace:print records are decoded
 * with the event formats of @tep (the recording's; fields are looked up
 * once per tep), anything else is ignored. 1 decoded, 0 ignored, -EBADMSG
 * when the record is too short for its format.
 */
int xt_gs_decode_event(struct xt_gs_decoder *d, struct tep_handle *tep, const struct xt_event *ev);

/* Reports every payload still in flight as XT_GS_PARTIAL and forgets it. */
void xt_gs_decoder_finish(struct xt_gs_decoder *d);

/*
 * Escapes @n bytes at @p into @out (@cap bytes, at least 1): printable ASCII
 * stays, a backslash becomes "\\", anything else "\xNN". Stops before
 * overflowing (on a whole escape). Always NUL-terminates. Returns the bytes
 * of @p consumed.
 */
size_t xt_gs_escape(const void *p, size_t n, char *out, size_t cap);

#endif
