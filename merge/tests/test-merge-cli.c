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
#include "xtrace.h"

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
	/* no clock correction: the view of the inputs does not synchronise them either */
	merge = run((char *[]){ MERGE, "--sync", "none", "-o", out, f->host, f->vm1, NULL });
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

/* Every event of @src, (system, cpu, tod) only, into a new array. */
struct stamp {
	uint32_t system, cpu;
	uint64_t tod;
};

static size_t read_stamps(const char *path, struct stamp **ret)
{
	const char *paths[] = { path };
	struct xt_source *src;
	struct xt_event ev;
	size_t n = 0, cap = 1 << 14;
	struct stamp *v = malloc(cap * sizeof(*v));
	char why[256];

	assert_non_null(v);
	assert_int_equal(xt_source_open(paths, 1, NULL, NULL, why, sizeof(why), &src), 0);
	while (xt_source_next(src, &ev) > 0) {
		if (ev.kind != XT_EVENT_RECORD)
			continue;
		if (n == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		v[n++] = (struct stamp){ ev.system, ev.cpu, ev.tod };
	}
	xt_source_free(src);
	*ret = v;
	return n;
}

static void name_and_offset_apply_to_the_next_input(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL;
	_cleanup_free_ struct stamp *in = NULL, *merged = NULL;
	const char *paths[1];
	struct xt_source *src;
	struct test_output o;
	char why[256];
	size_t n;

	assert_true(asprintf(&out, "%s/renamed", f->tmp) > 0);
	o = run((char *[]){ MERGE, "-q", "-o", out, "--name", "guest", "--offset", "-3200000",
			    f->vm1, NULL });
	assert_int_equal(o.status, 0);
	test_output_free(&o);

	paths[0] = out;
	assert_int_equal(xt_source_open(paths, 1, NULL, NULL, why, sizeof(why), &src), 0);
	assert_string_equal(xt_source_system_name(src, 0), "guest");
	xt_source_free(src);
	n = read_stamps(f->vm1, &in);
	assert_int_equal(read_stamps(out, &merged), n);
	for (size_t i = 0; i < n; i++)
		assert_true(merged[i].tod == in[i].tod - 3200000);
}

static void intersect_keeps_the_common_span(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *all = NULL, *common = NULL;
	_cleanup_free_ struct stamp *v = NULL, *w = NULL;
	uint64_t first[2][8] = {}, last[2][8] = {}, start = 0, end = UINT64_MAX;
	struct test_output o;
	size_t n, m;

	assert_true(asprintf(&all, "%s/all", f->tmp) > 0);
	assert_true(asprintf(&common, "%s/common", f->tmp) > 0);
	o = run((char *[]){ MERGE, "-q", "--sync", "none", "-o", all, f->host, f->vm1, NULL });
	assert_int_equal(o.status, 0);
	test_output_free(&o);
	o = run((char *[]){ MERGE, "-q", "--sync", "none", "--intersect", "-o", common, f->host,
			    f->vm1, NULL });
	assert_int_equal(o.status, 0);
	test_output_free(&o);

	n = read_stamps(all, &v);
	for (size_t i = 0; i < n; i++) {
		assert_true(v[i].system < 2 && v[i].cpu < 8);
		if (!first[v[i].system][v[i].cpu])
			first[v[i].system][v[i].cpu] = v[i].tod;
		last[v[i].system][v[i].cpu] = v[i].tod;
	}
	for (unsigned s = 0; s < 2; s++)
		for (unsigned c = 0; c < 8; c++)
			if (first[s][c]) {
				start = first[s][c] > start ? first[s][c] : start;
				end = last[s][c] < end ? last[s][c] : end;
			}
	m = read_stamps(common, &w);
	assert_true(m > 0 && m < n);
	assert_true(w[0].tod == start);
	assert_true(w[m - 1].tod == end);
	/* and everything of the full merge within the span is there */
	for (size_t i = 0, j = 0; i < n; i++)
		if (v[i].tod >= start && v[i].tod <= end)
			assert_true(j < m && w[j++].tod == v[i].tod);
}

static void sync_report_on_the_fixtures(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = NULL;
	struct test_output o;

	assert_true(asprintf(&out, "%s/synced", f->tmp) > 0);
	o = run((char *[]){ MERGE, "-q", "--sync-report", "-o", out, f->host, f->vm1, NULL });
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "sync: vm1 against host: pairs 40, offset "));
	assert_non_null(strstr(o.out, "causal inversions 0\n"));
	test_output_free(&o);

	/* a guest alone has nothing to pair with: said, and merged on its own time */
	o = run((char *[]){ MERGE, "-q", "--force", "--sync", "gs", "--sync-report", "-o", out,
			    f->vm1, NULL });
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "sync: no system records both sides"));
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
		cmocka_unit_test(name_and_offset_apply_to_the_next_input),
		cmocka_unit_test(intersect_keeps_the_common_span),
		cmocka_unit_test(sync_report_on_the_fixtures),
		cmocka_unit_test(help_version_and_usage),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
