/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-util.c - helpers the libxtrace tests share. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-util.h"

char *test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	if (!base || !*base)
		base = "/tmp";
	assert_true(asprintf(&path, "%s/xtrace-test-XXXXXX", base) > 0);
	assert_non_null(mkdtemp(path));
	return path;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

void test_rmtree(const char *path)
{
	if (path)
		nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *test_path(const char *dir, const char *name)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	return path;
}

void test_write(const char *path, const void *data, size_t len)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
}

void *test_read(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	char *data;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	data = malloc((size_t)len + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)len, f), (size_t)len);
	data[len] = '\0';
	fclose(f);
	*ret_len = (size_t)len;
	return data;
}

void test_diag_collect(const struct xt_diag *d, void *userdata)
{
	struct test_diags *c = userdata;

	assert_non_null(d->path);
	assert_non_null(d->detail);
	if (c->n >= TEST_MAX_DIAGS)
		return;
	c->d[c->n].kind = d->kind;
	c->d[c->n].cpu = d->cpu;
	c->d[c->n].offset = d->offset;
	c->d[c->n].count = d->count;
	c->n++;
}

unsigned test_diag_count(const struct test_diags *c, enum xt_diag_kind kind)
{
	unsigned n = 0;

	for (unsigned i = 0; i < c->n; i++)
		n += c->d[i].kind == kind;
	return n;
}

void test_copy_format(struct xt_dump_writer *w, const char *relpath)
{
	const char *root = getenv("KVMRT_SOURCE_ROOT");
	_cleanup_free_ char *src = NULL, *dst = NULL;

	assert_non_null(root);
	assert_true(asprintf(&src, "%s/fixtures/formats/%s", root, relpath) > 0);
	assert_true(asprintf(&dst, "events/%s", relpath) > 0);
	assert_int_equal(xt_dump_writer_copy_file(w, dst, src), 0);
}

void test_write_dump(const char *dir, const struct test_dump_spec *spec)
{
	struct xt_dump_writer *w;
	struct xt_page_builder *b;

	assert_int_equal(xt_dump_writer_create(dir, 0, &w), 0);
	if (spec->frame_bytes)
		assert_int_equal(xt_dump_writer_set_compression(w, spec->frame_bytes, 1), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_FORMAT, "xtrace-dump"), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_VERSION, "1"), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_HOST, "%s", spec->host), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_CPUS, "0-%u", spec->cpus - 1), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_PAGE_SIZE, "%u", TEST_PAGE_SIZE), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_TRACE_CLOCK, "tai"), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_TAI_OFFSET, "%llu", TEST_TAI_OFFSET), 0);
	test_copy_format(w, "header_page");
	test_copy_format(w, "header_event");
	test_copy_format(w, "sched/sched_wakeup/format");
	assert_int_equal(xt_page_builder_new(TEST_PAGE_SIZE, &b), 0);
	for (unsigned c = 0; c < spec->cpus; c++) {
		struct xt_frame_writer *fw;

		assert_int_equal(xt_dump_writer_cpu(w, c, &fw), 0);
		for (unsigned k = 0; k < spec->per_cpu; k++) {
			uint32_t ev[6] = { 0, 0, spec->host[0], c, k, 0 };
			uint64_t ts = spec->base + c + k * spec->step;
			int r = xt_page_builder_add(b, ts, ev, sizeof(ev));

			if (r == -ENOSPC) {
				assert_int_equal(xt_frame_writer_append(fw, xt_page_builder_page(b),
						 TEST_PAGE_SIZE, xt_page_builder_first_ts(b),
						 xt_page_builder_last_ts(b)), 0);
				xt_page_builder_reset(b);
				r = xt_page_builder_add(b, ts, ev, sizeof(ev));
			}
			assert_int_equal(r, 0);
		}
		if (xt_page_builder_count(b))
			assert_int_equal(xt_frame_writer_append(fw, xt_page_builder_page(b),
					 TEST_PAGE_SIZE, xt_page_builder_first_ts(b),
					 xt_page_builder_last_ts(b)), 0);
		xt_page_builder_reset(b);
	}
	xt_page_builder_free(b);
	assert_int_equal(xt_dump_writer_close(w), 0);
	xt_dump_writer_free(w);
}

void test_merge_into(const char *out, const char *const *inputs, unsigned n, const char *rename)
{
	struct xt_merged_writer *w;
	struct xt_source *src;
	struct xt_event ev;
	char why[256];
	int r;

	assert_int_equal(xt_source_open(inputs, n, NULL, NULL, why, sizeof(why), &src), 0);
	assert_int_equal(xt_merged_writer_create(out, 0, &w), 0);
	for (unsigned i = 0; i < xt_source_system_count(src); i++)
		assert_int_equal(xt_merged_writer_add_system(w, xt_source_system(src, i),
							     i == 1 ? rename : NULL), 0);
	while ((r = xt_source_next(src, &ev)) > 0)
		assert_int_equal(xt_merged_writer_append(w, &ev), 0);
	assert_int_equal(r, 0);
	assert_int_equal(xt_merged_writer_close(w), 0);
	xt_merged_writer_free(w);
	xt_source_free(src);
}

unsigned test_assert_same_events(struct xt_source *a, struct xt_source *b)
{
	struct xt_event ea, eb;
	unsigned n = 0;
	int r;

	while ((r = xt_source_next(a, &ea)) > 0) {
		assert_int_equal(xt_source_next(b, &eb), 1);
		assert_int_equal(ea.tod, eb.tod);
		assert_int_equal(ea.ts, eb.ts);
		assert_int_equal(ea.system, eb.system);
		assert_int_equal(ea.cpu, eb.cpu);
		assert_int_equal(ea.kind, eb.kind);
		assert_int_equal(ea.size, eb.size);
		assert_int_equal(ea.lost, eb.lost);
		if (ea.size)
			assert_memory_equal(ea.data, eb.data, ea.size);
		n++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(xt_source_next(b, &eb), 0);
	return n;
}

void test_fill(void *buf, size_t len, uint32_t seed)
{
	uint8_t *p = buf;
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}
