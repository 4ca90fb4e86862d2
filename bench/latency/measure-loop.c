/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * measure-loop.c - the measuring threads of `kvmrt-latency measure`: each
 * pinned to its CPU, sleeping with clock_nanosleep(TIMER_ABSTIME) on
 * CLOCK_MONOTONIC to the next planned wake-up, one interval after the last;
 * the latency is how late it woke. A wake-up later than the next planned one
 * skips the missed periods (as cyclictest does).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "measure.h"

#define NSEC_PER_SEC 1000000000ull

struct worker {
	pthread_t tid;
	bool started;
	uint64_t interval_ns, end_ns; /* end_ns: CLOCK_MONOTONIC */
	atomic_bool *stop;
	struct lat_measure_thread *t;
	uint64_t histogram_us;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void record(struct lat_measure_thread *t, uint64_t histogram_us, uint64_t late_ns)
{
	uint64_t us = late_ns / 1000;

	if (t->cycles == 0 || us < t->min_us)
		t->min_us = us;
	if (us > t->max_us)
		t->max_us = us;
	t->sum_us += us;
	t->cycles++;
	if (us < histogram_us)
		t->histogram[us]++;
	else
		t->overflows++;
}

static int pin(unsigned cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t next, now;
	struct timespec ts;
	int r;

	w->t->error = pin(w->t->cpu);
	if (w->t->error < 0)
		return NULL;
	next = mono_ns() + w->interval_ns;
	while (!atomic_load(w->stop) && next <= w->end_ns) {
		ts.tv_sec = (time_t)(next / NSEC_PER_SEC);
		ts.tv_nsec = (long)(next % NSEC_PER_SEC);
		r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (r == EINTR)
			continue;
		if (r != 0) {
			w->t->error = -r;
			return NULL;
		}
		now = mono_ns();
		record(w->t, w->histogram_us, now > next ? now - next : 0);
		next += w->interval_ns;
		while (next <= now)
			next += w->interval_ns;
	}
	return NULL;
}

static void wall_time(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, len, "%a, %d %b %Y %T +0000", &tm) == 0)
		buf[0] = '\0';
}

/* Sleeps until @end_ns (CLOCK_MONOTONIC) or one of @sigs arrives. */
static void wait_end(uint64_t end_ns, const sigset_t *sigs)
{
	uint64_t now;

	while ((now = mono_ns()) < end_ns) {
		uint64_t left = end_ns - now;
		struct timespec ts = { (time_t)(left / NSEC_PER_SEC), (long)(left % NSEC_PER_SEC) };

		if (!sigs)
			nanosleep(&ts, NULL);
		else if (sigtimedwait(sigs, NULL, &ts) > 0)
			return;
	}
}

void lat_measure_result_done(struct lat_measure_result *r)
{
	for (unsigned i = 0; r->threads && i < r->nr_threads; i++)
		free(r->threads[i].histogram);
	free(r->threads);
	r->threads = NULL;
	r->nr_threads = 0;
}

static int start_workers(struct worker *w, struct lat_measure_result *res, const unsigned *cpus,
			 const struct lat_measure_params *p, atomic_bool *stop)
{
	uint64_t end = mono_ns() + p->duration_s * NSEC_PER_SEC;

	for (unsigned i = 0; i < res->nr_threads; i++) {
		res->threads[i].cpu = cpus[i];
		res->threads[i].histogram = calloc(p->histogram_us, sizeof(uint64_t));
		if (!res->threads[i].histogram)
			return -ENOMEM;
		w[i] = (struct worker){ .interval_ns = p->interval_us * 1000, .end_ns = end,
					.stop = stop, .t = &res->threads[i],
					.histogram_us = p->histogram_us };
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
			return -EAGAIN;
		w[i].started = true;
	}
	return 0;
}

int lat_measure_run(const struct lat_measure_params *p, const unsigned *cpus, unsigned nr,
		    const sigset_t *sigs, struct lat_measure_result *ret)
{
	struct lat_measure_result res = { .nr_threads = nr, .histogram_us = p->histogram_us };
	atomic_bool stop = false;
	struct worker *w = calloc(nr, sizeof(*w));
	int r = -ENOMEM;

	res.threads = calloc(nr, sizeof(*res.threads));
	if (!w || !res.threads)
		goto out;
	wall_time(res.start_time, sizeof(res.start_time));
	r = start_workers(w, &res, cpus, p, &stop);
	if (r == 0)
		wait_end(w[0].end_ns + NSEC_PER_SEC / 10, sigs);
	atomic_store(&stop, true);
	for (unsigned i = 0; i < nr; i++)
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
	for (unsigned i = 0; r == 0 && i < nr; i++)
		r = res.threads[i].error;
	wall_time(res.end_time, sizeof(res.end_time));
out:
	free(w);
	if (r < 0) {
		lat_measure_result_done(&res);
		return r;
	}
	*ret = res;
	return 0;
}
