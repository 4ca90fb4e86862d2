/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-meta.c - the xtrace.meta parser takes good files (comments, blanks,
 * CRLF), refuses hostile ones with the line at fault, refuses newer
 * versions; the writer round-trips keys in order, atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "meta.h"
#include "test-util.h"

static struct xt_meta *parse_ok(const char *text, size_t len)
{
	struct xt_meta *m = NULL;
	char why[256] = "";

	assert_int_equal(xt_meta_parse(text, len, "xtrace.meta", why, sizeof(why), &m), 0);
	assert_string_equal(why, "");
	return m;
}

static void test_good_file(void **state)
{
	static const char text[] = "# a comment\n"
				   "\n"
				   "format = xtrace-dump\n"
				   "   version=1   \n"
				   "\t# indented comment\n"
				   "host =  my host \r\n"
				   "empty =\n"
				   "cpu0.lost = 17\n"
				   "tai_offset_ns = -37000000000\n"
				   "eq = a=b\n"
				   "last = no newline";
	struct xt_meta *m = parse_ok(text, sizeof(text) - 1);
	uint64_t u;
	int64_t s;

	assert_int_equal(xt_meta_count(m), 8);
	assert_string_equal(xt_meta_key(m, 0), "format");
	assert_string_equal(xt_meta_value(m, 0), "xtrace-dump");
	assert_string_equal(xt_meta_get(m, "version"), "1");
	assert_string_equal(xt_meta_get(m, "host"), "my host");
	assert_string_equal(xt_meta_get(m, "empty"), "");
	assert_string_equal(xt_meta_get(m, "eq"), "a=b");
	assert_string_equal(xt_meta_key(m, 7), "last");
	assert_string_equal(xt_meta_get(m, "last"), "no newline");
	assert_null(xt_meta_get(m, "missing"));
	assert_null(xt_meta_key(m, 8));

	assert_int_equal(xt_meta_get_u64(m, "cpu0.lost", "m", NULL, 0, &u), 0);
	assert_int_equal(u, 17);
	assert_int_equal(xt_meta_get_s64(m, "tai_offset_ns", "m", NULL, 0, &s), 0);
	assert_int_equal(s, -37000000000ll);
	assert_int_equal(xt_meta_get_u64(m, "missing", "m", NULL, 0, &u), -ENOENT);
	assert_int_equal(xt_meta_get_u64(m, "host", "m", NULL, 0, &u), -EBADMSG);
	assert_int_equal(xt_meta_get_u64(m, "tai_offset_ns", "m", NULL, 0, &u), -EBADMSG);
	assert_int_equal(xt_meta_check_version(m, "m", NULL, 0), 0);
	xt_meta_free(m);

	m = parse_ok("", 0);
	assert_int_equal(xt_meta_count(m), 0);
	assert_null(xt_meta_get(m, "x"));
	xt_meta_free(m);
	xt_meta_free(NULL);
}

