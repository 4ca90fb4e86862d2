/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --fields parsing and the whole command line, fed as argv arrays. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "view-test.h"

#define ARGV(...) ((char *[]){ "xtrace-view", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "xtrace-view", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(p, why, ...) xv_parse_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), p, why, sizeof(why))

static void assert_fields(const struct xv_fields *f, unsigned n, const uint8_t *ids)
{
	assert_int_equal(f->n, n);
	assert_memory_equal(f->id, ids, n);
}

static void test_fields_good(void **state)
{
	static const uint8_t all[] = { XV_FIELD_NAME, XV_FIELD_COMM, XV_FIELD_PID, XV_FIELD_ARG,
				       XV_FIELD_EVENT, XV_FIELD_CPU, XV_FIELD_HOST, XV_FIELD_TIME };
	static const uint8_t one[] = { XV_FIELD_EVENT };
	struct xv_fields f;

	assert_int_equal(xv_fields_parse("name,comm,pid,arg,event,cpu,host,time", &f, NULL, 0), 0);
	assert_fields(&f, 8, all);
	assert_int_equal(xv_fields_parse("event", &f, NULL, 0), 0);
	assert_fields(&f, 1, one);
	assert_string_equal(xv_field_name(XV_FIELD_COMM), "comm");
	assert_null(xv_field_name(XV_FIELD_COUNT));
}

static void test_fields_bad(void **state)
{
	struct xv_fields f = { .n = 99 };
	char why[200];

	assert_int_equal(xv_fields_parse("time,bogus,cpu", &f, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "--fields: unknown field 'bogus' "
				 "(valid: time,host,cpu,event,arg,pid,comm,name)");
	assert_int_equal(f.n, 99); /* untouched on failure */
	assert_int_equal(xv_fields_parse("", &f, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "unknown field ''"));
	assert_int_equal(xv_fields_parse("time,,cpu", &f, why, sizeof(why)), -EINVAL);
	assert_int_equal(xv_fields_parse("time,", &f, why, sizeof(why)), -EINVAL);
	assert_int_equal(xv_fields_parse("Time", &f, why, sizeof(why)), -EINVAL);
	assert_int_equal(xv_fields_parse("timestamp", &f, why, sizeof(why)), -EINVAL);
	assert_int_equal(xv_fields_parse("cpu,time,cpu", &f, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "--fields: field 'cpu' listed twice");
	assert_int_equal(xv_fields_parse("bogus", &f, NULL, 0), -EINVAL);
}

static void test_defaults(void **state)
{
	static const uint8_t text[] = { XV_FIELD_TIME, XV_FIELD_HOST, XV_FIELD_CPU, XV_FIELD_EVENT,
					XV_FIELD_ARG };
	static const uint8_t raw[] = { XV_FIELD_TIME, XV_FIELD_HOST, XV_FIELD_CPU, XV_FIELD_COMM,
				       XV_FIELD_PID,  XV_FIELD_NAME, XV_FIELD_ARG };
	struct xv_params p;
	char why[200];

	assert_int_equal(PARSE(&p, why, "dump"), 0);
	assert_fields(&p.fields, 5, text);
	assert_int_equal(p.time, XV_TIME_REL);
	assert_false(p.raw);
	assert_int_equal(p.n_dirs, 1);
	assert_string_equal(p.dirs[0], "dump");

	assert_int_equal(PARSE(&p, why, "--raw", "a", "b"), 0);
	assert_true(p.raw);
	assert_fields(&p.fields, 7, raw);
	assert_int_equal(p.n_dirs, 2);
	assert_string_equal(p.dirs[1], "b");
}

static void test_args_good(void **state)
{
	static const uint8_t ids[] = { XV_FIELD_CPU, XV_FIELD_EVENT };
	struct xv_params p;
	char why[200];

	assert_int_equal(PARSE(&p, why, "--fields", "cpu,event", "--time", "tod", "d1"), 0);
	assert_fields(&p.fields, 2, ids);
	assert_int_equal(p.time, XV_TIME_TOD);
	assert_int_equal(PARSE(&p, why, "-F", "cpu,event", "-t", "raw", "-R", "d1"), 0);
	assert_fields(&p.fields, 2, ids); /* an explicit list wins over --raw's default */
	assert_int_equal(p.time, XV_TIME_RAW);
	assert_true(p.raw);
	/* Options after the directories are fine too. */
	assert_int_equal(PARSE(&p, why, "d1", "--time=tod", "d2"), 0);
	assert_int_equal(p.time, XV_TIME_TOD);
	assert_int_equal(p.n_dirs, 2);
	assert_int_equal(PARSE(&p, why, "--help"), 0);
	assert_true(p.help);
	assert_int_equal(PARSE(&p, why, "--version"), 0);
	assert_true(p.version);
	assert_non_null(strstr(xv_usage(), "--fields"));
}

static void test_args_bad(void **state)
{
	struct xv_params p;
	char why[200];

	assert_int_equal(PARSE(&p, why, "--fields", "time,nope", "d"), -EINVAL);
	assert_non_null(strstr(why, "'nope'"));
	assert_int_equal(PARSE(&p, why, "--time", "utc", "d"), -EINVAL);
	assert_string_equal(why, "--time: unknown mode 'utc' (valid: rel, tod, raw)");
	assert_int_equal(PARSE(&p, why, "--frobnicate", "d"), -EINVAL);
	assert_string_equal(why, "unknown option --frobnicate (see --help)");
	assert_int_equal(PARSE(&p, why, "-x", "d"), -EINVAL);
	assert_string_equal(why, "unknown option -x (see --help)");
	assert_int_equal(PARSE(&p, why, "d", "--fields"), -EINVAL);
	assert_string_equal(why, "option --fields needs an argument");
	assert_int_equal(PARSE(&p, why, "d", "-t"), -EINVAL);
	assert_string_equal(why, "option -t needs an argument");
	assert_int_equal(PARSE(&p, why, "--raw"), -EINVAL);
	assert_string_equal(why, "no directory given (see --help)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_good),
		cmocka_unit_test(test_fields_bad),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_args_good),
		cmocka_unit_test(test_args_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
