/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-page-encode.c - pages built by xt_page_builder decode with
 * libtraceevent's kbuffer (the decoder every reader uses) to the same
 * bytes, timestamps and lost-event marks that were put in.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <traceevent/kbuffer.h>

#include "cleanup.h"
#include "xtrace.h"

#define PAGE_SIZE_TEST 4096u
#define MAX_EVENTS 1024u

struct fixture {
	struct xt_page_builder *b;
	struct kbuffer *kbuf;
	uint8_t copy[PAGE_SIZE_TEST]; /* kbuffer wants a writable page */
};

struct decoded {
	unsigned n;
	int missed;
	uint64_t ts[MAX_EVENTS];
	const uint8_t *data[MAX_EVENTS];
	int size[MAX_EVENTS];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(xt_page_builder_new(PAGE_SIZE_TEST, &f->b), 0);
	f->kbuf = kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE);
	assert_non_null(f->kbuf);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kbuffer_free(f->kbuf);
	xt_page_builder_free(f->b);
	free(f);
	return 0;
}

/* Decodes the builder's page with kbuffer into @d (pointers into f->copy). */
static void decode(struct fixture *f, struct decoded *d)
{
	unsigned long long ts;
	void *ev;

	memcpy(f->copy, xt_page_builder_page(f->b), PAGE_SIZE_TEST);
	assert_int_equal(kbuffer_load_subbuffer(f->kbuf, f->copy), 0);
	memset(d, 0, sizeof(*d));
	d->missed = kbuffer_missed_events(f->kbuf);
	for (ev = kbuffer_read_event(f->kbuf, &ts); ev; ev = kbuffer_next_event(f->kbuf, &ts)) {
		assert_true(d->n < MAX_EVENTS);
		d->ts[d->n] = ts;
		d->data[d->n] = ev;
		d->size[d->n] = kbuffer_event_size(f->kbuf);
		d->n++;
	}
}

static void fill_pattern(uint8_t *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 31u + i * 7u + 1u);
}

/* Adds an event of @len pattern bytes and remembers what went in. */
static int add_event(struct fixture *f, uint64_t ts, size_t len, unsigned seed)
{
	uint8_t buf[PAGE_SIZE_TEST];

	fill_pattern(buf, len, seed);
	return xt_page_builder_add(f->b, ts, buf, len);
}

static void assert_event(const struct decoded *d, unsigned i, uint64_t ts, size_t len,
			 unsigned seed)
{
	uint8_t buf[PAGE_SIZE_TEST];

	fill_pattern(buf, len, seed);
	assert_true(i < d->n);
	assert_int_equal(d->ts[i], ts);
	assert_int_equal(d->size[i], (int)((len + 3u) & ~(size_t)3u));
	assert_memory_equal(d->data[i], buf, len);
}

static void test_small_events(void **state)
{
	static const size_t sizes[] = { 1, 4, 8, 13, 24, 111, 112 };
	struct fixture *f = *state;
	struct decoded d;
	uint64_t ts = 1000000000ull;

	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++)
		assert_int_equal(add_event(f, ts + i * 1000u, sizes[i], i), 0);
	assert_int_equal(xt_page_builder_count(f->b), ARRAY_SIZE(sizes));
	assert_int_equal(xt_page_builder_first_ts(f->b), ts);
	assert_int_equal(xt_page_builder_last_ts(f->b), ts + (ARRAY_SIZE(sizes) - 1) * 1000u);

	decode(f, &d);
	assert_int_equal(d.n, ARRAY_SIZE(sizes));
	assert_int_equal(d.missed, 0);
	assert_int_equal(kbuffer_subbuf_timestamp(f->kbuf, f->copy), ts);
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++)
		assert_event(&d, i, ts + i * 1000u, sizes[i], i);
}

