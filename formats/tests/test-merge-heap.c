/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The k-way merge: order, ties, empty and failing streams, ownership. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "xtrace.h"

struct array_stream {
	struct xt_stream base;
	const uint64_t *tods;
	unsigned n, pos;
	uint32_t system, cpu;
	int fail_at; /* position at which next() fails, -1 never */
	unsigned *freed;
};

static int array_next(struct xt_stream *base, struct xt_event *ret)
{
	struct array_stream *s = (struct array_stream *)base;

	if ((int)s->pos == s->fail_at)
		return -EIO;
	if (s->pos == s->n)
		return 0;
	*ret = (struct xt_event){
		.tod = s->tods[s->pos],
		.ts = s->pos, /* position within the stream, to check stability */
		.system = s->system,
		.cpu = s->cpu,
	};
	s->pos++;
	return 1;
}

static void array_free(struct xt_stream *base)
{
	struct array_stream *s = (struct array_stream *)base;

	(*s->freed)++;
	free(s);
}

static const struct xt_stream_ops array_ops = { .next = array_next, .free = array_free };

static struct xt_stream *array_stream(const uint64_t *tods, unsigned n, uint32_t system,
				      uint32_t cpu, unsigned *freed)
{
	struct array_stream *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	*s = (struct array_stream){ { &array_ops }, tods, n, 0, system, cpu, -1, freed };
	return &s->base;
}

static void merges_in_tod_then_system_then_cpu_order(void **state)
{
	static const uint64_t a[] = { 1, 5, 5, 9 }, b[] = { 2, 5, 8 }, c[] = { 5, 10 };
	unsigned freed = 0;
	struct xt_stream *streams[] = {
		array_stream(a, 4, 1, 0, &freed),
		array_stream(b, 3, 0, 3, &freed),
		array_stream(c, 2, 0, 1, &freed),
	};
	struct xt_merge *m;
	struct xt_event ev;
	const struct {
		uint64_t tod;
		uint32_t system, cpu;
		uint64_t pos;
	} want[] = {
		{ 1, 1, 0, 0 }, { 2, 0, 3, 0 }, { 5, 0, 1, 0 }, { 5, 0, 3, 1 }, { 5, 1, 0, 1 },
		{ 5, 1, 0, 2 }, { 8, 0, 3, 2 }, { 9, 1, 0, 3 }, { 10, 0, 1, 1 },
	};

	assert_int_equal(xt_merge_new(streams, 3, &m), 0);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(xt_merge_next(m, &ev), 1);
		assert_int_equal(ev.tod, want[i].tod);
		assert_int_equal(ev.system, want[i].system);
		assert_int_equal(ev.cpu, want[i].cpu);
		assert_int_equal(ev.ts, want[i].pos);
	}
	assert_int_equal(xt_merge_next(m, &ev), 0);
	assert_int_equal(xt_merge_next(m, &ev), 0);
	xt_merge_free(m);
	assert_int_equal(freed, 3);
}

static void many_streams_match_a_sort(void **state)
{
	enum { STREAMS = 37, PER = 200 };
	static uint64_t tods[STREAMS][PER];
	struct xt_stream *streams[STREAMS];
	unsigned freed = 0, seed = 12345, got = 0;
	uint64_t last = 0;
	struct xt_merge *m;
	struct xt_event ev;

	for (unsigned s = 0; s < STREAMS; s++) {
		uint64_t t = 0;

		for (unsigned i = 0; i < PER; i++) {
			seed = seed * 1103515245u + 12345u;
			t += (seed >> 16) % 50;
			tods[s][i] = t;
		}
		/* Some streams are empty. */
		streams[s] = array_stream(tods[s], s % 7 == 3 ? 0 : PER, 0, s, &freed);
	}
	assert_int_equal(xt_merge_new(streams, STREAMS, &m), 0);
	while (xt_merge_next(m, &ev) == 1) {
		assert_true(ev.tod >= last);
		assert_int_equal(ev.tod, tods[ev.cpu][ev.ts]);
		last = ev.tod;
		got++;
	}
	assert_int_equal(got, (STREAMS - 5) * PER);
	xt_merge_free(m);
	assert_int_equal(freed, STREAMS);
}

static void failing_stream_error_reaches_caller(void **state)
{
	static const uint64_t a[] = { 1, 2, 3 }, b[] = { 4 };
	unsigned freed = 0;
	struct xt_stream *streams[] = {
		array_stream(a, 3, 0, 0, &freed),
		array_stream(b, 1, 0, 1, &freed),
	};
	struct xt_merge *m;
	struct xt_event ev;

	((struct array_stream *)streams[0])->fail_at = 2;
	assert_int_equal(xt_merge_new(streams, 2, &m), 0);
	assert_int_equal(xt_merge_next(m, &ev), 1);
	assert_int_equal(xt_merge_next(m, &ev), 1);
	assert_int_equal(xt_merge_next(m, &ev), -EIO);
	xt_merge_free(m);
	assert_int_equal(freed, 2);
}

static void failure_at_start_frees_every_stream(void **state)
{
	static const uint64_t a[] = { 1 };
	unsigned freed = 0;
	struct xt_stream *streams[] = {
		array_stream(a, 1, 0, 0, &freed),
		array_stream(a, 1, 0, 1, &freed),
	};
	struct xt_merge *m = NULL;

	((struct array_stream *)streams[1])->fail_at = 0;
	assert_int_equal(xt_merge_new(streams, 2, &m), -EIO);
	assert_null(m);
	assert_int_equal(freed, 2);
}

/* System and CPU numbers beyond the packed key's range still merge by TOD, deterministically. */
static void huge_system_and_cpu_numbers_keep_tod_order(void **state)
{
	static const uint64_t a[] = { 5, 7 }, b[] = { 5, 6 };
	unsigned freed = 0;
	struct xt_stream *streams[] = {
		array_stream(a, 2, UINT32_MAX, UINT32_MAX, &freed),
		array_stream(b, 2, UINT32_MAX - 1, 3u << 21, &freed),
	};
	static const uint64_t want_tod[] = { 5, 5, 6, 7 };
	static const uint32_t want_cpu[] = { UINT32_MAX, 3u << 21, 3u << 21, UINT32_MAX };
	struct xt_merge *m;
	struct xt_event ev;

	assert_int_equal(xt_merge_new(streams, 2, &m), 0);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(xt_merge_next(m, &ev), 1);
		assert_int_equal(ev.tod, want_tod[i]);
		assert_int_equal(ev.cpu, want_cpu[i]);
	}
	assert_int_equal(xt_merge_next(m, &ev), 0);
	xt_merge_free(m);
}

static void no_streams_is_an_empty_merge(void **state)
{
	struct xt_merge *m;
	struct xt_event ev;

	assert_int_equal(xt_merge_new(NULL, 0, &m), 0);
	assert_int_equal(xt_merge_next(m, &ev), 0);
	xt_merge_free(m);
	xt_merge_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merges_in_tod_then_system_then_cpu_order),
		cmocka_unit_test(many_streams_match_a_sort),
		cmocka_unit_test(failing_stream_error_reaches_caller),
		cmocka_unit_test(failure_at_start_frees_every_stream),
		cmocka_unit_test(huge_system_and_cpu_numbers_keep_tod_order),
		cmocka_unit_test(no_streams_is_an_empty_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
