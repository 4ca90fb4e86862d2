/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sysroot: files read and written under a fixture root, never outside it. */
#include <errno.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "kvmrt-host.h"
#include "kvmrt-test.h"
#include "test-exec.h"

struct fixture {
	char *dir;
	struct kvmrt_sysroot root;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char why[256], *path;

	assert_non_null(f);
	f->dir = test_mkdtemp();
	path = kt_write_file(f->dir, "value", "42\n", 0644);
	free(path);
	path = kt_write_file(f->dir, "text", "isolated\n\n", 0644);
	free(path);
	path = kt_write_file(f->dir, "junk", "42x\n", 0644);
	free(path);
	path = kt_write_file(f->dir, "empty", "", 0644);
	free(path);
	assert_int_equal(kvmrt_sysroot_open(f->dir, &f->root, why, sizeof(why)), 0);
	assert_false(f->root.live);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmrt_sysroot_close(&f->root);
	test_rm_rf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void reads_values_relative_to_the_root(void **state)
{
	struct fixture *f = *state;
	char *line;
	long v;

	assert_int_equal(kvmrt_sysroot_read_long(&f->root, "/value", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(kvmrt_sysroot_read_line(&f->root, "text", &line), 0);
	assert_string_equal(line, "isolated");
	free(line);
	assert_int_equal(kvmrt_sysroot_read_long(&f->root, "junk", &v), -EINVAL);
	assert_int_equal(kvmrt_sysroot_read_long(&f->root, "empty", &v), -EINVAL);
	assert_int_equal(kvmrt_sysroot_read_long(&f->root, "missing", &v), -ENOENT);
	assert_true(kvmrt_sysroot_exists(&f->root, "/text"));
	assert_false(kvmrt_sysroot_exists(&f->root, "/proc/cpuinfo"));
}

static void writes_replace_and_never_create(void **state)
{
	struct fixture *f = *state;
	char *line;

	assert_int_equal(kvmrt_sysroot_write(&f->root, "/text", "member"), 0);
	assert_int_equal(kvmrt_sysroot_read_line(&f->root, "text", &line), 0);
	assert_string_equal(line, "member");
	free(line);
	assert_int_equal(kvmrt_sysroot_write(&f->root, "/new-file", "1"), -ENOENT);
	assert_false(kvmrt_sysroot_exists(&f->root, "new-file"));
}

static void lists_numbers_in_numeric_order(void **state)
{
	struct fixture *f = *state;
	const char *names[] = { "10", "2", "default_smp_affinity", "1", "100" };
	const char *want[] = { "1", "2", "10", "100", ".keep", "default_smp_affinity" };
	char **list, *sub;
	int n;

	assert_int_equal(asprintf(&sub, "%s/irq", f->dir) > 0, 1);
	assert_int_equal(mkdir(sub, 0755), 0);
	free(sub);
	sub = kt_write_file(f->dir, "irq/.keep", "", 0644);
	free(sub);
	for (size_t i = 0; i < 5; i++) {
		char name[64];

		snprintf(name, sizeof(name), "irq/%s", names[i]);
		sub = kt_write_file(f->dir, name, "", 0644);
		free(sub);
	}
	n = kvmrt_sysroot_list(&f->root, "/irq", &list);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(list[i], want[i]);
	assert_null(list[6]);
	kvmrt_strv_free(list);
	assert_int_equal(kvmrt_sysroot_list(&f->root, "/nowhere", &list), -ENOENT);
}

static void refuses_a_root_that_is_not_a_directory(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_sysroot root;
	char why[256], path[4096];

	snprintf(path, sizeof(path), "%s/value", f->dir);
	assert_int_equal(kvmrt_sysroot_open(path, &root, why, sizeof(why)), -ENOTDIR);
	assert_non_null(strstr(why, "value"));
	assert_int_equal(kvmrt_sysroot_open(NULL, &root, why, sizeof(why)), 0);
	assert_true(root.live);
	kvmrt_sysroot_close(&root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reads_values_relative_to_the_root, setup, teardown),
		cmocka_unit_test_setup_teardown(writes_replace_and_never_create, setup, teardown),
		cmocka_unit_test_setup_teardown(lists_numbers_in_numeric_order, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_a_root_that_is_not_a_directory, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
