/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --export tracedat on the committed fixtures: `trace-cmd report` reads
 * each exported file with the same events (count, CPU and timestamp of
 * each) as `xtrace-view --format raw --time raw` shows for that system;
 * losses are marked; filters apply; one system gives FILE, two give
 * FILE.HOST each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-exec.h"

#define MAX_EVENTS 20000

struct stamp {
	unsigned cpu;
	unsigned long long sec, ns;
};

static int stamp_cmp(const void *a, const void *b)
{
	const struct stamp *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->ns < y->ns ? -1 : x->ns > y->ns;
}

/* "CPU SEC.NS" lines of xtrace-view (LOST_EVENTS lines skipped). */
static unsigned view_stamps(char *text, struct stamp *s)
{
	char *save = NULL, *line;
	unsigned n = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "LOST_EVENTS"))
			continue;
		assert_true(n < MAX_EVENTS);
		assert_int_equal(sscanf(line, "%u %llu.%llu", &s[n].cpu, &s[n].sec, &s[n].ns), 3);
		n++;
	}
	return n;
}

/* "comm-pid [CPU] SEC.NS: event: ..." lines of trace-cmd report -t. */
static unsigned report_stamps(char *text, struct stamp *s)
{
	char *save = NULL, *line;
	unsigned n = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *b = strchr(line, '[');

		/* Event lines; "CPU:1 [EVENTS DROPPED]" (a loss) is not an event. */
		if (!b || !strchr(b, ']') || !strncmp(line, "CPU:", 4))
			continue;
		assert_true(n < MAX_EVENTS);
		assert_int_equal(sscanf(b, "[%u] %llu.%llu:", &s[n].cpu, &s[n].sec, &s[n].ns), 3);
		n++;
	}
	return n;
}

static void run(char **argv, struct test_output *o)
{
	assert_int_equal(test_exec(argv, o), 0);
	if (o->status)
		fail_msg("%s: %s", argv[0], o->err);
}

/*
 * The events of @file as trace-cmd reports them equal what the view shows
 * with @filters. Returns how many losses trace-cmd reports.
 */
static unsigned same_events(const char *file, char **filters, unsigned n_filters)
{
	_cleanup_free_ char *host = test_source_path("fixtures/dumps/host");
	_cleanup_free_ char *vm1 = test_source_path("fixtures/dumps/vm1");
	_cleanup_free_ struct stamp *a = calloc(MAX_EVENTS, sizeof(*a));
	_cleanup_free_ struct stamp *b = calloc(MAX_EVENTS, sizeof(*b));
	char *view[24] = { "view/xtrace-view", "--format", "raw", "--time", "raw", "--fields",
			   "cpu,time" };
	char *report[] = { "/usr/bin/trace-cmd", "report", "-t", "-i", (char *)file, NULL };
	struct test_output v, r;
	unsigned n = 7, na, nb, losses = 0;

	for (unsigned i = 0; i < n_filters; i++)
		view[n++] = filters[i];
	view[n++] = host;
	view[n++] = vm1;
	view[n] = NULL;
	run(view, &v);
	run(report, &r);
	for (const char *p = r.out; (p = strstr(p, "[EVENTS DROPPED]")); p++)
		losses++;
	na = view_stamps(v.out, a);
	nb = report_stamps(r.out, b);
	assert_true(na > 0);
	assert_int_equal(na, nb);
	qsort(a, na, sizeof(*a), stamp_cmp);
	qsort(b, nb, sizeof(*b), stamp_cmp);
	assert_memory_equal(a, b, na * sizeof(*a));
	test_output_free(&v);
	test_output_free(&r);
	return losses;
}

static void export(char **args, unsigned n_args)
{
	_cleanup_free_ char *host = test_source_path("fixtures/dumps/host");
	_cleanup_free_ char *vm1 = test_source_path("fixtures/dumps/vm1");
	char *argv[16] = { "view/xtrace-view" };
	struct test_output o;
	unsigned n = 1;

	for (unsigned i = 0; i < n_args; i++)
		argv[n++] = args[i];
	argv[n++] = host;
	argv[n++] = vm1;
	argv[n] = NULL;
	run(argv, &o);
	assert_int_equal(o.out_len, 0);
	test_output_free(&o);
}

static void one_file_per_system(void **state)
{
	_cleanup_free_ char *dir = test_mkdtemp();
	_cleanup_free_ char *file = NULL, *host = NULL, *vm1 = NULL;
	char *host_only[] = { "--host", "host" }, *vm1_only[] = { "--host", "vm1" };

	assert_true(asprintf(&file, "%s/all.dat", dir) > 0);
	assert_true(asprintf(&host, "%s.host", file) > 0);
	assert_true(asprintf(&vm1, "%s.vm1", file) > 0);
	export((char *[]){ "--export", "tracedat", file }, 3);
	/* host's three losses mark the pages after them, as the kernel does. */
	assert_int_equal(same_events(host, host_only, 2), 3);
	assert_int_equal(same_events(vm1, vm1_only, 2), 0);
	test_rm_rf(dir);
}

/* The file names its system as trace-cmd does (UNAME), and a merge of it takes that name back. */
static void system_names_travel_with_the_file(void **state)
{
	_cleanup_free_ char *dir = test_mkdtemp();
	_cleanup_free_ char *file = NULL, *merged = NULL;
	char *host_only[] = { "--export", "tracedat", NULL, "--host", "vm1" };
	struct test_output o;

	assert_true(asprintf(&file, "%s/renamed.dat", dir) > 0);
	assert_true(asprintf(&merged, "%s/merged", dir) > 0);
	host_only[2] = file;
	export(host_only, 5);
	run((char *[]){ "/usr/bin/trace-cmd", "report", "--uname", "-i", file, NULL }, &o);
	assert_non_null(strstr(o.out, "Linux vm1 6.18.44-fc-v669 - x86_64"));
	test_output_free(&o);
	run((char *[]){ "merge/xtrace-multi-merge", "-q", "-o", merged, file, NULL }, &o);
	test_output_free(&o);
	run((char *[]){ "view/xtrace-view", "--fields", "host", merged, NULL }, &o);
	assert_memory_equal(o.out, "vm1\n", 4);
	assert_null(strstr(o.out, "renamed"));
	test_output_free(&o);
	test_rm_rf(dir);
}

static void filters_apply_to_the_export(void **state)
{
	_cleanup_free_ char *dir = test_mkdtemp();
	_cleanup_free_ char *file = NULL;
	char *filters[] = { "--host", "host", "--cpu", "2-3", "--event", "kvm:*", "--to", "+0.1" };

	assert_true(asprintf(&file, "%s/kvm.dat", dir) > 0);
	export((char *[]){ "--export", "tracedat", file, filters[0], filters[1], filters[2],
			   filters[3], filters[4], filters[5], filters[6], filters[7] },
	       11);
	same_events(file, filters, 8);
	test_rm_rf(dir);
}

int main(void)
{
	test_asan_slow_unwind(); /* the merge of an exported trace.dat opens it with libtracecmd */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_file_per_system),
		cmocka_unit_test(system_names_travel_with_the_file),
		cmocka_unit_test(filters_apply_to_the_export),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
