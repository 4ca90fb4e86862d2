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

int kt_setup_affinity_tree(void **state)
{
	*state = kt_tree_new(KT_AFFINITY_TREE);
	return 0;
}

int kt_setup_empty_tree(void **state)
{
	*state = kt_tree_new(NULL);
	return 0;
}

int kt_teardown_tree(void **state)
{
	kt_tree_free(*state);
	return 0;
}

void kt_assert_ids(const struct kvmrt_ids *ids, const char *want)
{
	char *s;

	assert_int_equal(kvmrt_ids_format(ids, &s), 0);
	assert_string_equal(s, want);
	free(s);
}

char *kt_node_uri(void)
{
	char *node = test_source_path("fixtures/kvmrt-core/libvirt/node.xml"), *uri;

	assert_non_null(node);
	assert_true(asprintf(&uri, "test://%s", node) > 0);
	free(node);
	return uri;
}

void kt_assert_valid_domain(const char *xml)
{
	char *argv[] = { "/usr/bin/virt-xml-validate", NULL, "domain", NULL };
	char *dir = test_mkdtemp();
	struct test_output o;

	assert_non_null(dir);
	argv[1] = kt_write_file(dir, "domain.xml", xml, 0644);
	assert_int_equal(test_exec(argv, &o), 0);
	if (o.status != 0)
		fail_msg("virt-xml-validate: %s%s", o.out, o.err);
	test_output_free(&o);
	test_rm_rf(dir);
	free(argv[1]);
	free(dir);
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

void kt_expect(struct test_output o, int status, const char *out, const char *err)
{
	if (o.status != status || (out && !strstr(o.out, out)) || (err && !strstr(o.err, err)))
		fail_msg("status %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwanted '%s' / '%s'",
			 o.status, status, o.out, o.err, out ? out : "", err ? err : "");
	test_output_free(&o);
}

void kt_put(const char *dir, const char *rel, const char *text)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", dir, rel) > 0);
	for (char *p = strchr(path + strlen(dir) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) < 0)
			assert_int_equal(errno, EEXIST);
		*p = '/';
	}
	free(path);
	path = kt_write_file(dir, rel, text, 0644);
	free(path);
}

void kt_tree_put(const struct kt_tree *t, const char *rel, const char *text)
{
	kt_put(t->dir, rel, text);
}
