/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-run-e2e.c - a short campaign end to end (suite e2e, run alone):
 * `kvmrt-latency run -D 5s` on this host and on a network-namespace guest
 * "vm1" reached over a real sshd, both measuring CPU 1 (so that the stored
 * baseline has the same CPUs on any machine with two). Checks both JSON
 * results, the campaign and the facts, the summary, the table and pictures of
 * `kvmrt-latency report`, and a verdict of `kvmrt-latency compare` against
 * the baseline in run-baseline/ (regenerate it with the same run; keep the
 * campaign, facts, command and cyclictest.json files) and against itself.
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
#include "json.h"
#include "run-harness.h"

/* DIR/res/@system/cyclictest.json: one thread, on CPU 1, that ran for the campaign. */
static void check_json(struct fixture *f, const char *system)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	struct lat_json *root = NULL;
	const struct lat_json *thread, *t0;
	uint64_t v;
	char why[256];

	assert_true(asprintf(&path, "%s/res/%s/cyclictest.json", f->dir, system) > 0);
	text = slurp(path);
	if (lat_json_parse(text, strlen(text), LAT_JSON_ALLOW_NAN, &root, why, sizeof(why)) < 0)
		fail_msg("%s: %s", path, why);
	assert_int_equal(lat_json_u64(lat_json_get(root, "num_threads"), &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(lat_json_u64(lat_json_get(root, "return_code"), &v), 0);
	assert_int_equal(v, 0);
	thread = lat_json_get(root, "thread");
	assert_non_null(thread);
	t0 = lat_json_get(thread, "0");
	assert_non_null(t0);
	assert_int_equal(lat_json_u64(lat_json_get(t0, "cpu"), &v), 0);
	assert_int_equal(v, 1);
	/* -D 5s at -i 1000: thousands of cycles. */
	assert_int_equal(lat_json_u64(lat_json_get(t0, "cycles"), &v), 0);
	assert_true(v > 1000);
	assert_non_null(lat_json_get(t0, "histogram"));
	lat_json_free(root);
}

static void check_facts(struct fixture *f, const char *system, const char *target)
{
	_cleanup_free_ char *rel = NULL, *work = NULL;
	struct lat_kv_file facts;
	char host[256], *cmd, *q;
	const char *policy;

	assert_true(asprintf(&rel, "%s/facts", system) > 0);
	read_kv(f, rel, &facts);
	assert_string_equal(kv(&facts, "target"), target);
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	/* The guest's sshd runs in a UTS namespace named vm1. */
	assert_string_equal(kv(&facts, "hostname"), strcmp(system, "vm1") ? host : "vm1");
	assert_true(kv(&facts, "kernel")[0] != '\0');
	assert_true(kv(&facts, "kernel_version")[0] != '\0');
	assert_true(kv(&facts, "cmdline")[0] != '\0');
	assert_string_equal(kv(&facts, "cpus"), "1");
	policy = kv(&facts, "policy");
	assert_true(!strcmp(policy, "fifo") || !strcmp(policy, "other"));
	assert_non_null(strstr(kv(&facts, "rt_note"), "SCHED_FIFO"));
	assert_string_equal(kv(&facts, "exit_status"), "0");
	lat_kv_file_done(&facts);
	/* The command ran in a work directory on that system: removed at the end. */
	free(rel);
	assert_true(asprintf(&rel, "%s/res/%s/command", f->dir, system) > 0);
	cmd = slurp(rel);
	assert_non_null(strstr(cmd, "cyclictest -m -p 80 -i 1000 -h 1000 -t 1 -a 1 -D 5s -q "
				    "--json=cyclictest.json"));
	q = strstr(cmd, "cd '/tmp/kvmrt-latency.");
	assert_non_null(q);
	work = strndup(q + 4, strlen("/tmp/kvmrt-latency.XXXXXX"));
	assert_int_equal(access(work, F_OK), -1);
	free(cmd);
}

static void check_campaign(struct fixture *f)
{
	struct lat_kv_file c;

	read_kv(f, "campaign", &c);
	assert_string_equal(kv(&c, "version"), "1");
	assert_string_equal(kv(&c, "duration_s"), "5");
	assert_string_equal(kv(&c, "interval_us"), "1000");
	assert_string_equal(kv(&c, "priority"), "80");
	assert_string_equal(kv(&c, "histogram_us"), "1000");
	assert_string_equal(kv(&c, "load"), "none");
	assert_string_equal(kv(&c, "break_us"), "0");
	assert_string_equal(kv(&c, "systems"), "host vm1");
	assert_string_equal(kv(&c, "ended"), "complete");
	/* ISO-8601 UTC: 2026-11-21T14:20:34Z */
	assert_int_equal(strlen(kv(&c, "started")), 20);
	assert_int_equal(kv(&c, "started")[19], 'Z');
	lat_kv_file_done(&c);
}

static void check_report(struct fixture *f)
{
	_cleanup_free_ char *res = scratch(f, "res"), *summary = NULL, *svg = NULL, *png = NULL;
	_cleanup_free_ char *text = NULL;
	struct test_output o;

	summary = scratch(f, "res/summary.txt");
	text = slurp(summary);
	assert_non_null(strstr(text, "\nhost "));
	assert_non_null(strstr(text, "\nvm1 "));
	assert_int_equal(test_exec((char *[]){ "bench/latency/kvmrt-latency", "report", res, NULL },
				   &o),
			 0);
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "\nhost "));
	assert_non_null(strstr(o.out, "\nvm1 "));
	test_output_free(&o);
	svg = scratch(f, "res/histogram.svg");
	png = scratch(f, "res/histogram.png");
	assert_int_equal(access(svg, F_OK), 0);
	assert_int_equal(access(png, F_OK), 0);
}

