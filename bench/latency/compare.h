/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compare.h - verdicts of a results directory against a baseline: per system
 * and per CPU, on max, p99.9 (from the histograms) and avg.
 *
 * A check regresses when NEW > BASE + limit, the limit being a percentage of
 * BASE or a number of microseconds. A p99.9 above the histogram range is
 * taken as the max (an upper bound, see results.h) and the check says so.
 */
#ifndef LAT_COMPARE_H
#define LAT_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct lat_results;

enum lat_metric { LAT_METRIC_MAX, LAT_METRIC_P999, LAT_METRIC_AVG, LAT_METRIC_COUNT };

struct lat_limit {
	bool absolute; /* value in microseconds; otherwise a percentage of the baseline */
	double value;
};

/* Defaults: max 25 %, p99.9 10 %, avg 10 %. */
#define LAT_DEFAULT_LIMITS                                                                         \
	{                                                                                          \
		{false, 25}, {false, 10},                                                          \
		{                                                                                  \
			false, 10                                                                  \
		}                                                                                  \
	}

/*
 * Parses "PCT", "PCT%" or "USus" (a decimal number in [0, 1000000]).
 * Returns 0 and *ret, or -EINVAL.
 */
int lat_limit_parse(const char *s, struct lat_limit *ret);

struct lat_check {
	char *system;
	int cpu; /* -1: all CPUs of the system */
	enum lat_metric metric;
	double base_us, new_us, limit_us;
	bool above_histogram; /* p99.9 taken as the max on either side */
	bool regressed;
};

struct lat_comparison {
	size_t n_checks;
	struct lat_check *checks;
	size_t n_regressed;
	size_t n_notes;
	char **notes; /* things a reader should know that do not fail the run */
};

/*
 * Compares @cur with @base under @limits (LAT_METRIC_COUNT entries). Every
 * system and CPU of the baseline must be in @cur with samples; otherwise
 * -EINVAL and @why names the directory, system or CPU at fault. Returns 0
 * and *ret (free with lat_comparison_free()), -EINVAL or -ENOMEM.
 */
int lat_compare(const struct lat_results *base, const struct lat_results *cur,
		const struct lat_limit *limits, struct lat_comparison **ret, char *why,
		size_t why_len);
void lat_comparison_free(struct lat_comparison *c);

/* "max", "p99.9" or "avg". */
const char *lat_metric_name(enum lat_metric m);

/* The comparison as a text table, a JSON object, or JUnit XML (one testcase
 * per check, a <failure> for each regression). Return 0 or -EIO. */
int lat_compare_text(FILE *f, const struct lat_comparison *c, const char *base, const char *cur);
int lat_compare_json(FILE *f, const struct lat_comparison *c, const char *base, const char *cur);
int lat_compare_junit(FILE *f, const struct lat_comparison *c, const char *base, const char *cur);

#endif
