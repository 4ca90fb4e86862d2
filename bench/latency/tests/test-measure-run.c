/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-measure-run.c - how `kvmrt-latency run` reaches its SCHED_OTHER
 * fallback: the probe asks for `kvmrt-latency measure` where SCHED_FIFO is
 * refused (this binary locally, the one in PATH on a guest), its answer
 * "measure = yes" is read, and the main script starts the measurer with the
 * campaign's values and without cyclictest's -b.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "run-params.h"

static const struct lat_system local = { .name = "host" }, guest = { .name = "vm1", .host = "vm1" };

static void test_probe_script(void **state)
{
	struct lat_run_params p = { .priority = 80, .interval_us = 1000, .histogram_us = 1000,
				    .duration_s = 2, .self_exe = "/opt/it's/kvmrt-latency" };
	_cleanup_free_ char *a = lat_script_probe(&p, &local), *b = lat_script_probe(&p, &guest);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(strstr(a, "'/opt/it'\\''s/kvmrt-latency' measure --help >/dev/null 2>&1 "
				  "&& echo 'measure = yes'\n"));
	assert_non_null(strstr(b, "\tkvmrt-latency measure --help >/dev/null 2>&1 && echo "
				  "'measure = yes'\n"));
}

static void test_probe_answer(void **state)
{
	const char *answer = "hostname = h\nkernel = 6.1\nonline = 0-1\n"
			     "workdir = /tmp/kvmrt-latency.abcDE9\nfifo = no\n"
			     "fifo_error = Unable to change scheduling policy!\nmeasure = yes\n";
	struct lat_probe probe;
	char why[256];

	(void)state;
	assert_int_equal(lat_probe_parse(answer, &probe, why, sizeof(why)), 0);
	assert_false(probe.fifo);
	assert_false(probe.other);
	assert_true(probe.measure);
	assert_int_equal(lat_probe_parse("hostname = h\nkernel = 6.1\nonline = 0\n"
					 "workdir = /tmp/kvmrt-latency.abcDE9\nmeasure = maybe\n",
					 &probe, why, sizeof(why)), 0);
	assert_false(probe.measure);
}

static void test_main_script(void **state)
{
	struct lat_run_params p = { .priority = 80, .interval_us = 200, .histogram_us = 400,
				    .duration_s = 5, .trace = true, .break_us = 7,
				    .self_exe = "/b/kvmrt-latency" };
	struct lat_plan pl = { .cpus = "1-3", .nr_cpus = 3, .measure = true };
	_cleanup_free_ char *a = lat_script_main(&p, &local, &pl, "/tmp/kvmrt-latency.abcdef");
	_cleanup_free_ char *b = lat_script_main(&p, &guest, &pl, "/tmp/kvmrt-latency.abcdef");

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(strstr(a, "-o trace -- '/b/kvmrt-latency' measure --policy other -i 200 "
				  "-h 400 -t 3 -a 1-3 -D 5s -q --json=cyclictest.json\n"));
	assert_non_null(strstr(b, "-o trace -- kvmrt-latency measure --policy other -i 200"));
	assert_null(strstr(a, "-b "));
	assert_null(strstr(a, "cyclictest -m"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_script),
		cmocka_unit_test(test_probe_answer),
		cmocka_unit_test(test_main_script),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
