/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-run-args.c - the command line of `kvmrt-latency run` (suite unit):
 * parse_args fed argv arrays, durations, and the SYSTEM specs, hostile ones
 * included (empty, bad hosts, option injection into ssh, duplicate names).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "run-params.h"

#define ARGS(...) (sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)), (char *[]){ __VA_ARGS__ }

static char why[512];

static int parse(int argc, char **argv, struct lat_run_params *p)
{
	why[0] = '\0';
	return lat_run_parse_args(argc, argv, p, why, sizeof(why));
}

static void test_defaults(void **state)
{
	struct lat_run_params p;

	(void)state;
	assert_int_equal(parse(ARGS("run", "-o", "res"), &p), 0);
	assert_string_equal(p.output, "res");
	assert_int_equal(p.duration_s, 60);
	assert_int_equal(p.priority, 80);
	assert_int_equal(p.interval_us, 1000);
	assert_int_equal(p.histogram_us, 1000);
	assert_null(p.cpus);
	assert_int_equal(p.load, LAT_LOAD_NONE);
	assert_false(p.trace);
	assert_int_equal(p.break_us, 0);
	assert_int_equal(p.nr_systems, 1);
	assert_string_equal(p.systems[0].name, "host");
	assert_true(lat_system_is_local(&p.systems[0]));
}

static void test_every_option(void **state)
{
	struct lat_run_params p;
	char target[300];

	(void)state;
	assert_int_equal(parse(ARGS("run", "--output=res", "-D", "15m", "-p", "95", "-i", "200",
				    "-h", "400", "--cpus", "1-3", "--load", "stress", "--trace",
				    "--ssh-config", "cfg", "--remote-path", "/opt/bin", "local",
				    "vm1=ssh:root@10.0.0.2", "ssh:vm2"),
			       &p),
			 0);
	assert_int_equal(p.duration_s, 900);
	assert_int_equal(p.priority, 95);
	assert_int_equal(p.interval_us, 200);
	assert_int_equal(p.histogram_us, 400);
	assert_string_equal(p.cpus, "1-3");
	assert_int_equal(p.load, LAT_LOAD_STRESS);
	assert_true(p.trace);
	assert_string_equal(p.ssh_config, "cfg");
	assert_string_equal(p.remote_path, "/opt/bin");
	assert_int_equal(p.nr_systems, 3);
	assert_string_equal(p.systems[0].name, "host");
	assert_string_equal(p.systems[1].name, "vm1");
	assert_string_equal(p.systems[1].host, "root@10.0.0.2");
	assert_string_equal(lat_system_target(&p.systems[1], target, sizeof(target)),
			    "ssh:root@10.0.0.2");
	assert_string_equal(p.systems[2].name, "vm2");
	/* Options after the systems count too. */
	assert_int_equal(parse(ARGS("run", "ssh:vm3", "-o", "res", "--load", "hackbench"), &p), 0);
	assert_int_equal(p.load, LAT_LOAD_HACKBENCH);
	assert_string_equal(p.systems[0].name, "vm3");
}

static void test_break_implies_trace(void **state)
{
	struct lat_run_params p;

	(void)state;
	assert_int_equal(parse(ARGS("run", "-o", "r", "--break", "50"), &p), 0);
	assert_int_equal(p.break_us, 50);
	assert_true(p.trace);
}

static void test_help_version(void **state)
{
	struct lat_run_params p;

	(void)state;
	assert_int_equal(parse(ARGS("run", "--help"), &p), 0);
	assert_true(p.help);
	assert_int_equal(parse(ARGS("run", "-V"), &p), 0);
	assert_true(p.version);
}

static void expect_usage_error(int argc, char **argv, const char *needle)
{
	struct lat_run_params p;

	assert_int_equal(parse(argc, argv, &p), -EINVAL);
	if (!strstr(why, needle))
		fail_msg("'%s' does not mention '%s'", why, needle);
}

static void test_bad_options(void **state)
{
	(void)state;
	expect_usage_error(ARGS("run"), "-o DIR");
	expect_usage_error(ARGS("run", "-o", ""), "-o DIR");
	expect_usage_error(ARGS("run", "-o", "r", "-p", "0"), "-p '0'");
	expect_usage_error(ARGS("run", "-o", "r", "-p", "100"), "-p '100'");
	expect_usage_error(ARGS("run", "-o", "r", "-p", "80x"), "-p '80x'");
	expect_usage_error(ARGS("run", "-o", "r", "-i", "10"), "-i '10'");
	expect_usage_error(ARGS("run", "-o", "r", "-h", "-1"), "-h '-1'");
	expect_usage_error(ARGS("run", "-o", "r", "--break", "0"), "--break '0'");
	expect_usage_error(ARGS("run", "-o", "r", "--load", "cpu"), "--load 'cpu'");
	expect_usage_error(ARGS("run", "-o", "r", "--cpus", "3-1"), "--cpus '3-1'");
	expect_usage_error(ARGS("run", "-o", "r", "--cpus", ""), "--cpus ''");
	expect_usage_error(ARGS("run", "-o", "r", "--cpus", "99999"), "--cpus '99999'");
	expect_usage_error(ARGS("run", "-o", "r", "-D", "5x"), "-D '5x'");
	expect_usage_error(ARGS("run", "-o", "r", "--bogus"), "unknown option");
	expect_usage_error(ARGS("run", "-o"), "missing value");
	expect_usage_error(ARGS("run", "-o", "r", "qemu:vm1"), "qemu:vm1");
}

