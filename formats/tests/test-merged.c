/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Merged directories: dumps -> source -> merged writer -> merged stream must
 * give back the same events in the same order; merged dirs merge again;
 * damaged records are reported, never read out of bounds.
 */
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
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "merged-record.h"
#include "test-util.h"
#include "xtrace.h"

#define TAI_OFFSET TEST_TAI_OFFSET

struct fixture {
	char tmp[64];
};

/*
 * Writes a dump whose CPU c holds events at raw ts base + c + k * step for
 * k < per_cpu; each event's payload carries (host tag, cpu, k).
 */
static void write_dump(const char *dir, const char *host, unsigned cpus, unsigned per_cpu,
		       uint64_t base, uint64_t step)
{
	const struct test_dump_spec spec = { host, cpus, per_cpu, base, step, 0 };

	test_write_dump(dir, &spec);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[128];

	strcpy(f->tmp, "/tmp/test-merged-XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(path, sizeof(path), "%s/a", f->tmp);
	write_dump(path, "alpha", 2, 3000, TAI_OFFSET + 1000000, 700);
	snprintf(path, sizeof(path), "%s/b", f->tmp);
	write_dump(path, "beta", 1, 2000, TAI_OFFSET + 1000350, 1000);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->tmp);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

struct seen {
	uint64_t tod;
	uint32_t system, cpu, tag, k;
};

/* Reads every event of @paths; returns the count and fills @out (may be NULL). */
static unsigned read_all(const char *const *paths, unsigned n, struct seen *out, unsigned cap,
			 unsigned *ret_systems)
{
	struct xt_source *src;
	struct xt_event ev;
	char why[256];
	unsigned count = 0;
	int r;

	assert_int_equal(xt_source_open(paths, n, NULL, NULL, why, sizeof(why), &src), 0);
	*ret_systems = xt_source_system_count(src);
	while ((r = xt_source_next(src, &ev)) > 0) {
		uint32_t words[6];

		assert_int_equal(ev.kind, XT_EVENT_RECORD);
		assert_int_equal(ev.size, sizeof(words));
		memcpy(words, ev.data, sizeof(words));
		if (out && count < cap)
			out[count] = (struct seen){ ev.tod, ev.system, ev.cpu, words[2], words[4] };
		count++;
	}
	assert_int_equal(r, 0);
	xt_source_free(src);
	return count;
}

static void dumps_merge_in_tod_order(void **state)
{
	struct fixture *f = *state;
	char a[128], b[128];
	const char *paths[] = { a, b };
	static struct seen seen[8000];
	unsigned systems, n;

	snprintf(a, sizeof(a), "%s/a", f->tmp);
	snprintf(b, sizeof(b), "%s/b", f->tmp);
	n = read_all(paths, 2, seen, 8000, &systems);
	assert_int_equal(n, 8000);
	assert_int_equal(systems, 2);
	for (unsigned i = 1; i < n; i++)
		assert_true(seen[i - 1].tod <= seen[i].tod);
	/* TOD is the raw tai timestamp less the TAI offset. */
	assert_int_equal(seen[0].tod, 1000000);
	assert_int_equal(seen[0].tag, 'a');
}

static void merged_dir_reads_back_the_same_and_merges_again(void **state)
{
	struct fixture *f = *state;
	char a[128], b[128], m[128], m2[128];
	const char *inputs[] = { a, b };
	static struct seen direct[8000], merged[8000], again[14000];
	struct xt_source *src;
	char why[256];
	unsigned systems, n;

	snprintf(a, sizeof(a), "%s/a", f->tmp);
	snprintf(b, sizeof(b), "%s/b", f->tmp);
	snprintf(m, sizeof(m), "%s/m", f->tmp);
	snprintf(m2, sizeof(m2), "%s/m2", f->tmp);
	assert_int_equal(read_all(inputs, 2, direct, 8000, &systems), 8000);
	test_merge_into(m, inputs, 2, "renamed");

	const char *one[] = { m };

	n = read_all(one, 1, merged, 8000, &systems);
	assert_int_equal(n, 8000);
	assert_int_equal(systems, 2);
	assert_memory_equal(direct, merged, sizeof(direct));

	/* The names of a merged dir's systems come from systems/I/. */
	assert_int_equal(xt_source_open(one, 1, NULL, NULL, why, sizeof(why), &src), 0);
	assert_string_equal(xt_dump_host(xt_source_system(src, 0)), "alpha");
	assert_string_equal(xt_dump_host(xt_source_system(src, 1)), "renamed");
	xt_source_free(src);

	/* Merge of a merge with a dump: three systems, still in order. */
	const char *mixed[] = { m, a };

	n = read_all(mixed, 2, again, 14000, &systems);
	assert_int_equal(systems, 3);
	assert_int_equal(n, 8000 + 6000);
	for (unsigned i = 1; i < n; i++)
		assert_true(again[i - 1].tod <= again[i].tod);
}

static unsigned diag_count;

static void count_diag(const struct xt_diag *d, void *userdata)
{
	diag_count++;
}

static void not_a_dump_is_refused_with_the_path(void **state)
{
	struct fixture *f = *state;
	const char *paths[] = { f->tmp };
	struct xt_source *src = NULL;
	char why[256];

	assert_int_equal(xt_source_open(paths, 1, NULL, NULL, why, sizeof(why), &src), -ENOENT);
	assert_null(src);
	assert_non_null(strstr(why, f->tmp));
}

static void unplaceable_clock_is_refused_with_the_reason(void **state)
{
	struct fixture *f = *state;
	char dir[128], meta[160];
	const char *paths[] = { dir };
	struct xt_source *src = NULL;
	struct xt_dump_writer *w;
	char why[256];

	snprintf(dir, sizeof(dir), "%s/local", f->tmp);
	assert_int_equal(xt_dump_writer_create(dir, 0, &w), 0);
	xt_dump_writer_set(w, XT_META_FORMAT, "xtrace-dump");
	xt_dump_writer_set(w, XT_META_VERSION, "1");
	xt_dump_writer_set(w, XT_META_HOST, "h");
	xt_dump_writer_set(w, XT_META_PAGE_SIZE, "4096");
	xt_dump_writer_set(w, XT_META_TRACE_CLOCK, "local");
	test_copy_format(w, "header_page");
	test_copy_format(w, "header_event");
	assert_int_equal(xt_dump_writer_close(w), 0);
	xt_dump_writer_free(w);
	snprintf(meta, sizeof(meta), "%s/xtrace.meta", dir);
	assert_int_equal(xt_source_open(paths, 1, NULL, NULL, why, sizeof(why), &src),
			 -EMEDIUMTYPE);
	assert_non_null(strstr(why, dir));
	assert_non_null(strstr(why, "local"));
}

static void damaged_records_are_reported_and_skipped(void **state)
{
	struct fixture *f = *state;
	char a[128], m[128], stream[160];
	const char *inputs[] = { a };
	struct xt_merged_writer *w;
	struct xt_source *src;
	struct xt_event ev;
	char why[256];
	int r;

	snprintf(a, sizeof(a), "%s/a", f->tmp);
	snprintf(m, sizeof(m), "%s/m-bad", f->tmp);
	assert_int_equal(xt_source_open(inputs, 1, NULL, NULL, why, sizeof(why), &src), 0);
	assert_int_equal(xt_merged_writer_create(m, 0, &w), 0);
	assert_int_equal(xt_merged_writer_add_system(w, xt_source_system(src, 0), NULL), 0);
	while ((r = xt_source_next(src, &ev)) > 0)
		assert_int_equal(xt_merged_writer_append(w, &ev), 0);
	/* A record naming a system that is not there must not pass. */
	ev.system = 7;
	assert_int_equal(xt_merged_writer_append(w, &ev), -EINVAL);
	assert_int_equal(xt_merged_writer_close(w), 0);
	xt_merged_writer_free(w);
	xt_source_free(src);

	/* Cut the stream in the middle of a frame: the reader says so and stops. */
	snprintf(stream, sizeof(stream), "%s/%s", m, XT_MERGED_STREAM_FILE);
	struct stat st;

	assert_int_equal(stat(stream, &st), 0);
	assert_int_equal(truncate(stream, st.st_size - 100), 0);
	const char *one[] = { m };
	unsigned n = 0;

	diag_count = 0;
	assert_int_equal(xt_source_open(one, 1, count_diag, NULL, why, sizeof(why), &src), 0);
	while ((r = xt_source_next(src, &ev)) > 0)
		n++;
	assert_int_equal(r, 0);
	assert_true(n < 6000);
	assert_true(diag_count >= 1);
	xt_source_free(src);
}

/* Appends @ev to @fw as a layout 1 record. */
static void append_layout1(struct xt_frame_writer *fw, const struct xt_event *ev)
{
	struct merged_record_v1 rec = { ev->tod, ev->ts, ev->system, ev->cpu, ev->kind, ev->size };
	uint8_t buf[sizeof(rec) + 64] = {};

	if (ev->kind == XT_EVENT_LOST)
		rec.size = sizeof(ev->lost);
	assert_true(rec.size <= 64);
	memcpy(buf, &rec, sizeof(rec));
	memcpy(buf + sizeof(rec), ev->kind == XT_EVENT_LOST ? (const void *)&ev->lost : ev->data,
	       rec.size);
	assert_int_equal(xt_frame_writer_append(fw, buf,
						sizeof(rec) + merged_record_padded(rec.size),
						ev->tod, ev->tod), 0);
}

/* Sets the merged_version line of @dir's metadata to @line ("" removes it). */
static void set_layout_line(const char *dir, const char *line)
{
	_cleanup_free_ char *path = test_path(dir, XT_META_FILE);
	size_t len;
	_cleanup_free_ char *text = test_read(path, &len);
	_cleanup_free_ char *out = calloc(1, len + strlen(line) + 1);
	char *at = strstr(text, MERGED_VERSION_KEY " = ");
	char *eol;

	assert_non_null(at);
	eol = strchr(at, '\n');
	assert_non_null(eol);
	memcpy(out, text, at - text);
	strcat(out, line);
	strcat(out, eol + 1);
	test_write(path, out, strlen(out));
}

/* Rewrites the records of the merged directory @dir in layout 1, as older merges wrote them. */
static void rewrite_as_layout1(const char *dir)
{
	_cleanup_free_ char *stream = test_path(dir, XT_MERGED_STREAM_FILE);
	struct xt_frame_writer *fw;
	struct xt_stream *st;
	struct xt_event ev;
	int fd, r;

	/* the stream keeps the old file mapped once the name is gone */
	assert_int_equal(xt_merged_stream_new(dir, 0, NULL, NULL, &st), 0);
	assert_int_equal(unlink(stream), 0);
	fd = open(stream, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(xt_frame_writer_new(fd, XT_FRAME_CPU_MERGED, 4096, 1, &fw), 0);
	while ((r = xt_stream_next(st, &ev)) > 0)
		append_layout1(fw, &ev);
	assert_int_equal(r, 0);
	assert_int_equal(xt_frame_writer_flush(fw), 0);
	xt_frame_writer_free(fw);
	close(fd);
	xt_stream_free(st);
	set_layout_line(dir, "");
}

/* Asserts that the merged directories @a and @b give the very same events. */
static void assert_same_events(const char *a, const char *b)
{
	const char *pa[] = { a }, *pb[] = { b };
	struct xt_source *sa, *sb;
	char why[256];

	assert_int_equal(xt_source_open(pa, 1, NULL, NULL, why, sizeof(why), &sa), 0);
	assert_int_equal(xt_source_open(pb, 1, NULL, NULL, why, sizeof(why), &sb), 0);
	assert_int_equal(test_assert_same_events(sa, sb), 8000);
	xt_source_free(sa);
	xt_source_free(sb);
}

static void layout1_dirs_read_as_before_and_newer_layouts_are_refused(void **state)
{
	struct fixture *f = *state;
	char a[128], b[128], m2[128], m1[128];
	const char *inputs[] = { a, b };
	const char *newer[] = { m2 };
	struct xt_source *src = NULL;
	char why[256];

	snprintf(a, sizeof(a), "%s/a", f->tmp);
	snprintf(b, sizeof(b), "%s/b", f->tmp);
	snprintf(m2, sizeof(m2), "%s/layout2", f->tmp);
	snprintf(m1, sizeof(m1), "%s/layout1", f->tmp);
	test_merge_into(m2, inputs, 2, NULL);
	test_merge_into(m1, inputs, 2, NULL);
	rewrite_as_layout1(m1);
	assert_same_events(m1, m2);

	set_layout_line(m2, MERGED_VERSION_KEY " = 3\n");
	assert_int_equal(xt_source_open(newer, 1, NULL, NULL, why, sizeof(why), &src),
			 -EPROTONOSUPPORT);
	assert_null(src);
	assert_non_null(strstr(why, m2));
	assert_non_null(strstr(why, "newer kvmrt"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dumps_merge_in_tod_order),
		cmocka_unit_test(merged_dir_reads_back_the_same_and_merges_again),
		cmocka_unit_test(not_a_dump_is_refused_with_the_path),
		cmocka_unit_test(unplaceable_clock_is_refused_with_the_reason),
		cmocka_unit_test(damaged_records_are_reported_and_skipped),
		cmocka_unit_test(layout1_dirs_read_as_before_and_newer_layouts_are_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
