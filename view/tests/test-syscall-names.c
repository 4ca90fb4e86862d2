/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Syscall names through libseccomp, for the dump's architecture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "view-internal.h"

/* The name of @nr, its length checked. */
static const char *name_of(struct xv_syscalls *c, int64_t nr)
{
	uint32_t len = UINT32_MAX;
	const char *name = xv_syscalls_name_len(c, nr, &len);

	if (name)
		assert_int_equal(len, strlen(name));
	else
		assert_int_equal(len, UINT32_MAX);
	return name;
}

static void test_x86_64(void **state)
{
	struct xv_syscalls *c;

	assert_int_equal(xv_syscalls_new("x86_64", &c), 0);
	assert_string_equal(name_of(c, 0), "read");
	assert_string_equal(name_of(c, 257), "openat");
	/* The cached name is the same string. */
	assert_ptr_equal(name_of(c, 257), name_of(c, 257));
	assert_null(name_of(c, -1));
	assert_null(name_of(c, 1999)); /* cached, but nameless */
	assert_null(name_of(c, 1999));
	assert_null(name_of(c, 1 << 30));
	assert_null(name_of(c, INT64_MIN));
	xv_syscalls_free(c);
}

static void test_other_arch(void **state)
{
	struct xv_syscalls *c;

	/* aarch64 numbers differ: 63 is read there, 0 is io_setup. */
	assert_int_equal(xv_syscalls_new("aarch64", &c), 0);
	assert_string_equal(name_of(c, 63), "read");
	assert_string_equal(name_of(c, 0), "io_setup");
	xv_syscalls_free(c);
}

static void test_unknown_arch(void **state)
{
	struct xv_syscalls *c;

	assert_int_equal(xv_syscalls_new("pdp11", &c), 0);
	assert_null(name_of(c, 0));
	xv_syscalls_free(c);
	assert_int_equal(xv_syscalls_new(NULL, &c), 0);
	assert_null(name_of(c, 0));
	xv_syscalls_free(c);
	xv_syscalls_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_64),
		cmocka_unit_test(test_other_arch),
		cmocka_unit_test(test_unknown_arch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