static void test_durations(void **state)
{
	static const struct {
		const char *text;
		uint64_t s;
	} good[] = { { "90", 90 }, { "90s", 90 }, { "15m", 900 }, { "2h", 7200 },
		     { "1d", 86400 }, { "7d", 604800 }, { "604800", 604800 } };
	static const char *const bad[] = { "", "0", "0s", "s", "5x", "-5", "+5", " 5", "5 ",
					   "8d", "604801", "1.5h", "99999999999999999999",
					   "5ss", "0x", "12345678901234567890123456789012345" };
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(lat_parse_duration(good[i].text, &v), 0);
		assert_int_equal(v, good[i].s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (lat_parse_duration(bad[i], &v) == 0)
			fail_msg("duration '%s' accepted as %llu", bad[i], (unsigned long long)v);
}

static void test_system_names(void **state)
{
	static const struct {
		const char *spec, *name, *host;
	} good[] = {
		{ "local", "host", "" },
		{ "bench=local", "bench", "" },
		{ "ssh:vm1", "vm1", "vm1" },
		{ "ssh:10.0.0.2", "10.0.0.2", "10.0.0.2" },
		{ "ssh:root@guest-2.lab", "guest-2.lab", "root@guest-2.lab" },
		{ "ssh:fe80::1", "fe80__1", "fe80::1" },
		{ "v6=ssh:root@fe80::1", "v6", "root@fe80::1" },
		{ "VM_1.a-b=ssh:h", "VM_1.a-b", "h" },
	};
	struct lat_system s;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(lat_system_parse(good[i].spec, &s, why, sizeof(why)), 0);
		assert_string_equal(s.name, good[i].name);
		assert_string_equal(s.host, good[i].host);
	}
}

static void test_hostile_systems(void **state)
{
	char long_name[200], long_host[400];
	static const char *const bad[] = {
		"", "=", "=local", "x=", "x=ssh", "x=ssh:", "ssh:", "ssh", "LOCAL", "local ",
		"ssh:-oProxyCommand=touch", "ssh:root@-o", "ssh:@host", "ssh:root@", "ssh:a b",
		"ssh:a;rm -rf /", "ssh:a$(id)", "ssh:a`id`", "ssh:a/b", "ssh:a@b@c", "ssh:a\nb",
		"a/b=local", "../x=local", ".hidden=local", "-x=local", "a b=local", "a\tb=local",
		"trace=local", "campaign=local", "spike=local", "summary.txt=local",
		"summary.json=local", "ssh:trace", "x=y=local", "ssh:..", "ssh:.",
	};
	struct lat_system s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (lat_system_parse(bad[i], &s, why, sizeof(why)) == 0)
			fail_msg("system '%s' accepted as name '%s' host '%s'", bad[i], s.name,
				 s.host);
		assert_true(why[0] != '\0');
	}
	memset(long_name, 'a', sizeof(long_name));
	snprintf(long_name + 100, sizeof(long_name) - 100, "=local");
	assert_int_equal(lat_system_parse(long_name, &s, why, sizeof(why)), -EINVAL);
	memset(long_host, 'h', sizeof(long_host));
	memcpy(long_host, "x=ssh:", 6);
	long_host[sizeof(long_host) - 1] = '\0';
	assert_int_equal(lat_system_parse(long_host, &s, why, sizeof(why)), -EINVAL);
	/* A long host is fine with a NAME, but not as the default name. */
	long_host[6 + 100] = '\0';
	assert_int_equal(lat_system_parse(long_host, &s, why, sizeof(why)), 0);
	assert_int_equal(lat_system_parse(long_host + 2, &s, why, sizeof(why)), -EINVAL);
}

static void test_duplicates(void **state)
{
	(void)state;
	expect_usage_error(ARGS("run", "-o", "r", "local", "local"), "'host' named twice");
	expect_usage_error(ARGS("run", "-o", "r", "a=local", "a=ssh:x"), "'a' named twice");
	expect_usage_error(ARGS("run", "-o", "r", "ssh:vm1", "vm1=local"), "'vm1' named twice");
	expect_usage_error(ARGS("run", "-o", "r", "ssh:vm1", "ssh:root@vm1"), "'vm1' named twice");
	expect_usage_error(ARGS("run", "-o", "r", "s0=local", "s1=local", "s2=local", "s3=local",
				"s4=local", "s5=local", "s6=local", "s7=local", "s8=local",
				"s9=local", "s10=local", "s11=local", "s12=local", "s13=local",
				"s14=local", "s15=local", "s16=local"),
			   "more than 16");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_option),
		cmocka_unit_test(test_break_implies_trace),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_system_names),
		cmocka_unit_test(test_hostile_systems),
		cmocka_unit_test(test_duplicates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
