/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.h - the campaign table (system, samples, min/avg/max/p99.9 us,
 * overflows, policy) as text and JSON, and the summary files of a results
 * directory.
 */
#ifndef LAT_REPORT_H
#define LAT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct lat_results;

/*
 * Prints the table of @r to @f: one row per system, and with @per_cpu one
 * more per measured CPU; footnotes for SCHED_OTHER systems, percentiles above
 * the histogram range and the spike. Returns 0 or -EIO (write error).
 */
int lat_report_text(FILE *f, const struct lat_results *r, bool per_cpu);

/* The same content (per-CPU rows always included) as one JSON object. */
int lat_report_json(FILE *f, const struct lat_results *r);

/*
 * Reads the results directory @dir and writes DIR/summary.txt (the text
 * table with per-CPU rows) and DIR/summary.json, each replaced atomically.
 * On failure @why names the file and the problem. Returns 0 or a negative
 * errno (those of lat_results_load(), or the write's).
 */
int lat_report_write_summary(const char *dir, char *why, size_t why_len);

#endif
