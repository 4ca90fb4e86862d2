/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xtrace-view on the committed host + vm1 fixtures: the first 200 lines
 * must equal fixtures/golden/view-host-vm1.txt (regenerate with
 * `build/view/xtrace-view fixtures/dumps/host fixtures/dumps/vm1 | head -n 200`
 * after checking the difference by eye).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-exec.h"
#include "view-test.h"

static void first_200_lines_match_the_golden_file(void **state)
{
	_cleanup_free_ char *host = test_source_path("fixtures/dumps/host");
	_cleanup_free_ char *vm1 = test_source_path("fixtures/dumps/vm1");
	_cleanup_free_ char *golden_path = test_source_path("fixtures/golden/view-host-vm1.txt");
	_cleanup_free_ char *golden = vt_read_text(golden_path);
	char *argv[] = { "view/xtrace-view", host, vm1, NULL };
	struct test_output o;
	size_t len;

	assert_int_equal(test_exec(argv, &o), 0);
	assert_int_equal(o.status, 0);
	len = vt_prefix_lines(o.out, 200);
	assert_int_equal(len, strlen(golden));
	assert_memory_equal(o.out, golden, len);
	/* Both systems are there, interleaved, and every event was printed. */
	assert_non_null(strstr(golden, " vm1 "));
	assert_non_null(strstr(golden, " host "));
	unsigned lines = 0;

	for (const char *p = o.out; (p = strchr(p, '\n')); p++)
		lines++;
	assert_true(lines > 10200);
	/* Lost events on host CPU 1 show in the stream where they happened. */
	assert_non_null(strstr(o.out, " host 1 LOST_EVENTS [12]"));
	test_output_free(&o);
}

/* A real recording of a build machine (fixtures/real, made by xtrace-run). */
static void real_recording_reads_cleanly(void **state)
{
	_cleanup_free_ char *real = test_source_path("fixtures/real");
	char *argv[] = { "view/xtrace-view", real, NULL };
	struct test_output o;

	assert_int_equal(test_exec(argv, &o), 0);
	assert_int_equal(o.status, 0);
	assert_string_equal(o.err, "");
	assert_true(o.out_len > 50000);
	assert_non_null(strstr(o.out, " SYSCALL_ENTER [execve]"));
	assert_non_null(strstr(o.out, " SCHED_SWITCH ["));
	assert_non_null(strstr(o.out, " INTERRUPT_ENTER ["));
	assert_null(strstr(o.out, "UNKNOWN_EVENT"));
	test_output_free(&o);
}

static void missing_directory_is_named_in_one_line(void **state)
{
	char *argv[] = { "view/xtrace-view", "/nonexistent/xtrace-dir", NULL };
	struct test_output o;

	assert_int_equal(test_exec(argv, &o), 0);
	assert_int_equal(o.status, 1);
	assert_non_null(strstr(o.err, "/nonexistent/xtrace-dir"));
	assert_ptr_equal(strchr(o.err, '\n'), o.err + strlen(o.err) - 1);
	assert_int_equal(o.out_len, 0);
	test_output_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_200_lines_match_the_golden_file),
		cmocka_unit_test(real_recording_reads_cleanly),
		cmocka_unit_test(missing_directory_is_named_in_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