static void test_big_events(void **state)
{
	static const size_t sizes[] = { 113, 116, 500, 1001, 2000 };
	struct fixture *f = *state;
	struct decoded d;

	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++)
		assert_int_equal(add_event(f, 5000u + i, sizes[i], i + 10u), 0);
	decode(f, &d);
	assert_int_equal(d.n, ARRAY_SIZE(sizes));
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++)
		assert_event(&d, i, 5000u + i, sizes[i], i + 10u);
}

static void test_largest_event_fills_page(void **state)
{
	struct fixture *f = *state;
	size_t len = PAGE_SIZE_TEST - XT_PAGE_HEADER_SIZE - 8u;
	struct decoded d;

	assert_int_equal(add_event(f, 77, len, 3), 0);
	assert_int_equal(add_event(f, 78, 4, 4), -ENOSPC);
	decode(f, &d);
	assert_int_equal(d.n, 1);
	assert_event(&d, 0, 77, len, 3);
	assert_int_equal(add_event(f, 1, len + 1u, 3), -EINVAL);
}

static void test_time_extend(void **state)
{
	static const uint64_t gaps[] = {
		0, (1ull << 27) - 1, 1ull << 27, 123456789012ull, (1ull << 59) - 1, 5,
	};
	struct fixture *f = *state;
	uint64_t ts[ARRAY_SIZE(gaps)];
	uint64_t t = 42;
	struct decoded d;

	for (unsigned i = 0; i < ARRAY_SIZE(gaps); i++) {
		t += gaps[i];
		ts[i] = t;
		assert_int_equal(add_event(f, t, 16, i), 0);
	}
	decode(f, &d);
	assert_int_equal(d.n, ARRAY_SIZE(gaps));
	for (unsigned i = 0; i < ARRAY_SIZE(gaps); i++)
		assert_event(&d, i, ts[i], 16, i);
}

static void test_gap_beyond_extend_needs_new_page(void **state)
{
	struct fixture *f = *state;
	uint64_t far = 100 + (1ull << 59);
	struct decoded d;

	assert_int_equal(add_event(f, 100, 16, 1), 0);
	assert_int_equal(add_event(f, far, 16, 2), -ENOSPC);
	decode(f, &d);
	assert_int_equal(d.n, 1);

	xt_page_builder_reset(f->b);
	assert_int_equal(add_event(f, far, 16, 2), 0);
	decode(f, &d);
	assert_int_equal(d.n, 1);
	assert_event(&d, 0, far, 16, 2);
}

static void test_full_page_then_reset(void **state)
{
	struct fixture *f = *state;
	unsigned n = 0;
	struct decoded d;
	int r;

	while ((r = add_event(f, 1000u + n * 10u, 100, n)) == 0)
		n++;
	assert_int_equal(r, -ENOSPC);
	/* 104-byte records in 4080 bytes of data */
	assert_int_equal(n, (PAGE_SIZE_TEST - XT_PAGE_HEADER_SIZE) / 104u);
	assert_int_equal(xt_page_builder_count(f->b), n);
	/* once closed, even a small event waits for the next page */
	assert_int_equal(add_event(f, 1000u + n * 10u, 4, 0), -ENOSPC);

	decode(f, &d);
	assert_int_equal(d.n, n);
	/* the padding record makes the commit cover the whole page, as the kernel's */
	assert_int_equal(kbuffer_subbuffer_size(f->kbuf), PAGE_SIZE_TEST - XT_PAGE_HEADER_SIZE);
	for (unsigned i = 0; i < n; i++)
		assert_event(&d, i, 1000u + i * 10u, 100, i);

	xt_page_builder_reset(f->b);
	assert_int_equal(xt_page_builder_count(f->b), 0);
	assert_int_equal(xt_page_builder_first_ts(f->b), 0);
	assert_int_equal(add_event(f, 1000u + n * 10u, 100, n), 0);
	decode(f, &d);
	assert_int_equal(d.n, 1);
	assert_event(&d, 0, 1000u + n * 10u, 100, n);
}

