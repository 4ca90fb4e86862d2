/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-run-probe.c - what `kvmrt-latency run` reads from the systems it
 * measures (suite unit): the probe's answer (untrusted: a guest writes it),
 * the measured CPUs, cyclictest's break lines, and the scripts it sends.
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

#include "cleanup.h"
#include "run-params.h"

#define GOOD_PROBE                                                                                 \
	"Welcome to the guest!\n"                                                                  \
	"hostname = vm1\n"                                                                         \
	"kernel = 6.1.0-rt\n"                                                                      \
	"kernel_version = #1 SMP PREEMPT_RT\n"                                                     \
	"cmdline = isolcpus=1-3 nohz_full=1-3\n"                                                   \
	"online = 0-3\n"                                                                           \
	"boot_id = 1234\n"                                                                         \
	"tracing_on = 1\n"                                                                         \
	"missing = \n"                                                                             \
	"fifo = no\n"                                                                              \
	"fifo_error = Unable to change scheduling policy!\n"                                       \
	"future_key = ignored\n"                                                                   \
	"workdir = /tmp/kvmrt-latency.Ab3dE9\n"

static char why[512];

static void test_probe_good(void **state)
{
	struct lat_probe p;

	(void)state;
	assert_int_equal(lat_probe_parse(GOOD_PROBE, &p, why, sizeof(why)), 0);
	assert_string_equal(p.hostname, "vm1");
	assert_string_equal(p.kernel, "6.1.0-rt");
	assert_string_equal(p.kernel_version, "#1 SMP PREEMPT_RT");
	assert_string_equal(p.cmdline, "isolcpus=1-3 nohz_full=1-3");
	assert_string_equal(p.online, "0-3");
	assert_string_equal(p.boot_id, "1234");
	assert_string_equal(p.tracing_on, "1");
	assert_string_equal(p.missing, "");
	assert_false(p.fifo);
	assert_false(p.other);
	assert_string_equal(p.fifo_error, "Unable to change scheduling policy!");
	assert_string_equal(p.workdir, "/tmp/kvmrt-latency.Ab3dE9");
}

/* GOOD_PROBE with the line starting with @key replaced by @line. */
static int parse_with(const char *key, const char *line)
{
	_cleanup_free_ char *text = NULL;
	const char *at = strstr(GOOD_PROBE, key);
	const char *end = strchr(at, '\n') + 1;
	struct lat_probe p;

	assert_true(asprintf(&text, "%.*s%s%s", (int)(at - GOOD_PROBE), GOOD_PROBE, line,
			     end) > 0);
	why[0] = '\0';
	return lat_probe_parse(text, &p, why, sizeof(why));
}

static void test_probe_hostile(void **state)
{
	static const char *const bad_workdirs[] = {
		"", "workdir = \n", "workdir = /tmp\n", "workdir = /\n",
		"workdir = /tmp/kvmrt-latency.\n", "workdir = /tmp/kvmrt-latency.abc\n",
		"workdir = /tmp/kvmrt-latency.abcdefg\n", "workdir = /tmp/kvmrt-latency.ab/../\n",
		"workdir = /tmp/kvmrt-latency.a'b;cd\n", "workdir = /home/kvmrt-latency.abcdef\n",
		"workdir = /tmp/kvmrt-latency.Ab3dE9 \n",
	};
	char huge[6000];
	struct lat_probe p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_workdirs) / sizeof(bad_workdirs[0]); i++)
		assert_int_equal(parse_with("workdir", bad_workdirs[i]), -EINVAL);
	assert_non_null(strstr(why, "work directory"));
	assert_int_equal(parse_with("online", "online = lots\n"), -EINVAL);
	assert_non_null(strstr(why, "lots"));
	assert_int_equal(parse_with("online", "online = 3-1\n"), -EINVAL);
	assert_int_equal(parse_with("online", "online = 0-99999999\n"), -EINVAL);
	assert_int_equal(parse_with("online", ""), -EINVAL);
	assert_int_equal(parse_with("hostname", "hostname = \n"), -EINVAL);
	assert_int_equal(parse_with("kernel =", "kernel = a\tb\n"), -EINVAL);
	assert_non_null(strstr(why, "control characters"));
	assert_int_equal(parse_with("kernel =", "kernel = a\033[2Jb\n"), -EINVAL);
	memset(huge, 'x', sizeof(huge));
	memcpy(huge, "cmdline = ", 10);
	huge[sizeof(huge) - 2] = '\n';
	huge[sizeof(huge) - 1] = '\0';
	assert_int_equal(parse_with("cmdline", huge), -EINVAL);
	assert_non_null(strstr(why, "cmdline is longer"));
	assert_int_equal(lat_probe_parse("", &p, why, sizeof(why)), -EINVAL);
	assert_int_equal(lat_probe_parse("sh: 1: uname: not found\n", &p, why, sizeof(why)),
			 -EINVAL);
}

static void plan(const char *cpus, const char *spec, const char *online, const char *want,
		 unsigned nr)
{
	struct lat_run_params p = { .cpus = cpus };
	struct lat_probe probe = {};
	struct lat_system s;
	struct lat_plan pl = {};

	assert_int_equal(lat_system_parse(spec, &s, why, sizeof(why)), 0);
	snprintf(probe.online, sizeof(probe.online), "%s", online);
	if (!want) {
		assert_int_equal(lat_plan_cpus(&p, &s, &probe, &pl, why, sizeof(why)), -EINVAL);
		assert_non_null(strstr(why, "not online"));
		return;
	}
	assert_int_equal(lat_plan_cpus(&p, &s, &probe, &pl, why, sizeof(why)), 0);
	assert_string_equal(pl.cpus, want);
	assert_int_equal(pl.nr_cpus, nr);
}

