/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-tod-anchor.c - clock names, the TAI offset, exact clock pairs and the
 * anchor marker text (written by us, read back from untrusted pages).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xcollect.h"

static void test_clock_names(void **state)
{
	enum xc_clock c;
	clockid_t id;

	assert_int_equal(xc_clock_parse("tod", &c), 0);
	assert_string_equal(xc_clock_trace_name(c), "tai");
	assert_int_equal(xc_clock_parse("tsc", &c), 0);
	assert_string_equal(xc_clock_trace_name(c), "x86-tsc");
	assert_int_equal(xc_clock_parse("local", &c), 0);
	assert_string_equal(xc_clock_trace_name(c), "local");
	assert_int_equal(xc_clock_parse("TOD", &c), -EINVAL);
	assert_int_equal(xc_clock_parse("", &c), -EINVAL);
	assert_null(xc_clock_trace_name((enum xc_clock)42));

	assert_int_equal(xc_clock_posix_id(XC_CLOCK_MONO, &id), 0);
	assert_int_equal(id, CLOCK_MONOTONIC);
	assert_int_equal(xc_clock_posix_id(XC_CLOCK_BOOT, &id), 0);
	assert_int_equal(id, CLOCK_BOOTTIME);
	assert_int_equal(xc_clock_posix_id(XC_CLOCK_LOCAL, &id), -ENOENT);
	assert_int_equal(xc_clock_posix_id(XC_CLOCK_TOD, &id), -ENOENT);
}

static void test_tai_offset(void **state)
{
	int64_t off;

	assert_int_equal(xc_tai_offset_ns(&off), 0);
	/* Whole seconds, and not absurd (37 s since 2017; 0 where nobody set it). */
	assert_int_equal(off % 1000000000, 0);
	assert_true(off >= 0 && off <= 100ll * 1000000000);
}

static void test_clock_pair(void **state)
{
	uint64_t ts, realtime, before, after;

	before = xc_now_ns(CLOCK_REALTIME);
	assert_int_equal(xc_clock_pair(CLOCK_MONOTONIC, &ts, &realtime), 0);
	after = xc_now_ns(CLOCK_REALTIME);
	assert_true(realtime >= before && realtime <= after);
	assert_true(ts > 0);
}

static void test_round_trip(void **state)
{
	const uint64_t values[] = { 0, 1, 1700000000123456789ull, UINT64_MAX };
	char buf[64];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		uint64_t got;
		int n = xc_anchor_format(buf, sizeof(buf), values[i]);

		assert_true(n > 0);
		assert_int_equal(buf[n - 1], '\n');
		assert_int_equal(xc_anchor_parse(buf, n, &got), 0);
		assert_true(got == values[i]);
	}
	assert_int_equal(xc_anchor_format(buf, 10, 1), -ENOBUFS);
}

static void test_as_recorded(void **state)
{
	/* The kernel's record: text, newline, NUL, then padding to 4 bytes (any bytes). */
	const char rec[] = "xtrace-anchor realtime=42\n\0\xab\xcd";
	uint64_t got = 0;

	assert_int_equal(xc_anchor_parse(rec, sizeof(rec) - 1, &got), 0);
	assert_true(got == 42);
	assert_int_equal(xc_anchor_parse("xtrace-anchor realtime=7", 24, &got), 0);
	assert_true(got == 7);
}

static void test_hostile(void **state)
{
	static const char *const bad[] = {
		"",
		"xtrace-anchor realtime=",
		"xtrace-anchor realtime=\n",
		"xtrace-anchor realtime=12x",
		"xtrace-anchor realtime=-12",
		"xtrace-anchor realtime= 12",
		"xtrace-anchor realtime=12\n\n",
		"xtrace-anchor realtime=18446744073709551616", /* UINT64_MAX + 1 */
		"xtrace-anchor realtime=000000000000000000001", /* 21 digits */
		"xtrace-anchor realtim=12",
		"Xtrace-anchor realtime=12",
		"hello world",
	};
	uint64_t got = 99;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (xc_anchor_parse(bad[i], strlen(bad[i]), &got) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	/* Truncated: the length cuts the digits off. */
	assert_int_equal(xc_anchor_parse("xtrace-anchor realtime=12", 23, &got), -EINVAL);
	assert_true(got == 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_names),
		cmocka_unit_test(test_tai_offset),
		cmocka_unit_test(test_clock_pair),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_as_recorded),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
