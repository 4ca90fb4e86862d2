/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line of xtrace-view: filters, formats, modes, moments; usage errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xview.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof(a[0])) - 1)

static char why[256];

static int parse(int argc, char **argv, struct xv_params *p)
{
	why[0] = '\0';
	return xv_parse_args(argc, argv, p, why, sizeof(why));
}

static void filters_are_kept_as_given(void **state)
{
	char *argv[] = { "xtrace-view", "--host", "vm*", "-c", "0-3", "--event", "kvm:*,SCHED_*",
			 "--pid", "4321,4322", "--comm", "rtapp", "--from", "+1.5", "--to", "#1000",
			 "dir", NULL };
	struct xv_params p;

	assert_int_equal(parse(ARGC(argv), argv, &p), 0);
	assert_string_equal(p.filter.host, "vm*");
	assert_string_equal(p.filter.cpu, "0-3");
	assert_string_equal(p.filter.event, "kvm:*,SCHED_*");
	assert_string_equal(p.filter.pid, "4321,4322");
	assert_string_equal(p.filter.comm, "rtapp");
	assert_int_equal(p.filter.from.kind, XV_AT_REL);
	assert_int_equal(p.filter.from.v, 1500000000ull);
	assert_int_equal(p.filter.to.kind, XV_AT_COUNT);
	assert_int_equal(p.filter.to.v, 1000);
	assert_int_equal(p.mode, XV_MODE_EVENTS);
	assert_int_equal(p.n_dirs, 1);
}

static void modes_and_formats(void **state)
{
	char *json[] = { "xtrace-view", "--stats", "-f", "json", "a", "b", NULL };
	char *perfetto[] = { "xtrace-view", "a", "--export", "perfetto", "out.json", "b", NULL };
	char *tracedat[] = { "xtrace-view", "--export", "tracedat", "out.dat", "a", NULL };
	char *explain[] = { "xtrace-view", "--around", "1741944413.5", "--window", "5000", "a",
			    NULL };
	struct xv_params p;

	assert_int_equal(parse(ARGC(json), json, &p), 0);
	assert_int_equal(p.mode, XV_MODE_STATS);
	assert_int_equal(p.format, XV_FORMAT_JSON);
	assert_int_equal(p.n_dirs, 2);
	assert_int_equal(parse(ARGC(perfetto), perfetto, &p), 0);
	assert_int_equal(p.mode, XV_MODE_PERFETTO);
	assert_string_equal(p.export_path, "out.json");
	assert_int_equal(p.n_dirs, 2);
	assert_string_equal(p.dirs[0], "a");
	assert_string_equal(p.dirs[1], "b");
	assert_int_equal(parse(ARGC(tracedat), tracedat, &p), 0);
	assert_int_equal(p.mode, XV_MODE_TRACEDAT);
	assert_string_equal(p.export_path, "out.dat");
	assert_int_equal(parse(ARGC(explain), explain, &p), 0);
	assert_int_equal(p.mode, XV_MODE_EXPLAIN);
	assert_int_equal(p.explain.kind, XV_AT_TOD);
	assert_int_equal(p.explain.v, 1741944413500000000ull);
	assert_int_equal(p.window_ns, 5000);
}

static void usage_errors_name_the_option(void **state)
{
	static const struct {
		char *argv[6];
		const char *says;
	} cases[] = {
		{ { "xtrace-view", "--format", "xml", "d" }, "--format: unknown format 'xml'" },
		{ { "xtrace-view", "--from", "yesterday", "d" }, "--from: 'yesterday' is not a moment" },
		{ { "xtrace-view", "--to", "#", "d" }, "--to: '#' is not a moment" },
		{ { "xtrace-view", "--explain", "#5", "d" }, "--explain: give a time" },
		{ { "xtrace-view", "--export", "svg", "f", "d" }, "--export: unknown kind 'svg'" },
		{ { "xtrace-view", "--export", "perfetto" }, "--export perfetto needs a FILE" },
		{ { "xtrace-view", "--window", "0", "d" }, "--window: '0'" },
		{ { "xtrace-view", "--stats", "--format", "csv", "d" }, "--stats: --format text or json" },
		{ { "xtrace-view", "--pid", "12,x", "d" }, "--pid: 'x' is not a pid" },
		{ { "xtrace-view", "--pid", "99999999999", "d" }, "--pid: '99999999999'" },
		{ { "xtrace-view", "--cpu", "3-1", "d" }, "--cpu: '3-1' is not a CPU list" },
		{ { "xtrace-view", "--cpu", "70000", "d" }, "--cpu: '70000' is not a CPU list" },
	};
	struct xv_params p;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int argc = 0;

		while (argc < 6 && cases[i].argv[argc])
			argc++;
		assert_int_equal(parse(argc, (char **)cases[i].argv, &p), -EINVAL);
		if (!strstr(why, cases[i].says))
			fail_msg("case %zu: '%s' lacks '%s'", i, why, cases[i].says);
	}
}

static void moments(void **state)
{
	static const struct {
		const char *s;
		int r;
		enum xv_at_kind kind;
		uint64_t v;
	} cases[] = {
		{ "0", 0, XV_AT_TOD, 0 },
		{ "1.000000001", 0, XV_AT_TOD, 1000000001 },
		{ "+0.25", 0, XV_AT_REL, 250000000 },
		{ "+.25", 0, XV_AT_REL, 250000000 }, /* as bc(1) prints it */
		{ ".000000001", 0, XV_AT_TOD, 1 },
		{ "5.", 0, XV_AT_TOD, 5000000000 },
		{ "#0", 0, XV_AT_COUNT, 0 },
		{ "#18446744073709551615", 0, XV_AT_COUNT, UINT64_MAX },
		{ "1.0000000001", -EINVAL, XV_AT_NONE, 0 },	   /* more than nine decimals */
		{ "99999999999999999999", -ERANGE, XV_AT_NONE, 0 }, /* seconds beyond 64-bit ns */
		{ "#18446744073709551616", -ERANGE, XV_AT_NONE, 0 },
		{ "", -EINVAL, XV_AT_NONE, 0 },
		{ "+", -EINVAL, XV_AT_NONE, 0 },
		{ ".", -EINVAL, XV_AT_NONE, 0 },
		{ "+.", -EINVAL, XV_AT_NONE, 0 },
		{ "-1", -EINVAL, XV_AT_NONE, 0 },
		{ "1.5s", -EINVAL, XV_AT_NONE, 0 },
		{ "#-1", -EINVAL, XV_AT_NONE, 0 },
		{ "# 5", -EINVAL, XV_AT_NONE, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xv_at at = { XV_AT_NONE, 7 };

		if (xv_at_parse(cases[i].s, &at) != cases[i].r)
			fail_msg("'%s': expected %d", cases[i].s, cases[i].r);
		if (cases[i].r == 0) {
			assert_int_equal(at.kind, cases[i].kind);
			assert_true(at.v == cases[i].v);
		} else {
			assert_int_equal(at.kind, XV_AT_NONE); /* untouched on failure */
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(filters_are_kept_as_given),
		cmocka_unit_test(modes_and_formats),
		cmocka_unit_test(usage_errors_name_the_option),
		cmocka_unit_test(moments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
