/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-ctl-args.c - xtrace-ctl's command line: commands in order, the
 * session option, refusals with a reason.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"

static char why[512];

static void test_commands(void **state)
{
	char *argv[] = { "xtrace-ctl", "--session", "42", "flush", "stop", NULL };
	struct ctl_params p;

	(void)state;
	assert_int_equal(ctl_parse_args(5, argv, &p, why, sizeof(why)), 0);
	assert_string_equal(p.session, "42");
	assert_int_equal(p.nr_commands, 2);
	assert_string_equal(p.commands[0].name, "flush");
	assert_null(p.commands[0].cpus);
	assert_string_equal(p.commands[1].name, "stop");
	assert_int_equal(ctl_parse_args(2, (char *[]){ "xtrace-ctl", "status", NULL }, &p, why,
					sizeof(why)),
			 0);
	assert_null(p.session);
	assert_int_equal(p.nr_commands, 1);
}

/* flush --cpus LIST (or --cpus=LIST) belongs to the flush before it. */
static void test_flush_cpus(void **state)
{
	char *argv[] = { "xtrace-ctl", "flush", "--cpus", "0,2-3", "status", "flush",
			 "--cpus=1", NULL };
	struct ctl_params p;

	(void)state;
	assert_int_equal(ctl_parse_args(7, argv, &p, why, sizeof(why)), 0);
	assert_int_equal(p.nr_commands, 3);
	assert_string_equal(p.commands[0].cpus, "0,2-3");
	assert_null(p.commands[1].cpus);
	assert_string_equal(p.commands[2].name, "flush");
	assert_string_equal(p.commands[2].cpus, "1");
}

static void assert_refused(const char *const *args, const char *message)
{
	char *argv[16] = { "xtrace-ctl" };
	struct ctl_params p;
	int n = 1;

	while (*args)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	assert_int_equal(ctl_parse_args(n, argv, &p, why, sizeof(why)), -EINVAL);
	if (!strstr(why, message))
		fail_msg("'%s' does not say '%s'", why, message);
}

static void test_flush_cpus_bad(void **state)
{
	(void)state;
	assert_refused((const char *[]){ "flush", "--cpus", NULL }, "needs a CPU list");
	assert_refused((const char *[]){ "flush", "--cpus", "x", NULL }, "not a CPU list");
	assert_refused((const char *[]){ "flush", "--cpus=3-1", NULL }, "not a CPU list");
	assert_refused((const char *[]){ "flush", "--cpus=", NULL }, "not a CPU list");
	assert_refused((const char *[]){ "flush", "--cpus", "4096", NULL }, "numbered below 4096");
	assert_refused((const char *[]){ "stop", "--cpus", "0", NULL }, "only flush");
	assert_refused((const char *[]){ "--cpus", "0", "flush", NULL }, "'--cpus'");
	assert_refused((const char *[]){ "flush", "--bogus", NULL }, "unknown option '--bogus'");
}

static void test_help_version(void **state)
{
	struct ctl_params p;

	(void)state;
	assert_int_equal(ctl_parse_args(2, (char *[]){ "xtrace-ctl", "--help", NULL }, &p, why,
					sizeof(why)),
			 0);
	assert_true(p.help);
	assert_int_equal(ctl_parse_args(2, (char *[]){ "xtrace-ctl", "-V", NULL }, &p, why,
					sizeof(why)),
			 0);
	assert_true(p.version);
}

static void test_bad(void **state)
{
	struct ctl_params p;

	(void)state;
	assert_int_equal(ctl_parse_args(1, (char *[]){ "xtrace-ctl", NULL }, &p, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "no command"));
	assert_int_equal(ctl_parse_args(3, (char *[]){ "xtrace-ctl", "--bogus", "flush", NULL }, &p,
					why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "'--bogus'"));
	assert_int_equal(ctl_parse_args(2, (char *[]){ "xtrace-ctl", "--session", NULL }, &p, why,
					sizeof(why)),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_flush_cpus),
		cmocka_unit_test(test_flush_cpus_bad),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
