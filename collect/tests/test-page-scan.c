/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-page-scan.c - what the per-CPU readers learn from a page: event
 * count, first/last timestamps, lost-event flag and our anchor markers
 * (only ours: markers of other writers or other texts are not anchors).
 * Pages are built by libxtrace's page builder in the kernel's layout; the
 * kernel's own pages of the fixture dumps are scanned as kbuffer reads them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <traceevent/kbuffer.h>

#include "cleanup.h"
#include "test-exec.h"
#include "xcollect.h"

#define PAGE 4096u
#define ANCHOR_PID 4242
#define PRINT_ID 5
#define SWITCH_ID 300
#define MAX_ANCHORS 8

static const struct xc_trace_format fmt = {
	.long_size = 8,
	.page_size = PAGE,
	.print_id = PRINT_ID,
	.print_buf_offset = 16,
	.common_pid_offset = 4,
};

struct fixture {
	struct xt_page_builder *b;
	struct xc_page_scanner *s;
	unsigned char page[PAGE];
	unsigned nr_anchors;
	uint64_t anchor_ts[MAX_ANCHORS];
	uint64_t anchor_rt[MAX_ANCHORS];
	int fail_with; /* what the callback returns */
};

static int on_anchor(uint64_t ts, uint64_t realtime, void *userdata)
{
	struct fixture *f = userdata;

	if (f->nr_anchors < MAX_ANCHORS) {
		f->anchor_ts[f->nr_anchors] = ts;
		f->anchor_rt[f->nr_anchors] = realtime;
	}
	f->nr_anchors++;
	return f->fail_with;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || xt_page_builder_new(PAGE, &f->b) < 0 ||
	    xc_page_scanner_new(&fmt, ANCHOR_PID, on_anchor, f, &f->s) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	xc_page_scanner_free(f->s);
	xt_page_builder_free(f->b);
	free(f);
	return 0;
}

/* Adds an ftrace:print record written by @pid with @text. */
static void add_print(struct fixture *f, uint64_t ts, int32_t pid, const char *text)
{
	unsigned char rec[256] = {};
	uint16_t type = PRINT_ID;
	size_t len = strlen(text);

	assert_true(16 + len + 1 <= sizeof(rec));
	memcpy(rec, &type, sizeof(type));
	memcpy(rec + 4, &pid, sizeof(pid));
	memcpy(rec + 16, text, len);
	assert_int_equal(xt_page_builder_add(f->b, ts, rec, 16 + len + 1), 0);
}

static void add_other(struct fixture *f, uint64_t ts, int32_t pid)
{
	unsigned char rec[64] = {};
	uint16_t type = SWITCH_ID;

	memcpy(rec, &type, sizeof(type));
	memcpy(rec + 4, &pid, sizeof(pid));
	/* A record of another type that happens to hold anchor-like bytes. */
	memcpy(rec + 16, "xtrace-anchor realtime=1", 24);
	assert_int_equal(xt_page_builder_add(f->b, ts, rec, sizeof(rec)), 0);
}

static void scan(struct fixture *f, struct xc_page_info *info, int expect)
{
	memcpy(f->page, xt_page_builder_page(f->b), PAGE);
	assert_int_equal(xc_page_scan(f->s, f->page, info), expect);
}

static void test_counts_and_anchors(void **state)
{
	struct fixture *f = *state;
	struct xc_page_info info;

	add_other(f, 1000, ANCHOR_PID);
	add_print(f, 2000, ANCHOR_PID, "xtrace-anchor realtime=1700000000000000001\n");
	add_print(f, 3000, 77, "xtrace-anchor realtime=5\n"); /* someone else's marker */
	add_print(f, 4000, ANCHOR_PID, "hello from a user\n");
	add_other(f, (1ull << 32) + 5000, 1); /* needs a time extend */
	add_print(f, (1ull << 32) + 6000, ANCHOR_PID, "xtrace-anchor realtime=99");
	scan(f, &info, 0);
	assert_int_equal(info.events, 6);
	assert_true(info.first_ts == 1000);
	assert_true(info.last_ts == (1ull << 32) + 6000);
	assert_false(info.missed);
	assert_true(info.data_len > 0 && info.data_len < PAGE);
	assert_int_equal(f->nr_anchors, 2);
	assert_true(f->anchor_ts[0] == 2000);
	assert_true(f->anchor_rt[0] == 1700000000000000001ull);
	assert_true(f->anchor_ts[1] == (1ull << 32) + 6000);
	assert_true(f->anchor_rt[1] == 99);
}

static void test_empty_and_missed(void **state)
{
	struct fixture *f = *state;
	struct xc_page_info info;

	scan(f, &info, 0);
	assert_int_equal(info.events, 0);
	assert_int_equal(info.data_len, 0);
	assert_false(info.missed);

	xt_page_builder_reset(f->b);
	xt_page_builder_set_missed(f->b, 12);
	add_other(f, 700, 1);
	scan(f, &info, 0);
	assert_true(info.missed);
	assert_int_equal(info.events, 1);
	assert_true(info.first_ts == 700 && info.last_ts == 700);
}

static void test_callback_error(void **state)
{
	struct fixture *f = *state;
	struct xc_page_info info;

	f->fail_with = -ENOSPC;
	add_print(f, 10, ANCHOR_PID, "xtrace-anchor realtime=1\n");
	scan(f, &info, -ENOSPC);
}

