/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-results.c - reading results directories (the committed fixtures and
 * hostile ones written here) and the statistics drawn from them.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "kv.h"
#include "latency-test.h"
#include "results.h"
#include "test-exec.h"

#define CAMPAIGN "version = 1\nhistogram_us = 100\nsystems = host\n"
#define FACTS "target = local\npolicy = fifo\n"
/* 10 samples: 5 at 10 us, 3 at 20 us, 1 at 90 us, 1 overflow (max 150) */
#define THREAD(cpu)                                                                                \
	"{\"histogram\": {\"10\": 5, \"20\": 3, \"90\": 1}, \"cycles\": 10, \"min\": 10, "         \
	"\"max\": 150, \"avg\": 31.00, \"cpu\": " #cpu ", \"node\": 0}"
#define DOC(threads) "{\"cmdline:\": \"cyclictest\", \"num_threads\": 1, \"thread\": {" threads "}}"

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A fresh results directory with one system "host"; free()/test_rm_rf() it. */
static char *make_dir(const char *campaign, const char *facts, const char *json)
{
	char *dir = test_mkdtemp(), sub[512];

	assert_non_null(dir);
	snprintf(sub, sizeof(sub), "%s/host", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	put(dir, "campaign", campaign);
	if (facts)
		put(dir, "host/facts", facts);
	if (json)
		put(dir, "host/cyclictest.json", json);
	return dir;
}

static void done_dir(char *dir)
{
	test_rm_rf(dir);
	free(dir);
}

/* Loading fails with @err and a message holding @msg. */
static void expect_bad(const char *campaign, const char *facts, const char *json, int err,
		       const char *msg)
{
	char *dir = make_dir(campaign, facts, json), why[512] = "";
	struct lat_results *r = NULL;

	assert_int_equal(lat_results_load(dir, 0, &r, why, sizeof(why)), err);
	assert_null(r);
	if (!strstr(why, msg) || strncmp(why, dir, strlen(dir)) != 0)
		fail_msg("message '%s' lacks the directory or '%s'", why, msg);
	done_dir(dir);
}

static struct lat_results *load_fixture(const char *name)
{
	char *path = lt_fixture(name), why[512] = "";
	struct lat_results *r = NULL;

	if (lat_results_load(path, 0, &r, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	free(path);
	return r;
}

static void test_fixture_base(void **state)
{
	struct lat_results *r = load_fixture("base");
	const struct lat_res_system *host = lat_results_system(r, "host");
	const struct lat_res_system *vm1 = lat_results_system(r, "vm1");
	uint64_t sum;

	assert_int_equal(r->n_systems, 2);
	assert_int_equal(r->campaign.histogram_us, 1000);
	assert_non_null(host);
	assert_non_null(vm1);
	assert_true(lat_res_real_time(host));
	assert_false(lat_res_real_time(vm1));
	assert_non_null(vm1->rt_note);
	assert_int_equal(host->n_threads, 2);
	for (size_t i = 0; i < host->n_threads; i++) {
		sum = host->threads[i].overflows;
		for (size_t k = 0; k < host->threads[i].n_buckets; k++)
			sum += host->threads[i].buckets[k].count;
		assert_int_equal(sum, host->threads[i].cycles);
	}
	assert_null(r->spike);
	lat_results_free(r);
}

/* Loads a directory made by make_dir() (which must load). */
static struct lat_results *load_ok(const char *dir)
{
	struct lat_results *r = NULL;
	char why[512] = "";

	if (lat_results_load(dir, 0, &r, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	return r;
}

static void test_stats(void **state)
{
	char *dir =
	    make_dir(CAMPAIGN, FACTS, "{\"thread\": {\"0\": " THREAD(0) ", \"1\": " THREAD(3) "}}");
	struct lat_results *r = load_ok(dir);
	struct lat_stats st;
	unsigned *cpus;

	assert_int_equal(lat_stats_system(&r->systems[0], &st), 0);
	assert_int_equal(st.samples, 20);
	assert_int_equal(st.overflows, 2);
	assert_int_equal(st.min_us, 10);
	assert_int_equal(st.max_us, 150);
	assert_true(fabs(st.avg_us - 31.0) < 1e-9);
	/* rank ceil(20 * 0.999) = 20 lies among the overflows: the max, flagged */
	assert_int_equal(st.p999_us, 150);
	assert_true(st.p999_overflow);
	assert_int_equal(lat_res_cpus(&r->systems[0], &cpus), 2);
	assert_int_equal(cpus[0], 0);
	assert_int_equal(cpus[1], 3);
	free(cpus);
	assert_int_equal(lat_stats_cpu(&r->systems[0], 3, &st), 0);
	assert_int_equal(st.samples, 10);
	assert_int_equal(lat_stats_cpu(&r->systems[0], 1, &st), -ENODATA);
	lat_results_free(r);
	done_dir(dir);
}

static void test_percentile_in_range(void **state)
{
	/* 2000 samples: 1997 at 5 us, 2 at 40, 1 at 60: rank 1998 is 40 us */
	char *dir = make_dir(CAMPAIGN, FACTS,
			     "{\"thread\": {\"0\": {\"histogram\": {\"5\": 1997, \"40\": 2, "
			     "\"60\": 1}, \"cycles\": 2000, \"min\": 5, \"max\": 60, \"avg\": 5.1, "
			     "\"cpu\": 1}}}");
	struct lat_results *r = load_ok(dir);
	struct lat_stats st;

	assert_int_equal(lat_stats_system(&r->systems[0], &st), 0);
	assert_int_equal(st.p999_us, 40);
	assert_false(st.p999_overflow);
	assert_int_equal(st.overflows, 0);
	lat_results_free(r);
	done_dir(dir);
}

static void test_thread_without_samples(void **state)
{
	char *dir = make_dir(CAMPAIGN, FACTS,
			     "{\"thread\": {\"0\": {\"histogram\": {      }, \"cycles\": 0, "
			     "\"min\": 1000000, \"max\": 0, \"avg\": -nan, \"cpu\": 0}}}");
	struct lat_results *r = load_ok(dir);
	struct lat_stats st;

	assert_int_equal(lat_stats_system(&r->systems[0], &st), -ENODATA);
	lat_results_free(r);
	done_dir(dir);
}

static void test_bad_campaign(void **state)
{
	const char *json = DOC("\"0\": " THREAD(0));

	expect_bad("version = 2\nhistogram_us = 100\nsystems = host\n", FACTS, json, -EINVAL,
		   "campaign: version = 2");
	expect_bad("version = 1\nsystems = host\n", FACTS, json, -EINVAL, "no histogram_us");
	expect_bad("version = 1\nhistogram_us = 0\nsystems = host\n", FACTS, json, -EINVAL,
		   "histogram_us = 0");
	expect_bad("version = 1\nhistogram_us = 99999999999\nsystems = host\n", FACTS, json,
		   -EINVAL, "histogram_us = '99999999999'");
	expect_bad("version = 1\nhistogram_us = 100\nsystems = ../host\n", FACTS, json, -EINVAL,
		   "'../host' is not");
	expect_bad("version = 1\nhistogram_us = 100\nsystems = h\x1b[2J\n", FACTS, json, -EINVAL,
		   "is not");
	expect_bad("version = 1\nhistogram_us = 100\nsystems = host host\n", FACTS, json, -EINVAL,
		   "'host' is not a new");
	expect_bad("version = 1\nhistogram_us = 100\nsystems =\n", FACTS, json, -EINVAL,
		   "systems: empty");
	expect_bad("version = 1\nversion = 1\n", FACTS, json, -EINVAL, "line 2: key 'version'");
	expect_bad("version = 1\nhistogram_us\n", FACTS, json, -EINVAL, "line 2: no '='");
	expect_bad("version = 1\nsystems = host vm1\nhistogram_us = 100\n", FACTS, json, -ENOENT,
		   "vm1/facts: missing");
}

static void test_bad_facts(void **state)
{
	const char *json = DOC("\"0\": " THREAD(0));

	expect_bad(CAMPAIGN, NULL, json, -ENOENT, "host/facts: missing");
	expect_bad(CAMPAIGN, "policy = rr\n", json, -EINVAL, "policy = 'rr'");
}

static void test_bad_threads(void **state)
{
	expect_bad(CAMPAIGN, FACTS, NULL, -ENOENT, "host/cyclictest.json: missing");
	expect_bad(CAMPAIGN, FACTS, "[1]", -EINVAL, "an array, not an object");
	expect_bad(CAMPAIGN, FACTS, "{\"thread\": []}", -EINVAL, "no \"thread\" object");
	expect_bad(CAMPAIGN, FACTS, "{\"thread\": {}}", -EINVAL, "0 threads");
	expect_bad(CAMPAIGN, FACTS, "{\"num_threads\": 2, \"thread\": {\"0\": " THREAD(0) "}}",
		   -EINVAL, "num_threads");
	expect_bad(CAMPAIGN, FACTS, "{\"thread\": {\"x\": " THREAD(0) "}}", -EINVAL,
		   "thread \"x\"");
	expect_bad(CAMPAIGN, FACTS,
		   "{\"thread\": {\"0\": {\"histogram\": {}, \"cycles\": \"10\", \"min\": 1, "
		   "\"max\": 2, \"avg\": 1.5, \"cpu\": 0}}}",
		   -EINVAL, "\"cycles\" is not an integer");
	expect_bad(CAMPAIGN, FACTS,
		   "{\"thread\": {\"0\": {\"histogram\": {}, \"cycles\": 1, \"min\": 1, "
		   "\"max\": 2, \"cpu\": 0}}}",
		   -EINVAL, "\"avg\" is missing");
	expect_bad(CAMPAIGN, FACTS,
		   "{\"thread\": {\"0\": {\"histogram\": {}, \"cycles\": 1, \"min\": 3, "
		   "\"max\": 2, \"avg\": 2, \"cpu\": 0}}}",
		   -EINVAL, "do not agree");
	expect_bad(CAMPAIGN, FACTS,
		   "{\"thread\": {\"0\": {\"histogram\": {}, \"cycles\": 1, \"min\": 1, "
		   "\"max\": 2, \"avg\": 2, \"cpu\": 99999999}}}",
		   -EINVAL, "\"cpu\" is not an integer in [0, 65535]");
}

static void test_bad_histograms(void **state)
{
#define H(h)                                                                                       \
	"{\"thread\": {\"0\": {\"histogram\": " h ", \"cycles\": 10, \"min\": 1, "                 \
	"\"max\": 20, \"avg\": 5, \"cpu\": 0}}}"
	expect_bad(CAMPAIGN, FACTS, H("[]"), -EINVAL, "\"histogram\" is missing or not an object");
	expect_bad(CAMPAIGN, FACTS, H("{\"100\": 1}"), -EINVAL, "bucket \"100\"");
	expect_bad(CAMPAIGN, FACTS, H("{\"-1\": 1}"), -EINVAL, "bucket \"-1\"");
	expect_bad(CAMPAIGN, FACTS, H("{\"07\": 1}"), -EINVAL, "bucket \"07\"");
	expect_bad(CAMPAIGN, FACTS, H("{\"5\": 1, \"5\": 1}"), -EINVAL, "out of order or repeated");
	expect_bad(CAMPAIGN, FACTS, H("{\"6\": 1, \"5\": 1}"), -EINVAL, "out of order");
	expect_bad(CAMPAIGN, FACTS, H("{\"5\": 6, \"6\": 5}"), -EINVAL, "more samples");
	expect_bad(CAMPAIGN, FACTS, H("{\"5\": 1.5}"), -EINVAL, "not a count");
	expect_bad(CAMPAIGN, FACTS, H("{\"5\": 99999999999999999999}"), -ERANGE, "out of range");
#undef H
}

static void test_partial(void **state)
{
	char *dir = make_dir(CAMPAIGN, FACTS, NULL);
	struct lat_results *r = NULL;
	char why[512] = "";

	assert_int_equal(lat_results_load(dir, 0, &r, why, sizeof(why)), -ENOENT);
	assert_int_equal(lat_results_load(dir, LAT_RESULTS_PARTIAL, &r, why, sizeof(why)), 0);
	assert_int_equal(r->systems[0].n_threads, 0);
	assert_non_null(strstr(r->systems[0].missing, "host/cyclictest.json: missing"));
	assert_true(lat_res_real_time(&r->systems[0]));
	lat_results_free(r);
	done_dir(dir);
}

static void test_spike(void **state)
{
	char *dir = make_dir(CAMPAIGN, FACTS, DOC("\"0\": " THREAD(0)));
	struct lat_results *r = NULL;
	char why[512] = "";

	put(dir, "spike",
	    "system = host\ncpu = 1\nthread = 1\nlatency_us = 312\n"
	    "dump = trace/host\nmerged = trace/merged\nexplain = trace/explain.txt\n");
	assert_int_equal(lat_results_load(dir, 0, &r, why, sizeof(why)), 0);
	assert_non_null(r->spike);
	assert_string_equal(r->spike->system, "host");
	assert_int_equal(r->spike->latency_us, 312);
	assert_string_equal(r->spike->explain, "trace/explain.txt");
	lat_results_free(r);
	put(dir, "spike", "cpu = one\n");
	assert_int_equal(lat_results_load(dir, 0, &r, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "spike: cpu = 'one'"));
	done_dir(dir);
}

static void test_kv(void **state)
{
	struct lat_kv_file f;
	char why[256] = "";

	assert_int_equal(
	    lat_kv_parse("# c\n\n a = b = c \ncmdline = x=y\n", 31, &f, why, sizeof(why)), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(lat_kv_get(&f, "a"), "b = c");
	assert_string_equal(lat_kv_get(&f, "cmdline"), "x=y");
	assert_null(lat_kv_get(&f, "b"));
	lat_kv_file_done(&f);
	assert_int_equal(lat_kv_parse("a = 1\nb = \0x\n", 12, &f, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line 2: NUL byte");
	assert_int_equal(lat_kv_parse(" = 1\n", 5, &f, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line 1: bad key ''");
	assert_int_equal(lat_kv_parse("a b = 1\n", 8, &f, why, sizeof(why)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture_base),
	    cmocka_unit_test(test_stats),
	    cmocka_unit_test(test_percentile_in_range),
	    cmocka_unit_test(test_thread_without_samples),
	    cmocka_unit_test(test_bad_campaign),
	    cmocka_unit_test(test_bad_facts),
	    cmocka_unit_test(test_bad_threads),
	    cmocka_unit_test(test_bad_histograms),
	    cmocka_unit_test(test_partial),
	    cmocka_unit_test(test_spike),
	    cmocka_unit_test(test_kv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
