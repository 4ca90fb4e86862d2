/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats.c - min/avg/max and the 99.9th percentile over a set of threads.
 *
 * The percentile is the smallest latency L such that at least 99.9 % of the
 * samples are at most L, read from the merged histograms. When it falls among
 * the overflows (above the histogram range, where cyclictest keeps no
 * buckets) the exact value is unknown: p99.9 is then reported as the max, an
 * upper bound, and flagged.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cleanup.h"
#include "results.h"

/* Rank of the 99.9th percentile among @samples: ceil(samples * 0.999). */
static uint64_t p999_rank(uint64_t samples)
{
	return samples / 1000 * 999 + (samples % 1000 * 999 + 999) / 1000;
}

static int cmp_bucket(const void *a, const void *b)
{
	uint32_t x = ((const struct lat_bucket *)a)->us, y = ((const struct lat_bucket *)b)->us;

	return x < y ? -1 : x > y;
}

/*
 * The threads' buckets gathered and sorted by latency, then walked: O(N log N)
 * in the number of buckets whatever the number of threads.
 */
static int percentile(const struct lat_thread *const *threads, size_t n, struct lat_stats *st)
{
	_cleanup_free_ struct lat_bucket *all = NULL;
	uint64_t rank = p999_rank(st->samples), seen = 0;
	size_t total = 0, k = 0;

	for (size_t i = 0; i < n; i++)
		total += threads[i]->n_buckets;
	all = calloc(total ? total : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		for (size_t b = 0; b < threads[i]->n_buckets; b++)
			all[k++] = threads[i]->buckets[b];
	qsort(all, total, sizeof(*all), cmp_bucket);
	for (k = 0; k < total; k++) {
		seen += all[k].count;
		if (seen >= rank) {
			st->p999_us = all[k].us;
			return 0;
		}
	}
	st->p999_us = st->max_us;
	st->p999_overflow = true;
	return 0;
}

int lat_stats_compute(const struct lat_thread *const *threads, size_t n, struct lat_stats *ret)
{
	struct lat_stats st = {.min_us = UINT64_MAX};
	double sum = 0;
	int r;

	for (size_t i = 0; i < n; i++) {
		const struct lat_thread *t = threads[i];

		if (!t->cycles)
			continue;
		st.samples += t->cycles;
		st.overflows += t->overflows;
		st.min_us = t->min_us < st.min_us ? t->min_us : st.min_us;
		st.max_us = t->max_us > st.max_us ? t->max_us : st.max_us;
		sum += t->avg_us * (double)t->cycles;
	}
	if (!st.samples)
		return -ENODATA;
	st.avg_us = sum / (double)st.samples;
	r = percentile(threads, n, &st);
	if (r < 0)
		return r;
	*ret = st;
	return 0;
}

/* Stats over the threads of @s: all of them, or those that ran on @cpu. */
static int stats_where(const struct lat_res_system *s, unsigned cpu, bool all,
		       struct lat_stats *ret)
{
	_cleanup_free_ const struct lat_thread **sel = calloc(s->n_threads + 1, sizeof(*sel));
	size_t n = 0;

	if (!sel)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_threads; i++)
		if (all || s->threads[i].cpu == cpu)
			sel[n++] = &s->threads[i];
	return lat_stats_compute(sel, n, ret);
}

int lat_stats_system(const struct lat_res_system *s, struct lat_stats *ret)
{
	return stats_where(s, 0, true, ret);
}

int lat_stats_cpu(const struct lat_res_system *s, unsigned cpu, struct lat_stats *ret)
{
	return stats_where(s, cpu, false, ret);
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

int lat_res_cpus(const struct lat_res_system *s, unsigned **ret_cpus)
{
	unsigned *cpus = calloc(s->n_threads + 1, sizeof(*cpus));
	size_t n = 0;

	if (!cpus)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_threads; i++)
		cpus[i] = s->threads[i].cpu;
	qsort(cpus, s->n_threads, sizeof(*cpus), cmp_unsigned);
	for (size_t i = 0; i < s->n_threads; i++)
		if (n == 0 || cpus[n - 1] != cpus[i])
			cpus[n++] = cpus[i];
	*ret_cpus = cpus;
	return (int)n;
}
