/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-cpu-reader.c - a per-CPU reader moves every page it is given, byte
 * for byte, into the frame writer, skipping empty pages, counting events
 * and passing anchors on; through splice, and through read() where splice
 * is refused. The "ring buffer" is a file of pages built in the kernel's
 * layout; splice is wrapped (-Wl,--wrap=splice) only to refuse it on
 * demand, which the real trace_pipe_raw will not do here.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "xcollect.h"

#define PAGE 4096u
#define PAGES 40u
#define ANCHOR_PID 777

ssize_t __real_splice(int in, loff_t *in_off, int out, loff_t *out_off, size_t len,
		      unsigned flags);
ssize_t __wrap_splice(int in, loff_t *in_off, int out, loff_t *out_off, size_t len,
		      unsigned flags);

static bool refuse_splice;
static unsigned splice_calls;

ssize_t __wrap_splice(int in, loff_t *in_off, int out, loff_t *out_off, size_t len,
		      unsigned flags)
{
	splice_calls++;
	if (refuse_splice) {
		errno = EINVAL;
		return -1;
	}
	return __real_splice(in, in_off, out, out_off, len, flags);
}

static const struct xc_trace_format fmt = {
	.long_size = 8,
	.page_size = PAGE,
	.print_id = 5,
	.print_buf_offset = 16,
	.common_pid_offset = 4,
};

struct fixture {
	char dir[64];
	char pages_path[96];
	char data_path[96];
	unsigned char *pages; /* what was written, PAGES pages */
	unsigned events;      /* events in them */
	unsigned anchors;     /* anchors seen by the callback */
};

static int on_anchor(uint64_t ts, uint64_t realtime, void *userdata)
{
	struct fixture *f = userdata;

	assert_true(realtime == ts + 1000);
	f->anchors++;
	return 0;
}

static void add_record(struct xt_page_builder *b, uint64_t ts, int32_t pid, const char *text)
{
	unsigned char rec[64] = {};
	uint16_t type = text ? 5 : 300;

	memcpy(rec, &type, sizeof(type));
	memcpy(rec + 4, &pid, sizeof(pid));
	if (text)
		memcpy(rec + 16, text, strlen(text));
	assert_int_equal(xt_page_builder_add(b, ts, rec, sizeof(rec)), 0);
}

/* PAGES pages: page 3 empty, page 7 with one anchor, the others full of events. */
static void make_pages(struct fixture *f)
{
	struct xt_page_builder *b;
	uint64_t ts = 1000000;
	_cleanup_close_ int fd = -1;

	f->pages = calloc(PAGES, PAGE);
	assert_non_null(f->pages);
	assert_int_equal(xt_page_builder_new(PAGE, &b), 0);
	for (unsigned p = 0; p < PAGES; p++) {
		xt_page_builder_reset(b);
		for (unsigned e = 0; p != 3 && e < 10 + p; e++, ts += 100)
			add_record(b, ts, 1, NULL);
		if (p == 7) {
			char text[64];

			xc_anchor_format(text, sizeof(text), ts + 1000);
			add_record(b, ts, ANCHOR_PID, text);
		}
		f->events += xt_page_builder_count(b);
		memcpy(f->pages + (size_t)p * PAGE, xt_page_builder_page(b), PAGE);
	}
	xt_page_builder_free(b);
	fd = open(f->pages_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, f->pages, (size_t)PAGES * PAGE), (ssize_t)PAGES * PAGE);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-cpu-reader-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->pages_path, sizeof(f->pages_path), "%s/pages", f->dir);
	snprintf(f->data_path, sizeof(f->data_path), "%s/cpu0.xtd", f->dir);
	make_pages(f);
	refuse_splice = false;
	splice_calls = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	unlink(f->pages_path);
	unlink(f->data_path);
	rmdir(f->dir);
	free(f->pages);
	free(f);
	return 0;
}

/* Runs a reader told to stop at once: it drains the whole "buffer". */
static void drain(struct fixture *f, struct xc_cpu_reader_result *res)
{
	struct xc_cpu_reader_config cfg = { .cpu = 0, .page_size = PAGE };
	_cleanup_close_ int stop = eventfd(1, EFD_CLOEXEC), out = -1;
	struct xt_frame_writer *w;
	struct xc_cpu_reader *r;

	assert_true(stop >= 0);
	out = open(f->data_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(out >= 0);
	assert_int_equal(xt_frame_writer_new(out, 0, 64 * 1024, 3, &w), 0);
	assert_int_equal(xc_page_scanner_new(&fmt, ANCHOR_PID, on_anchor, f, &cfg.scanner), 0);
	cfg.raw_fd = open(f->pages_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(cfg.raw_fd >= 0);
	cfg.stop_fd = stop;
	cfg.writer = w;
	assert_int_equal(xc_cpu_reader_start(&cfg, &r), 0);
	xc_cpu_reader_join(r, res);
	xt_frame_writer_free(w);
}

/* Every non-empty page comes back from the frames unmodified and in order. */
static void check_frames(struct fixture *f)
{
	const struct xt_frame_header *h;
	struct xt_frame_reader *r;
	const void *payload;
	unsigned page = 0;

	assert_int_equal(xt_frame_reader_open(f->data_path, 0, NULL, NULL, &r), 0);
	while (xt_frame_reader_next(r, &h, &payload) > 0) {
		assert_int_equal(h->raw_size, h->count * PAGE);
		for (unsigned i = 0; i < h->count; i++, page++) {
			if (page == 3)
				page++; /* the empty page is not stored */
			assert_memory_equal((const unsigned char *)payload + (size_t)i * PAGE,
					    f->pages + (size_t)page * PAGE, PAGE);
		}
	}
	assert_int_equal(page, PAGES);
	xt_frame_reader_free(r);
}

static void test_splice(void **state)
{
	struct fixture *f = *state;
	struct xc_cpu_reader_result res;

	drain(f, &res);
	assert_int_equal(res.error, 0);
	assert_int_equal(res.pages, PAGES - 1);
	assert_int_equal(res.events, f->events);
	assert_int_equal(f->anchors, 1);
	assert_true(splice_calls > 0);
	check_frames(f);
}

static void test_read_fallback(void **state)
{
	struct fixture *f = *state;
	struct xc_cpu_reader_result res;

	refuse_splice = true;
	drain(f, &res);
	assert_int_equal(res.error, 0);
	assert_int_equal(res.pages, PAGES - 1);
	assert_int_equal(res.events, f->events);
	assert_int_equal(f->anchors, 1);
	check_frames(f);
}

static void test_bad_page(void **state)
{
	struct fixture *f = *state;
	struct xc_cpu_reader_result res;
	uint64_t commit = PAGE; /* impossible: more data than the page holds */
	_cleanup_close_ int fd = open(f->pages_path, O_WRONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &commit, sizeof(commit), 5 * PAGE + 8), sizeof(commit));
	drain(f, &res);
	assert_int_equal(res.error, -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_splice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_page, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
