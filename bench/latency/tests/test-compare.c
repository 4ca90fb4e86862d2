/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-compare.c - `kvmrt-latency compare` on the committed fixtures
 * (fixtures/latency/README.md): pass, regression in max, in p99.9 only,
 * missing system, corrupt JSON; the JSON and JUnit reports; the thresholds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "compare.h"
#include "json.h"
#include "latency-cli.h"
#include "latency-test.h"
#include "results.h"
#include "test-exec.h"

#define TOOL "bench/latency/kvmrt-latency"

/* Runs compare base @name with @extra options; returns the output. */
static void compare(const char *name, const char *opt, const char *arg, struct test_output *o)
{
	char *base = lt_fixture("base"), *cur = lt_fixture(name);
	char *argv[] = {TOOL, "compare", base, cur, (char *)opt, (char *)arg, NULL};

	assert_int_equal(test_exec(argv, o), 0);
	free(base);
	free(cur);
}

/* Lines of @text holding "REGRESSION" must each contain @metric. */
static unsigned regressions(const char *text, const char *metric)
{
	unsigned n = 0;

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *eol = strchrnul(l, '\n');
		const char *hit = strstr(l, "REGRESSION");

		if (hit && hit < eol && strncmp(l, "Verdict", 7) != 0) {
			const char *m = strstr(l, metric);

			assert_true(m && m < eol);
			n++;
		}
	}
	return n;
}

static unsigned lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_pass(void **state)
{
	struct test_output o;

	compare("pass", NULL, NULL, &o);
	assert_int_equal(o.status, LAT_EXIT_PASS);
	assert_non_null(strstr(o.out, "Verdict: pass (18 checks)"));
	assert_int_equal(regressions(o.out, "max"), 0);
	test_output_free(&o);
}

static void test_regress_max(void **state)
{
	struct test_output o;

	compare("regress-max", NULL, NULL, &o);
	assert_int_equal(o.status, LAT_EXIT_REGRESSION);
	/* host as a whole and its CPU 1, on max only */
	assert_int_equal(regressions(o.out, "max "), 2);
	assert_non_null(strstr(o.out, "Verdict: REGRESSION in 2 of 18 checks"));
	test_output_free(&o);
	/* an absolute limit large enough lets it pass */
	compare("regress-max", "--max-regress", "1000us", &o);
	assert_int_equal(o.status, LAT_EXIT_PASS);
	test_output_free(&o);
}

static void test_regress_p999_only(void **state)
{
	struct test_output o;

	compare("regress-p999-only", NULL, NULL, &o);
	assert_int_equal(o.status, LAT_EXIT_REGRESSION);
	/* host, CPU 0 and CPU 1: p99.9 only, never max or avg */
	assert_int_equal(regressions(o.out, "p99.9"), 3);
	test_output_free(&o);
	compare("regress-p999-only", "--p999-regress", "100%", &o);
	assert_int_equal(o.status, LAT_EXIT_PASS);
	test_output_free(&o);
}

/* compare base @name is unusable: no report, one error line holding @what and @why. */
static void expect_unusable(const char *name, const char *what, const char *why)
{
	struct test_output o;

	compare(name, NULL, NULL, &o);
	assert_int_equal(o.status, LAT_EXIT_UNUSABLE);
	assert_string_equal(o.out, "");
	assert_non_null(strstr(o.err, what));
	assert_non_null(strstr(o.err, why));
	assert_int_equal(lines(o.err), 1);
	test_output_free(&o);
}

static void test_missing_system(void **state)
{
	expect_unusable("missing-system", "missing-system/campaign: system 'vm1' of the baseline",
			"is missing\n");
}

static void test_corrupt_json(void **state)
{
	expect_unusable("corrupt-json", "corrupt-json/host/cyclictest.json: line ", "end of input");
}

