/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xt-clock.h - the clock model: raw trace timestamp to time of day.
 *
 * TOD is nanoseconds since the Unix epoch, UTC (CLOCK_REALTIME). A dump
 * recorded with the tai trace clock converts by subtracting the stored
 * TAI-UTC offset; any other clock converts through anchor pairs
 * (trace timestamp, CLOCK_REALTIME) by linear interpolation between the two
 * anchors around the timestamp (extrapolation past the ends).
 */
#ifndef XT_CLOCK_H
#define XT_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xt_clock;

struct xt_anchor {
	uint64_t ts;  /* raw trace-clock timestamp */
	uint64_t tod; /* CLOCK_REALTIME ns at that moment */
};

/* A clock whose TOD is ts - @tai_offset_ns (the tai trace clock). Free with xt_clock_free(). */
int xt_clock_new_tai(int64_t tai_offset_ns, struct xt_clock **ret);

/*
 * A clock named @trace_clock placed on TOD by @n anchors (copied; need not
 * be sorted). With n == 0 the clock is not placeable: xt_clock_placeable()
 * says why. Free with xt_clock_free().
 */
int xt_clock_new_anchored(const char *trace_clock, const struct xt_anchor *anchors, size_t n,
			  struct xt_clock **ret);

void xt_clock_free(struct xt_clock *c);

/* Converts a raw timestamp to TOD ns. */
uint64_t xt_clock_to_tod(const struct xt_clock *c, uint64_t ts);

/*
 * The inverse of xt_clock_to_tod(): the smallest raw timestamp whose TOD is
 * at least @tod (UINT64_MAX when none is), for a clock whose TOD never
 * decreases as timestamps grow.
 */
uint64_t xt_clock_from_tod(const struct xt_clock *c, uint64_t tod);

/* The tracefs clock name ("tai", "local", ...). Borrowed. */
const char *xt_clock_name(const struct xt_clock *c);

/*
 * Whether timestamps can be placed on TOD. When not, *ret_reason (if not
 * NULL) points at a borrowed sentence saying why.
 */
bool xt_clock_placeable(const struct xt_clock *c, const char **ret_reason);

#endif
