/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The options of kvmrt-boot, kvmrt-shutdown and kvmrt-stat, fed as argv arrays. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "boot-tool.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static int parse(enum boot_tool tool, int argc, char **argv, struct boot_params *p,
		 const char *why_has)
{
	char why[256] = "";
	int r = boot_parse_args(tool, argc, argv, p, why, sizeof(why));

	if (why_has && !strstr(why, why_has))
		fail_msg("reason '%s' lacks '%s'", why, why_has);
	assert_true(r == 0 || why[0]);
	return r;
}

static void defaults(void **state)
{
	char *argv[] = { "kvmrt-shutdown", NULL };
	struct boot_params p;

	(void)state;
	assert_int_equal(parse(BOOT_TOOL_SHUTDOWN, ARGC(argv), argv, &p, NULL), 0);
	assert_string_equal(p.base.config, "/etc/kvmrt.cfg");
	assert_string_equal(p.base.uri, "qemu:///system");
	assert_string_equal(p.sysroot, "/");
	assert_string_equal(p.journal, "/run/kvmrt");
	assert_int_equal(p.timeout, 60);
	assert_false(p.force || p.clean || p.threads || p.base.verbose || p.base.all ||
		     p.ignore_validation);
	assert_int_equal(p.base.nr_vms, 0);
}

static void boot_options(void **state)
{
	char *argv[] = { "kvmrt-boot", "--all", "--clean", "-f", "a.cfg", "-c", "test:///default",
			 "--sysroot", "/tmp/root", "--journal=/tmp/j", "vm1", "vm2", NULL };
	struct boot_params p;

	(void)state;
	assert_int_equal(parse(BOOT_TOOL_BOOT, ARGC(argv), argv, &p, NULL), 0);
	assert_true(p.base.all && p.clean && p.base.uri_given);
	assert_string_equal(p.base.config, "a.cfg");
	assert_string_equal(p.base.uri, "test:///default");
	assert_string_equal(p.sysroot, "/tmp/root");
	assert_string_equal(p.journal, "/tmp/j");
	assert_int_equal(p.base.nr_vms, 2);
	assert_string_equal(p.base.vms[1], "vm2");
}

static void shutdown_force(void **state)
{
	char *a[] = { "kvmrt-shutdown", "-v", "--force", NULL };
	char *b[] = { "kvmrt-shutdown", "--force=5", "vm", NULL };
	char *c[] = { "kvmrt-shutdown", "--timeout", "0", "--force", NULL };
	char *d[] = { "kvmrt-shutdown", "--force=soon", NULL };
	char *e[] = { "kvmrt-shutdown", "--timeout", "86401", NULL };
	char *f[] = { "kvmrt-shutdown", "--timeout", NULL };
	struct boot_params p;

	(void)state;
	assert_int_equal(parse(BOOT_TOOL_SHUTDOWN, ARGC(a), a, &p, NULL), 0);
	assert_true(p.force && p.base.verbose);
	assert_int_equal(p.timeout, 60);
	assert_int_equal(parse(BOOT_TOOL_SHUTDOWN, ARGC(b), b, &p, NULL), 0);
	assert_true(p.force);
	assert_int_equal(p.timeout, 5);
	assert_int_equal(p.base.nr_vms, 1);
	assert_int_equal(parse(BOOT_TOOL_SHUTDOWN, ARGC(c), c, &p, NULL), 0);
	assert_int_equal(p.timeout, 0);
	assert_int_equal(parse(BOOT_TOOL_SHUTDOWN, ARGC(d), d, &p, "'soon' is not a number"),
			 -EINVAL);
	assert_int_equal(parse(BOOT_TOOL_SHUTDOWN, ARGC(e), e, &p, "0-86400"), -EINVAL);
	assert_int_equal(parse(BOOT_TOOL_SHUTDOWN, ARGC(f), f, &p, "missing value"), -EINVAL);
}

