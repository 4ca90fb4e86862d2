/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsd-limit.c - per-VM rate limits: fixed windows of one second of trace
 * time (the records' own timestamps, so that a replay limits exactly as
 * live did). In any window at most @limit lines go out, the report of what
 * an earlier window suppressed included.
 */
#include "gsd.h"

#define WINDOW_NS 1000000000ull

bool gsd_window_allow(struct gsd_window *w, uint64_t ts, uint32_t limit, uint64_t *ret_report)
{
	*ret_report = 0;
	if (ts < w->start || ts - w->start >= WINDOW_NS || (w->start == 0 && w->used == 0)) {
		w->start = ts;
		w->used = 0;
		if (w->suppressed && limit) {
			*ret_report = w->suppressed;
			w->suppressed = 0;
			w->used = 1;
		}
	}
	if (w->used >= limit) {
		w->suppressed++;
		return false;
	}
	w->used++;
	return true;
}
