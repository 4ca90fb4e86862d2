/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-test.c - fixture files for the gs tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gs-test.h"

void gs_test_write(const char *root, const char *rel, const void *data, size_t len)
{
	char path[4096], cmd[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

void gs_test_write_text(const char *root, const char *rel, const char *text)
{
	gs_test_write(root, rel, text, strlen(text));
}
