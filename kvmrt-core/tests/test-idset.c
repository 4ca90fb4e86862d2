/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ID sets: the plain "0,2,4-7" syntax, set operations, compact formatting. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kvmrt.h"

static void assert_roundtrip(const char *in, const char *out)
{
	struct kvmrt_ids s;
	char why[256], *text;

	assert_int_equal(kvmrt_idset_parse(in, KVMRT_MAX_IDS, &s, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_ids_format(&s, &text), 0);
	assert_string_equal(text, out);
	free(text);
	kvmrt_ids_done(&s);
}

static void parses_and_formats_compactly(void **state)
{
	assert_roundtrip("0,2,4-7,12-15", "0,2,4-7,12-15");
	assert_roundtrip("3, 1 ,2", "1-3");
	assert_roundtrip("", "");
	assert_roundtrip("8191", "8191");
	assert_roundtrip("0-63,65", "0-63,65");
}

static void refuses_malformed_sets(void **state)
{
	static const char *const bad[] = { "4-2", "x", "1,,2", ",1", "1,", "-1", "1-", "0x3",
					   "1\n2", "n1" };
	struct kvmrt_ids s;
	char why[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(kvmrt_idset_parse(bad[i], KVMRT_MAX_IDS, &s, why, sizeof(why)),
				 -EINVAL);
		assert_true(why[0]);
	}
	assert_int_equal(kvmrt_idset_parse("8192", KVMRT_MAX_IDS, &s, why, sizeof(why)), -ERANGE);
	assert_int_equal(kvmrt_idset_parse("4", 4, &s, why, sizeof(why)), -ERANGE);
	assert_int_equal(kvmrt_idset_parse("99999999999999999999999", 4, &s, why, sizeof(why)),
			 -ERANGE);
}

static void set_operations(void **state)
{
	struct kvmrt_ids a, b, c;

	assert_int_equal(kvmrt_ids_init(&a, 130), 0);
	assert_int_equal(kvmrt_ids_init(&b, 70), 0);
	kvmrt_ids_add(&a, 3);
	kvmrt_ids_add(&a, 129);
	kvmrt_ids_add(&b, 3);
	assert_int_equal(kvmrt_ids_count(&a), 2);
	assert_true(kvmrt_ids_intersects(&a, &b));
	assert_true(kvmrt_ids_subset(&b, &a));
	assert_false(kvmrt_ids_subset(&a, &b));
	assert_false(kvmrt_ids_equal(&a, &b));
	assert_int_equal(kvmrt_ids_next(&a, 4), 129);
	assert_int_equal(kvmrt_ids_next(&a, 130), -1);
	assert_int_equal(kvmrt_ids_copy(&c, &a), 0);
	kvmrt_ids_andnot(&c, &b);
	assert_false(kvmrt_ids_test(&c, 3));
	assert_true(kvmrt_ids_test(&c, 129));
	assert_false(kvmrt_ids_test(&c, 5000));
	kvmrt_ids_or(&b, &c); /* 129 is beyond b's capacity: ignored */
	assert_int_equal(kvmrt_ids_count(&b), 1);
	kvmrt_ids_done(&a);
	kvmrt_ids_done(&b);
	kvmrt_ids_done(&c);
	kvmrt_ids_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_and_formats_compactly),
		cmocka_unit_test(refuses_malformed_sets),
		cmocka_unit_test(set_operations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
