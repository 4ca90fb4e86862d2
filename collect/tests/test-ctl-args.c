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
	assert_string_equal(p.commands[0], "flush");
	assert_string_equal(p.commands[1], "stop");
	assert_int_equal(ctl_parse_args(2, (char *[]){ "xtrace-ctl", "status", NULL }, &p, why,
					sizeof(why)),
			 0);
	assert_null(p.session);
	assert_int_equal(p.nr_commands, 1);
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
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