static void stat_threads(void **state)
{
	char *a[] = { "kvmrt-stat", "-t", "--all", NULL };
	char *b[] = { "kvmrt-stat", "--threads", "vm", NULL };
	struct boot_params p;

	(void)state;
	assert_int_equal(parse(BOOT_TOOL_STAT, ARGC(a), a, &p, NULL), 0);
	assert_true(p.threads && p.base.all);
	assert_int_equal(parse(BOOT_TOOL_STAT, ARGC(b), b, &p, NULL), 0);
	assert_true(p.threads);
	assert_string_equal(p.base.vms[0], "vm");
}

/* --ignore-validation is kvmrt-boot's alone, and never goes with --clean. */
static void ignore_validation(void **state)
{
	char *a[] = { "kvmrt-boot", "--ignore-validation", "vm", NULL };
	char *b[] = { "kvmrt-boot", "--clean", "--ignore-validation", NULL };
	char *c[] = { "kvmrt-stat", "--ignore-validation", NULL };
	struct boot_params p;

	(void)state;
	assert_int_equal(parse(BOOT_TOOL_BOOT, ARGC(a), a, &p, NULL), 0);
	assert_true(p.ignore_validation && !p.clean);
	assert_int_equal(p.base.nr_vms, 1);
	assert_int_equal(parse(BOOT_TOOL_BOOT, ARGC(b), b, &p,
			       "--clean tolerates no error, --ignore-validation ignores them"),
			 -EINVAL);
	assert_int_equal(parse(BOOT_TOOL_STAT, ARGC(c), c, &p,
			       "kvmrt-stat does not take '--ignore-validation'"),
			 -EINVAL);
}

/* Each tool refuses the options of the others, naming them. */
static void foreign_options(void **state)
{
	char *a[] = { "kvmrt-boot", "-t", NULL };
	char *b[] = { "kvmrt-stat", "--clean", NULL };
	char *c[] = { "kvmrt-shutdown", "--all", NULL };
	char *d[] = { "kvmrt-boot", "--force", NULL };
	char *e[] = { "kvmrt-stat", "--timeout", "3", NULL };
	char *f[] = { "kvmrt-boot", "--bogus", NULL };
	char *g[] = { "kvmrt-boot", "-f", NULL };
	struct boot_params p;

	(void)state;
	assert_int_equal(parse(BOOT_TOOL_BOOT, ARGC(a), a, &p, "kvmrt-boot does not take '-t'"),
			 -EINVAL);
	assert_int_equal(parse(BOOT_TOOL_STAT, ARGC(b), b, &p, "does not take '--clean'"),
			 -EINVAL);
	assert_int_equal(parse(BOOT_TOOL_SHUTDOWN, ARGC(c), c, &p, "does not take '--all'"),
			 -EINVAL);
	assert_int_equal(parse(BOOT_TOOL_BOOT, ARGC(d), d, &p, "does not take '--force'"),
			 -EINVAL);
	assert_int_equal(parse(BOOT_TOOL_STAT, ARGC(e), e, &p, "does not take '--timeout'"),
			 -EINVAL);
	assert_int_equal(parse(BOOT_TOOL_BOOT, ARGC(f), f, &p, "'--bogus'"), -EINVAL);
	assert_int_equal(parse(BOOT_TOOL_BOOT, ARGC(g), g, &p, "missing value"), -EINVAL);
}

static void help_and_version(void **state)
{
	char *a[] = { "kvmrt-stat", "--help", "--bogus-after-help", NULL };
	char *b[] = { "kvmrt-boot", "-V", NULL };
	struct boot_params p;

	(void)state;
	assert_int_equal(parse(BOOT_TOOL_STAT, 2, a, &p, NULL), 0);
	assert_true(p.base.help);
	assert_int_equal(parse(BOOT_TOOL_BOOT, ARGC(b), b, &p, NULL), 0);
	assert_true(p.base.version);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(boot_options),
		cmocka_unit_test(shutdown_force),
		cmocka_unit_test(stat_threads),
		cmocka_unit_test(ignore_validation),
		cmocka_unit_test(foreign_options),
		cmocka_unit_test(help_and_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
