/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-clock.c - raw trace timestamps to time of day: the tai offset,
 * interpolation and extrapolation through anchors (in any order, with
 * duplicates, with one), and the reason a clock without anchors gives.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xt-clock.h"

#define EPOCH 1700000000000000000ull /* a TOD in 2023 */

static void test_tai(void **state)
{
	struct xt_clock *c;
	const char *why = NULL;

	assert_int_equal(xt_clock_new_tai(37000000000ll, &c), 0);
	assert_string_equal(xt_clock_name(c), "tai");
	assert_true(xt_clock_placeable(c, &why));
	assert_null(why);
	assert_int_equal(xt_clock_to_tod(c, EPOCH + 37000000000ull), EPOCH);
	assert_int_equal(xt_clock_to_tod(c, EPOCH + 37000000123ull), EPOCH + 123);
	assert_int_equal(xt_clock_to_tod(c, 5), 0); /* before the epoch saturates */
	xt_clock_free(c);

	assert_int_equal(xt_clock_new_tai(-10, &c), 0);
	assert_int_equal(xt_clock_to_tod(c, 100), 110);
	assert_int_equal(xt_clock_to_tod(c, UINT64_MAX - 1), UINT64_MAX);
	xt_clock_free(c);
	xt_clock_free(NULL);
}

/* Anchors where TOD runs at twice the trace clock's rate from 1000 to 2000, then 1:1. */
static const struct xt_anchor sorted[] = {
	{ .ts = 1000, .tod = EPOCH },
	{ .ts = 2000, .tod = EPOCH + 2000 },
	{ .ts = 3000, .tod = EPOCH + 3000 },
};

static void expect_model(const struct xt_clock *c)
{
	assert_true(xt_clock_placeable(c, NULL));
	assert_string_equal(xt_clock_name(c), "local");
	/* on the anchors and between them */
	assert_int_equal(xt_clock_to_tod(c, 1000), EPOCH);
	assert_int_equal(xt_clock_to_tod(c, 1500), EPOCH + 1000);
	assert_int_equal(xt_clock_to_tod(c, 2000), EPOCH + 2000);
	assert_int_equal(xt_clock_to_tod(c, 2500), EPOCH + 2500);
	assert_int_equal(xt_clock_to_tod(c, 3000), EPOCH + 3000);
	/* before the first: the first segment's slope; after the last: the last one's */
	assert_int_equal(xt_clock_to_tod(c, 0), EPOCH - 2000);
	assert_int_equal(xt_clock_to_tod(c, 4000), EPOCH + 4000);
}

static void test_anchors(void **state)
{
	const struct xt_anchor shuffled[] = { sorted[2], sorted[0], sorted[1] };
	const struct xt_anchor dup[] = { sorted[1], sorted[0], sorted[1], sorted[2], sorted[0] };
	struct xt_clock *c;

	assert_int_equal(xt_clock_new_anchored("local", sorted, 3, &c), 0);
	expect_model(c);
	xt_clock_free(c);
	assert_int_equal(xt_clock_new_anchored("local", shuffled, 3, &c), 0);
	expect_model(c);
	xt_clock_free(c);
	assert_int_equal(xt_clock_new_anchored("local", dup, 5, &c), 0);
	expect_model(c);
	xt_clock_free(c);
}

/* from_tod is the smallest ts reaching a TOD: checked against to_tod on both sides. */
static void expect_inverse(const struct xt_clock *c, uint64_t tod)
{
	uint64_t ts = xt_clock_from_tod(c, tod);

	assert_true(xt_clock_to_tod(c, ts) >= tod);
	if (ts > 0)
		assert_true(xt_clock_to_tod(c, ts - 1) < tod);
}

static void test_from_tod(void **state)
{
	struct xt_clock *c;

	assert_int_equal(xt_clock_new_tai(37000000000ll, &c), 0);
	assert_true(xt_clock_from_tod(c, 1000) == 37000001000ull);
	expect_inverse(c, 5);
	assert_true(xt_clock_from_tod(c, UINT64_MAX) == UINT64_MAX);
	xt_clock_free(c);
	assert_int_equal(xt_clock_new_anchored("local", sorted, 3, &c), 0);
	for (uint64_t tod = EPOCH - 5000; tod < EPOCH + 5000; tod += 37)
		expect_inverse(c, tod);
	expect_inverse(c, 0);
	xt_clock_free(c);
}

static void test_edge_anchors(void **state)
{
	/* two TODs at one ts: the segment is never vertical */
	const struct xt_anchor same_ts[] = { { 1000, EPOCH }, { 1000, EPOCH + 50 } };
	/* an hour-long segment: the product overflows 64 bits if computed naively */
	const struct xt_anchor hour[] = {
		{ 0, EPOCH },
		{ 3600000000000ull, EPOCH + 3600000001000ull },
	};
	/* realtime stepped backwards between two anchors */
	const struct xt_anchor step[] = { { 0, EPOCH }, { 1000, EPOCH - 1000 } };
	struct xt_clock *c;

	assert_int_equal(xt_clock_new_anchored("mono", same_ts, 2, &c), 0);
	assert_int_equal(xt_clock_to_tod(c, 1000), EPOCH);
	assert_int_equal(xt_clock_to_tod(c, 1100), EPOCH + 100); /* one anchor left: slope 1 */
	xt_clock_free(c);

	assert_int_equal(xt_clock_new_anchored("boot", hour, 2, &c), 0);
	assert_int_equal(xt_clock_to_tod(c, 1800000000000ull), EPOCH + 1800000000500ull);
	xt_clock_free(c);

	assert_int_equal(xt_clock_new_anchored("local", step, 2, &c), 0);
	assert_int_equal(xt_clock_to_tod(c, 500), EPOCH - 500);
	assert_int_equal(xt_clock_to_tod(c, UINT64_MAX), 0); /* saturates, never wraps */
	xt_clock_free(c);
}

static void test_single_anchor(void **state)
{
	const struct xt_anchor one = { .ts = 5000, .tod = EPOCH };
	struct xt_clock *c;

	assert_int_equal(xt_clock_new_anchored("x86-tsc", &one, 1, &c), 0);
	assert_true(xt_clock_placeable(c, NULL));
	assert_int_equal(xt_clock_to_tod(c, 5000), EPOCH);
	assert_int_equal(xt_clock_to_tod(c, 6000), EPOCH + 1000);
	assert_int_equal(xt_clock_to_tod(c, 4000), EPOCH - 1000);
	xt_clock_free(c);
}

static void test_not_placeable(void **state)
{
	struct xt_clock *c;
	const char *why = NULL;

	assert_int_equal(xt_clock_new_anchored("local", NULL, 0, &c), 0);
	assert_false(xt_clock_placeable(c, &why));
	assert_non_null(why);
	assert_non_null(strstr(why, "'local'"));
	assert_non_null(strstr(why, "-t tod"));
	assert_false(xt_clock_placeable(c, NULL));
	/* unplaceable timestamps keep their order */
	assert_int_equal(xt_clock_to_tod(c, 42), 42);
	xt_clock_free(c);

	assert_int_equal(xt_clock_new_anchored(NULL, NULL, 0, &c), -EINVAL);
	assert_int_equal(xt_clock_new_anchored("local", NULL, 2, &c), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tai),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_from_tod),
		cmocka_unit_test(test_edge_anchors),
		cmocka_unit_test(test_single_anchor),
		cmocka_unit_test(test_not_placeable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
