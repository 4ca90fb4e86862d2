/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xtrace-multi-merge end to end on the committed fixtures: the merged
 * directory views exactly like its inputs viewed together; refusals say why.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-exec.h"

#define MERGE "merge/xtrace-multi-merge"
#define VIEW "view/xtrace-view"

struct fixture {
	char *tmp, *host, *vm1;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->tmp = test_mkdtemp();
	f->host = test_source_path("fixtures/dumps/host");
	f->vm1 = test_source_path("fixtures/dumps/vm1");
	assert_non_null(f->tmp);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_rm_rf(f->tmp);
	free(f->tmp);
	free(f->host);
	free(f->vm1);
	free(f);
	return 0;
}

static struct test_output run(char **argv)
{
	struct test_output o;

	assert_int_equal(test_exec(argv, &o), 0);
	return o;
}

static void merged_view_equals_the_inputs_viewed_together(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL;
	struct test_output merge, direct, merged;

	assert_true(asprintf(&out, "%s/merged", f->tmp) > 0);
	merge = run((char *[]){ MERGE, "-o", out, f->host, f->vm1, NULL });
	assert_int_equal(merge.status, 0);
	assert_non_null(strstr(merge.err, "2 systems"));

	direct = run((char *[]){ VIEW, f->host, f->vm1, NULL });
	merged = run((char *[]){ VIEW, out, NULL });
	assert_int_equal(direct.status, 0);
	assert_int_equal(merged.status, 0);
	assert_true(direct.out_len > 100000);
	assert_int_equal(merged.out_len, direct.out_len);
	assert_memory_equal(merged.out, direct.out, direct.out_len);
	test_output_free(&merge);
	test_output_free(&direct);
	test_output_free(&merged);
}

static void non_empty_output_needs_force(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL, *stray = NULL;
	struct test_output o;

	assert_true(asprintf(&out, "%s/busy", f->tmp) > 0);
	assert_true(asprintf(&stray, "%s/busy/notes.txt", f->tmp) > 0);
	assert_int_equal(mkdir(out, 0755), 0);
	fclose(fopen(stray, "we"));
	o = run((char *[]){ MERGE, "-o", out, f->host, NULL });
	assert_int_equal(o.status, 1);
	assert_non_null(strstr(o.err, out));
	test_output_free(&o);

	/* An earlier merge may be replaced with --force. */
	remove(stray);
	o = run((char *[]){ MERGE, "-q", "-o", out, f->host, NULL });
	assert_int_equal(o.status, 0);
	assert_int_equal(strlen(o.err), 0);
	test_output_free(&o);
	o = run((char *[]){ MERGE, "-q", "-o", out, f->host, NULL });
	assert_int_equal(o.status, 1);
	test_output_free(&o);
	o = run((char *[]){ MERGE, "-q", "--force", "-o", out, f->vm1, NULL });
	assert_int_equal(o.status, 0);
	test_output_free(&o);
}

static void input_without_time_of_day_is_refused_with_the_reason(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *copy = NULL, *meta = NULL, *out = NULL, *cmd = NULL;
	struct test_output o;

	assert_true(asprintf(&copy, "%s/local-clock", f->tmp) > 0);
	assert_true(asprintf(&meta, "%s/xtrace.meta", copy) > 0);
	assert_true(asprintf(&out, "%s/never", f->tmp) > 0);
	assert_true(asprintf(&cmd, "cp -r '%s' '%s' && sed -i 's/^trace_clock = .*/trace_clock = "
			     "local/' '%s'", f->host, copy, meta) > 0);
	assert_int_equal(system(cmd), 0);
	o = run((char *[]){ MERGE, "-o", out, copy, f->vm1, NULL });
	assert_int_equal(o.status, 1);
	assert_non_null(strstr(o.err, copy));
	assert_non_null(strstr(o.err, "local"));
	test_output_free(&o);
}

static void help_version_and_usage(void **state)
{
	struct test_output o;

	o = run((char *[]){ MERGE, "--help", NULL });
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "Usage: xtrace-multi-merge"));
	test_output_free(&o);
	o = run((char *[]){ MERGE, "--version", NULL });
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "xtrace-multi-merge "));
	test_output_free(&o);
	o = run((char *[]){ MERGE, "input-without-output", NULL });
	assert_int_equal(o.status, 2);
	assert_non_null(strstr(o.err, "-o DIR"));
	test_output_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merged_view_equals_the_inputs_viewed_together),
		cmocka_unit_test(non_empty_output_needs_force),
		cmocka_unit_test(input_without_time_of_day_is_refused_with_the_reason),
		cmocka_unit_test(help_version_and_usage),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
