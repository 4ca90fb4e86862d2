/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clock.c - the clock model: raw trace timestamps to time of day.
 *
 * tai: TOD = ts - (TAI - UTC). Anchored clocks: anchors sorted by ts (one
 * per distinct ts), TOD interpolated on the segment between the two anchors
 * around ts, extrapolated with the slope of the first or last segment past
 * the ends, with slope 1 when there is a single anchor. Products are taken
 * in 128 bits (a segment of hours times a TOD span of hours overflows 64),
 * results saturate to [0, UINT64_MAX]. A clock without anchors is not
 * placeable; xt_clock_to_tod() then returns ts unchanged, which keeps the
 * order of one recording's events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "xt-clock.h"

__extension__ typedef __int128 i128;

struct xt_clock {
	char *name;
	bool tai;
	int64_t tai_offset_ns;
	size_t n;                  /* distinct anchors, sorted by ts */
	struct xt_anchor *anchors;
	char reason[192];          /* why not placeable, when n == 0 and not tai */
};

static int clock_new(const char *name, struct xt_clock **ret)
{
	_cleanup_free_ struct xt_clock *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->name = strdup(name);
	if (!c->name)
		return -ENOMEM;
	*ret = TAKE_PTR(c);
	return 0;
}

int xt_clock_new_tai(int64_t tai_offset_ns, struct xt_clock **ret)
{
	struct xt_clock *c;
	int r;

	r = clock_new("tai", &c);
	if (r < 0)
		return r;
	c->tai = true;
	c->tai_offset_ns = tai_offset_ns;
	*ret = c;
	return 0;
}

static int anchor_cmp(const void *a, const void *b)
{
	const struct xt_anchor *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->tod != y->tod)
		return x->tod < y->tod ? -1 : 1;
	return 0;
}

int xt_clock_new_anchored(const char *trace_clock, const struct xt_anchor *anchors, size_t n,
			  struct xt_clock **ret)
{
	struct xt_clock *c;
	size_t kept = 0;
	int r;

	if (!trace_clock || (n > 0 && !anchors))
		return -EINVAL;
	if (n > SIZE_MAX / sizeof(*anchors))
		return -ENOMEM;
	r = clock_new(trace_clock, &c);
	if (r < 0)
		return r;
	if (n > 0) {
		c->anchors = malloc(n * sizeof(*anchors));
		if (!c->anchors) {
			xt_clock_free(c);
			return -ENOMEM;
		}
		memcpy(c->anchors, anchors, n * sizeof(*anchors));
		qsort(c->anchors, n, sizeof(*anchors), anchor_cmp);
		/* one anchor per ts: a second one would make a vertical segment */
		for (size_t i = 0; i < n; i++)
			if (kept == 0 || c->anchors[i].ts != c->anchors[kept - 1].ts)
				c->anchors[kept++] = c->anchors[i];
	}
	c->n = kept;
	snprintf(c->reason, sizeof(c->reason),
		 "the trace clock '%.32s' has no clock anchors, so its timestamps cannot be placed "
		 "on time of day: record with -t tod",
		 trace_clock);
	*ret = c;
	return 0;
}

void xt_clock_free(struct xt_clock *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->anchors);
	free(c);
}

static uint64_t saturate(i128 v)
{
	if (v < 0)
		return 0;
	if (v > (i128)UINT64_MAX)
		return UINT64_MAX;
	return (uint64_t)v;
}

/* TOD of @ts on the line through anchors @a and @b (a->ts != b->ts). */
static uint64_t on_segment(const struct xt_anchor *a, const struct xt_anchor *b, uint64_t ts)
{
	i128 dts = (i128)ts - (i128)a->ts;
	i128 seg_ts = (i128)b->ts - (i128)a->ts;
	i128 seg_tod = (i128)b->tod - (i128)a->tod;

	return saturate((i128)a->tod + dts * seg_tod / seg_ts);
}

uint64_t xt_clock_to_tod(const struct xt_clock *c, uint64_t ts)
{
	size_t lo, hi;

	if (c->tai)
		return saturate((i128)ts - c->tai_offset_ns);
	if (c->n == 0)
		return ts;
	if (c->n == 1)
		return saturate((i128)c->anchors[0].tod + ((i128)ts - (i128)c->anchors[0].ts));

	/* the segment [lo, lo + 1] with anchors[lo].ts <= ts, clamped to the ends */
	lo = 0;
	hi = c->n - 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->anchors[mid].ts <= ts)
			lo = mid;
		else
			hi = mid;
	}
	return on_segment(&c->anchors[lo], &c->anchors[lo + 1], ts);
}

const char *xt_clock_name(const struct xt_clock *c)
{
	return c->name;
}

bool xt_clock_placeable(const struct xt_clock *c, const char **ret_reason)
{
	if (c->tai || c->n > 0)
		return true;
	if (ret_reason)
		*ret_reason = c->reason;
	return false;
}

uint64_t xt_clock_from_tod(const struct xt_clock *c, uint64_t tod)
{
	uint64_t lo = 0, hi = UINT64_MAX;

	if (c->tai)
		return saturate((i128)tod + c->tai_offset_ns);
	/* the smallest ts whose TOD reaches @tod, the mapping being non-decreasing */
	if (xt_clock_to_tod(c, hi) < tod)
		return hi;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (xt_clock_to_tod(c, mid) < tod)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
