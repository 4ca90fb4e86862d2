/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The options of kvmrt-validate-host, fed as argv arrays. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kvmrt-hostcheck.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static int parse(int argc, char **argv, struct kvmrt_hostcheck_params *p, char *why)
{
	int r;

	why[0] = '\0';
	r = kvmrt_hostcheck_parse_args(argc, argv, p, why, 256);
	assert_true(r == 0 || (r == -EINVAL && why[0]));
	return r;
}

static void defaults(void **state)
{
	char *argv[] = {"kvmrt-validate-host", NULL};
	struct kvmrt_hostcheck_params p;
	char why[256];

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv, &p, why), 0);
	assert_null(p.config);
	assert_null(p.cpus);
	assert_null(p.topology);
	assert_string_equal(p.sysroot, "/");
	assert_false(p.guest || p.json || p.quiet || p.help || p.version);
}

static void every_option(void **state)
{
	char *a[] = {"x",	  "--file", "a.cfg",   "--topology", "pack:1 pu:2",
		     "--sysroot", "/srv/t", "--guest", "-q",	     NULL};
	char *b[] = {"x", "--cpus", "2-7", "--json", NULL};
	char *c[] = {"x", "-f", "b.cfg", "--quiet", NULL};
	struct kvmrt_hostcheck_params p;
	char why[256];

	(void)state;
	assert_int_equal(parse(ARGC(a), a, &p, why), 0);
	assert_string_equal(p.config, "a.cfg");
	assert_string_equal(p.topology, "pack:1 pu:2");
	assert_string_equal(p.sysroot, "/srv/t");
	assert_true(p.guest && p.quiet && !p.json);
	assert_int_equal(parse(ARGC(b), b, &p, why), 0);
	assert_string_equal(p.cpus, "2-7");
	assert_true(p.json && !p.quiet);
	assert_int_equal(parse(ARGC(c), c, &p, why), 0);
	assert_string_equal(p.config, "b.cfg");
	assert_true(p.quiet);
}

static void help_and_version_win(void **state)
{
	char *a[] = {"x", "-f", "a", "--cpus", "1", "--help", NULL};
	char *b[] = {"x", "-V", NULL};
	struct kvmrt_hostcheck_params p;
	char why[256];

	(void)state;
	assert_int_equal(parse(ARGC(a), a, &p, why), 0);
	assert_true(p.help);
	assert_int_equal(parse(ARGC(b), b, &p, why), 0);
	assert_true(p.version);
}

static void refusals(void **state)
{
	static const struct {
		char *argv[6];
		const char *why;
	} cases[] = {
	    {{"x", "--frobnicate", NULL}, "'--frobnicate'"},
	    {{"x", "--cpus", NULL}, "'--cpus'"},
	    {{"x", "-f", NULL}, "'-f'"},
	    {{"x", "extra", NULL}, "unexpected argument 'extra'"},
	    {{"x", "-f", "a", "--cpus", "1", NULL}, "-f and --cpus exclude each other"},
	    {{"x", "--json", "-q", NULL}, "--json and -q exclude each other"},
	    {{"x", "--sysroot", "", NULL}, "--sysroot needs a directory"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kvmrt_hostcheck_params p = {.config = "untouched"};
		char *argv[6];
		char why[256];
		int argc = 0;

		while (cases[i].argv[argc]) {
			argv[argc] = cases[i].argv[argc];
			argc++;
		}
		argv[argc] = NULL;
		assert_int_equal(parse(argc, argv, &p, why), -EINVAL);
		if (!strstr(why, cases[i].why))
			fail_msg("case %zu: '%s' lacks '%s'", i, why, cases[i].why);
		assert_string_equal(p.config, "untouched");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_option),
		cmocka_unit_test(help_and_version_win),
		cmocka_unit_test(refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