static void test_plan_cpus(void **state)
{
	(void)state;
	plan(NULL, "local", "0-3", "0-3", 4);
	plan(NULL, "ssh:vm1", "0-3", "1-3", 3);   /* CPU 0 does the guest's housekeeping */
	plan(NULL, "ssh:vm1", "0,2-3", "2-3", 2);
	plan(NULL, "ssh:vm1", "0", "0", 1);       /* unless it is the only one */
	plan(NULL, "ssh:vm1", "1", "1", 1);
	plan("1", "local", "0-1", "1", 1);
	plan("0", "ssh:vm1", "0-1", "0", 1);      /* --cpus is what the user asked */
	plan("2", "ssh:vm1", "0-1", NULL, 0);
	plan("0-7", "local", "0-3", NULL, 0);
}

static const char BREAK_LOG[] = "# /dev/cpu_dma_latency set to 0us\n"
				"# Histogram\n"
				"000001 000000\t000000\n"
				"# Thread Ids: 02669 02670 02671\n"
				"# Break thread: 2670\n"
				"# Break value: 23\n";

static void test_break_parse(void **state)
{
	struct lat_break b;

	(void)state;
	assert_int_equal(lat_break_parse("# Thread Ids: 1 2\n", "0-1", &b), 0);
	assert_int_equal(lat_break_parse("", "0-1", &b), 0);
	assert_int_equal(lat_break_parse(BREAK_LOG, "1-3", &b), 1);
	assert_int_equal(b.tid, 2670);
	assert_int_equal(b.thread, 1);
	assert_int_equal(b.value_us, 23);
	assert_int_equal(b.cpu, 2);
	/* Fewer CPUs than threads: the CPU is unknown, not made up. */
	assert_int_equal(lat_break_parse(BREAK_LOG, "5", &b), 1);
	assert_int_equal(b.cpu, -1);
}

static void test_break_hostile(void **state)
{
	static const char *const bad[] = {
		"# Break thread: 5\n# Break value: 3\n",                         /* no ids */
		"# Thread Ids: 1 2\n# Break thread: 5\n# Break value: 3\n",      /* not a thread */
		"# Thread Ids: 1 2\n# Break thread: 2\n",                        /* no value */
		"# Thread Ids: 1 2\n# Break thread: x\n# Break value: 3\n",
		"# Thread Ids: 1 2\n# Break thread: -2\n# Break value: 3\n",
		"# Thread Ids: 1 2\n# Break thread: 2\n# Break value: 3us\n",
		"# Thread Ids: 1 2\n# Break thread: 99999999999999999999999\n# Break value: 3\n",
		"# Thread Ids: 1 2\n# Break thread: 2\n# Break value: 99999999999\n",
		"# Thread Ids: 1 x 2\n# Break thread: 2\n# Break value: 3\n",
		"# Thread Ids:\n# Break thread: 2\n# Break value: 3\n",
	};
	struct lat_break b;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (lat_break_parse(bad[i], "0-1", &b) != -EBADMSG)
			fail_msg("accepted: %s", bad[i]);
}

static void test_quote(void **state)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	lat_sh_quote(f, "it's a $(test)");
	fclose(f);
	assert_string_equal(text, "'it'\\''s a $(test)'");
}

static void test_main_script(void **state)
{
	struct lat_run_params p = { .priority = 90, .interval_us = 200, .histogram_us = 400,
				    .duration_s = 5, .trace = true, .break_us = 7,
				    .remote_path = "/opt/x y", .load = LAT_LOAD_STRESS };
	struct lat_plan pl = { .cpus = "1-3", .nr_cpus = 3, .fifo = true, .top_level = true };
	struct lat_system local = { .name = "host" }, guest = { .name = "vm1", .host = "vm1" };
	_cleanup_free_ char *a = lat_script_main(&p, &local, &pl, "/tmp/kvmrt-latency.abcdef");
	_cleanup_free_ char *b = NULL, *c = NULL;

	(void)state;
	assert_non_null(a);
	assert_non_null(strstr(a, "cd '/tmp/kvmrt-latency.abcdef' || exit 125\n"));
	assert_non_null(strstr(a, "stress-ng --cpu 3 --io 3 --vm 1"));
	assert_non_null(strstr(a, "exec xtrace-run -q -m overwrite -t tod --top-level "
				  "--stop-on-trigger -o trace -- cyclictest -m -p 90 -i 200 -h 400 "
				  "-t 3 -a 1-3 -D 5s -q -b 7 --tracemark --json=cyclictest.json\n"));
	assert_null(strstr(a, "PATH="));
	pl.fifo = false;
	pl.top_level = false;
	p.load = LAT_LOAD_NONE;
	b = lat_script_main(&p, &guest, &pl, "/tmp/kvmrt-latency.abcdef");
	assert_non_null(b);
	assert_non_null(strstr(b, "PATH='/opt/x y':$PATH; export PATH\n"));
	assert_non_null(strstr(b, "xtrace-run -q -m overwrite -t tod -o trace -- cyclictest -m "
				  "--policy other -i 200"));
	assert_null(strstr(b, "stress-ng"));
	p.trace = false;
	p.break_us = 0;
	c = lat_script_main(&p, &guest, &pl, "/tmp/kvmrt-latency.abcdef");
	assert_non_null(strstr(c, "exec cyclictest -m --policy other"));
	assert_null(strstr(c, "-b "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_good),  cmocka_unit_test(test_probe_hostile),
		cmocka_unit_test(test_plan_cpus),   cmocka_unit_test(test_break_parse),
		cmocka_unit_test(test_break_hostile), cmocka_unit_test(test_quote),
		cmocka_unit_test(test_main_script),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
