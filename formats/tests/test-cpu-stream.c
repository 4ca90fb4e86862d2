/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-cpu-stream.c - ring-buffer pages built with xt_page_builder, stored
 * in a dump, come back from xt_cpu_stream_new() as the same events with the
 * same timestamps and TOD; missed-events pages give an XT_EVENT_LOST; bad
 * pages and frames cost only the damaged part.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "frame-private.h"
#include "test-util.h"

#define PAGE 4096u
#define MAX_PAGES 64u
#define MAX_EVENTS 4096u
#define NEVENTS 600u
#define CPU 1u
#define SYSTEM 7u
#define EPOCH 1700000000000000000ull

struct expected {
	uint64_t ts;
	uint32_t len;
	unsigned page;
	uint8_t bytes[240];
};

struct scenario {
	char *tmp, *dir;
	uint8_t pages[MAX_PAGES][PAGE];
	unsigned npages;
	unsigned first[MAX_PAGES]; /* index of the page's first event */
	unsigned keep[MAX_PAGES];  /* events of the page the stream must yield */
	uint64_t lost[MAX_PAGES];  /* XT_EVENT_LOST expected before the page (0: none) */
	struct expected ev[MAX_EVENTS];
	unsigned nev;
};

/* Event @i: sched_switch's type, sizes from 8 to 236 bytes, deltas up to 2^33 ns. */
static void make_event(struct expected *e, unsigned i, uint64_t ts)
{
	e->ts = ts;
	e->len = 8 + (i * 52) % 232;
	test_fill(e->bytes, e->len, i);
	e->bytes[0] = 372 & 0xff; /* common_type, little-endian */
	e->bytes[1] = 372 >> 8;
}

static void take_page(struct scenario *s, struct xt_page_builder *b)
{
	assert_true(s->npages < MAX_PAGES);
	memcpy(s->pages[s->npages], xt_page_builder_page(b), PAGE);
	s->keep[s->npages] = xt_page_builder_count(b);
	s->npages++;
	xt_page_builder_reset(b);
}

static void build_pages(struct scenario *s)
{
	struct xt_page_builder *b;
	uint64_t ts = 5000000;

	assert_int_equal(xt_page_builder_new(PAGE, &b), 0);
	for (unsigned i = 0; i < NEVENTS; i++) {
		struct expected *e = &s->ev[s->nev];
		int r;

		ts += i % 50 == 49 ? (1ull << 33) + i : 1000 + i;
		make_event(e, i, ts);
		r = xt_page_builder_add(b, ts, e->bytes, e->len);
		if (r == -ENOSPC) {
			take_page(s, b);
			s->first[s->npages] = s->nev;
			r = xt_page_builder_add(b, ts, e->bytes, e->len);
		}
		assert_int_equal(r, 0);
		e->page = s->npages;
		s->nev++;
	}
	take_page(s, b);
	xt_page_builder_free(b);
}

/* Writes the dump: fixture formats, local clock anchored as TOD = EPOCH + ts, pages of CPU 1. */
static void write_dump(struct scenario *s, unsigned pages_per_frame)
{
	struct xt_dump_writer *w;
	struct xt_frame_writer *fw;

	assert_int_equal(xt_dump_writer_create(s->dir, XT_DUMP_FORCE, &w), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_PAGE_SIZE, "%u", PAGE), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_TRACE_CLOCK, "local"), 0);
	test_copy_format(w, "header_page");
	test_copy_format(w, "header_event");
	test_copy_format(w, "sched/sched_switch/format");
	assert_int_equal(xt_dump_writer_add_anchor(w, 0, EPOCH), 0);
	assert_int_equal(xt_dump_writer_add_anchor(w, 1000000000000ull, EPOCH + 1000000000000ull),
			 0);
	assert_int_equal(xt_dump_writer_set_compression(w, pages_per_frame * PAGE, 3), 0);
	assert_int_equal(xt_dump_writer_cpu(w, CPU, &fw), 0);
	for (unsigned p = 0; p < s->npages; p++)
		assert_int_equal(xt_frame_writer_append(fw, s->pages[p], PAGE, 0, 0), 0);
	assert_int_equal(xt_dump_writer_close(w), 0);
	xt_dump_writer_free(w);
}

static int setup(void **state)
{
	struct scenario *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->tmp = test_tmpdir();
	s->dir = test_path(s->tmp, "dump");
	build_pages(s);
	assert_true(s->npages > 10);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct scenario *s = *state;

	test_rmtree(s->tmp);
	free(s->tmp);
	free(s->dir);
	free(s);
	return 0;
}

