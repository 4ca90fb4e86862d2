/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-args.c - the kvmrt-gs command line: every command of SPEC G2,
 * several per call, MESSAGE/DATA as text, 0x hex or \x escapes, refusals
 * naming the argument at fault; the built tool's exit codes.
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

#include "gs-cli.h"
#include "test-exec.h"

#define ARGV(...) ((char *[]){"kvmrt-gs", __VA_ARGS__, NULL})
#define ARGC(a) ((int)(sizeof(a) / sizeof(char *)) - 1)

static int parse(char **argv, struct gs_params *p, char *why)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return gs_parse_args(argc, argv, p, why, 256);
}

static void test_all_commands(void **state)
{
	struct gs_params p;
	char why[256] = "";

	assert_int_equal(
	    parse(ARGV("-v", "available", "ping_available", "ping", "0x2a", "log_msg_available",
		       "log_msg", "hello world", "xtrace_flush_available", "xtrace_flush", "1",
		       "xtrace_log_data_available", "xtrace_log_data", "0x00ff10"),
		  &p, why),
	    0);
	assert_true(p.verbose);
	assert_int_equal(p.n_steps, 9);
	assert_int_equal(p.steps[0].cmd, GS_CMD_AVAILABLE);
	assert_int_equal(p.steps[2].cmd, GS_CMD_PING);
	assert_int_equal(p.steps[2].number, 42);
	assert_int_equal(p.steps[4].len, 11);
	assert_memory_equal(p.steps[4].data, "hello world", 11);
	assert_int_equal(p.steps[6].number, 1);
	assert_int_equal(p.steps[8].cmd, GS_CMD_LOG_DATA);
	assert_int_equal(p.steps[8].len, 3);
	assert_memory_equal(p.steps[8].data, "\x00\xff\x10", 3);
	gs_params_done(&p);
}

static void test_refusals(void **state)
{
	struct gs_params p;
	char why[256];

	assert_int_equal(parse(ARGV("ping"), &p, why), -EINVAL);
	assert_string_equal(why, "ping: missing COOKIE");
	assert_int_equal(parse(ARGV("ping", "12x"), &p, why), -EINVAL);
	assert_non_null(strstr(why, "'12x'"));
	assert_int_equal(parse(ARGV("xtrace_flush", "3"), &p, why), -EINVAL);
	assert_non_null(strstr(why, "scope"));
	assert_int_equal(parse(ARGV("log_msg", "ok", "reboot"), &p, why), -EINVAL);
	assert_string_equal(why, "unknown command 'reboot' (see --help)");
	assert_int_equal(parse(ARGV("xtrace_log_data", "0xabc"), &p, why), -EINVAL);
	assert_int_equal(parse(ARGV("--bogus"), &p, why), -EINVAL);
	assert_int_equal(parse(ARGV("-v"), &p, why), -EINVAL);
	assert_int_equal(parse(ARGV("--help", "ping"), &p, why), 0);
	assert_true(p.help);
	gs_params_done(&p);
}

static void test_bytes(void **state)
{
	uint8_t out[8];
	size_t n = 0;

	assert_int_equal(gs_bytes_parse("0x48690A", 8, out, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "Hi\n", 3);
	assert_int_equal(gs_bytes_parse("a\\x00b\\\\", 8, out, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "a\0b\\", 4);
	assert_int_equal(gs_bytes_parse("plain", 5, out, 8, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(gs_bytes_parse("0x", 2, out, 8, &n), -EINVAL);
	assert_int_equal(gs_bytes_parse("0xzz", 4, out, 8, &n), -EINVAL);
	assert_int_equal(gs_bytes_parse("\\x4", 3, out, 8, &n), -EINVAL);
	assert_int_equal(gs_bytes_parse("\\q\\x41", 6, out, 8, &n), -EINVAL);
	assert_int_equal(gs_bytes_parse("", 0, out, 8, &n), -EINVAL);
	assert_int_equal(gs_bytes_parse("123456789", 9, out, 8, &n), -E2BIG);
	assert_int_equal(gs_bytes_parse("0x112233445566778899", 20, out, 8, &n), -E2BIG);
	assert_int_equal(
	    gs_bytes_parse("\\x41\\x41\\x41\\x41\\x41\\x41\\x41\\x41\\x41", 36, out, 8, &n),
	    -E2BIG);
}

static int run_tool(char **argv, char **ret_out)
{
	struct test_output o = {0};
	int status;

	argv[0] = "gs/kvmrt-gs";
	assert_int_equal(test_exec(argv, &o), 0);
	status = o.status;
	if (ret_out)
		*ret_out = strdup(o.out);
	test_output_free(&o);
	return status;
}

static void test_tool_exit_codes(void **state)
{
	char *out = NULL;

	assert_int_equal(run_tool(ARGV("--help"), &out), 0);
	assert_non_null(strstr(out, "xtrace_log_data DATA"));
	free(out);
	assert_int_equal(run_tool(ARGV("--version"), NULL), 0);
	assert_int_equal(run_tool(ARGV("frobnicate"), NULL), 2);
	assert_int_equal(run_tool(ARGV("xtrace_flush", "7"), NULL), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_commands),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_bytes),
	    cmocka_unit_test(test_tool_exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
