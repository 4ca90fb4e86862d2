/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * measure.h - `kvmrt-latency measure`: the fallback measurer of a system that
 * refuses SCHED_FIFO (cyclictest 2.4 cannot measure there, even with
 * --policy other). A SCHED_OTHER loop like cyclictest's core: one thread per
 * measured CPU, pinned, sleeping to absolute CLOCK_MONOTONIC deadlines; the
 * latency is the wake-up time less the planned one. Its results are written
 * in cyclictest's --json layout, marked "measured_by", so that report and
 * compare read them unchanged. NOT real-time numbers.
 *
 *   measure.c       the command line (pure), the JSON document, the main
 *   measure-loop.c  the measuring threads
 */
#ifndef LAT_MEASURE_H
#define LAT_MEASURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LAT_MEASURE_MAX_THREADS 1024
#define LAT_MEASURE_MAX_HISTOGRAM_US 1000000

struct lat_measure_params {
	uint64_t interval_us;	/* -i */
	uint64_t histogram_us;	/* -h: 1-us buckets [0, h), above: overflows */
	uint64_t duration_s;	/* -D */
	const char *cpus;	/* -a LIST, NULL: the CPUs this process may run on */
	uint64_t nr_threads;	/* -t, 0: one per CPU of the list */
	const char *json;	/* --json FILE (required) */
	bool quiet;		/* -q: no per-thread lines on stdout */
	bool help, version;
};

/* One measuring thread's results. */
struct lat_measure_thread {
	unsigned cpu;
	uint64_t cycles;
	uint64_t min_us, max_us;
	uint64_t sum_us;
	uint64_t overflows;	/* latencies >= histogram_us */
	uint64_t *histogram;	/* histogram_us buckets */
	int error;		/* negative errno when the thread could not run */
};

struct lat_measure_result {
	unsigned nr_threads;
	struct lat_measure_thread *threads;
	uint64_t histogram_us;
	char start_time[64], end_time[64];
};

/*
 * Fills @p from @argv (argv[0] is "measure"). Pure: prints nothing. Returns 0,
 * or -EINVAL with @why naming the option or value at fault.
 */
int lat_measure_parse_args(int argc, char **argv, struct lat_measure_params *p, char *why,
			   size_t why_len);
void lat_measure_usage(FILE *out);

/*
 * The CPU of each thread into @ret_cpus (@p->nr_threads entries, or as many as
 * the list has CPUs when it is 0): thread i runs on the i-th CPU of the list,
 * round robin. Returns the thread count or -EINVAL (@why).
 */
int lat_measure_plan(const struct lat_measure_params *p, unsigned **ret_cpus, char *why,
		     size_t why_len);

/*
 * Measures on @nr threads pinned to @cpus until the duration ends or one of
 * @sigs (blocked by the caller, may be NULL) arrives. Returns 0 and *@ret
 * (free with lat_measure_result_done()), or a negative errno.
 */
int lat_measure_run(const struct lat_measure_params *p, const unsigned *cpus, unsigned nr,
		    const sigset_t *sigs, struct lat_measure_result *ret);
void lat_measure_result_done(struct lat_measure_result *r);

/* Writes @r as cyclictest's --json document; @argv is the command line. */
int lat_measure_write_json(FILE *f, const struct lat_measure_result *r, int argc, char **argv);

/* `kvmrt-latency measure`. */
int lat_measure_main(int argc, char **argv);

#endif