static void test_page_zero_filled_past_commit(void **state)
{
	struct fixture *f = *state;
	const uint8_t *page;

	assert_int_equal(add_event(f, 9, 10, 1), 0);
	page = xt_page_builder_page(f->b);
	/* 16 header + 4 event header + 12 payload */
	for (size_t i = 32; i < PAGE_SIZE_TEST; i++)
		assert_int_equal(page[i], 0);
}

static void test_missed_events(void **state)
{
	struct fixture *f = *state;
	struct decoded d;

	assert_int_equal(add_event(f, 10, 8, 1), 0);
	assert_int_equal(add_event(f, 20, 8, 2), 0);
	xt_page_builder_set_missed(f->b, 1234);
	decode(f, &d);
	assert_int_equal(d.missed, 1234);
	assert_int_equal(d.n, 2);
	assert_event(&d, 1, 20, 8, 2);

	xt_page_builder_set_missed(f->b, XT_LOST_UNKNOWN);
	decode(f, &d);
	assert_int_equal(d.missed, -1);
	assert_int_equal(d.n, 2);

	xt_page_builder_set_missed(f->b, 0);
	decode(f, &d);
	assert_int_equal(d.missed, 0);

	xt_page_builder_reset(f->b);
	assert_int_equal(add_event(f, 30, 8, 3), 0);
	decode(f, &d);
	assert_int_equal(d.missed, 0);
}

static void test_missed_count_on_full_page_is_unknown(void **state)
{
	struct fixture *f = *state;
	unsigned n = 0;
	struct decoded d;

	while (add_event(f, n, 100, n) == 0)
		n++;
	xt_page_builder_set_missed(f->b, 7);
	decode(f, &d);
	/* no room after the data for the count: flagged only, as the kernel does */
	assert_int_equal(d.missed, -1);
	assert_int_equal(d.n, n);
}

static void test_rejects_bad_input(void **state)
{
	struct fixture *f = *state;
	struct xt_page_builder *b = NULL;
	uint8_t byte = 1;

	assert_int_equal(add_event(f, 500, 8, 1), 0);
	assert_int_equal(add_event(f, 499, 8, 2), -EINVAL);
	assert_int_equal(add_event(f, 500, 8, 3), 0);
	assert_int_equal(xt_page_builder_add(f->b, 600, &byte, 0), -EINVAL);
	assert_int_equal(xt_page_builder_add(f->b, 600, NULL, 4), -EINVAL);
	assert_int_equal(xt_page_builder_count(f->b), 2);

	assert_int_equal(xt_page_builder_new(0, &b), -EINVAL);
	assert_int_equal(xt_page_builder_new(4095, &b), -EINVAL);
	assert_int_equal(xt_page_builder_new(SIZE_MAX, &b), -EINVAL);
	assert_null(b);
	xt_page_builder_free(NULL);
}

/* Many pages of random sizes and gaps, each decoded back in full. */
static void test_random_round_trip(void **state)
{
	struct fixture *f = *state;
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	uint64_t ts[MAX_EVENTS];
	size_t len[MAX_EVENTS];
	uint64_t t = 1ull << 40;
	struct decoded d;

	for (unsigned page = 0; page < 200; page++) {
		unsigned n = 0;

		xt_page_builder_reset(f->b);
		for (;;) {
			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			len[n] = 1u + (rng >> 33) % ((rng >> 60) ? 60u : 700u);
			t += (rng >> 20) % ((rng & 1) ? 1000u : (1ull << 33));
			ts[n] = t;
			if (add_event(f, t, len[n], page * 1000u + n))
				break;
			n++;
		}
		decode(f, &d);
		assert_int_equal(d.n, n);
		for (unsigned i = 0; i < n; i++)
			assert_event(&d, i, ts[i], len[i], page * 1000u + i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_small_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_largest_event_fills_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_extend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gap_beyond_extend_needs_new_page, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_full_page_then_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_zero_filled_past_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missed_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missed_count_on_full_page_is_unknown, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rejects_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_round_trip, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