/* Thread 1 of host moved from CPU 1 to CPU 5: the baseline's CPU 1 is gone. */
static void test_cpu_missing(void **state)
{
	char *tmp = test_mkdtemp(), *base = lt_fixture("base"), *cur;
	struct test_output o;

	cur = lt_copy_fixture("base", tmp, "new");
	lt_sh("sed -i '0,/\"cpu\": 1,/s//\"cpu\": 5,/' '%s/host/cyclictest.json'", cur);
	assert_int_equal(test_exec((char *[]){TOOL, "compare", base, cur, NULL}, &o), 0);
	assert_int_equal(o.status, LAT_EXIT_UNUSABLE);
	assert_non_null(strstr(o.err, "new/host/cyclictest.json: CPU 1 of the baseline was not "
				      "measured\n"));
	test_output_free(&o);
	/* the other way round, the baseline's CPU 5 is the one missing */
	assert_int_equal(test_exec((char *[]){TOOL, "compare", cur, base, NULL}, &o), 0);
	assert_int_equal(o.status, LAT_EXIT_UNUSABLE);
	assert_non_null(strstr(o.err, "CPU 5 of the baseline was not measured"));
	test_output_free(&o);
	test_rm_rf(tmp);
	free(tmp);
	free(base);
	free(cur);
}

/* A system only in NEW and a policy change are notes, not failures. */
static void test_notes(void **state)
{
	char *tmp = test_mkdtemp(), *base = lt_fixture("base"), *cur;
	struct test_output o;

	cur = lt_copy_fixture("base", tmp, "new");
	lt_sh("cd '%s' && cp -r vm1 vm2 && sed -i 's/policy = other/policy = fifo/' vm1/facts && "
	      "sed -i 's/^systems = .*/systems = host vm1 vm2/' campaign",
	      cur);
	assert_int_equal(test_exec((char *[]){TOOL, "compare", base, cur, NULL}, &o), 0);
	assert_int_equal(o.status, LAT_EXIT_PASS);
	assert_non_null(strstr(o.out, "Note: vm1: the baseline was measured without SCHED_FIFO"));
	assert_non_null(strstr(o.out, "Note: vm2: not in the baseline, not checked\n"));
	test_output_free(&o);
	assert_int_equal(test_exec((char *[]){TOOL, "compare", "-f", "junit", base, cur, NULL}, &o),
			 0);
	assert_non_null(strstr(o.out, "<system-out>vm1: the baseline was measured without"));
	assert_non_null(strstr(o.out, "<system-out>vm2: not in the baseline"));
	test_output_free(&o);
	test_rm_rf(tmp);
	free(tmp);
	free(base);
	free(cur);
}

static void test_json_report(void **state)
{
	struct test_output o;
	struct lat_json *root = NULL;
	const struct lat_json *checks;
	char why[256] = "";
	unsigned regressed = 0;

	compare("regress-max", "--format", "json", &o);
	assert_int_equal(o.status, LAT_EXIT_REGRESSION);
	if (lat_json_parse(o.out, strlen(o.out), 0, &root, why, sizeof(why)) < 0)
		fail_msg("compare --format json: %s", why);
	assert_string_equal(lat_json_get(root, "verdict")->string, "regression");
	checks = lat_json_get(root, "checks");
	assert_int_equal(checks->n, 18);
	for (size_t i = 0; i < checks->n; i++)
		regressed += lat_json_get(&checks->items[i], "regressed")->boolean;
	assert_int_equal(regressed, 2);
	lat_json_free(root);
	test_output_free(&o);
}

static void test_junit_report(void **state)
{
	char *dir = test_mkdtemp(), *out;
	char *base = lt_fixture("base"), *cur = lt_fixture("regress-p999-only");
	struct test_output o;
	xmlDocPtr doc;
	xmlNodePtr suites;
	xmlChar *failures;

	assert_true(asprintf(&out, "%s/junit.xml", dir) > 0);
	char *argv[] = {TOOL, "compare", "-f", "junit", "-o", out, base, cur, NULL};
	assert_int_equal(test_exec(argv, &o), 0);
	assert_int_equal(o.status, LAT_EXIT_REGRESSION);
	assert_string_equal(o.out, "");
	doc = xmlReadFile(out, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
	assert_non_null(doc);
	suites = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)suites->name, "testsuites");
	failures = xmlGetProp(suites, (const xmlChar *)"failures");
	assert_string_equal((const char *)failures, "3");
	xmlFree(failures);
	assert_string_equal((const char *)xmlFirstElementChild(suites)->name, "testsuite");
	xmlFreeDoc(doc);
	test_output_free(&o);
	test_rm_rf(dir);
	free(dir);
	free(out);
	free(base);
	free(cur);
}

