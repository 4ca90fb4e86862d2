/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-measure.c - `kvmrt-latency measure`, the SCHED_OTHER fallback: its
 * command line against hostile values, its thread plan, and its results,
 * which the project's own cyclictest reader (cyclictest.c) must accept with
 * the right threads, consistent min/avg/max and a histogram that adds up to
 * the cycles. Durations are 1 s; cycle counts are only checked against
 * sanity bounds (the machine is loaded: periods are skipped).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "measure.h"
#include "results.h"
#include "test-exec.h"

static int parse(struct lat_measure_params *p, char **argv)
{
	char why[256] = "";
	int argc = 0, r;

	while (argv[argc])
		argc++;
	r = lat_measure_parse_args(argc, argv, p, why, sizeof(why));
	if (r < 0)
		assert_true(why[0] != '\0'); /* every refusal says why */
	return r;
}

#define ARGV(...) ((char *[]){ "measure", __VA_ARGS__, NULL })

static void test_args_ok(void **state)
{
	struct lat_measure_params p;

	(void)state;
	assert_int_equal(parse(&p, ARGV("--json=x.json")), 0);
	assert_int_equal(p.interval_us, 1000);
	assert_int_equal(p.histogram_us, 1000);
	assert_int_equal(p.duration_s, 60);
	assert_null(p.cpus);
	assert_int_equal(p.nr_threads, 0);
	assert_int_equal(parse(&p, ARGV("--policy", "other", "-i", "250", "-h", "50", "-t", "3",
					"-a", "0-1", "-D", "2s", "-q", "--json=r.json")), 0);
	assert_int_equal(p.interval_us, 250);
	assert_int_equal(p.histogram_us, 50);
	assert_int_equal(p.nr_threads, 3);
	assert_string_equal(p.cpus, "0-1");
	assert_int_equal(p.duration_s, 2);
	assert_true(p.quiet);
	assert_string_equal(p.json, "r.json");
	assert_int_equal(parse(&p, ARGV("--help")), 0);
	assert_true(p.help);
}

static void test_args_hostile(void **state)
{
	char **bad[] = {
		ARGV("-i", "0", "--json=x"),	    ARGV("-i", "49", "--json=x"),
		ARGV("-i", "1000001", "--json=x"),  ARGV("-i", "-5", "--json=x"),
		ARGV("-i", "1e3", "--json=x"),	    ARGV("-i", "", "--json=x"),
		ARGV("-h", "0", "--json=x"),	    ARGV("-h", "1000001", "--json=x"),
		ARGV("-h", "18446744073709551616", "--json=x"),
		ARGV("-t", "0", "--json=x"),	    ARGV("-t", "1025", "--json=x"),
		ARGV("-a", "", "--json=x"),	    ARGV("-a", "3-1", "--json=x"),
		ARGV("-a", "1024", "--json=x"),	    ARGV("-a", "0,,x", "--json=x"),
		ARGV("-a", "-1", "--json=x"),	    ARGV("-D", "0", "--json=x"),
		ARGV("-D", "8d", "--json=x"),	    ARGV("-D", "1x", "--json=x"),
		ARGV("-D", "99999999999999999999", "--json=x"),
		ARGV("--policy", "fifo", "--json=x"), ARGV("--policy=", "--json=x"),
		ARGV("-q"),			    ARGV("--json="),
		ARGV("--json=x", "extra"),	    ARGV("--bogus", "--json=x"),
		ARGV("--json=x", "-i"),
	};
	struct lat_measure_params p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(&p, bad[i]) != -EINVAL)
			fail_msg("accepted: %s %s %s", bad[i][1], bad[i][2] ? bad[i][2] : "",
				 bad[i][2] && bad[i][3] ? bad[i][3] : "");
}

static void test_plan(void **state)
{
	_cleanup_free_ unsigned *cpus = NULL, *all = NULL, *cpus2 = NULL;
	struct lat_measure_params p;
	char why[256];
	bool two;

	(void)state;
	/* Round robin over the list (CPU 1 when this machine has it). */
	two = sysconf(_SC_NPROCESSORS_ONLN) > 1;
	assert_int_equal(parse(&p, ARGV("-a", two ? "0-1" : "0", "-t", "3", "--json=x")), 0);
	assert_int_equal(lat_measure_plan(&p, &cpus, why, sizeof(why)), 3);
	assert_int_equal(cpus[0], 0);
	assert_int_equal(cpus[1], two ? 1 : 0);
	assert_int_equal(cpus[2], 0);
	assert_int_equal(parse(&p, ARGV("--json=x")), 0);
	assert_true(lat_measure_plan(&p, &all, why, sizeof(why)) >= 1);
	/* A CPU this machine does not have. */
	assert_int_equal(parse(&p, ARGV("-a", "0,1023", "--json=x")), 0);
	assert_int_equal(lat_measure_plan(&p, &cpus2, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "CPU 1023"));
}

