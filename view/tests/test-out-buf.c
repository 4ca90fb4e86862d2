/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The output buffer: digits, escaping, flushing across the buffer boundary, write errors. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "view-test.h"

struct ctx {
	struct xv_out o;
	int fd;
};

static void open_out(struct ctx *c, size_t cap)
{
	c->fd = memfd_create("out", MFD_CLOEXEC);
	assert_true(c->fd >= 0);
	assert_int_equal(xv_out_init(&c->o, c->fd, cap), 0);
}

static char *close_out(struct ctx *c)
{
	char *s;

	assert_int_equal(xv_out_flush(&c->o), 0);
	xv_out_done(&c->o);
	s = vt_read_fd(c->fd);
	close(c->fd);
	return s;
}

static void write_s64(struct xv_out *o, uint64_t v)
{
	xv_out_s64(o, (int64_t)v);
}

static void write_frac9(struct xv_out *o, uint64_t v)
{
	xv_out_frac9(o, (uint32_t)v);
}

static const struct {
	void (*write)(struct xv_out *o, uint64_t v);
	uint64_t v;
	const char *want;
} numbers[] = {
	{ xv_out_u64, 0, "0" },
	{ xv_out_u64, 9, "9" },
	{ xv_out_u64, 10, "10" },
	{ xv_out_u64, 99, "99" },
	{ xv_out_u64, 100, "100" },
	{ xv_out_u64, 1234567, "1234567" },
	{ xv_out_u64, 10000000000000000000ull, "10000000000000000000" },
	{ xv_out_u64, UINT64_MAX, "18446744073709551615" },
	{ xv_out_hex, 0, "0x0" },
	{ xv_out_hex, 0xffffffff8e8f84e0ull, "0xffffffff8e8f84e0" },
	{ write_s64, (uint64_t)-1, "-1" },
	{ write_s64, (uint64_t)INT64_MIN, "-9223372036854775808" },
	{ write_s64, INT64_MAX, "9223372036854775807" },
	{ write_frac9, 0, "000000000" },
	{ write_frac9, 404455270, "404455270" },
	{ write_frac9, 999999999, "999999999" },
};

static void check_number(void (*write)(struct xv_out *o, uint64_t v), uint64_t v,
			 const char *want)
{
	struct ctx c;
	char *s;

	open_out(&c, 0);
	write(&c.o, v);
	s = close_out(&c);
	assert_string_equal(s, want);
	free(s);
}

static void test_numbers(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		check_number(numbers[i].write, numbers[i].v, numbers[i].want);
}

static void test_default_capacity(void **state)
{
	struct ctx c;

	open_out(&c, 0);
	assert_int_equal(c.o.cap, XV_OUT_DEFAULT_CAP);
	free(close_out(&c));
}

static void test_escaping(void **state)
{
	static const char in[] = "ok \x1b[31m\\ \x7f\n\xc3\xa9\0after";
	struct ctx c;
	char *s;

	open_out(&c, 0);
	xv_out_escaped(&c.o, in, sizeof(in));
	xv_out_putc(&c.o, '|');
	xv_out_escaped(&c.o, "abcdef", 3); /* stops at the length without a NUL */
	xv_out_putc(&c.o, '|');
	xv_out_hexbytes(&c.o, "\x00\xff\x10", 3);
	s = close_out(&c);
	assert_string_equal(s, "ok \\x1b[31m\\x5c \\x7f\\x0a\xc3\xa9|abc|00ff10");
	free(s);
}

/* Everything written through a tiny buffer arrives intact and in order. */
static void test_flush_across_boundary(void **state)
{
	char expect[8192], big[3000];
	struct ctx c;
	size_t n = 0, i;
	char *s;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	open_out(&c, 1); /* raised to the minimum */
	assert_int_equal(c.o.cap, XV_OUT_MIN_CAP);
	for (i = 0; i < 100; i++) {
		xv_out_u64(&c.o, UINT64_MAX - i);
		xv_out_putc(&c.o, '.');
		xv_out_frac9(&c.o, (uint32_t)i);
		xv_out_hex(&c.o, i);
		xv_out_escaped(&c.o, "\x01", 1);
		xv_out_putc(&c.o, '\n');
		n += (size_t)snprintf(expect + n, sizeof(expect) - n, "%llu.%09zu0x%zx\\x01\n",
				      (unsigned long long)(UINT64_MAX - i), i, i);
	}
	xv_out_write(&c.o, big, sizeof(big));
	s = close_out(&c);
	assert_int_equal(strlen(s), n + sizeof(big));
	assert_memory_equal(s, expect, n);
	assert_memory_equal(s + n, big, sizeof(big));
	free(s);
}

static void test_write_error_is_sticky(void **state)
{
	struct xv_out o;
	int p[2];

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	/* A closed pipe: EPIPE, unless SIGPIPE is ignored it would kill us. */
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(xv_out_init(&o, p[1], 64), 0);
	xv_out_write(&o, "hello\n", 6);
	assert_int_equal(xv_out_flush(&o), -EPIPE);
	xv_out_write(&o, "more\n", 5);
	assert_int_equal(o.error, -EPIPE);
	assert_int_equal(xv_out_flush(&o), -EPIPE);
	xv_out_done(&o);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_default_capacity),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_flush_across_boundary),
		cmocka_unit_test(test_write_error_is_sticky),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
