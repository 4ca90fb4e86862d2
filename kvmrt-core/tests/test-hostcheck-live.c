/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-validate-host on the live host (suite root): it reads the real /proc,
 * /sys and /dev without crashing and prints one line per check. The verdicts
 * depend on the machine and are not asserted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kvmrt-hostcheck.h"
#include "kvmrt-test.h"

static unsigned count_lines(const char *text, const char *prefix)
{
	unsigned n = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

static void one_line_per_check(void **state)
{
	struct test_output o = kt_run("kvmrt-validate-host", "--cpus", "1", "--guest", NULL);

	(void)state;
	if (o.status != 0 && o.status != 1)
		fail_msg("status %d\n%s%s", o.status, o.out, o.err);
	assert_int_equal(count_lines(o.out, "Checking "), kvmrt_hostcheck_nr());
	assert_int_equal(count_lines(o.out, "Kernel command line to add: "), 1);
	assert_string_equal(o.err, "");
	test_output_free(&o);
}

static void default_config_and_json(void **state)
{
	struct test_output o = kt_run("kvmrt-validate-host", "--json", NULL);

	(void)state;
	if (o.status != 0 && o.status != 1)
		fail_msg("status %d\n%s%s", o.status, o.out, o.err);
	assert_int_equal(count_lines(o.out, "  {\"id\": "), kvmrt_hostcheck_nr() - 3);
	assert_non_null(strstr(o.out, "\"cmdline\": "));
	test_output_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_line_per_check),
		cmocka_unit_test(default_config_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