/* One system "h", one thread on CPU 2: 1000 samples at 10 us except one at @max. */
static void one_thread(struct lat_results *r, struct lat_res_system *s, struct lat_thread *t,
		       struct lat_bucket *b, uint32_t max)
{
	b[0] = (struct lat_bucket){10, 999};
	b[1] = (struct lat_bucket){max, 1};
	*t = (struct lat_thread){.cpu = 2,
				 .cycles = 1000,
				 .min_us = 10,
				 .max_us = max,
				 .avg_us = 10,
				 .n_buckets = 2,
				 .buckets = b};
	*s = (struct lat_res_system){.name = "h", .policy = "fifo", .n_threads = 1, .threads = t};
	*r = (struct lat_results){
	    .dir = "d", .campaign = {.histogram_us = 1000}, .n_systems = 1, .systems = s};
}

/* Regressed max checks (all CPUs and CPU 2) comparing max 100 with @max. */
static size_t max_regressions(uint32_t max, const char *limit)
{
	struct lat_results rb, rn;
	struct lat_res_system sb, sn;
	struct lat_thread tb, tn;
	struct lat_bucket bb[2], bn[2];
	struct lat_limit limits[LAT_METRIC_COUNT] = LAT_DEFAULT_LIMITS;
	struct lat_comparison *c = NULL;
	char why[256];
	size_t n;

	one_thread(&rb, &sb, &tb, bb, 100);
	one_thread(&rn, &sn, &tn, bn, max);
	assert_int_equal(lat_limit_parse(limit, &limits[LAT_METRIC_MAX]), 0);
	assert_int_equal(lat_compare(&rb, &rn, limits, &c, why, sizeof(why)), 0);
	assert_int_equal(c->n_checks, 6);
	assert_int_equal(c->checks[3].cpu, 2);
	n = c->n_regressed;
	lat_comparison_free(c);
	return n;
}

static void test_boundaries(void **state)
{
	assert_int_equal(max_regressions(110, "10%"), 0);
	assert_int_equal(max_regressions(111, "10%"), 2);
	assert_int_equal(max_regressions(105, "5us"), 0);
	assert_int_equal(max_regressions(106, "5us"), 2);
	assert_int_equal(max_regressions(100, "0"), 0);
	assert_int_equal(max_regressions(101, "0"), 2);
	/* an improvement never regresses */
	assert_int_equal(max_regressions(50, "0"), 0);
}

static void test_limits(void **state)
{
	struct lat_limit l;

	assert_int_equal(lat_limit_parse("20", &l), 0);
	assert_false(l.absolute);
	assert_true(l.value == 20);
	assert_int_equal(lat_limit_parse("12.5%", &l), 0);
	assert_true(l.value == 12.5);
	assert_int_equal(lat_limit_parse("15us", &l), 0);
	assert_true(l.absolute);
	assert_int_equal(lat_limit_parse("-5", &l), -EINVAL);
	assert_int_equal(lat_limit_parse("5ms", &l), -EINVAL);
	assert_int_equal(lat_limit_parse("", &l), -EINVAL);
	assert_int_equal(lat_limit_parse("nan", &l), -EINVAL);
	assert_int_equal(lat_limit_parse("1e9", &l), -EINVAL);
	assert_int_equal(lat_limit_parse("5%%", &l), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pass),
	    cmocka_unit_test(test_regress_max),
	    cmocka_unit_test(test_regress_p999_only),
	    cmocka_unit_test(test_missing_system),
	    cmocka_unit_test(test_corrupt_json),
	    cmocka_unit_test(test_cpu_missing),
	    cmocka_unit_test(test_notes),
	    cmocka_unit_test(test_json_report),
	    cmocka_unit_test(test_junit_report),
	    cmocka_unit_test(test_boundaries),
	    cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
