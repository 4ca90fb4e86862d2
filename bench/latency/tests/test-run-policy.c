/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-run-policy.c - SCHED_FIFO refused (suite root): `kvmrt-latency run`
 * started without CAP_SYS_NICE (setpriv drops it from the bounding set, so
 * even root cannot use real-time scheduling) detects it on its probe, runs
 * cyclictest with --policy other, labels the system "policy = other" with an
 * rt_note saying why, and the summary says it is not real-time. cyclictest
 * 2.4 refuses --policy other too (it tries SCHED_FIFO first): then the run
 * measures with its own SCHED_OTHER fallback, `kvmrt-latency measure`, and
 * the system HAS results, read by the project's reader and still labelled
 * not real-time.
 */
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
#include "kv.h"
#include "results.h"
#include "test-exec.h"

static char *read_text(const char *dir, const char *rel)
{
	_cleanup_free_ char *path = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", dir, rel) > 0);
	f = fopen(path, "re");
	if (!f)
		fail_msg("%s: missing", path);
	assert_int_not_equal(getdelim(&text, &len, '\0', f), -1);
	fclose(f);
	return text;
}

static void test_fifo_refused(void **state)
{
	_cleanup_free_ char *tmp = test_mkdtemp(), *res = NULL, *tool = NULL;
	_cleanup_free_ char *facts_text = NULL, *summary = NULL, *campaign = NULL;
	_cleanup_free_ char *command = NULL, *json = NULL;
	struct lat_results *results = NULL;
	struct lat_kv_file facts;
	struct test_output o;
	char why[256];

	(void)state;
	assert_non_null(tmp);
	assert_true(asprintf(&res, "%s/res", tmp) > 0);
	assert_true(asprintf(&tool, "%s/bench/latency/kvmrt-latency", getenv("KVMRT_BUILD_ROOT")) >
		    0);
	assert_int_equal(test_exec((char *[]){ "/usr/bin/setpriv", "--bounding-set", "-sys_nice",
					       "--inh-caps", "-sys_nice", tool, "run", "-o", res,
					       "-D", "2s", "--cpus", "0", NULL },
				   &o),
			 0);
	assert_non_null(strstr(o.err, "SCHED_FIFO refused"));
	campaign = read_text(res, "campaign");
	assert_non_null(strstr(campaign, "systems = host\n"));
	facts_text = read_text(res, "host/facts");
	assert_int_equal(lat_kv_parse(facts_text, strlen(facts_text), &facts, why, sizeof(why)), 0);
	assert_string_equal(lat_kv_get(&facts, "policy"), "other");
	assert_non_null(strstr(lat_kv_get(&facts, "rt_note"), "SCHED_FIFO refused"));
	command = read_text(res, "host/command");
	assert_non_null(strstr(command, "--policy other"));
	assert_int_equal(o.status, 0);
	assert_string_equal(lat_kv_get(&facts, "exit_status"), "0");
	assert_non_null(strstr(lat_kv_get(&facts, "rt_note"), "NOT real-time"));
	json = read_text(res, "host/cyclictest.json");
	if (strstr(command, "measure --policy other")) {
		/* cyclictest refused --policy other: the fallback measured. */
		assert_non_null(strstr(lat_kv_get(&facts, "rt_note"), "kvmrt-latency measure"));
		assert_non_null(strstr(json, "\"measured_by\""));
	}
	if (lat_results_load(res, 0, &results, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	assert_int_equal(results->n_systems, 1);
	assert_int_equal(results->systems[0].n_threads, 1);
	assert_true(results->systems[0].threads[0].cycles > 0);
	assert_false(lat_res_real_time(&results->systems[0]));
	lat_results_free(results);
	summary = read_text(res, "summary.txt");
	assert_non_null(strstr(summary, "SCHED_FIFO refused"));
	assert_non_null(strstr(summary, "not real-time"));
	lat_kv_file_done(&facts);
	test_output_free(&o);
	test_rm_rf(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_refused),
	};

	if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) < 0 ||
	    system("command -v cyclictest >/dev/null") != 0) {
		fprintf(stderr, "skipped: needs root, setpriv and cyclictest\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
