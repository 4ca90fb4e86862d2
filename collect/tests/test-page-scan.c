/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-page-scan.c - what the per-CPU readers learn from a page: event
 * count, first/last timestamps, lost-event flag and our anchor markers
 * (only ours: markers of other writers or other texts are not anchors).
 * Pages are built by libxtrace's page builder in the kernel's layout.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_and_anchors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_missed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_marker_format, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
