/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-report.c - `kvmrt-latency report`: the table against golden outputs
 * (fixtures/latency/golden), the labels, summary.txt/.json, and errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"
#include "json.h"
#include "latency-test.h"
#include "report.h"
#include "test-exec.h"

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -errno;
}

static char *read_text(const char *path)
{
	char *text = NULL;
	size_t len;

	if (read_file_at(AT_FDCWD, path, 16u << 20, &text, &len) < 0)
		fail_msg("%s: cannot read", path);
	return text;
}

/* Runs the tool in fixtures/latency so that the output names "base". */
static void run_in_fixtures(char **argv, struct test_output *o)
{
	char *dir = test_source_path("fixtures/latency"), cwd[4096];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(test_exec(argv, o), 0);
	assert_int_equal(chdir(cwd), 0);
	free(dir);
}

static void expect_golden(const char *out, const char *golden)
{
	char *path = NULL, *want;

	assert_true(asprintf(&path, "%s/fixtures/latency/golden/%s", getenv("KVMRT_SOURCE_ROOT"),
			     golden) > 0);
	want = read_text(path);
	if (strcmp(out, want) != 0)
		fail_msg("output differs from %s:\n%s", path, out);
	free(want);
	free(path);
}

static void test_table_golden(void **state)
{
	char *argv[] = {
	    "bench/latency/kvmrt-latency", "report", "--no-plot", "--per-cpu", "base", NULL};
	struct test_output o;

	run_in_fixtures(argv, &o);
	assert_int_equal(o.status, 0);
	assert_string_equal(o.err, "");
	expect_golden(o.out, "report-base.txt");
	assert_non_null(strstr(o.out, "vm1     all "));
	assert_non_null(strstr(o.out, "SCHED_OTHER: not real-time"));
	assert_non_null(strstr(o.out, "vm1: not real-time (SCHED_OTHER): "));
	test_output_free(&o);
}

static void test_json_golden(void **state)
{
	char *argv[] = {
	    "bench/latency/kvmrt-latency", "report", "--json", "--no-plot", "base", NULL};
	struct test_output o;
	struct lat_json *root = NULL;
	const struct lat_json *systems;
	char why[256] = "";

	run_in_fixtures(argv, &o);
	assert_int_equal(o.status, 0);
	expect_golden(o.out, "report-base.json");
	if (lat_json_parse(o.out, strlen(o.out), 0, &root, why, sizeof(why)) < 0)
		fail_msg("report --json: %s", why);
	systems = lat_json_get(root, "systems");
	assert_int_equal(systems->n, 2);
	assert_false(lat_json_get(&systems->items[1], "real_time")->boolean);
	assert_int_equal(lat_json_get(&systems->items[0], "cpus")->n, 2);
	lat_json_free(root);
	test_output_free(&o);
}

static void test_summary(void **state)
{
	char *tmp = test_mkdtemp(), *dir = lt_copy_fixture("base", tmp, "run"), *path, *text;
	struct lat_json *root = NULL;
	char why[512] = "";

	assert_true(asprintf(&path, "%s/spike", dir) > 0);
	text = (char *)"system = host\ncpu = 1\nthread = 1\nlatency_us = 312\n"
		       "dump = trace/host\nmerged = trace/merged\nexplain = trace/explain.txt\n";
	assert_int_equal(write_file(path, text), 0);
	free(path);
	if (lat_report_write_summary(dir, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	assert_true(asprintf(&path, "%s/summary.txt", dir) > 0);
	text = read_text(path);
	/* the table without the first line (which names the directory) */
	assert_non_null(strstr(text, "\n\nSystem  CPU "));
	assert_non_null(strstr(text, "SCHED_OTHER: not real-time"));
	assert_non_null(strstr(text,
			       "Spike: 312 us on host CPU 1 (thread 1); recording trace/host, "
			       "merged trace/merged, explained in trace/explain.txt\n"));
	free(text);
	free(path);
	assert_true(asprintf(&path, "%s/summary.json", dir) > 0);
	text = read_text(path);
	assert_int_equal(lat_json_parse(text, strlen(text), 0, &root, why, sizeof(why)), 0);
	assert_string_equal(lat_json_get(lat_json_get(root, "spike"), "explain")->string,
			    "trace/explain.txt");
	lat_json_free(root);
	free(text);
	free(path);
	assert_true(asprintf(&path, "%s/summary.json.tmp", dir) > 0);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
	/* an unreadable directory: the message names it */
	assert_int_equal(lat_report_write_summary("/nonexistent-latency", why, sizeof(why)),
			 -ENOENT);
	assert_non_null(strstr(why, "/nonexistent-latency: cannot open"));
	test_rm_rf(tmp);
	free(tmp);
	free(dir);
}

/* A guest that could not be measured: its row says so, the rest is reported. */
static void test_partial(void **state)
{
	char *tmp = test_mkdtemp(), *dir = lt_copy_fixture("base", tmp, "r");
	struct test_output o;

	lt_sh("rm '%s/vm1/cyclictest.json'", dir);
	assert_int_equal(
	    test_exec((char *[]){"bench/latency/kvmrt-latency", "report", "--no-plot", dir, NULL},
		      &o),
	    0);
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "\nhost    all         3973 "));
	assert_non_null(strstr(o.out, "\nvm1     all            0  no results (see below)\n"));
	assert_non_null(strstr(o.out, "/r/vm1/cyclictest.json: missing\n"));
	assert_non_null(strstr(o.out, "\nvm1: not real-time (SCHED_OTHER): fixture: "));
	test_output_free(&o);
	test_rm_rf(tmp);
	free(tmp);
	free(dir);
}

static void test_errors(void **state)
{
	char *corrupt[] = {"bench/latency/kvmrt-latency", "report", "--no-plot", "corrupt-json",
			   NULL};
	char *usage[] = {"bench/latency/kvmrt-latency", "report", NULL};
	char *both[] = {
	    "bench/latency/kvmrt-latency", "report", "--no-plot", "--plot", "x", "base", NULL};
	struct test_output o;

	run_in_fixtures(corrupt, &o);
	assert_int_equal(o.status, 1);
	assert_string_equal(o.out, "");
	assert_non_null(strstr(o.err, "kvmrt-latency: corrupt-json/host/cyclictest.json: line "));
	test_output_free(&o);
	run_in_fixtures(usage, &o);
	assert_int_equal(o.status, 2);
	assert_non_null(strstr(o.err, "expected one results directory"));
	test_output_free(&o);
	run_in_fixtures(both, &o);
	assert_int_equal(o.status, 2);
	test_output_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_golden), cmocka_unit_test(test_json_golden),
	    cmocka_unit_test(test_summary),	 cmocka_unit_test(test_partial),
	    cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
