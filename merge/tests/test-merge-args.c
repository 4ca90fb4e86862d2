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
	assert_string_equal(p.inputs[0].path, "xtrace-host");
	assert_string_equal(p.inputs[1].path, "xtrace-vm");
	assert_false(p.force);
	assert_int_equal(p.sync, MERGE_SYNC_AUTO);
	merge_params_free(&p);
}

static void input_options_apply_to_the_next_input(void **state)
{
	struct merge_params p;
	char why[256];

	assert_int_equal(PARSE(&p, why, "-o", "m", "h", "--name", "vm1", "--offset", "-3200000",
			       "--drift", "-15.25", "vm", "--drift", "+2", "--", "--odd"), 0);
	assert_int_equal(p.nr_inputs, 3);
	assert_null(p.inputs[0].name);
	assert_int_equal(p.inputs[0].adjust.offset_ns, 0);
	assert_string_equal(p.inputs[1].path, "vm");
	assert_string_equal(p.inputs[1].name, "vm1");
	assert_int_equal(p.inputs[1].adjust.offset_ns, -3200000);
	assert_int_equal(p.inputs[1].adjust.drift_ppb, -15250);
	assert_string_equal(p.inputs[2].path, "--odd");
	assert_int_equal(p.inputs[2].adjust.drift_ppb, 2000);
	assert_null(p.inputs[2].name);
	merge_params_free(&p);
}

static void merge_options(void **state)
{
	struct merge_params p;
	char why[256];

	assert_int_equal(PARSE(&p, why, "--sync", "none", "--intersect", "--sync-report", "-o",
			       "m", "a"), 0);
	assert_int_equal(p.sync, MERGE_SYNC_NONE);
	assert_true(p.intersect);
	assert_true(p.sync_report);
	merge_params_free(&p);
	assert_int_equal(PARSE(&p, why, "--sync", "gs", "-o", "m", "a"), 0);
	assert_int_equal(p.sync, MERGE_SYNC_GS);
	merge_params_free(&p);
	assert_int_equal(PARSE(&p, why, "--sync", "ntp", "-o", "m", "a"), -EINVAL);
	assert_non_null(strstr(why, "ntp"));
}

static void bad_input_options_are_usage_errors(void **state)
{
	static const char *const bad[][2] = {
		{ "--offset", "12ms" }, { "--offset", "" },     { "--offset", "1.5" },
		{ "--drift", "1.2345" }, { "--drift", "10000" }, { "--drift", "-" },
		{ "--offset", "99999999999999999999" },         { "--drift", "abc" },
	};
	struct merge_params p;
	char why[256];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = { "xtrace-multi-merge", "-o", "m", (char *)bad[i][0],
				 (char *)bad[i][1], "a", NULL };

		assert_int_equal(parse(argv, &p, why, sizeof(why)), -EINVAL);
		assert_non_null(strstr(why, bad[i][0]));
	}
	/* an input option with no input after it */
	assert_int_equal(PARSE(&p, why, "-o", "m", "a", "--name", "x"), -EINVAL);
	assert_non_null(strstr(why, "--name"));
	assert_int_equal(PARSE(&p, why, "-o", "m", "a", "--drift", "3"), -EINVAL);
	assert_non_null(strstr(why, "--drift"));
}

static void tod_clock_and_flags(void **state)
{
	struct merge_params p;
	char why[256];

	assert_int_equal(PARSE(&p, why, "-t", "tod", "--force", "-q", "--output", "m", "a"), 0);
	assert_true(p.force);
	assert_true(p.quiet);
	assert_int_equal(p.nr_inputs, 1);
	merge_params_free(&p);
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
	merge_params_free(&p);
	assert_int_equal(PARSE(&p, why, "-V"), 0);
	assert_true(p.version);
	merge_params_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guide_example_parses),
		cmocka_unit_test(input_options_apply_to_the_next_input),
		cmocka_unit_test(merge_options),
		cmocka_unit_test(bad_input_options_are_usage_errors),
		cmocka_unit_test(tod_clock_and_flags),
		cmocka_unit_test(other_clocks_are_refused_with_the_reason),
		cmocka_unit_test(missing_output_or_inputs_are_usage_errors),
		cmocka_unit_test(help_and_version_win),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
