/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sync-fit.c - a guest's offset and drift from its ping pairs, with bounds.
 *
 * Model: guest TOD = h + O + D * (h - ref) at host TOD h. Pair i says
 * before_i <= h_i + O + D x_i <= after_i (x_i = h_i - ref): two half-planes
 * in (O, D). Their intersection is a convex polygon (the convex-hull method
 * of Trace Compass reaches the same region through the hulls of the points).
 * For a drift D the allowed offsets are [lo(D), hi(D)], lo the maximum of
 * lines and hi the minimum, so hi - lo is concave in D: a ternary search
 * finds the widest drift, bisections the ends of the drifts allowed, and the
 * fit is the centre: the middle drift and the middle offset there. When the
 * pairs contradict each other (no drift allows any offset) the fit is the
 * drift where they contradict least.
 */
#include <errno.h>
#include <math.h>

#include "xt-sync.h"

typedef long double real;

#define DRIFT_LIMIT 1e-3L /* 1000 ppm: the search range */
#define SEARCH_STEPS 200
#define BISECT_STEPS 80

struct fit_input {
	const struct xt_sync_pair *pairs;
	size_t n;
	uint32_t guest;
	uint64_t ref;
};

static long long round_ll(real v)
{
	return (long long)(v < 0 ? v - 0.5L : v + 0.5L);
}

static real signed_diff(uint64_t a, uint64_t b)
{
	return (real)(int64_t)(a - b);
}

/* The offsets drift @d allows: [*lo, *hi] (empty when *lo > *hi). */
static void offsets_at(const struct fit_input *in, real d, real *lo, real *hi)
{
	*lo = -INFINITY;
	*hi = INFINITY;
	for (size_t i = 0; i < in->n; i++) {
		const struct xt_sync_pair *p = &in->pairs[i];
		real x = signed_diff(p->host_tod, in->ref);
		real low = signed_diff(p->guest_before, p->host_tod) - d * x;
		real high = signed_diff(p->guest_after, p->host_tod) - d * x;

		if (p->guest != in->guest)
			continue;
		*lo = low > *lo ? low : *lo;
		*hi = high < *hi ? high : *hi;
	}
}

static real width_at(const struct fit_input *in, real d)
{
	real lo, hi;

	offsets_at(in, d, &lo, &hi);
	return hi - lo;
}

/* The drift in [a, b] where the width is largest (it is concave). */
static real widest(const struct fit_input *in, real a, real b)
{
	for (int i = 0; i < SEARCH_STEPS; i++) {
		real m1 = a + (b - a) / 3, m2 = b - (b - a) / 3;

		if (width_at(in, m1) < width_at(in, m2))
			a = m1;
		else
			b = m2;
	}
	return (a + b) / 2;
}

/* Between @inside (width >= 0) and @outside, the last drift still allowed. */
static real edge(const struct fit_input *in, real inside, real outside)
{
	for (int i = 0; i < BISECT_STEPS; i++) {
		real mid = (inside + outside) / 2;

		if (width_at(in, mid) >= 0)
			inside = mid;
		else
			outside = mid;
	}
	return inside;
}

/* The middle host TOD of the guest's pairs, so that offset and drift are least coupled. */
static int reference(const struct xt_sync_pair *pairs, size_t n, uint32_t guest,
		     uint64_t *ret_ref, size_t *ret_count)
{
	uint64_t first = UINT64_MAX, last = 0;
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		if (pairs[i].guest != guest)
			continue;
		first = pairs[i].host_tod < first ? pairs[i].host_tod : first;
		last = pairs[i].host_tod > last ? pairs[i].host_tod : last;
		count++;
	}
	if (!count)
		return -ENODATA;
	*ret_ref = first + (last - first) / 2;
	*ret_count = count;
	return 0;
}

int xt_sync_fit(const struct xt_sync_pair *pairs, size_t n, uint32_t guest,
		struct xt_sync_fit *ret)
{
	struct fit_input in = { pairs, n, guest, 0 };
	struct xt_sync_fit f = { .guest = guest };
	real best, d_lo, d_hi, d, lo, hi;
	struct xt_tod_adjust adj;
	int r = reference(pairs, n, guest, &in.ref, &f.pairs);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (pairs[i].guest == guest)
			f.host = pairs[i].host;
	best = widest(&in, -DRIFT_LIMIT, DRIFT_LIMIT);
	f.feasible = width_at(&in, best) >= 0;
	d_lo = f.feasible ? edge(&in, best, -DRIFT_LIMIT) : best;
	d_hi = f.feasible ? edge(&in, best, DRIFT_LIMIT) : best;
	d = (d_lo + d_hi) / 2;
	offsets_at(&in, d, &lo, &hi);
	f.ref_tod = in.ref;
	f.offset_ns = (double)((lo + hi) / 2);
	f.drift_ppm = (double)(d * 1e6L);
	f.offset_bound_ns = (double)(hi - lo);
	f.drift_bound_ppm = (double)((d_hi - d_lo) * 1e6L);
	xt_sync_fit_adjust(&f, &adj);
	f.inversions = xt_sync_inversions(pairs, n, guest, &adj);
	*ret = f;
	return 0;
}

void xt_sync_fit_adjust(const struct xt_sync_fit *f, struct xt_tod_adjust *ret)
{
	/* host = r + (g - r') / (1 + D) with r' = r + O: g + (-O) + (g - r') * (-D / (1 + D)) */
	real d = (real)f->drift_ppm / 1e6L;

	*ret = (struct xt_tod_adjust){
		.offset_ns = round_ll(-(real)f->offset_ns),
		.drift_ppb = round_ll(-d / (1 + d) * 1e9L),
		.ref_tod = (uint64_t)((int64_t)f->ref_tod + round_ll((real)f->offset_ns)),
	};
}

size_t xt_sync_inversions(const struct xt_sync_pair *pairs, size_t n, uint32_t guest,
			  const struct xt_tod_adjust *adj)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		const struct xt_sync_pair *p = &pairs[i];

		if (p->guest != guest)
			continue;
		if (xt_tod_adjust_apply(adj, p->guest_before) > p->host_tod ||
		    xt_tod_adjust_apply(adj, p->guest_after) < p->host_tod)
			count++;
	}
	return count;
}