static void expect_event(const struct xt_event *ev, uint64_t ts, uint32_t kind)
{
	assert_int_equal(ev->kind, kind);
	assert_int_equal(ev->ts, ts);
	assert_int_equal(ev->tod, EPOCH + ts);
	assert_int_equal(ev->cpu, CPU);
	assert_int_equal(ev->system, SYSTEM);
}

/* Reads CPU 1 of the dump: per page, the expected lost mark and the kept events. */
static void expect_stream(struct scenario *s, struct test_diags *diags)
{
	struct xt_stream *stream;
	struct xt_event ev;
	struct xt_dump *d;

	memset(diags, 0, sizeof(*diags));
	assert_int_equal(xt_dump_open(s->dir, &d), 0);
	assert_int_equal(xt_cpu_stream_new(d, CPU, SYSTEM, test_diag_collect, diags, &stream), 0);
	for (unsigned p = 0; p < s->npages; p++) {
		if (s->lost[p]) {
			assert_int_equal(xt_stream_next(stream, &ev), 1);
			expect_event(&ev, s->ev[s->first[p]].ts, XT_EVENT_LOST);
			assert_int_equal(ev.lost, s->lost[p]);
			assert_int_equal(ev.size, 0);
		}
		for (unsigned i = s->first[p]; i < s->first[p] + s->keep[p]; i++) {
			const struct expected *e = &s->ev[i];

			assert_int_equal(xt_stream_next(stream, &ev), 1);
			expect_event(&ev, e->ts, XT_EVENT_RECORD);
			/* the record's payload is padded to 4 bytes */
			assert_int_equal(ev.size, (e->len + 3) & ~3u);
			assert_memory_equal(ev.data, e->bytes, e->len);
		}
	}
	assert_int_equal(xt_stream_next(stream, &ev), 0);
	assert_int_equal(xt_stream_next(stream, &ev), 0);
	xt_stream_free(stream);
	xt_dump_free(d);
}

static void test_events_round_trip(void **state)
{
	struct scenario *s = *state;
	struct test_diags diags;

	write_dump(s, 3);
	expect_stream(s, &diags);
	assert_int_equal(diags.n, 0);
	write_dump(s, 1);
	expect_stream(s, &diags);
	assert_int_equal(diags.n, 0);
}

/* Rebuilds page @p with the missed-events mark @missed. */
static void mark_missed(struct scenario *s, unsigned p, uint64_t missed)
{
	struct xt_page_builder *b;

	assert_int_equal(xt_page_builder_new(PAGE, &b), 0);
	for (unsigned i = s->first[p]; i < s->first[p] + s->keep[p]; i++)
		assert_int_equal(xt_page_builder_add(b, s->ev[i].ts, s->ev[i].bytes, s->ev[i].len),
				 0);
	xt_page_builder_set_missed(b, missed);
	memcpy(s->pages[p], xt_page_builder_page(b), PAGE);
	xt_page_builder_free(b);
	s->lost[p] = missed;
}

static void test_missed_events(void **state)
{
	struct scenario *s = *state;
	struct test_diags diags;

	mark_missed(s, 2, 123);
	mark_missed(s, 5, XT_LOST_UNKNOWN);
	write_dump(s, 3);
	expect_stream(s, &diags);
	assert_int_equal(diags.n, 2);
	assert_int_equal(diags.d[0].kind, XT_DIAG_LOST_EVENTS);
	assert_int_equal(diags.d[0].count, 123);
	assert_int_equal(diags.d[0].cpu, CPU);
	assert_int_equal(diags.d[1].kind, XT_DIAG_LOST_EVENTS);
	assert_int_equal(diags.d[1].count, XT_LOST_UNKNOWN);
}

/* Data offset (after the 16-byte header) of the record of event @i in its page. */
static size_t record_offset(const struct scenario *s, unsigned i)
{
	const uint8_t *data = s->pages[s->ev[i].page] + 16;
	size_t off = 0;

	for (unsigned k = s->first[s->ev[i].page]; k <= i; k++) {
		uint32_t type_len = xt_get_le32(data + off) & 31;

		if (type_len == 30) { /* the time extend before an event */
			off += 8;
			type_len = xt_get_le32(data + off) & 31;
		}
		if (k == i)
			return off;
		if (type_len)
			off += 4 + 4 * type_len;
		else
			off += 8 + ((xt_get_le32(data + off + 4) - 4 + 3) & ~3u);
	}
	return off;
}