static void test_corrupt_commit(void **state)
{
	struct fixture *f = *state;
	struct xc_page_info info;
	uint64_t commit = PAGE; /* more data than a page can hold */

	add_other(f, 10, 1);
	memcpy(f->page, xt_page_builder_page(f->b), PAGE);
	memcpy(f->page + 8, &commit, sizeof(commit));
	assert_int_equal(xc_page_scan(f->s, f->page, &info), -EBADMSG);
	commit = (1ull << 27) - 1;
	memcpy(f->page + 8, &commit, sizeof(commit));
	assert_int_equal(xc_page_scan(f->s, f->page, &info), -EBADMSG);
}

static void test_no_marker_format(void **state)
{
	struct xc_trace_format plain = fmt;
	struct xc_page_scanner *s;
	struct fixture *f = *state;
	struct xc_page_info info;

	/* Without a known ftrace:print id, no record is taken for an anchor. */
	plain.print_id = -1;
	assert_int_equal(xc_page_scanner_new(&plain, ANCHOR_PID, on_anchor, f, &s), 0);
	add_print(f, 10, ANCHOR_PID, "xtrace-anchor realtime=1\n");
	memcpy(f->page, xt_page_builder_page(f->b), PAGE);
	assert_int_equal(xc_page_scan(s, f->page, &info), 0);
	assert_int_equal(info.events, 1);
	assert_int_equal(f->nr_anchors, 0);
	xc_page_scanner_free(s);
	plain.long_size = 3;
	assert_int_equal(xc_page_scanner_new(&plain, ANCHOR_PID, on_anchor, f, &s), -EINVAL);
}

/* kbuffer's view of @page: events, first and last timestamps. */
static void kbuffer_view(struct kbuffer *kb, void *page, struct xc_page_info *ret)
{
	unsigned long long ts;
	void *data;

	*ret = (struct xc_page_info){};
	assert_int_equal(kbuffer_load_subbuffer(kb, page), 0);
	ret->first_ts = ret->last_ts = kbuffer_subbuf_timestamp(kb, page);
	for (data = kbuffer_read_event(kb, &ts); data; data = kbuffer_next_event(kb, &ts)) {
		if (ret->events++ == 0)
			ret->first_ts = ts;
		ret->last_ts = ts;
	}
}

/* Every page of @dir's CPU files: the scan sees what kbuffer sees. Returns the pages compared. */
static unsigned compare_dump(const char *rel)
{
	_cleanup_free_ char *dir = test_source_path(rel);
	struct kbuffer *kb = kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_SAME_AS_HOST);
	struct xc_trace_format real = fmt;
	struct xc_page_scanner *s;
	struct xt_dump *d;
	unsigned pages = 0;

	assert_non_null(kb);
	assert_int_equal(xt_dump_open(dir, &d), 0);
	real.page_size = strtoul(xt_dump_meta(d, XT_META_PAGE_SIZE), NULL, 10);
	real.print_id = -1;
	assert_int_equal(xc_page_scanner_new(&real, ANCHOR_PID, NULL, NULL, &s), 0);
	for (unsigned cpu = 0; cpu < xt_dump_cpu_count(d); cpu++) {
		_cleanup_free_ char *path = xt_dump_cpu_path(d, cpu);
		const struct xt_frame_header *h;
		struct xt_frame_reader *fr;
		const void *payload;

		if (!xt_dump_has_cpu(d, cpu))
			continue;
		assert_int_equal(xt_frame_reader_open(path, cpu, NULL, NULL, &fr), 0);
		while (xt_frame_reader_next(fr, &h, &payload) == 1) {
			for (size_t off = 0; off + real.page_size <= h->raw_size; off += real.page_size) {
				struct xc_page_info mine, theirs;
				void *page = (char *)payload + off;

				assert_int_equal(xc_page_scan(s, page, &mine), 0);
				kbuffer_view(kb, page, &theirs);
				assert_int_equal(mine.events, theirs.events);
				assert_int_equal(mine.first_ts, theirs.first_ts);
				assert_int_equal(mine.last_ts, theirs.last_ts);
				pages++;
			}
		}
		xt_frame_reader_free(fr);
	}
	xc_page_scanner_free(s);
	xt_dump_free(d);
	kbuffer_free(kb);
	return pages;
}

/* Pages the kernel wrote (time extends, paddings, long records included). */
static void test_same_as_kbuffer(void **state)
{
	(void)state;
	assert_true(compare_dump("fixtures/real") > 0);
	assert_true(compare_dump("fixtures/dumps/host") > 0);
}

/* Hostile pages: any commit and any bytes give an answer, never a read past the page. */
static void test_hostile_pages(void **state)
{
	struct fixture *f = *state;
	struct xc_page_info info;
	unsigned seed = 1;

	for (unsigned round = 0; round < 2000; round++) {
		uint64_t commit;

		for (unsigned i = 0; i < PAGE; i++)
			f->page[i] = (unsigned char)(rand_r(&seed) >> 7);
		/* Mostly records of small types, so that the walk goes deep. */
		for (unsigned i = 16; round % 2 && i + 4 <= PAGE; i += 4)
			f->page[i] &= 0x3f;
		commit = (uint64_t)rand_r(&seed) % (PAGE - 16 + 1);
		memcpy(f->page + 8, &commit, sizeof(commit));
		assert_int_equal(xc_page_scan(f->s, f->page, &info), 0);
		assert_true(info.events <= (PAGE - 16) / 4);
		assert_int_equal(info.data_len, commit);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_and_anchors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_missed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_marker_format, setup, teardown),
		cmocka_unit_test(test_same_as_kbuffer),
		cmocka_unit_test_setup_teardown(test_hostile_pages, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
