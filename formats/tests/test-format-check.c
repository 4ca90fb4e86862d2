/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The strict event-format check: every real format passes, hostile shapes do not. */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "format-check.h"
#include "test-util.h"

static void every_committed_kernel_format_passes(void **state)
{
	_cleanup_free_ char *pattern = NULL;
	glob_t g;

	assert_true(asprintf(&pattern, "%s/fixtures/formats/*/*/format",
			     getenv("KVMRT_SOURCE_ROOT")) > 0);
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_true(g.gl_pathc > 100);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		size_t len;
		_cleanup_free_ char *text = test_read(g.gl_pathv[i], &len);
		char why[128] = "";

		if (xt_event_format_check(text, len, why, sizeof(why)) != 0)
			fail_msg("%s refused: %s", g.gl_pathv[i], why);
	}
	globfree(&g);
}

static void expect_refused(const char *text, const char *line)
{
	char why[128] = "";

	assert_int_equal(xt_event_format_check(text, strlen(text), why, sizeof(why)), -EBADMSG);
	if (!strstr(why, line))
		fail_msg("reason '%s' does not say '%s'", why, line);
}

static void hostile_shapes_are_refused_with_the_line(void **state)
{
	const char *head = "name: e\nID: 7\nformat:\n";
	char buf[256];

	expect_refused("", "line 1");
	expect_refused("name: \nID: 1\nformat:\n", "line 1");
	expect_refused("name: e\nID: 0\nformat:\n", "line 2");
	expect_refused("name: e\nID: 65536\nformat:\n", "line 2");
	expect_refused("name: e\nID: 12x\nformat:\n", "line 2");
	expect_refused("name: e\nID: 1\nformats:\n", "line 3");
	static const char *const fields[] = {
		"\tfield:char b[\xc0];\toffset:0;\tsize:1;\tsigned:0;\n",
		"\tfield:char b[[1]];\toffset:0;\tsize:1;\tsigned:0;\n",
		"\tfield:char b];\toffset:0;\tsize:1;\tsigned:0;\n",
		"\tfield:[4];\toffset:0;\tsize:1;\tsigned:0;\n",
		"\tfield:int (x);\toffset:0;\tsize:4;\tsigned:1;\n",
		"\tfield:int x;\toffset:12345678;\tsize:4;\tsigned:1;\n",
		"\tfield:int x;\toffset:0;\tsize:4;\tsigned:2;\n",
		"\tfield:int x;\toffset:0;\tsize:4;\n",
		"\tfield:int x;\toffset:0;\tsize:4;\tsigned:1;",
		"field:int x;\toffset:0;\tsize:4;\tsigned:1;\n",
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s", head, fields[i]);
		expect_refused(buf, "line 4");
	}
	/* A NUL or control byte anywhere, even in the print format. */
	char with_nul[] = "name: e\nID: 7\nformat:\n\nprint fmt: \"x\"\n";

	with_nul[30] = '\0';
	assert_int_equal(xt_event_format_check(with_nul, sizeof(with_nul) - 1, NULL, 0), -EBADMSG);
	expect_refused("name: e\nID: 7\nformat:\n\nprint fmt: \"\x1b[31m\"\n", "not printable");
}

static void print_format_may_span_lines(void **state)
{
	const char *text = "name: e\nID: 7\nformat:\n"
			   "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
			   "\n\tfield:__data_loc char[] name;\toffset:8;\tsize:4;\tsigned:0;\n\n"
			   "print fmt: \"a\n b\", REC->x\n";

	assert_int_equal(xt_event_format_check(text, strlen(text), NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_committed_kernel_format_passes),
		cmocka_unit_test(hostile_shapes_are_refused_with_the_line),
		cmocka_unit_test(print_format_may_span_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
