/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-test.c - file helpers the libkvmrt tests share. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fileio.h"
#include "kvmrt-test.h"

char *kt_write_file(const char *dir, const char *name, const char *text, unsigned mode)
{
	char *path;
	FILE *fp;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	fp = fopen(path, "we");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
	return path;
}

char *kt_read_file(const char *path)
{
	char *text;
	size_t len;

	assert_int_equal(read_file_at(AT_FDCWD, path, 16u << 20, &text, &len), 0);
	return text;
}
