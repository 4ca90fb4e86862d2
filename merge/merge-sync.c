/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merge-sync.c - --sync gs: a first pass collects the ping pairs, each
 * guest's clock is fitted against its host, and the fits become the
 * guests' TOD corrections. --sync-report says what was found.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "merge-private.h"

DEFINE_POINTER_CLEANUP(struct xt_sync_collector, xt_sync_collector_free)

static void report(const struct merge_params *p, const struct merge_callbacks *cb, void *ud,
		   const char *line)
{
	if (p->sync_report && cb->report)
		cb->report(line, ud);
}

/* Whether system @sys is the only one of its input (a correction applies to a whole input). */
static bool alone_in_input(struct xt_source *src, unsigned sys)
{
	unsigned input = xt_source_system_input(src, sys);

	for (unsigned i = 0; i < xt_source_system_count(src); i++)
		if (i != sys && xt_source_system_input(src, i) == input)
			return false;
	return true;
}

/* Fits @guest, reports it and sets its input's correction: 1 set, 0 not. */
static int sync_guest(const struct merge_params *p, struct xt_source *src,
		      struct xt_source_input *in, const struct xt_sync_pair *pairs, size_t n,
		      uint32_t guest, const struct merge_callbacks *cb, void *ud)
{
	struct xt_source_input *input = &in[xt_source_system_input(src, guest)];
	struct xt_sync_fit f;
	char line[512];
	const char *kept = NULL;

	if (xt_sync_fit(pairs, n, guest, &f) < 0)
		return 0;
	if (input->adjust.offset_ns || input->adjust.drift_ppb)
		kept = "not applied: --offset/--drift given for this input";
	else if (!alone_in_input(src, guest))
		kept = "not applied: the input is a merged directory of several systems";
	snprintf(line, sizeof(line),
		 "sync: %s against %s: pairs %zu, offset %.1f ns, drift %.3f ppm, "
		 "bound %.1f ns / %.3f ppm%s, ref_tod %llu, causal inversions %zu%s%s",
		 xt_source_system_name(src, guest), xt_source_system_name(src, f.host), f.pairs,
		 f.offset_ns, f.drift_ppm, f.offset_bound_ns, f.drift_bound_ppm,
		 f.feasible ? "" : " (the pairs contradict each other)",
		 (unsigned long long)f.ref_tod,
		 kept ? xt_sync_inversions(pairs, n, guest, xt_source_system_adjust(src, guest))
		      : f.inversions,
		 kept ? "; " : "", kept ? kept : "");
	report(p, cb, ud, line);
	if (kept)
		return 0;
	xt_sync_fit_adjust(&f, &input->adjust);
	return 1;
}

int merge_sync(const struct merge_params *p, struct xt_source *src, struct xt_source_input *in,
	       const struct merge_callbacks *cb, void *ud, char *why, size_t why_len)
{
	_cleanup_(xt_sync_collector_freep) struct xt_sync_collector *c = NULL;
	const struct xt_sync_pair *pairs;
	struct xt_event ev;
	size_t unmatched;
	int r = xt_sync_collector_new(src, &c), n, applied = 0;

	if (r >= 0 && !xt_sync_collector_can_pair(c)) {
		report(p, cb, ud, "sync: no system records both sides of guest-services pings "
				  "(ftrace:print in a guest, kvm:kvm_hypercall in its host): every "
				  "system keeps its own time of day");
		return 0;
	}
	while (r >= 0 && (r = xt_source_next(src, &ev)) > 0)
		r = xt_sync_collector_add(c, &ev);
	n = r < 0 ? r : xt_sync_collector_pairs(c, &pairs, &unmatched);
	if (n < 0) {
		snprintf(why, why_len, "reading the inputs for ping pairs: %s", strerror(-n));
		return n;
	}
	if (n == 0) {
		report(p, cb, ud, "sync: no guest-services ping pairs: every system keeps its own "
				  "time of day");
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (i == 0 || pairs[i].guest != pairs[i - 1].guest)
			applied |= sync_guest(p, src, in, pairs, n, pairs[i].guest, cb, ud);
	return applied;
}
