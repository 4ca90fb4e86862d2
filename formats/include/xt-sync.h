/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xt-sync.h - time truth between a host and its guests from guest-services
 * ping pairs (DESIGN decision 5).
 *
 * A ping: the guest writes the ftrace marker "KVMRT_GS_PING_GUEST
 * cookie=0xC seq=N tod=T", makes the hypercall 0x4b525401 (a0 = C, a1 = N,
 * a2 = the guest's TOD), which the host records as kvm:kvm_hypercall, and
 * writes the same marker again. The hypercall happened between the two
 * markers, so at the host's time of it the guest's clock read between the
 * two markers' TODs. Each pair bounds the guest's offset and drift; the
 * fit takes the centre of the region all pairs allow.
 */
#ifndef XT_SYNC_H
#define XT_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xt-event.h"

#define XT_SYNC_PING_NR 0x4b525401u
#define XT_SYNC_PING_MARKER "KVMRT_GS_PING_GUEST"

struct xt_sync_pair {
	uint32_t guest, host;  /* system indices in the source */
	uint64_t cookie, seq;
	uint64_t guest_before; /* guest TOD of the marker before the call */
	uint64_t guest_after;  /* guest TOD of the marker after it */
	uint64_t host_tod;     /* host TOD of the kvm_hypercall */
};

/* Collects ping pairs from events of a source, in any order. */
struct xt_sync_collector;

/*
 * A collector for the events of @src (borrowed: it must outlive the
 * collector; its systems' formats locate the fields). Free with
 * xt_sync_collector_free().
 */
int xt_sync_collector_new(const struct xt_source *src, struct xt_sync_collector **ret);

/*
 * Whether pairs can exist at all: one system has the kvm:kvm_hypercall
 * format and another the ftrace:print format (else reading is wasted).
 */
bool xt_sync_collector_can_pair(const struct xt_sync_collector *c);

/* Looks at one event (anything that is not a ping is ignored). 0 or -ENOMEM. */
int xt_sync_collector_add(struct xt_sync_collector *c, const struct xt_event *ev);

/*
 * Joins what was collected into pairs: a cookie and sequence seen as
 * exactly two markers of one guest and one hypercall of another system.
 * Returns the number of pairs and points *ret at them (sorted by guest,
 * then host TOD; borrowed until the collector is freed), or -ENOMEM.
 * *ret_unmatched (may be NULL) counts the markers and hypercalls left alone.
 */
int xt_sync_collector_pairs(struct xt_sync_collector *c, const struct xt_sync_pair **ret,
			    size_t *ret_unmatched);

void xt_sync_collector_free(struct xt_sync_collector *c);

/*
 * A guest's clock against its host's: guest TOD = host TOD + offset +
 * (host TOD - ref_tod) * drift.
 */
struct xt_sync_fit {
	uint32_t guest, host;
	size_t pairs;            /* pairs used */
	uint64_t ref_tod;        /* host TOD where the offset is measured */
	double offset_ns;        /* how far the guest is ahead at ref_tod */
	double drift_ppm;        /* how much faster the guest's clock runs */
	double offset_bound_ns;  /* width of the offsets the pairs allow at this drift */
	double drift_bound_ppm;  /* width of the drifts the pairs allow */
	bool feasible;           /* false: the pairs contradict each other (best effort fit) */
	size_t inversions;       /* pairs still out of causal order once corrected */
};

/*
 * Fits the clock of @guest from the pairs of @n whose guest it is. Returns
 * 0, or -ENODATA when none is. All @n pairs may be passed: others are skipped.
 */
int xt_sync_fit(const struct xt_sync_pair *pairs, size_t n, uint32_t guest,
		struct xt_sync_fit *ret);

/* The correction placing the guest's TODs on its host's time (for xt_adjust_stream_new). */
void xt_sync_fit_adjust(const struct xt_sync_fit *f, struct xt_tod_adjust *ret);

/* Pairs of @guest that @adj leaves out of causal order (a marker on the wrong side). */
size_t xt_sync_inversions(const struct xt_sync_pair *pairs, size_t n, uint32_t guest,
			  const struct xt_tod_adjust *adj);

#endif
