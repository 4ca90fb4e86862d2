/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spike.h - merging a campaign's recordings and describing the spike that
 * ended it (see spike.c). lat_break_parse() is declared in run-params.h.
 */
#ifndef LAT_SPIKE_H
#define LAT_SPIKE_H

#include <stddef.h>

#include "run-params.h"

/*
 * Merges DIR/trace/<system> of every system that has one into DIR/trace/merged
 * (xtrace-multi-merge, each input named after its system; its output in
 * DIR/trace/merge.log). Returns 0 or a negative errno with @why.
 */
int lat_trace_merge(const char *dir, const struct lat_run_params *p, char *why, size_t why_len);

/*
 * Writes DIR/trace/explain.txt (the broken CPU's events in the millisecond
 * before cyclictest's marker, then `xtrace-view --explain`) and DIR/spike
 * for the break @b of system number @system. Returns 0 or a negative errno
 * with @why.
 */
int lat_spike_write(const char *dir, const struct lat_run_params *p, unsigned system,
		    const struct lat_break *b, char *why, size_t why_len);

#endif
