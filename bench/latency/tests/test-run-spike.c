/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-run-spike.c - spike capture end to end (suite e2e, run alone):
 * `kvmrt-latency run --trace --break 1` on this host and on a
 * network-namespace guest "vm1" over a real sshd. A 1 us threshold breaks at
 * once: both recordings are frozen and come back into DIR/trace/, merged into
 * DIR/trace/merged, whose view must hold cyclictest's tracemark from the
 * system DIR/spike names, on the CPU it names; DIR/trace/explain.txt explains
 * it. The harness's teardown checks that tracefs is left as it was (the
 * top-level tracing_on that cyclictest -b turns off included).
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
#include "run-harness.h"

#define MARK "MARKER [hit latency threshold ("

/* DIR/trace/@system is a complete recording of that system. */
static void check_dump(struct fixture *f, const char *system)
{
	_cleanup_free_ char *rel = NULL, *meta = NULL;
	struct lat_kv_file m;

	assert_true(asprintf(&rel, "trace/%s/xtrace.meta", system) > 0);
	read_kv(f, rel, &m);
	assert_string_equal(kv(&m, "status"), "complete");
	lat_kv_file_done(&m);
}

/* The merged view: both systems, and the mark of @system on @cpu. */
static void check_view(struct fixture *f, const char *system, const char *cpu)
{
	_cleanup_free_ char *merged = scratch(f, "res/trace/merged"), *want = NULL;
	struct test_output o;
	char *save = NULL;
	bool host = false, vm1 = false, mark = false;

	assert_true(asprintf(&want, " %s %s " MARK, system, cpu) > 0);
	assert_int_equal(test_exec((char *[]){ "view/xtrace-view", "--time", "tod", merged, NULL },
				   &o),
			 0);
	assert_int_equal(o.status, 0);
	for (char *l = strtok_r(o.out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		host |= strstr(l, " host ") != NULL;
		vm1 |= strstr(l, " vm1 ") != NULL;
		mark |= strstr(l, want) != NULL;
	}
	test_output_free(&o);
	assert_true(host);
	assert_true(vm1);
	if (!mark)
		fail_msg("no '%s' in the view of %s", want, merged);
}

static void test_break(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *explain = scratch(f, "res/trace/explain.txt"), *text = NULL;
	struct test_output o;
	struct lat_kv_file spike, c;
	const char *system;

	run_campaign(f, (const char *[]){ "-D", "5s", "--cpus", "1", "--trace", "--break", "1",
					  NULL },
		     &o);
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.err, "freezing every recording"));
	test_output_free(&o);
	read_kv(f, "campaign", &c);
	assert_string_equal(kv(&c, "break_us"), "1");
	assert_string_equal(kv(&c, "ended"), "break");
	lat_kv_file_done(&c);
	read_kv(f, "spike", &spike);
	system = kv(&spike, "system");
	assert_true(!strcmp(system, "host") || !strcmp(system, "vm1"));
	assert_string_equal(kv(&spike, "cpu"), "1");
	assert_string_equal(kv(&spike, "thread"), "0");
	assert_true(strtoul(kv(&spike, "latency_us"), NULL, 10) > 1);
	assert_string_equal(kv(&spike, "merged"), "trace/merged");
	assert_string_equal(kv(&spike, "explain"), "trace/explain.txt");
	assert_true(!strncmp(kv(&spike, "dump"), "trace/", 6));
	assert_string_equal(kv(&spike, "dump") + 6, system);
	check_dump(f, "host");
	check_dump(f, "vm1");
	check_view(f, system, "1");
	text = slurp(explain);
	assert_non_null(strstr(text, MARK));
	assert_non_null(strstr(text, "# xtrace-view --explain "));
	lat_kv_file_done(&spike);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_break, guest_setup, guest_teardown),
	};

	if (check_e2e_machine() < 0) {
		fprintf(stderr, "skipped: needs root, tracefs, sshd, cyclictest and the built tools\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
