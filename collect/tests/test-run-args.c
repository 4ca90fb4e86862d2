/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-run-args.c - xtrace-run's command line: what good argv arrays mean
 * and that bad ones are refused with a reason naming the fault.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "run-params.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static char why[512];

static int parse(int argc, char **argv, struct run_params *p)
{
	why[0] = '\0';
	return run_parse_args(argc, argv, p, why, sizeof(why));
}

static void test_defaults(void **state)
{
	char *argv[] = { "xtrace-run", "sleep", "1", NULL };
	struct run_params p;

	assert_int_equal(parse(ARGC(argv), argv, &p), 0);
	assert_string_equal(p.output, "xtrace-data");
	assert_false(p.force);
	assert_int_equal(p.clock, XC_CLOCK_TOD);
	assert_int_equal(p.nr_specs, 0);
	assert_int_equal(p.buffer_kb, 0);
	assert_int_equal(p.reader_fifo, XC_READER_FIFO_DEFAULT);
	assert_false(p.quiet);
	assert_false(p.verbose);
	assert_string_equal(p.command[0], "sleep");
	assert_string_equal(p.command[1], "1");
	assert_null(p.command[2]);
}

/* The session options: mode, selection, filters, CPUs, buffer choice, trigger handling. */
static void test_session_options(void **state)
{
	char *argv[] = { "xtrace-run", "-m", "overwrite", "--no-default", "-e", "sched",
			 "-e", "irq", "-f", "irq > 3", "-C", "0,2-3", "--top-level",
			 "--stop-on-trigger", "--no-gs-flush", "true", NULL };
	struct run_params p;

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv, &p), 0);
	assert_int_equal(p.mode, XC_MODE_OVERWRITE);
	assert_true(p.no_default);
	assert_null(p.filters[0]);
	assert_string_equal(p.filters[1], "irq > 3");
	assert_string_equal(p.cpus, "0,2-3");
	assert_true(p.top_level);
	assert_true(p.stop_on_trigger);
	assert_int_equal(p.gs_flush, 0);
	assert_int_equal(parse(2, (char *[]){ "xtrace-run", "true", NULL }, &p), 0);
	assert_int_equal(p.mode, XC_MODE_STREAM);
	assert_int_equal(p.gs_flush, -1);
	assert_null(p.cpus);
	assert_int_equal(parse(3, (char *[]){ "xtrace-run", "--gs-flush", "true", NULL }, &p), 0);
	assert_int_equal(p.gs_flush, 1);
	assert_int_equal(parse(4, (char *[]){ "xtrace-run", "--reader-prio", "0", "true", NULL }, &p),
			 0);
	assert_int_equal(p.reader_fifo, 0);
	assert_int_equal(parse(4, (char *[]){ "xtrace-run", "--reader-prio", "99", "true", NULL },
			       &p),
			 0);
	assert_int_equal(p.reader_fifo, 99);
}

static void assert_refused(char **argv, int argc, const char *reason)
{
	struct run_params p;

	assert_int_equal(parse(argc, argv, &p), -EINVAL);
	if (!strstr(why, reason))
		fail_msg("expected '%s' in '%s'", reason, why);
}

static void test_session_options_bad(void **state)
{
	(void)state;
	assert_refused((char *[]){ "xtrace-run", "-m", "ring", "true", NULL }, 4,
		       "-m 'ring': unknown mode");
	assert_refused((char *[]){ "xtrace-run", "-f", "x > 1", "true", NULL }, 4,
		       "give it after the -e it filters");
	assert_refused((char *[]){ "xtrace-run", "-e", "irq", "-f", "a", "-f", "b", "true", NULL },
		       8, "already has a filter");
	assert_refused((char *[]){ "xtrace-run", "-e", "irq", "-f", "", "true", NULL }, 6,
		       "-f: empty filter");
	assert_refused((char *[]){ "xtrace-run", "-C", "1-x", "true", NULL }, 4,
		       "-C '1-x': expected a CPU list");
	assert_refused((char *[]){ "xtrace-run", "-C", "99999", "true", NULL }, 4,
		       "expected a CPU list");
	assert_refused((char *[]){ "xtrace-run", "--reader-prio", "100", "true", NULL }, 4,
		       "--reader-prio '100': expected 0 (SCHED_OTHER) or a SCHED_FIFO priority");
	assert_refused((char *[]){ "xtrace-run", "--reader-prio", "-1", "true", NULL }, 4,
		       "--reader-prio '-1'");
	assert_refused((char *[]){ "xtrace-run", "--reader-prio", "fifo", "true", NULL }, 4,
		       "--reader-prio 'fifo'");
}

static void test_all_options(void **state)
{
	char *argv[] = { "xtrace-run", "-o", "out", "--force", "-t", "mono", "-e", "sched",
			 "--event", "irq:irq_handler_*", "-b", "4096", "-q", "-v", "--", "ls",
			 "-l", NULL };
	struct run_params p;

	assert_int_equal(parse(ARGC(argv), argv, &p), 0);
	assert_string_equal(p.output, "out");
	assert_true(p.force);
	assert_int_equal(p.clock, XC_CLOCK_MONO);
	assert_int_equal(p.nr_specs, 2);
	assert_string_equal(p.specs[0], "sched");
	assert_string_equal(p.specs[1], "irq:irq_handler_*");
	assert_int_equal(p.buffer_kb, 4096);
	assert_true(p.quiet);
	assert_true(p.verbose);
	/* "-l" belongs to the command, not to xtrace-run. */
	assert_string_equal(p.command[0], "ls");
	assert_string_equal(p.command[1], "-l");
}

