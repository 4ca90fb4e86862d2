/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPU lists: parsing what the kernel and users write, formatting compactly. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cpulist.h"

static void parses_ranges_and_singles(void **state)
{
	bool set[16] = {};
	unsigned count;

	assert_int_equal(cpulist_parse("0-3,6,8-9", 16, set, &count), 0);
	assert_int_equal(count, 10);
	assert_true(set[0] && set[3] && set[6] && set[9]);
	assert_false(set[4] || set[7] || set[10]);
	assert_int_equal(cpulist_parse(" 5\n", 16, NULL, &count), 0);
	assert_int_equal(count, 6);
	assert_int_equal(cpulist_parse("", 16, NULL, &count), 0);
	assert_int_equal(count, 0);
}

static void refuses_malformed_and_out_of_range(void **state)
{
	static const char *const bad[] = { "3-1", "1,,2", "1,", ",1", "a", "1-", "-1", "1 2", "0x1" };
	unsigned count = 77;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cpulist_parse(bad[i], 16, NULL, &count), -EBADMSG);
	assert_int_equal(cpulist_parse("16", 16, NULL, &count), -ERANGE);
	assert_int_equal(cpulist_parse("0-16", 16, NULL, &count), -ERANGE);
	assert_int_equal(cpulist_parse("99999999999999999999", 16, NULL, &count), -ERANGE);
	assert_int_equal(count, 77);
}

static void formats_compactly(void **state)
{
	const bool cpus[] = { true, true, true, true, false, false, true, false, true, true };
	const bool none[3] = {};
	char buf[64];

	assert_int_equal(cpulist_format(cpus, 10, buf, sizeof(buf)), 9);
	assert_string_equal(buf, "0-3,6,8-9");
	assert_int_equal(cpulist_format(cpus, 1, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "0");
	assert_int_equal(cpulist_format(none, 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(cpulist_format(cpus, 10, buf, 5), -ENOBUFS);
	assert_int_equal(cpulist_format(cpus, 10, buf, 0), -ENOBUFS);
}

static void round_trips(void **state)
{
	bool set[64] = {}, back[64] = {};
	char buf[256];
	unsigned count;

	for (unsigned i = 0; i < 64; i++)
		set[i] = (i * 7 + 3) % 5 < 2;
	assert_true(cpulist_format(set, 64, buf, sizeof(buf)) > 0);
	assert_int_equal(cpulist_parse(buf, 64, back, &count), 0);
	assert_memory_equal(set, back, sizeof(set));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_ranges_and_singles),
		cmocka_unit_test(refuses_malformed_and_out_of_range),
		cmocka_unit_test(formats_compactly),
		cmocka_unit_test(round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
