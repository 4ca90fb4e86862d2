/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-args.c - the option parsers of `report` and `compare`, fed argv
 * arrays, and the --help/--version of every level of kvmrt-latency.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "latency-cli.h"
#include "test-exec.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static void test_report_args(void **state)
{
	char *ok[] = {"report", "dir", "--per-cpu", "-j", "--plot", "/tmp/p", NULL};
	char *none[] = {"report", NULL};
	char *two[] = {"report", "a", "b", NULL};
	char *bad[] = {"report", "--bogus", "a", NULL};
	char *empty[] = {"report", "--plot=", "a", NULL};
	struct lat_report_params p;
	char why[256];

	assert_int_equal(lat_report_parse_args(ARGC(ok), ok, &p, why, sizeof(why)), 0);
	assert_string_equal(p.dir, "dir");
	assert_true(p.per_cpu && p.json && !p.no_plot);
	assert_string_equal(p.plot_prefix, "/tmp/p");
	assert_int_equal(lat_report_parse_args(ARGC(none), none, &p, why, sizeof(why)), -EINVAL);
	assert_int_equal(lat_report_parse_args(ARGC(two), two, &p, why, sizeof(why)), -EINVAL);
	assert_int_equal(lat_report_parse_args(ARGC(bad), bad, &p, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "report: bad option '--bogus' (see report --help)");
	assert_int_equal(lat_report_parse_args(ARGC(empty), empty, &p, why, sizeof(why)), -EINVAL);
}

static void test_compare_args(void **state)
{
	char *ok[] = {"compare",	 "--max-regress", "15us",  "b",	 "-p",	    "5%", "n",
		      "--avg-regress=3", "--format",	  "junit", "-o", "out.xml", NULL};
	char *defaults[] = {"compare", "b", "n", NULL};
	char *badlim[] = {"compare", "--max-regress", "fast", "b", "n", NULL};
	char *badfmt[] = {"compare", "-f", "xml", "b", "n", NULL};
	char *one[] = {"compare", "b", NULL};
	struct lat_compare_params p;
	char why[256];

	assert_int_equal(lat_compare_parse_args(ARGC(ok), ok, &p, why, sizeof(why)), 0);
	assert_string_equal(p.base, "b");
	assert_string_equal(p.cur, "n");
	assert_true(p.limits[LAT_METRIC_MAX].absolute);
	assert_true(p.limits[LAT_METRIC_MAX].value == 15);
	assert_true(p.limits[LAT_METRIC_P999].value == 5 && !p.limits[LAT_METRIC_P999].absolute);
	assert_true(p.limits[LAT_METRIC_AVG].value == 3);
	assert_int_equal(p.format, LAT_FORMAT_JUNIT);
	assert_string_equal(p.output, "out.xml");
	assert_int_equal(lat_compare_parse_args(ARGC(defaults), defaults, &p, why, sizeof(why)), 0);
	assert_true(p.limits[LAT_METRIC_MAX].value == 25 && p.limits[LAT_METRIC_AVG].value == 10);
	assert_int_equal(p.format, LAT_FORMAT_TEXT);
	assert_null(p.output);
	assert_int_equal(lat_compare_parse_args(ARGC(badlim), badlim, &p, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "--max-regress 'fast' is not a limit"));
	assert_int_equal(lat_compare_parse_args(ARGC(badfmt), badfmt, &p, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(lat_compare_parse_args(ARGC(one), one, &p, why, sizeof(why)), -EINVAL);
}

static void expect_run(char *const argv[], int status, const char *out)
{
	struct test_output o;

	assert_int_equal(test_exec(argv, &o), 0);
	assert_int_equal(o.status, status);
	if (!strstr(o.out, out) && !strstr(o.err, out))
		fail_msg("'%s' not printed by %s %s", out, argv[1], argv[2] ? argv[2] : "");
	test_output_free(&o);
}

static void test_help_version(void **state)
{
	static const char *const levels[] = {NULL, "run", "report", "compare"};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		char *tool = "bench/latency/kvmrt-latency";
		char *help[] = {tool, (char *)levels[i], "--help", NULL};
		char *version[] = {tool, (char *)levels[i], "--version", NULL};

		if (!levels[i]) {
			help[1] = "--help";
			help[2] = NULL;
			version[1] = "--version";
			version[2] = NULL;
		}
		expect_run(help, 0, "Usage: kvmrt-latency");
		expect_run(version, 0, "kvmrt-latency " KVMRT_VERSION);
	}
	expect_run((char *[]){"bench/latency/kvmrt-latency", NULL}, 2, "no command");
	expect_run((char *[]){"bench/latency/kvmrt-latency", "plot", NULL}, 2, "unknown command");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_args),
	    cmocka_unit_test(test_compare_args),
	    cmocka_unit_test(test_help_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