/* Parses @text with cyclictest.c and checks it against what was measured. */
static void check_document(const char *text, uint64_t histogram_us, unsigned nr_threads,
			   uint64_t max_cycles)
{
	struct lat_res_system s = {};
	char why[256] = "";

	if (lat_cyclictest_parse(text, strlen(text), histogram_us, &s, why, sizeof(why)) < 0)
		fail_msg("the reader refuses it: %s", why);
	assert_int_equal(s.n_threads, nr_threads);
	for (size_t i = 0; i < s.n_threads; i++) {
		const struct lat_thread *t = &s.threads[i];
		uint64_t total = 0;

		assert_int_equal(t->index, i);
		assert_true(t->cycles >= 1 && t->cycles <= max_cycles);
		assert_true((double)t->min_us <= t->avg_us + 0.01);
		assert_true(t->avg_us <= (double)t->max_us + 0.01);
		for (size_t b = 0; b < t->n_buckets; b++)
			total += t->buckets[b].count;
		assert_int_equal(total + t->overflows, t->cycles);
		free(t->buckets);
	}
	free(s.threads);
	assert_non_null(strstr(text, "\"measured_by\": \"kvmrt-latency measure"));
	assert_non_null(strstr(text, "\"cmdline:\": "));
}

/* In process: 1 s at 1000 us on CPU 0 (and 1 when there is one). */
static void test_measure_document(void **state)
{
	_cleanup_free_ char *text = NULL;
	unsigned cpus[] = { 0, 1 }, nr = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	struct lat_measure_params p;
	struct lat_measure_result r;
	char *argv[] = { "measure", "-a", "0-1", "--json", "a \"b\"\n\\c", NULL };
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(parse(&p, ARGV("-D", "1", "-h", "200", "--json=x")), 0);
	assert_int_equal(lat_measure_run(&p, cpus, nr, NULL, &r), 0);
	assert_int_equal(r.nr_threads, nr);
	for (unsigned i = 0; i < nr; i++) {
		uint64_t total = r.threads[i].overflows;

		for (uint64_t us = 0; us < r.histogram_us; us++)
			total += r.threads[i].histogram[us];
		assert_int_equal(total, r.threads[i].cycles);
		assert_int_equal(r.threads[i].cpu, cpus[i]);
	}
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(lat_measure_write_json(f, &r, 5, argv), 0);
	assert_int_equal(fclose(f), 0);
	/* 1 s / 1000 us, one more for rounding. */
	check_document(text, 200, nr, 1001);
	lat_measure_result_done(&r);
}

/* A thread that never woke (cycles 0) still makes a document the reader takes. */
static void test_document_empty_thread(void **state)
{
	_cleanup_free_ char *text = NULL;
	uint64_t histogram[4] = {};
	struct lat_measure_thread t = { .cpu = 3, .histogram = histogram };
	struct lat_measure_result r = { .nr_threads = 1, .threads = &t, .histogram_us = 4 };
	struct lat_res_system s = {};
	char why[256] = "";
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(lat_measure_write_json(f, &r, 0, NULL), 0);
	assert_int_equal(fclose(f), 0);
	if (lat_cyclictest_parse(text, len, 4, &s, why, sizeof(why)) < 0)
		fail_msg("the reader refuses it: %s", why);
	assert_int_equal(s.n_threads, 1);
	assert_int_equal(s.threads[0].cycles, 0);
	assert_int_equal(s.threads[0].cpu, 3);
	free(s.threads[0].buckets);
	free(s.threads);
}

/* The tool: a JSON file the reader takes, usage errors exit 2. */
static void test_tool(void **state)
{
	_cleanup_free_ char *tmp = test_mkdtemp(), *tool = NULL, *json = NULL, *arg = NULL;
	_cleanup_free_ char *text = NULL;
	struct test_output o;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_non_null(tmp);
	assert_true(asprintf(&tool, "%s/bench/latency/kvmrt-latency", getenv("KVMRT_BUILD_ROOT")) >
		    0);
	assert_true(asprintf(&json, "%s/m.json", tmp) > 0);
	assert_true(asprintf(&arg, "--json=%s", json) > 0);
	assert_int_equal(test_exec((char *[]){ tool, "measure", "--policy", "other", "-i", "500",
					       "-h", "100", "-t", "1", "-a", "0", "-D", "1s", "-q",
					       arg, NULL }, &o), 0);
	assert_int_equal(o.status, 0);
	assert_string_equal(o.out, "");
	test_output_free(&o);
	f = fopen(json, "re");
	assert_non_null(f);
	assert_int_not_equal(getdelim(&text, &len, '\0', f), -1);
	fclose(f);
	check_document(text, 100, 1, 2001);
	assert_int_equal(test_exec((char *[]){ tool, "measure", "-i", "0", arg, NULL }, &o), 0);
	assert_int_equal(o.status, 2);
	assert_non_null(strstr(o.err, "-i '0'"));
	test_output_free(&o);
	assert_int_equal(test_exec((char *[]){ tool, "measure", "--help", NULL }, &o), 0);
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "NOT real-time"));
	test_output_free(&o);
	test_rm_rf(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_ok),
		cmocka_unit_test(test_args_hostile),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_measure_document),
		cmocka_unit_test(test_document_empty_thread),
		cmocka_unit_test(test_tool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