static void test_bad_pages(void **state)
{
	struct scenario *s = *state;
	struct test_diags diags;
	unsigned i;
	uint8_t *data;

	/* page 1: commit beyond the page: nothing of it is read */
	xt_put_le64(s->pages[1] + 8, PAGE);
	s->keep[1] = 0;
	/* page 3: the third record claims a length running past the commit */
	i = s->first[3] + 2;
	data = s->pages[3] + 16 + record_offset(s, i);
	xt_put_le32(data, 0);
	xt_put_le32(data + 4, 0x7ffffff0);
	s->keep[3] = 2;
	/* page 4: a length word below the minimum */
	i = s->first[4] + 1;
	data = s->pages[4] + 16 + record_offset(s, i);
	xt_put_le32(data, 0);
	xt_put_le32(data + 4, 3);
	s->keep[4] = 1;
	/* page 6: missed events whose count would sit past the page (its events stay) */
	xt_put_le64(s->pages[6] + 8, (PAGE - 16) | (1ull << 31) | (1ull << 30));
	s->lost[6] = XT_LOST_UNKNOWN;
	/* page 7: the commit ends inside a record header */
	xt_put_le64(s->pages[7] + 8, record_offset(s, s->first[7] + 3) + 2);
	s->keep[7] = 3;

	write_dump(s, 4);
	expect_stream(s, &diags);
	assert_int_equal(test_diag_count(&diags, XT_DIAG_BAD_PAGE), 5);
	assert_int_equal(test_diag_count(&diags, XT_DIAG_LOST_EVENTS), 1);
	assert_int_equal(diags.n, 6);
}

/* Offset of frame @n of @path. */
static uint64_t frame_offset(const char *path, unsigned n)
{
	const struct xt_frame_header *h;
	struct xt_frame_reader *r;
	const void *payload;
	uint64_t off;

	assert_int_equal(xt_frame_reader_open(path, CPU, NULL, NULL, &r), 0);
	for (unsigned f = 0; f <= n; f++)
		assert_int_equal(xt_frame_reader_next(r, &h, &payload), 1);
	off = xt_frame_reader_offset(r);
	xt_frame_reader_free(r);
	return off;
}

/* A frame whose size is not a whole number of pages is skipped; so is a torn tail. */
static void test_bad_frames(void **state)
{
	struct scenario *s = *state;
	_cleanup_free_ char *path = test_path(s->dir, "cpu1.xtd");
	_cleanup_free_ uint8_t *bytes = NULL;
	_cleanup_close_ int fd = -1;
	struct xt_frame_writer *fw;
	struct test_diags diags;
	uint64_t off2, off3, off4;
	size_t len;

	write_dump(s, 1); /* frame i holds page i */
	bytes = test_read(path, &len);
	off2 = frame_offset(path, 2);
	off3 = frame_offset(path, 3);
	off4 = frame_offset(path, 4);

	/* frames 0 and 1; page 2 stored one byte short; half of frame 3 */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, off2), (ssize_t)off2);
	assert_int_equal(xt_frame_writer_new(fd, CPU, PAGE, 3, &fw), 0);
	assert_int_equal(xt_frame_writer_append(fw, s->pages[2], PAGE - 1, 0, 0), 0);
	assert_int_equal(xt_frame_writer_flush(fw), 0);
	xt_frame_writer_free(fw);
	assert_int_equal(write(fd, bytes + off3, (off4 - off3) / 2), (ssize_t)((off4 - off3) / 2));

	for (unsigned p = 2; p < s->npages; p++)
		s->keep[p] = 0;
	expect_stream(s, &diags);
	assert_int_equal(diags.n, 2);
	assert_int_equal(diags.d[0].kind, XT_DIAG_CORRUPT_FRAME);
	assert_int_equal(diags.d[0].offset, off2);
	assert_int_equal(diags.d[1].kind, XT_DIAG_TORN_TAIL);
}

static void test_no_such_cpu(void **state)
{
	struct scenario *s = *state;
	struct xt_stream *stream;
	struct xt_dump *d;

	write_dump(s, 3);
	assert_int_equal(xt_dump_open(s->dir, &d), 0);
	assert_int_equal(xt_cpu_stream_new(d, 0, 0, NULL, NULL, &stream), -ENOENT);
	assert_int_equal(xt_cpu_stream_new(d, 9999, 0, NULL, NULL, &stream), -ENOENT);
	xt_dump_free(d);
	xt_stream_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_events_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missed_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_such_cpu, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
