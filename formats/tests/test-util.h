/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-util.h - helpers the libxtrace tests share: scratch directories,
 * whole files, collected diagnostics, fixture event formats.
 */
#ifndef XT_TEST_UTIL_H
#define XT_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "xtrace.h"

/* A new empty directory under $TMPDIR (or /tmp). Free the string with free(). */
char *test_tmpdir(void);

/* Removes @path and everything below it. */
void test_rmtree(const char *path);

/* "@dir/@name", must be freed with free(). */
char *test_path(const char *dir, const char *name);

/* Writes / reads a whole file, failing the test on error. Read data must be freed. */
void test_write(const char *path, const void *data, size_t len);
void *test_read(const char *path, size_t *ret_len);

/* Diagnostics collected by test_diag_collect (pass a struct test_diags * as userdata). */
#define TEST_MAX_DIAGS 64
struct test_diags {
	unsigned n;
	struct {
		enum xt_diag_kind kind;
		uint32_t cpu;
		uint64_t offset;
		uint64_t count;
	} d[TEST_MAX_DIAGS];
};
void test_diag_collect(const struct xt_diag *d, void *userdata);

/* Number of diagnostics of @kind in @c. */
unsigned test_diag_count(const struct test_diags *c, enum xt_diag_kind kind);

/* Copies fixtures/formats/@relpath of the source tree into the dump as events/@relpath. */
void test_copy_format(struct xt_dump_writer *w, const char *relpath);

#define TEST_TAI_OFFSET 37000000000ull
#define TEST_PAGE_SIZE 4096u

/* A synthetic dump: CPU c holds @per_cpu events at raw ts base + c + k * step. */
struct test_dump_spec {
	const char *host;
	unsigned cpus;
	unsigned per_cpu;
	uint64_t base;        /* raw (tai) timestamp of the first event */
	uint64_t step;
	size_t frame_bytes;   /* 0: the writer's default */
};

/*
 * Writes the dump @dir (clock tai, TAI offset TEST_TAI_OFFSET); each event
 * has the sched_wakeup type and the payload words (0, 0, host[0], cpu, k, 0).
 */
void test_write_dump(const char *dir, const struct test_dump_spec *spec);

/*
 * Merges @inputs into the merged directory @out; the second system is
 * renamed to @rename when not NULL.
 */
void test_merge_into(const char *out, const char *const *inputs, unsigned n, const char *rename);

/* Asserts that @a and @b give the very same events to their ends; returns how many. */
unsigned test_assert_same_events(struct xt_source *a, struct xt_source *b);

/* Pseudo-random bytes from @seed (same seed, same bytes). */
void test_fill(void *buf, size_t len, uint32_t seed);

#endif
