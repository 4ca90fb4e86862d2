/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * results.h - a kvmrt-latency results directory in memory, and the latency
 * statistics drawn from it (kvmrt-latency(1), RESULTS DIRECTORY):
 *
 *   DIR/campaign                 key = value: version = 1, started, duration_s,
 *                                interval_us, priority, histogram_us, load,
 *                                break_us, systems (space-separated, in order)
 *   DIR/<system>/cyclictest.json cyclictest --json output, as written
 *   DIR/<system>/facts           key = value: target, hostname, kernel,
 *                                kernel_version, cmdline, cpus, policy
 *                                (fifo|other), rt_note, exit_status
 *   DIR/<system>/command         the command line that ran
 *   DIR/spike                    only after a --break spike: system, cpu,
 *                                thread, latency_us, dump, merged, explain
 *
 * Histograms: cyclictest's bucket K counts latencies of K microseconds
 * (truncated); samples at or above histogram_us land in no bucket. Those
 * overflows are counted as cycles minus the samples in the buckets, and lie
 * between histogram_us and the thread's max.
 */
#ifndef LAT_RESULTS_H
#define LAT_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cleanup.h"

#define LAT_RES_MAX_SYSTEMS 64
#define LAT_RES_MAX_THREADS 4096
#define LAT_RES_MAX_HISTOGRAM_US 1000000u
#define LAT_RES_MAX_CPU 65535u
#define LAT_RES_MAX_NAME 64

struct lat_bucket {
	uint32_t us;
	uint64_t count;
};

struct lat_thread {
	unsigned index; /* cyclictest's thread number */
	unsigned cpu;
	uint64_t cycles;
	uint64_t min_us;
	uint64_t max_us;
	double avg_us; /* NaN when cycles is 0 */
	uint64_t overflows;
	size_t n_buckets; /* non-empty buckets, in increasing latency */
	struct lat_bucket *buckets;
};

struct lat_res_system {
	char *name;
	char *policy;  /* "fifo", "other" or "unknown" (no policy in facts) */
	char *rt_note; /* NULL when none */
	char *kernel;  /* NULL when unknown */
	char *target;  /* NULL when unknown */
	char *missing; /* LAT_RESULTS_PARTIAL: why there are no results, else NULL */
	size_t n_threads;
	struct lat_thread *threads; /* in cyclictest's thread order */
};

struct lat_campaign {
	char *started;					      /* as written, NULL when absent */
	char *load;					      /* as written, NULL when absent */
	uint64_t duration_s, interval_us, priority, break_us; /* 0 when absent */
	uint64_t histogram_us;
};

struct lat_spike {
	char *system;
	uint64_t cpu, thread, latency_us;
	char *dump, *merged, *explain; /* relative to the directory; may be NULL */
};

struct lat_results {
	char *dir;
	struct lat_campaign campaign;
	size_t n_systems;
	struct lat_res_system *systems; /* in the campaign's order */
	struct lat_spike *spike;	/* NULL when no spike file */
};

/* lat_results_load() flag: a system without cyclictest.json or facts (a
 * guest that could not be measured) is kept, with no threads and ->missing
 * saying what is absent, instead of failing the load. */
#define LAT_RESULTS_PARTIAL 0x1u

/*
 * Reads the results directory @dir (@flags: LAT_RESULTS_*). On failure @why names the file and what
 * is wrong ("DIR/host/cyclictest.json: line 3 column 1: ..."). Returns 0 and
 * *ret (free with lat_results_free()), or -ENOENT (a file is missing),
 * -EINVAL (a file is corrupt), -E2BIG, -ENOMEM or another I/O errno.
 */
int lat_results_load(const char *dir, unsigned flags, struct lat_results **ret, char *why,
		     size_t why_len);
void lat_results_free(struct lat_results *r);
DEFINE_POINTER_CLEANUP(struct lat_results, lat_results_free)

/* The system named @name (borrowed), or NULL. */
const struct lat_res_system *lat_results_system(const struct lat_results *r, const char *name);

/* True when the system measured with SCHED_FIFO. */
bool lat_res_real_time(const struct lat_res_system *s);

/*
 * Parses one cyclictest --json document (@text, @len bytes) whose histogram
 * range is @histogram_us, filling @s's threads. @why says what is wrong
 * (without the file name). Returns 0 or a negative errno.
 */
int lat_cyclictest_parse(const char *text, size_t len, uint64_t histogram_us,
			 struct lat_res_system *s, char *why, size_t why_len);

struct lat_stats {
	uint64_t samples;
	uint64_t overflows;
	uint64_t min_us, max_us;
	double avg_us;	    /* sample-weighted; NaN when samples is 0 */
	uint64_t p999_us;   /* 99.9th percentile from the histograms */
	bool p999_overflow; /* the percentile lies above the histogram: p999_us is max_us */
};

/*
 * Statistics over @n threads taken together (one CPU, or a whole system):
 * min/max over the threads, avg weighted by cycles, p99.9 from the merged
 * histograms. Returns 0, or -ENODATA when the threads hold no samples.
 */
int lat_stats_compute(const struct lat_thread *const *threads, size_t n, struct lat_stats *ret);

/* As lat_stats_compute() over every thread of @s. */
int lat_stats_system(const struct lat_res_system *s, struct lat_stats *ret);

/*
 * The sorted distinct CPUs of @s's threads in *ret_cpus (free() it); the
 * count is returned, or -ENOMEM.
 */
int lat_res_cpus(const struct lat_res_system *s, unsigned **ret_cpus);

/* As lat_stats_compute() over the threads of @s that ran on @cpu. */
int lat_stats_cpu(const struct lat_res_system *s, unsigned cpu, struct lat_stats *ret);

#endif
