/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-exec.h - running the built tools from tests and capturing what they
 * print. For tests only.
 */
#ifndef KVMRT_TEST_EXEC_H
#define KVMRT_TEST_EXEC_H

#include <stddef.h>

struct test_output {
	char *out;  /* standard output, NUL-terminated; free() it */
	size_t out_len;
	char *err;  /* standard error, NUL-terminated; free() it */
	int status; /* exit status, or 128 + signal */
};

/*
 * Runs argv[0] (a path relative to $KVMRT_BUILD_ROOT when it has no leading
 * '/') with the NULL-terminated @argv, without a shell, and waits for it.
 * Returns 0 and fills *ret, or a negative errno when it could not be run.
 */
int test_exec(char *const argv[], struct test_output *ret);

void test_output_free(struct test_output *o);

/* $KVMRT_SOURCE_ROOT/@rel (or ./@rel). Must be freed with free(). */
char *test_source_path(const char *rel);

/* Makes a fresh temporary directory; returns its path (free() it) or NULL. */
char *test_mkdtemp(void);

/* Removes a directory tree made by test_mkdtemp(). */
void test_rm_rf(const char *path);

/*
 * For tests whose tools open trace.dat files: libtracecmd leaks a clock name
 * (common/lsan.supp), and its frame only shows, so that the suppression
 * matches, when the sanitizer unwinds slowly. Adds fast_unwind_on_malloc=0 to
 * ASAN_OPTIONS for this process and the tools it runs.
 */
void test_asan_slow_unwind(void);

#endif
