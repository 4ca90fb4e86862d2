/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-test.c - file helpers the libkvmrt tests share. */
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

#include <cmocka.h>

#include "fileio.h"
#include "kvmrt-test.h"
#include "test-exec.h"

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

char *kt_copy_tree(const char *rel)
{
	char *src = test_source_path(rel), *dst = test_mkdtemp(), *from;
	char *argv[] = { "/bin/cp", "-a", NULL, NULL, NULL };
	struct test_output out;

	assert_non_null(src);
	assert_non_null(dst);
	assert_true(asprintf(&from, "%s/.", src) > 0);
	argv[2] = from;
	argv[3] = dst;
	assert_int_equal(test_exec(argv, &out), 0);
	assert_int_equal(out.status, 0);
	test_output_free(&out);
	free(from);
	free(src);
	return dst;
}

struct kt_tree *kt_tree_new(const char *rel)
{
	struct kt_tree *t = calloc(1, sizeof(*t));
	char why[256];

	assert_non_null(t);
	t->dir = rel ? kt_copy_tree(rel) : test_mkdtemp();
	assert_non_null(t->dir);
	assert_int_equal(kvmrt_sysroot_open(t->dir, &t->root, why, sizeof(why)), 0);
	return t;
}

void kt_tree_free(struct kt_tree *t)
{
	kvmrt_sysroot_close(&t->root);
	test_rm_rf(t->dir);
	free(t->dir);
	free(t);
}

struct test_output kt_run(const char *tool, ...)
{
	char *argv[32], path[256];
	struct test_output o;
	va_list ap;
	int n = 0;

	snprintf(path, sizeof(path), "kvmrt-core/%s", tool);
	argv[n++] = path;
	va_start(ap, tool);
	while (n < 31 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	assert_int_equal(test_exec(argv, &o), 0);
	return o;
}

void kt_tree_put(const struct kt_tree *t, const char *rel, const char *text)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", t->dir, rel) > 0);
	for (char *p = strchr(path + strlen(t->dir) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) < 0)
			assert_int_equal(errno, EEXIST);
		*p = '/';
	}
	free(path);
	path = kt_write_file(t->dir, rel, text, 0644);
	free(path);
}