/* `kvmrt-latency compare` BASE NEW: a verdict on both systems, exit 0 (pass) or 1 (regression). */
static int compare(char *base, char *res, struct test_output *o)
{
	assert_int_equal(test_exec((char *[]){ "bench/latency/kvmrt-latency", "compare", base, res,
					       NULL },
				   o),
			 0);
	if (o->status != 0 && o->status != 1)
		fail_msg("compare %s %s exited with %d: %s", base, res, o->status, o->err);
	assert_non_null(strstr(o->out, "\nhost "));
	assert_non_null(strstr(o->out, "\nvm1 "));
	assert_non_null(strstr(o->out, o->status ? "Verdict: REGRESSION" : "Verdict: pass"));
	return o->status;
}

/*
 * Against the stored baseline: a verdict, pass or regression (this shared
 * machine stalls for tens of milliseconds now and then). Against itself: pass.
 */
static void check_verdict(struct fixture *f)
{
	_cleanup_free_ char *res = scratch(f, "res");
	_cleanup_free_ char *base = test_source_path("bench/latency/tests/run-baseline");
	struct test_output o;

	compare(base, res, &o);
	test_output_free(&o);
	assert_int_equal(compare(res, res, &o), 0);
	test_output_free(&o);
}

static void test_campaign(void **state)
{
	struct fixture *f = *state;
	struct test_output o;

	run_campaign(f, (const char *[]){ "-D", "5s", "--cpus", "1", "--load", "none", NULL }, &o);
	assert_int_equal(o.status, 0);
	test_output_free(&o);
	check_campaign(f);
	check_json(f, "host");
	check_json(f, "vm1");
	check_facts(f, "host", "local");
	check_facts(f, "vm1", "ssh:vm1");
	check_report(f);
	check_verdict(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_campaign, guest_setup, guest_teardown),
	};

	if (check_e2e_machine() < 0) {
		fprintf(stderr, "skipped: needs root, tracefs, sshd, cyclictest and the built tools\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