/* @len bytes of @text are refused, the reason naming line @line. */
static void expect_bad(const char *text, size_t len, unsigned line)
{
	struct xt_meta *m = NULL;
	char why[256] = "", prefix[64];

	assert_int_equal(xt_meta_parse(text, len, "xtrace.meta", why, sizeof(why), &m), -EBADMSG);
	assert_null(m);
	snprintf(prefix, sizeof(prefix), "xtrace.meta:%u: ", line);
	if (strncmp(why, prefix, strlen(prefix)) != 0)
		fail_msg("reason '%s' does not start with '%s'", why, prefix);
	/* a reason is one printable line whatever the input held */
	for (const char *p = why; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
}

static void test_hostile_lines(void **state)
{
	static const char nul[] = "a = 1\nb = x\0y\n";
	_cleanup_free_ char *longline = malloc(XT_META_MAX_LINE + 16);
	struct xt_meta *m;

	expect_bad("a = 1\nno equals sign\n", 21, 2);
	expect_bad("Upper = 1\n", 10, 1);
	expect_bad("a = 1\n\nkey-dash = 1\n", 20, 3);
	expect_bad("sp ace = 1\n", 11, 1);
	expect_bad(" = 1\n", 5, 1);
	expect_bad("k\xc3\xa9y = 1\n", 10, 1);
	expect_bad("esc = \x1b[31mred\n", 16, 1);
	expect_bad("cr = a\rb\n", 9, 1);
	expect_bad("a = 1\na = 2\n", 12, 2);
	expect_bad(nul, sizeof(nul) - 1, 2);
	expect_bad("\0", 1, 1);

	/* exactly XT_META_MAX_LINE bytes is fine, one more is not */
	assert_non_null(longline);
	memset(longline, 'v', XT_META_MAX_LINE + 1);
	memcpy(longline, "k = ", 4);
	m = parse_ok(longline, XT_META_MAX_LINE);
	assert_int_equal(strlen(xt_meta_get(m, "k")), XT_META_MAX_LINE - 4);
	xt_meta_free(m);
	expect_bad(longline, XT_META_MAX_LINE + 1, 1);
	longline[XT_META_MAX_LINE] = '\n';
	m = parse_ok(longline, XT_META_MAX_LINE + 1);
	xt_meta_free(m);
}

static void test_too_many_keys(void **state)
{
	size_t cap = (XT_META_MAX_KEYS + 1) * 16, len = 0;
	_cleanup_free_ char *text = malloc(cap);
	struct xt_meta *m;

	assert_non_null(text);
	for (unsigned i = 0; i < XT_META_MAX_KEYS; i++)
		len += (size_t)snprintf(text + len, cap - len, "k%u = %u\n", i, i);
	m = parse_ok(text, len);
	assert_int_equal(xt_meta_count(m), XT_META_MAX_KEYS);
	assert_string_equal(xt_meta_get(m, "k9999"), "9999");
	assert_string_equal(xt_meta_get(m, "k0"), "0");
	xt_meta_free(m);
	len += (size_t)snprintf(text + len, cap - len, "one.more = 1\n");
	expect_bad(text, len, XT_META_MAX_KEYS + 1);
}

static void expect_version(const char *text, int expected)
{
	struct xt_meta *m = parse_ok(text, strlen(text));
	char why[256] = "";

	assert_int_equal(xt_meta_check_version(m, "xtrace.meta", why, sizeof(why)), expected);
	if (expected)
		assert_true(strncmp(why, "xtrace.meta: ", 13) == 0);
	xt_meta_free(m);
}

static void test_version(void **state)
{
	char text[64];

	expect_version("version = 1\n", 0);
	snprintf(text, sizeof(text), "version = %d\n", XT_FORMAT_VERSION + 1);
	expect_version(text, -EPROTONOSUPPORT);
	expect_version("version = 99999999999999999999999\n", -EBADMSG);
	expect_version("version = 0\n", -EBADMSG);
	expect_version("version = 1.0\n", -EBADMSG);
	expect_version("version = -1\n", -EBADMSG);
	expect_version("format = xtrace-dump\n", -EBADMSG);
}

static void test_set_save_load(void **state)
{
	_cleanup_free_ char *dir = test_tmpdir(), *tmp = test_path(dir, "xtrace.meta.tmp");
	_cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct xt_meta *m, *back;
	char why[256] = "";

	assert_true(dirfd >= 0);
	assert_int_equal(xt_meta_new(&m), 0);
	assert_int_equal(xt_meta_set(m, "version", "1"), 0);
	assert_int_equal(xt_meta_set(m, "status", "recording"), 0);
	assert_int_equal(xt_meta_set(m, "host", "  spaced  "), 0);
	assert_int_equal(xt_meta_set(m, "status", "complete"), 0);
	assert_int_equal(xt_meta_set(m, "Bad", "x"), -EINVAL);
	assert_int_equal(xt_meta_set(m, "", "x"), -EINVAL);
	assert_int_equal(xt_meta_set(m, "nl", "a\nb"), -EINVAL);
	assert_int_equal(xt_meta_get(m, "nl"), NULL);
	{
		_cleanup_free_ char *big = malloc(XT_META_MAX_LINE);

		assert_non_null(big);
		memset(big, 'b', XT_META_MAX_LINE - 1);
		big[XT_META_MAX_LINE - 1] = '\0';
		assert_int_equal(xt_meta_set(m, "big", big), -E2BIG);
	}
	for (unsigned i = 0; i < 100; i++) {
		char key[16];

		snprintf(key, sizeof(key), "cpu%u.lost", i);
		assert_int_equal(xt_meta_set(m, key, "0"), 0);
	}

	assert_int_equal(xt_meta_save(m, dirfd, "xtrace.meta"), 0);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(xt_meta_load(dirfd, "xtrace.meta", why, sizeof(why), &back), 0);
	assert_int_equal(xt_meta_count(back), xt_meta_count(m));
	for (size_t i = 0; i < xt_meta_count(m); i++) {
		assert_string_equal(xt_meta_key(back, i), xt_meta_key(m, i));
		assert_string_equal(xt_meta_value(back, i), xt_meta_value(m, i));
	}
	assert_string_equal(xt_meta_key(back, 1), "status");
	assert_string_equal(xt_meta_get(back, "status"), "complete");
	assert_string_equal(xt_meta_get(back, "host"), "spaced");
	xt_meta_free(back);
	xt_meta_free(m);

	assert_int_equal(xt_meta_load(dirfd, "absent", why, sizeof(why), &back), -ENOENT);
	assert_int_equal(mkdirat(dirfd, "adir", 0755), 0);
	assert_int_equal(xt_meta_load(dirfd, "adir", why, sizeof(why), &back), -EISDIR);
	test_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_too_many_keys),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_set_save_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
