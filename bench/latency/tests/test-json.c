/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-json.c - the strict JSON reader: cyclictest's own output, and hostile
 * input (truncated, huge numbers, deep nesting, NUL bytes, bad escapes).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "json.h"

/* Parses @text (@len bytes) and expects @err; @why must contain @msg. */
static void expect_error(const char *text, size_t len, unsigned flags, int err, const char *msg)
{
	struct lat_json *root = NULL;
	char why[256] = "";

	assert_int_equal(lat_json_parse(text, len, flags, &root, why, sizeof(why)), err);
	assert_null(root);
	if (!strstr(why, msg))
		fail_msg("message '%s' lacks '%s'", why, msg);
}

static struct lat_json *parse_ok(const char *text, unsigned flags)
{
	struct lat_json *root = NULL;
	char why[256] = "";
	int r = lat_json_parse(text, strlen(text), flags, &root, why, sizeof(why));

	if (r < 0)
		fail_msg("parse failed: %s", why);
	return root;
}

static void test_cyclictest_keys(void **state)
{
	struct lat_json *root =
	    parse_ok("{\n  \"file_version\": 1,\n  \"cmdline:\": \"cyclictest -m\",\n"
		     "  \"thread\": {\"0\": {\"histogram\": {\"16\": 1}, \"avg\": 24.26}},\n"
		     "  \"sysinfo\": {\"realtime\": 0}, \"flags\": [true, false, null]\n}",
		     0);
	const struct lat_json *v = lat_json_get(root, "cmdline:");
	uint64_t n;

	assert_non_null(v);
	assert_string_equal(v->string, "cyclictest -m");
	assert_null(lat_json_get(root, "cmdline"));
	v = lat_json_get(lat_json_get(lat_json_get(root, "thread"), "0"), "histogram");
	assert_int_equal(lat_json_u64(lat_json_get(v, "16"), &n), 0);
	assert_int_equal(n, 1);
	v = lat_json_get(lat_json_get(lat_json_get(root, "thread"), "0"), "avg");
	assert_false(v->is_int);
	assert_true(fabs(v->number - 24.26) < 1e-9);
	assert_int_equal(lat_json_u64(v, &n), -EINVAL);
	v = lat_json_get(root, "flags");
	assert_int_equal(v->n, 3);
	assert_true(v->items[0].boolean);
	assert_false(v->items[1].boolean);
	assert_int_equal(v->items[2].type, LAT_JSON_NULL);
	assert_int_equal(lat_json_get(root, "sysinfo")->line, 5);
	lat_json_free(root);
}

