/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xtrace-multi-merge's command line, fed as argv arrays. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "merge-params.h"

/* Parses a NULL-terminated argv; the params point into it, so it outlives them. */
static int parse(char **argv, struct merge_params *p, char *why, size_t why_len)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return merge_parse_args(argc, argv, p, why, why_len);
}

#define ARGV(...) ((char *[]){ "xtrace-multi-merge", __VA_ARGS__, NULL })
#define PARSE(p, why, ...) parse(ARGV(__VA_ARGS__), p, why, sizeof(why))

static void guide_example_parses(void **state)
{
	struct merge_params p;
	char why[256];

	assert_int_equal(PARSE(&p, why, "-o", "xtrace-merged", "xtrace-host", "xtrace-vm"), 0);
	assert_string_equal(p.output, "xtrace-merged");
	assert_int_equal(p.nr_inputs, 2);
	assert_string_equal(p.inputs[0], "xtrace-host");
	assert_string_equal(p.inputs[1], "xtrace-vm");
	assert_false(p.force);
}

static void tod_clock_and_flags(void **state)
{
	struct merge_params p;
	char why[256];

	assert_int_equal(PARSE(&p, why, "-t", "tod", "--force", "-q", "--output", "m", "a"), 0);
	assert_true(p.force);
	assert_true(p.quiet);
	assert_int_equal(p.nr_inputs, 1);
}

static void other_clocks_are_refused_with_the_reason(void **state)
{
	struct merge_params p;
	char why[256];

	assert_int_equal(PARSE(&p, why, "-t", "tsc", "-o", "m", "a"), -EINVAL);
	assert_non_null(strstr(why, "-t tsc"));
	assert_non_null(strstr(why, "tod"));
}

static void missing_output_or_inputs_are_usage_errors(void **state)
{
	struct merge_params p;
	char why[256];

	assert_int_equal(PARSE(&p, why, "a", "b"), -EINVAL);
	assert_non_null(strstr(why, "-o"));
	assert_int_equal(PARSE(&p, why, "-o", "m"), -EINVAL);
	assert_non_null(strstr(why, "no input"));
	assert_int_equal(PARSE(&p, why, "--bogus", "-o", "m", "a"), -EINVAL);
	assert_non_null(strstr(why, "--bogus"));
	assert_int_equal(PARSE(&p, why, "-o"), -EINVAL);
}

static void help_and_version_win(void **state)
{
	struct merge_params p;
	char why[256];

	assert_int_equal(PARSE(&p, why, "--help"), 0);
	assert_true(p.help);
	assert_int_equal(PARSE(&p, why, "-V"), 0);
	assert_true(p.version);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guide_example_parses),
		cmocka_unit_test(tod_clock_and_flags),
		cmocka_unit_test(other_clocks_are_refused_with_the_reason),
		cmocka_unit_test(missing_output_or_inputs_are_usage_errors),
		cmocka_unit_test(help_and_version_win),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
