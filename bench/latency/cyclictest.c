/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cyclictest.c - cyclictest's --json document into struct lat_thread: every
 * field checked for type and range, the histogram against the campaign's
 * range and the thread's cycle count.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "results.h"
#include "tool.h"

static int bad(char *why, size_t why_len, const struct lat_json *v, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int bad(char *why, size_t why_len, const struct lat_json *v, const char *fmt, ...)
{
	int n = snprintf(why, why_len, "line %u: ", v ? v->line : 1);
	va_list ap;

	if (n >= 0 && (size_t)n < why_len) {
		va_start(ap, fmt);
		vsnprintf(why + n, why_len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Member @key of thread @t (named @tname) as an integer in [0, max]. */
static int field_u64(const struct lat_json *t, const char *tname, const char *key, uint64_t max,
		     uint64_t *ret, char *why, size_t why_len)
{
	const struct lat_json *v = lat_json_get(t, key);

	if (!v)
		return bad(why, why_len, t, "thread %s has no \"%s\"", tname, key);
	if (lat_json_u64(v, ret) < 0 || *ret > max)
		return bad(why, why_len, v, "thread %s: \"%s\" is not an integer in [0, %llu]",
			   tname, key, (unsigned long long)max);
	return 0;
}

/* Decimal @s (no sign, no leading zeros) in [0, max]. */
static int decimal(const char *s, uint64_t max, uint64_t *ret)
{
	if (s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1]))
		return -EINVAL;
	return tool_parse_u64(s, 0, max, ret);
}

static int read_histogram(const struct lat_json *h, const char *tname, uint64_t histogram_us,
			  struct lat_thread *t, char *why, size_t why_len)
{
	uint64_t total = 0;

	if (!h || h->type != LAT_JSON_OBJECT)
		return bad(why, why_len, h, "thread %s: \"histogram\" is missing or not an object",
			   tname);
	t->buckets = calloc(h->n ? h->n : 1, sizeof(*t->buckets));
	if (!t->buckets)
		return -ENOMEM;
	for (size_t i = 0; i < h->n; i++) {
		const struct lat_json_member *m = &h->members[i];
		uint64_t us, count;

		if (decimal(m->key, UINT32_MAX, &us) < 0 || us >= histogram_us)
			return bad(why, why_len, &m->value,
				   "thread %s: histogram bucket \"%.20s\" is not a latency below "
				   "histogram_us %llu",
				   tname, m->key, (unsigned long long)histogram_us);
		if (i > 0 && us <= t->buckets[i - 1].us)
			return bad(why, why_len, &m->value,
				   "thread %s: histogram bucket %llu out of order or repeated",
				   tname, (unsigned long long)us);
		if (lat_json_u64(&m->value, &count) < 0 || count > t->cycles - total)
			return bad(why, why_len, &m->value,
				   "thread %s: histogram bucket %llu holds more samples than the "
				   "thread's %llu cycles, or not a count",
				   tname, (unsigned long long)us, (unsigned long long)t->cycles);
		total += count;
		t->buckets[t->n_buckets++] = (struct lat_bucket){(uint32_t)us, count};
	}
	t->overflows = t->cycles - total;
	return 0;
}

static int read_thread(const struct lat_json_member *m, uint64_t histogram_us, struct lat_thread *t,
		       char *why, size_t why_len)
{
	const struct lat_json *v = &m->value, *avg;
	uint64_t index, cpu;
	int r;

	if (decimal(m->key, LAT_RES_MAX_THREADS, &index) < 0 || v->type != LAT_JSON_OBJECT)
		return bad(why, why_len, v,
			   "thread \"%.20s\" is not a thread number with an object", m->key);
	t->index = (unsigned)index;
	r = field_u64(v, m->key, "cycles", UINT64_MAX, &t->cycles, why, why_len);
	if (r == 0)
		r = field_u64(v, m->key, "min", UINT32_MAX, &t->min_us, why, why_len);
	if (r == 0)
		r = field_u64(v, m->key, "max", UINT32_MAX, &t->max_us, why, why_len);
	if (r == 0)
		r = field_u64(v, m->key, "cpu", LAT_RES_MAX_CPU, &cpu, why, why_len);
	if (r < 0)
		return r;
	t->cpu = (unsigned)cpu;
	avg = lat_json_get(v, "avg");
	if (!avg || avg->type != LAT_JSON_NUMBER)
		return bad(why, why_len, avg ? avg : v,
			   "thread %s: \"avg\" is missing or not a number", m->key);
	t->avg_us = t->cycles ? avg->number : NAN;
	if (t->cycles && (t->min_us > t->max_us || !isfinite(t->avg_us) || t->avg_us < 0))
		return bad(why, why_len, v, "thread %s: min %llu, avg %g and max %llu do not agree",
			   m->key, (unsigned long long)t->min_us, t->avg_us,
			   (unsigned long long)t->max_us);
	return read_histogram(lat_json_get(v, "histogram"), m->key, histogram_us, t, why, why_len);
}

static int read_threads(const struct lat_json *root, uint64_t histogram_us,
			struct lat_res_system *s, char *why, size_t why_len)
{
	const struct lat_json *threads = lat_json_get(root, "thread");
	const struct lat_json *num = lat_json_get(root, "num_threads");
	uint64_t n;
	int r;

	if (!threads || threads->type != LAT_JSON_OBJECT)
		return bad(why, why_len, threads ? threads : root,
			   "no \"thread\" object (is this cyclictest --json output?)");
	if (threads->n == 0 || threads->n > LAT_RES_MAX_THREADS)
		return bad(why, why_len, threads, "%zu threads (expected 1 to %u)", threads->n,
			   LAT_RES_MAX_THREADS);
	if (num && (lat_json_u64(num, &n) < 0 || n != threads->n))
		return bad(why, why_len, num, "\"num_threads\" does not match the %zu threads",
			   threads->n);
	s->threads = calloc(threads->n, sizeof(*s->threads));
	if (!s->threads)
		return -ENOMEM;
	for (size_t i = 0; i < threads->n; i++) {
		s->n_threads++;
		r = read_thread(&threads->members[i], histogram_us, &s->threads[i], why, why_len);
		if (r < 0)
			return r;
	}
	return 0;
}

int lat_cyclictest_parse(const char *text, size_t len, uint64_t histogram_us,
			 struct lat_res_system *s, char *why, size_t why_len)
{
	_cleanup_(lat_json_freep) struct lat_json *root = NULL;
	int r;

	r = lat_json_parse(text, len, LAT_JSON_ALLOW_NAN, &root, why, why_len);
	if (r < 0)
		return r;
	if (root->type != LAT_JSON_OBJECT)
		return bad(why, why_len, root, "the document is %s, not an object",
			   lat_json_type_name(root->type));
	return read_threads(root, histogram_us, s, why, why_len);
}
