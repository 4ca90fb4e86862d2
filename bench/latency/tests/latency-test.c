/* SPDX-License-Identifier: GPL-2.0-or-later */
/* latency-test.c - fixtures and shell helpers of the kvmrt-latency tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "latency-test.h"
#include "test-exec.h"

char *lt_fixture(const char *name)
{
	char *rel, *path;

	assert_true(asprintf(&rel, "fixtures/latency/%s", name) > 0);
	path = test_source_path(rel);
	assert_non_null(path);
	free(rel);
	return path;
}

void lt_sh(const char *fmt, ...)
{
	struct test_output o;
	char *cmd;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_true(r > 0);
	assert_int_equal(test_exec((char *[]){"/bin/sh", "-c", cmd, NULL}, &o), 0);
	if (o.status != 0)
		fail_msg("%s: exit %d: %s", cmd, o.status, o.err);
	test_output_free(&o);
	free(cmd);
}

char *lt_copy_fixture(const char *name, const char *dir, const char *as)
{
	char *src = lt_fixture(name), *dst;

	assert_true(asprintf(&dst, "%s/%s", dir, as) > 0);
	lt_sh("cp -r '%s' '%s'", src, dst);
	free(src);
	return dst;
}