static void test_strings(void **state)
{
	struct lat_json *root =
	    parse_ok("[\"a\\\"b\\\\c\\/\\n\\u00e9\\ud83d\\ude00\", \"\xc3\xa9\"]", 0);

	assert_string_equal(root->items[0].string, "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(root->items[1].string, "\xc3\xa9");
	lat_json_free(root);
}

static void test_truncated(void **state)
{
	static const char doc[] = "{\"thread\": {\"0\": {\"histogram\": {\"16\": 1}, "
				  "\"avg\": -1.5e3, \"s\": \"x\\u00e9\"}}, \"a\": [1, 2]}";

	/* every proper prefix is an error, never a crash or a partial tree */
	for (size_t len = 0; len < sizeof(doc) - 1; len++) {
		struct lat_json *root = NULL;
		char why[256] = "";

		assert_int_equal(lat_json_parse(doc, len, 0, &root, why, sizeof(why)), -EINVAL);
		assert_null(root);
		assert_non_null(strstr(why, "line 1 column"));
	}
	lat_json_free(parse_ok(doc, 0));
}

static void test_numbers(void **state)
{
	struct lat_json *root = parse_ok("[0, -7, 9223372036854775807, 1e308, -0.5E-3]", 0);

	assert_int_equal(root->items[1].integer, -7);
	assert_true(root->items[2].is_int);
	assert_true(root->items[2].integer == INT64_MAX);
	assert_false(root->items[3].is_int);
	assert_true(root->items[4].number == -0.5e-3);
	lat_json_free(root);
}

static void test_nan_flag(void **state)
{
	struct lat_json *root =
	    parse_ok("{\"avg\": -nan, \"b\": nan, \"c\": inf, \"d\": null}", LAT_JSON_ALLOW_NAN);

	assert_true(isnan(lat_json_get(root, "avg")->number));
	assert_true(isnan(lat_json_get(root, "b")->number));
	assert_true(isinf(lat_json_get(root, "c")->number));
	assert_int_equal(lat_json_get(root, "d")->type, LAT_JSON_NULL);
	lat_json_free(root);
}

/* Documents the reader refuses: with @err and a message containing @msg. */
struct bad_doc {
	const char *text;
	size_t len;
	int err;
	const char *msg;
};

#define BAD(text, err, msg) {text, sizeof(text) - 1, err, msg}

static const struct bad_doc refused[] = {
	/* strings */
	BAD("\"a\\u0000b\"", -EINVAL, "NUL"),
	BAD("\"\\ud800x\"", -EINVAL, "surrogate"),
	BAD("\"\\udc00\"", -EINVAL, "surrogate"),
	BAD("\"\\q\"", -EINVAL, "unknown escape"),
	BAD("\"\\u12g4\"", -EINVAL, "hex digit"),
	BAD("\"a\tb\"", -EINVAL, "control byte"),
	BAD("\"\xc3\"", -EINVAL, "UTF-8"),
	BAD("\"\xed\xa0\x80\"", -EINVAL, "UTF-8"),
	BAD("\"\xc0\xaf\"", -EINVAL, "UTF-8"),
	/* syntax */
	BAD("", -EINVAL, "end of input"),
	BAD("{\"a\": 1} x", -EINVAL, "after the document"),
	BAD("{\"a\" 1}", -EINVAL, "expected ':' after key \"a\""),
	BAD("{\"a\": 1,}", -EINVAL, "quoted key"),
	BAD("[1 2]", -EINVAL, "expected ',' or ']'"),
	BAD("{\n\n  \"a\": tru}", -EINVAL, "line 3 column 8"),
	/* numbers */
	BAD("9223372036854775808", -ERANGE, "out of range"),
	BAD("1e999", -ERANGE, "out of range"),
	BAD("-1e999", -ERANGE, "out of range"),
	BAD("[1234567890123456789012345678901234567890123456789012345678901234567890]",
	    -E2BIG, "longer than"),
	BAD("012", -EINVAL, "leading zero"),
	BAD("1.", -EINVAL, "after '.'"),
	BAD("1e", -EINVAL, "exponent"),
	BAD("-", -EINVAL, "digit"),
	BAD("+1", -EINVAL, "expected a value"),
	BAD("nan", -EINVAL, "expected a value"),
	BAD("-nan", -EINVAL, "digit"),
	/* NUL bytes */
	BAD("{\"a\": 1}\0", -EINVAL, "byte 0x00 after the document"),
	BAD("{\"a\0\": 1}", -EINVAL, "control byte 0x00"),
	BAD("[1,\0 2]", -EINVAL, "byte 0x00"),
	BAD("\0", -EINVAL, "byte 0x00"),
};

static void test_refused(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		expect_error(refused[i].text, refused[i].len, 0, refused[i].err, refused[i].msg);
}

static void test_depth(void **state)
{
	char doc[2 * LAT_JSON_MAX_DEPTH + 8];
	size_t n = 0;
	struct lat_json *root;

	for (unsigned i = 0; i <= LAT_JSON_MAX_DEPTH; i++)
		doc[n++] = '[';
	for (unsigned i = 0; i <= LAT_JSON_MAX_DEPTH; i++)
		doc[n++] = ']';
	expect_error(doc, n, 0, -E2BIG, "nested deeper than 64");
	/* one level less is fine */
	doc[n - 1] = '\0';
	root = parse_ok(doc + 1, 0);
	lat_json_free(root);
}

static void test_wrong_types(void **state)
{
	struct lat_json *root = parse_ok("{\"n\": \"12\", \"neg\": -3, \"o\": {}}", 0);
	uint64_t v = 42;

	assert_int_equal(lat_json_u64(lat_json_get(root, "n"), &v), -EINVAL);
	assert_int_equal(lat_json_u64(lat_json_get(root, "neg"), &v), -EINVAL);
	assert_int_equal(lat_json_u64(lat_json_get(root, "missing"), &v), -EINVAL);
	assert_int_equal(v, 42);
	assert_null(lat_json_get(lat_json_get(root, "n"), "x"));
	assert_string_equal(lat_json_type_name(lat_json_get(root, "o")->type), "an object");
	lat_json_free(root);
}

static void test_huge_string(void **state)
{
	size_t len = LAT_JSON_MAX_STRING + 16;
	char *doc = malloc(len);

	assert_non_null(doc);
	memset(doc, 'a', len);
	doc[0] = '"';
	doc[len - 1] = '"';
	expect_error(doc, len, 0, -E2BIG, "string longer than");
	free(doc);
}

static void test_put_string(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	lat_json_put_string(f, "a\"b\\c\n\x01");
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\\u0001\"");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cyclictest_keys), cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_truncated),	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_nan_flag),	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_refused),	    cmocka_unit_test(test_wrong_types),
	    cmocka_unit_test(test_huge_string),	    cmocka_unit_test(test_put_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
