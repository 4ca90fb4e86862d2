/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-trace-format.c - page layout and marker layout from the kernel's
 * format files: the real ones (fixtures) and hostile ones.
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
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "xcollect.h"

struct texts {
	char *page;
	size_t page_len;
	char *print;
	size_t print_len;
};

static char *slurp(const char *rel, size_t *ret_len)
{
	_cleanup_free_ char *path = NULL;
	char *buf = calloc(1, 65536);
	_cleanup_close_ int fd = -1;
	ssize_t n;

	assert_non_null(buf);
	assert_true(asprintf(&path, "%s/fixtures/formats/%s", getenv("KVMRT_SOURCE_ROOT"), rel) > 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	n = read(fd, buf, 65535);
	assert_true(n > 0);
	*ret_len = n;
	return buf;
}

static int setup(void **state)
{
	struct texts *t = calloc(1, sizeof(*t));

	if (!t || !getenv("KVMRT_SOURCE_ROOT"))
		return -1;
	t->page = slurp("header_page", &t->page_len);
	t->print = slurp("ftrace/print/format", &t->print_len);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct texts *t = *state;

	if (!t)
		return 0;
	free(t->page);
	free(t->print);
	free(t);
	return 0;
}

static void test_real_formats(void **state)
{
	struct texts *t = *state;
	struct xc_trace_format f;

	assert_int_equal(xc_trace_format_parse(t->page, t->page_len, t->print, t->print_len, &f), 0);
	assert_int_equal(f.long_size, 8);
	assert_int_equal(f.page_size, 4096);
	assert_int_equal(f.print_id, 5);
	assert_int_equal(f.print_buf_offset, 16);
	assert_int_equal(f.common_pid_offset, 4);
}

static void test_without_print(void **state)
{
	struct texts *t = *state;
	struct xc_trace_format f;

	assert_int_equal(xc_trace_format_parse(t->page, t->page_len, NULL, 0, &f), 0);
	assert_int_equal(f.print_id, -1);
	assert_int_equal(f.page_size, 4096);
}

/* Replaces the first @from in @text by @to; returns a new string. */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out;

	assert_non_null(at);
	assert_true(asprintf(&out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) > 0);
	return out;
}

static void test_hostile_header_page(void **state)
{
	struct texts *t = *state;
	const char *edits[][2] = {
		{ "size:4080", "size:999999999" },  /* a page larger than any kernel's */
		{ "size:4080", "size:16" },         /* a page too small to hold an event */
		{ "local_t commit;\toffset:8;\tsize:8", "local_t commit;\toffset:8;\tsize:2" },
		{ "commit", "cmt" },                /* no commit field at all */
		{ "commit", "xcommit" },            /* a longer name is another field */
		{ "data", "dat" },                  /* no data field */
		{ "offset:16", "offset:24" },       /* data not right after the header */
		{ "size:4080;", "size:4080" },      /* unterminated number */
		{ "size:4080", "size:40x80" },
		{ "offset:8;\tsize:8", "offset:8;\tsize:99999999999999999999" },
	};
	struct xc_trace_format f;

	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		_cleanup_free_ char *bad = edit(t->page, edits[i][0], edits[i][1]);

		if (xc_trace_format_parse(bad, strlen(bad), NULL, 0, &f) != -EBADMSG)
			fail_msg("edit %zu accepted", i);
	}
	/* Empty, truncated and binary junk. */
	assert_int_equal(xc_trace_format_parse(t->page, 0, NULL, 0, &f), -EBADMSG);
	assert_int_equal(xc_trace_format_parse(t->page, 20, NULL, 0, &f), -EBADMSG);
	assert_int_equal(xc_trace_format_parse("\0\xff\x01\x02", 4, NULL, 0, &f), -EBADMSG);
	/* A NUL inside the text. */
	{
		_cleanup_free_ char *nul = strdup(t->page);

		nul[5] = '\0';
		assert_int_equal(xc_trace_format_parse(nul, t->page_len, NULL, 0, &f), -EBADMSG);
	}
}

static void test_hostile_print(void **state)
{
	struct texts *t = *state;
	const char *edits[][2] = {
		{ "char buf[]", "char text[]" },   /* no buf field */
		{ "common_pid", "common_pod" },    /* no pid field */
		{ "offset:16;\tsize:0", "offset:99999;\tsize:0" }, /* buf past the page */
		{ "ID: 5", "ID: 70000" },          /* does not fit common_type */
		{ "name: print", "name: printx" }, /* another event */
		{ "ID: 5", "ID: " },               /* no number */
		{ "ID: 5", "ID: 5x" },
		{ "common_pid", "sscommon_pid" },  /* only a longer name */
		{ "offset:4;\tsize:4", "offset:4;\tsize:2" }, /* pid not 4 bytes */
	};
	struct xc_trace_format f;

	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		_cleanup_free_ char *bad = edit(t->print, edits[i][0], edits[i][1]);

		if (xc_trace_format_parse(t->page, t->page_len, bad, strlen(bad), &f) != -EBADMSG)
			fail_msg("print edit %zu accepted", i);
	}
	assert_int_equal(xc_trace_format_parse(t->page, t->page_len, t->print, 0, &f), -EBADMSG);
	assert_int_equal(xc_trace_format_parse(t->page, t->page_len, t->print, 30, &f), -EBADMSG);
	assert_int_equal(xc_trace_format_parse(t->page, t->page_len, "junk", 4, &f), -EBADMSG);
}

static void test_huge_text(void **state)
{
	struct texts *t = *state;
	struct xc_trace_format f;
	size_t len = (2u << 20);
	_cleanup_free_ char *huge = malloc(len);

	assert_non_null(huge);
	memset(huge, 'x', len);
	memcpy(huge, t->page, t->page_len);
	assert_int_equal(xc_trace_format_parse(huge, len, NULL, 0, &f), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_formats),
		cmocka_unit_test(test_without_print),
		cmocka_unit_test(test_hostile_header_page),
		cmocka_unit_test(test_hostile_print),
		cmocka_unit_test(test_huge_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