static void test_command_options_not_ours(void **state)
{
	/* Without "--", options stop at the command's name. */
	char *argv[] = { "xtrace-run", "-q", "sh", "-c", "exit 3", NULL };
	struct run_params p;

	assert_int_equal(parse(ARGC(argv), argv, &p), 0);
	assert_true(p.quiet);
	assert_string_equal(p.command[0], "sh");
	assert_string_equal(p.command[1], "-c");
}

static void test_clocks(void **state)
{
	static const struct {
		const char *arg;
		enum xc_clock clock;
	} cases[] = {
		{ "tod", XC_CLOCK_TOD },   { "local", XC_CLOCK_LOCAL }, { "mono", XC_CLOCK_MONO },
		{ "boot", XC_CLOCK_BOOT }, { "tsc", XC_CLOCK_TSC },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = { "xtrace-run", "--clock", (char *)cases[i].arg, "true", NULL };
		struct run_params p;

		assert_int_equal(parse(ARGC(argv), argv, &p), 0);
		assert_int_equal(p.clock, cases[i].clock);
	}
}

static void test_help_version(void **state)
{
	char *help[] = { "xtrace-run", "--help", NULL };
	char *version[] = { "xtrace-run", "-V", NULL };
	struct run_params p;

	/* No command needed with --help or --version. */
	assert_int_equal(parse(ARGC(help), help, &p), 0);
	assert_true(p.help);
	assert_int_equal(parse(ARGC(version), version, &p), 0);
	assert_true(p.version);
}

/* Each bad command line is refused and the reason names the culprit. */
static void test_bad(void **state)
{
	static const struct {
		const char *args[8];
		const char *named;
	} cases[] = {
		{ { "xtrace-run", NULL }, "COMMAND" },
		{ { "xtrace-run", "-q", "--", NULL }, "COMMAND" },
		{ { "xtrace-run", "-z", "true", NULL }, "-z" },
		{ { "xtrace-run", "--frobnicate", "true", NULL }, "--frobnicate" },
		{ { "xtrace-run", "-o", NULL }, "-o" },
		{ { "xtrace-run", "-o", "", "true", NULL }, "-o" },
		{ { "xtrace-run", "-t", "x86-tsc", "true", NULL }, "x86-tsc" },
		{ { "xtrace-run", "-t", "", "true", NULL }, "-t" },
		{ { "xtrace-run", "-e", "../../etc", "true", NULL }, "../../etc" },
		{ { "xtrace-run", "-e", "sched:", "true", NULL }, "sched:" },
		{ { "xtrace-run", "-e", ":sched_switch", "true", NULL }, ":sched_switch" },
		{ { "xtrace-run", "-e", "a:b:c", "true", NULL }, "a:b:c" },
		{ { "xtrace-run", "-e", "sc*ed", "true", NULL }, "sc*ed" },
		{ { "xtrace-run", "-b", "0", "true", NULL }, "-b" },
		{ { "xtrace-run", "-b", "-5", "true", NULL }, "-5" },
		{ { "xtrace-run", "-b", "12abc", "true", NULL }, "12abc" },
		{ { "xtrace-run", "-b", "99999999999999999999999", "true", NULL }, "-b" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8];
		struct run_params p;
		int argc = 0;

		while (cases[i].args[argc]) {
			argv[argc] = (char *)cases[i].args[argc];
			argc++;
		}
		argv[argc] = NULL;
		assert_int_equal(parse(argc, argv, &p), -EINVAL);
		if (!strstr(why, cases[i].named))
			fail_msg("case %zu: reason '%s' does not name '%s'", i, why, cases[i].named);
	}
}

static void test_huge_event_list(void **state)
{
	char *argv[2 * XRUN_MAX_SPECS + 5];
	struct run_params p;
	int argc = 0;

	argv[argc++] = "xtrace-run";
	for (unsigned i = 0; i <= XRUN_MAX_SPECS; i++) {
		argv[argc++] = "-e";
		argv[argc++] = "sched";
	}
	argv[argc++] = "true";
	argv[argc] = NULL;
	assert_int_equal(parse(argc, argv, &p), -EINVAL);
	assert_non_null(strstr(why, "-e"));
	/* One fewer is fine. */
	argv[argc - 3] = "true";
	argv[argc - 2] = NULL;
	assert_int_equal(parse(argc - 2, argv, &p), 0);
	assert_int_equal(p.nr_specs, XRUN_MAX_SPECS);
}

static void test_repeatable(void **state)
{
	/* The parser keeps nothing between calls: a second parse starts fresh. */
	char *first[] = { "xtrace-run", "-e", "sched", "-q", "true", NULL };
	char *second[] = { "xtrace-run", "true", NULL };
	struct run_params p;

	assert_int_equal(parse(ARGC(first), first, &p), 0);
	assert_int_equal(parse(ARGC(second), second, &p), 0);
	assert_int_equal(p.nr_specs, 0);
	assert_false(p.quiet);
	assert_string_equal(p.command[0], "true");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_options),
		cmocka_unit_test(test_session_options),
		cmocka_unit_test(test_session_options_bad),
		cmocka_unit_test(test_command_options_not_ours),
		cmocka_unit_test(test_clocks),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_huge_event_list),
		cmocka_unit_test(test_repeatable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
