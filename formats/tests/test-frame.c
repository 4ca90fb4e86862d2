/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-frame.c - frames written by xt_frame_writer read back byte for byte,
 * and the reader survives whatever a disk or a crash does to the file: cut
 * anywhere, a byte flipped anywhere, hostile sizes, garbage, a full disk
 * while writing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "frame-private.h"
#include "test-util.h"

#define CPU 3u
#define NFRAMES 40u
#define MAX_UNITS 3u

/* A data file the test wrote, and what each frame must read back as. */
struct written {
	char *dir;
	char *path;     /* the pristine file */
	char *damaged;  /* where variants of it are written */
	uint8_t *bytes; /* its content */
	size_t size;
	unsigned n;
	uint64_t offset[NFRAMES + 1]; /* frame i is [offset[i], offset[i + 1]) */
	uint8_t *raw[NFRAMES];
	size_t raw_len[NFRAMES];
	uint32_t count[NFRAMES];
	size_t unit_len[NFRAMES][MAX_UNITS];
	uint64_t first_ts[NFRAMES], last_ts[NFRAMES];
};

/* Appends the units of frame @i, as write_frames() made them, and flushes. */
static void append_frame(struct xt_frame_writer *w, const struct written *f, unsigned i)
{
	const uint8_t *unit = f->raw[i];

	for (unsigned u = 0; u < f->count[i]; u++) {
		uint64_t ts = f->first_ts[i] + 1000 * u;

		assert_int_equal(xt_frame_writer_append(w, unit, f->unit_len[i][u], ts, ts + 500),
				 0);
		unit += f->unit_len[i][u];
	}
}

/* Frame i: 1..3 units of varying size, half random and half runs (compressible). */
static void write_frames(struct written *f, unsigned n)
{
	_cleanup_close_ int fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	struct xt_frame_writer *w;

	assert_true(fd >= 0);
	assert_int_equal(xt_frame_writer_new(fd, CPU, 1u << 20, 3, &w), 0);
	f->n = n;
	for (unsigned i = 0; i < n; i++) {
		f->count[i] = 1 + i % MAX_UNITS;
		f->raw[i] = malloc(f->count[i] * 4096);
		assert_non_null(f->raw[i]);
		f->raw_len[i] = 0;
		for (unsigned u = 0; u < f->count[i]; u++) {
			size_t len = 1000 + (i * 37 + u * 101) % 2000;
			uint8_t *unit = f->raw[i] + f->raw_len[i];

			test_fill(unit, len, i * 8 + u);
			if (u % 2)
				memset(unit, 'x', len / 2);
			f->unit_len[i][u] = len;
			f->raw_len[i] += len;
		}
		f->first_ts[i] = 1000000ull * i;
		f->last_ts[i] = f->first_ts[i] + 1000 * (f->count[i] - 1) + 500;
		append_frame(w, f, i);
		assert_int_equal(xt_frame_writer_flush(w), 0);
		f->offset[i + 1] = xt_frame_writer_bytes(w);
	}
	assert_int_equal(xt_frame_writer_flush(w), 0); /* nothing buffered: no-op */
	assert_int_equal(xt_frame_writer_bytes(w), f->offset[n]);
	xt_frame_writer_free(w);
	f->bytes = test_read(f->path, &f->size);
	assert_int_equal(f->size, f->offset[n]);
}

static int setup(void **state)
{
	struct written *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = test_tmpdir();
	f->path = test_path(f->dir, "cpu3.xtd");
	f->damaged = test_path(f->dir, "damaged.xtd");
	write_frames(f, NFRAMES);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct written *f = *state;

	test_rmtree(f->dir);
	for (unsigned i = 0; i < f->n; i++)
		free(f->raw[i]);
	free(f->bytes);
	free(f->path);
	free(f->damaged);
	free(f->dir);
	free(f);
	return 0;
}

/*
 * Reads @path and checks that it yields exactly the frames of @f whose
 * index is below @complete, except @skip (-1: none), each byte-identical
 * and at its offset. Diagnostics go to @diags.
 */
static void expect_frames(const struct written *f, const char *path, unsigned complete,
			  int skip, struct test_diags *diags)
{
	struct xt_frame_reader *r;
	const struct xt_frame_header *h;
	const void *payload;
	unsigned next = 0;
	int k;

	memset(diags, 0, sizeof(*diags));
	assert_int_equal(xt_frame_reader_open(path, CPU, test_diag_collect, diags, &r), 0);
	while ((k = xt_frame_reader_next(r, &h, &payload)) == 1) {
		if ((int)next == skip)
			next++;
		assert_true(next < complete);
		assert_int_equal(xt_frame_reader_offset(r), f->offset[next]);
		assert_int_equal(h->cpu, CPU);
		assert_int_equal(h->count, f->count[next]);
		assert_int_equal(h->first_ts, f->first_ts[next]);
		assert_int_equal(h->last_ts, f->last_ts[next]);
		assert_int_equal(h->raw_size, f->raw_len[next]);
		assert_memory_equal(payload, f->raw[next], f->raw_len[next]);
		next++;
	}
	assert_int_equal(k, 0);
	if ((int)next == skip)
		next++;
	assert_int_equal(next, complete);
	/* the end stays the end */
	assert_int_equal(xt_frame_reader_next(r, &h, &payload), 0);
	xt_frame_reader_free(r);
}

static void test_round_trip(void **state)
{
	struct written *f = *state;
	struct test_diags diags;

	expect_frames(f, f->path, f->n, -1, &diags);
	assert_int_equal(diags.n, 0);
}

/* Units buffered past frame_bytes start a new frame; nothing is lost or reordered. */
/* 100 units of 3000 bytes in frames of at most 10000 bytes, written in a thread or not. */
static void frame_size_case(struct written *f, bool async)
{
	_cleanup_free_ uint8_t *all = malloc(100 * 3000);
	_cleanup_close_ int fd = open(f->damaged, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const struct xt_frame_header *h;
	struct xt_frame_writer *w;
	struct xt_frame_reader *r;
	const void *payload;
	size_t got = 0;
	unsigned units = 0, frames = 0;

	assert_non_null(all);
	assert_true(fd >= 0);
	test_fill(all, 100 * 3000, 7);
	assert_int_equal(xt_frame_writer_new(fd, CPU, 10000, 1, &w), 0);
	if (async)
		assert_int_equal(xt_frame_writer_set_async(w, 1), 0);
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(xt_frame_writer_append(w, all + i * 3000, 3000, i, i), 0);
	assert_int_equal(xt_frame_writer_flush(w), 0);
	xt_frame_writer_free(w);

	assert_int_equal(xt_frame_reader_open(f->damaged, CPU, NULL, NULL, &r), 0);
	while (xt_frame_reader_next(r, &h, &payload) == 1) {
		assert_true(h->raw_size <= 10000);
		assert_int_equal(h->first_ts, units);
		assert_int_equal(h->last_ts, units + h->count - 1);
		assert_memory_equal(payload, all + got, h->raw_size);
		got += h->raw_size;
		units += h->count;
		frames++;
	}
	xt_frame_reader_free(r);
	assert_int_equal(got, 100 * 3000);
	assert_int_equal(units, 100);
	assert_int_equal(frames, 34); /* 3 units of 3000 bytes per 10000-byte frame */
}

static void test_frame_size(void **state)
{
	frame_size_case(*state, false);
}

static void test_frame_size_async(void **state)
{
	frame_size_case(*state, true);
}

/* Written by the writer's thread, a frame that does not fit fails a later call, nothing torn. */
static void test_async_write_failure(void **state)
{
	struct written *f = *state;
	_cleanup_close_ int fd = open(f->damaged, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	struct rlimit old, lim;
	struct xt_frame_writer *w;
	struct test_diags diags;
	struct stat st;
	uint64_t good;

	assert_true(fd >= 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(xt_frame_writer_new(fd, CPU, 1u << 20, 3, &w), 0);
	assert_int_equal(xt_frame_writer_set_async(w, 1), 0);
	for (unsigned i = 0; i < 2; i++) {
		append_frame(w, f, i);
		assert_int_equal(xt_frame_writer_flush(w), 0);
	}
	good = xt_frame_writer_bytes(w);
	lim = old;
	lim.rlim_cur = good + 100;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	append_frame(w, f, 2);
	assert_int_equal(xt_frame_writer_flush(w), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, good);
	/* the failure sticks: the output is incomplete */
	assert_int_equal(xt_frame_writer_flush(w), -EFBIG);
	xt_frame_writer_free(w);
	expect_frames(f, f->damaged, 2, -1, &diags);
	assert_int_equal(diags.n, 0);
}

/* What a pipe delivered, collected by a thread of the test. */
struct pipe_sink {
	int fd;
	uint8_t *data;
	size_t len, cap;
};

static void *sink_main(void *arg)
{
	struct pipe_sink *k = arg;
	ssize_t n;

	for (;;) {
		if (k->cap - k->len < 65536) {
			k->cap = k->cap * 2 + 65536;
			k->data = realloc(k->data, k->cap);
			assert_non_null(k->data);
		}
		n = read(k->fd, k->data + k->len, k->cap - k->len);
		if (n <= 0)
			break;
		k->len += n;
	}
	return NULL;
}

/*
 * With a queue of 4, sealing frames does not wait while the thread is stuck
 * writing (a pipe nobody reads yet: a held-up disk): 1 frame in hand and 4
 * queued are sealed at once (the alarm kills a test that blocks). Once the
 * pipe is read, all 5 come out whole and in order.
 */
static void test_async_queue(void **state)
{
	struct written *f = *state;
	enum { FRAMES = 5, FRAME_LEN = 200000 };
	_cleanup_free_ uint8_t *all = malloc(FRAMES * FRAME_LEN);
	struct pipe_sink sink = { 0 };
	const struct xt_frame_header *h;
	struct xt_frame_writer *w;
	struct xt_frame_reader *r;
	const void *payload;
	pthread_t sink_thread;
	unsigned frames = 0;
	int fds[2];

	assert_non_null(all);
	test_fill(all, FRAMES * FRAME_LEN, 11); /* incompressible: each frame overfills the pipe */
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	assert_int_equal(xt_frame_writer_new(fds[1], CPU, 256 * 1024, 1, &w), 0);
	assert_int_equal(xt_frame_writer_set_async(w, 4), 0);
	alarm(20);
	for (unsigned i = 0; i < FRAMES; i++) {
		assert_int_equal(xt_frame_writer_append(w, all + i * FRAME_LEN, FRAME_LEN, i, i), 0);
		assert_int_equal(xt_frame_writer_seal(w), 0);
	}
	alarm(0);
	sink.fd = fds[0];
	assert_int_equal(pthread_create(&sink_thread, NULL, sink_main, &sink), 0);
	assert_int_equal(xt_frame_writer_flush(w), 0);
	xt_frame_writer_free(w);
	close(fds[1]);
	pthread_join(sink_thread, NULL);
	close(fds[0]);

	test_write(f->damaged, sink.data, sink.len);
	free(sink.data);
	assert_int_equal(xt_frame_reader_open(f->damaged, CPU, NULL, NULL, &r), 0);
	while (xt_frame_reader_next(r, &h, &payload) == 1) {
		assert_int_equal(h->first_ts, frames);
		assert_int_equal(h->raw_size, FRAME_LEN);
		assert_memory_equal(payload, all + frames * FRAME_LEN, FRAME_LEN);
		frames++;
	}
	xt_frame_reader_free(r);
	assert_int_equal(frames, FRAMES);
}

static bool is_frame_start(const struct written *f, uint64_t off)
{
	for (unsigned i = 0; i <= f->n; i++)
		if (f->offset[i] == off)
			return true;
	return false;
}

static void expect_cut(const struct written *f, size_t cut)
{
	struct test_diags diags;
	unsigned complete = 0;

	test_write(f->damaged, f->bytes, cut);
	while (complete < f->n && f->offset[complete + 1] <= cut)
		complete++;
	expect_frames(f, f->damaged, complete, -1, &diags);
	assert_int_equal(test_diag_count(&diags, XT_DIAG_CORRUPT_FRAME), 0);
	assert_int_equal(test_diag_count(&diags, XT_DIAG_TORN_TAIL),
			 is_frame_start(f, cut) ? 0 : 1);
	if (diags.n) {
		assert_int_equal(diags.d[0].cpu, CPU);
		assert_int_equal(diags.d[0].offset, f->offset[complete]);
	}
}

/* A recorder killed at any instant: every cut gives back the frames before it. */
static void test_cut_everywhere(void **state)
{
	struct written *f = *state;

	for (size_t cut = 0; cut < f->size; cut += 4096)
		expect_cut(f, cut);
	for (unsigned i = 1; i < f->n; i += 7) {
		expect_cut(f, f->offset[i] - 1);
		expect_cut(f, f->offset[i] + 1);
		expect_cut(f, f->offset[i] + XT_FRAME_HEADER_SIZE - 1);
		expect_cut(f, f->offset[i] + XT_FRAME_HEADER_SIZE);
		expect_cut(f, f->offset[i] + XT_FRAME_HEADER_SIZE + 1);
	}
	expect_cut(f, 1);
	expect_cut(f, f->size - 1);
	expect_cut(f, f->size);
}

static void expect_flip(const struct written *f, unsigned frame, size_t pos)
{
	_cleanup_free_ uint8_t *copy = malloc(f->size);
	struct test_diags diags;

	assert_non_null(copy);
	memcpy(copy, f->bytes, f->size);
	copy[pos] ^= 0x10;
	test_write(f->damaged, copy, f->size);
	expect_frames(f, f->damaged, f->n, (int)frame, &diags);
	assert_int_equal(diags.n, 1);
	assert_int_equal(diags.d[0].kind, XT_DIAG_CORRUPT_FRAME);
	assert_int_equal(diags.d[0].cpu, CPU);
	assert_int_equal(diags.d[0].offset, f->offset[frame]);
}

/* One byte flipped in a frame costs that frame only. */
static void test_flip_each_frame(void **state)
{
	struct written *f = *state;

	for (unsigned i = 0; i < f->n; i++) {
		size_t payload = f->offset[i + 1] - f->offset[i] - XT_FRAME_HEADER_SIZE;

		expect_flip(f, i, f->offset[i] + i % XT_FRAME_HEADER_SIZE);
		expect_flip(f, i, f->offset[i] + XT_FRAME_HEADER_SIZE + (i * 131) % payload);
	}
	/* every byte of one header, the checksum included */
	for (unsigned b = 0; b < XT_FRAME_HEADER_SIZE; b++)
		expect_flip(f, 1, f->offset[1] + b);
}

/* Rewrites the header of frame @i in @copy through @edit, with a valid CRC. */
static void forge_header(const struct written *f, uint8_t *copy, unsigned i, uint32_t raw_size,
			 uint32_t comp_size)
{
	struct xt_frame_header h;

	assert_true(xt_frame_header_decode(copy + f->offset[i], &h));
	h.raw_size = raw_size;
	h.comp_size = comp_size;
	xt_frame_header_encode(&h, copy + f->offset[i]);
	assert_true(xt_frame_header_decode(copy + f->offset[i], &h));
}

static void expect_forged(const struct written *f, unsigned i, uint32_t raw_size,
			  uint32_t comp_size, enum xt_diag_kind kind)
{
	_cleanup_free_ uint8_t *copy = malloc(f->size);
	struct test_diags diags;
	bool last = i == f->n - 1;

	assert_non_null(copy);
	memcpy(copy, f->bytes, f->size);
	forge_header(f, copy, i, raw_size, comp_size);
	test_write(f->damaged, copy, f->size);
	expect_frames(f, f->damaged, last ? i : f->n, last ? -1 : (int)i, &diags);
	assert_int_equal(diags.n, 1);
	assert_int_equal(diags.d[0].kind, kind);
	assert_int_equal(diags.d[0].offset, f->offset[i]);
}

/* Sizes behind a valid header CRC are still not trusted. */
static void test_hostile_sizes(void **state)
{
	struct written *f = *state;
	uint32_t raw = (uint32_t)f->raw_len[2];
	uint32_t comp = (uint32_t)(f->offset[3] - f->offset[2] - XT_FRAME_HEADER_SIZE);
	unsigned last = f->n - 1;

	expect_forged(f, 2, UINT32_MAX, comp, XT_DIAG_CORRUPT_FRAME);
	expect_forged(f, 2, XT_FRAME_MAX_RAW + 1, comp, XT_DIAG_CORRUPT_FRAME);
	expect_forged(f, 2, raw - 1, comp, XT_DIAG_CORRUPT_FRAME);
	expect_forged(f, 2, raw + 1, comp, XT_DIAG_CORRUPT_FRAME);
	expect_forged(f, 2, 0, comp, XT_DIAG_CORRUPT_FRAME);
	expect_forged(f, 2, raw, UINT32_MAX, XT_DIAG_CORRUPT_FRAME);
	expect_forged(f, 2, raw, 0, XT_DIAG_CORRUPT_FRAME);
	expect_forged(f, 2, raw, comp - 1, XT_DIAG_CORRUPT_FRAME);
	/* at the end of the file, a size past it is a cut file */
	expect_forged(f, last, (uint32_t)f->raw_len[last], UINT32_MAX, XT_DIAG_TORN_TAIL);
}

static void test_empty_and_missing(void **state)
{
	struct written *f = *state;
	const struct xt_frame_header *h;
	struct xt_frame_reader *r;
	struct test_diags diags = { 0 };
	const void *payload;

	test_write(f->damaged, "", 0);
	assert_int_equal(xt_frame_reader_open(f->damaged, CPU, test_diag_collect, &diags, &r), 0);
	assert_int_equal(xt_frame_reader_next(r, &h, &payload), 0);
	xt_frame_reader_free(r);
	assert_int_equal(diags.n, 0);

	assert_int_equal(xt_frame_reader_open(f->dir, CPU, NULL, NULL, &r), -EISDIR);
	unlink(f->damaged);
	assert_int_equal(xt_frame_reader_open(f->damaged, CPU, NULL, NULL, &r), -ENOENT);
	xt_frame_reader_free(NULL);
}

/* Garbage reads as nothing; garbage before good frames costs only itself. */
static void test_garbage(void **state)
{
	struct written *f = *state;
	size_t junk = 65536;
	_cleanup_free_ uint8_t *buf = malloc(junk + f->size);
	const struct xt_frame_header *h;
	struct xt_frame_reader *r;
	struct test_diags diags = { 0 };
	const void *payload;
	unsigned frames = 0;

	assert_non_null(buf);
	test_fill(buf, junk, 99);
	/* sprinkle the magic so that resynchronisation has false starts to reject */
	for (size_t i = 0; i + 4 <= junk; i += 997)
		xt_put_le32(buf + i, XT_FRAME_MAGIC);
	test_write(f->damaged, buf, junk);
	assert_int_equal(xt_frame_reader_open(f->damaged, CPU, test_diag_collect, &diags, &r), 0);
	assert_int_equal(xt_frame_reader_next(r, &h, &payload), 0);
	xt_frame_reader_free(r);
	assert_int_equal(diags.n, 1);
	assert_int_equal(diags.d[0].kind, XT_DIAG_CORRUPT_FRAME);

	memcpy(buf + junk, f->bytes, f->size);
	test_write(f->damaged, buf, junk + f->size);
	memset(&diags, 0, sizeof(diags));
	assert_int_equal(xt_frame_reader_open(f->damaged, CPU, test_diag_collect, &diags, &r), 0);
	while (xt_frame_reader_next(r, &h, &payload) == 1) {
		assert_int_equal(xt_frame_reader_offset(r), junk + f->offset[frames]);
		assert_memory_equal(payload, f->raw[frames], f->raw_len[frames]);
		frames++;
	}
	xt_frame_reader_free(r);
	assert_int_equal(frames, f->n);
	assert_int_equal(diags.n, 1);
	assert_int_equal(diags.d[0].offset, 0);
}

/*
 * A write that fails half-way (here: the file size limit, as a full disk
 * would) leaves the file ending at the last complete frame; the units stay
 * buffered and a later flush writes them.
 */
static void test_write_failure(void **state)
{
	struct written *f = *state;
	_cleanup_close_ int fd = open(f->damaged, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	struct rlimit old, lim;
	struct xt_frame_writer *w;
	struct test_diags diags;
	struct stat st;
	uint64_t good;

	assert_true(fd >= 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(xt_frame_writer_new(fd, CPU, 1u << 20, 3, &w), 0);
	for (unsigned i = 0; i < 2; i++) {
		append_frame(w, f, i);
		assert_int_equal(xt_frame_writer_flush(w), 0);
	}
	good = xt_frame_writer_bytes(w);

	lim = old;
	lim.rlim_cur = good + 100; /* the next frame's header fits, its payload does not */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	append_frame(w, f, 2);
	assert_int_equal(xt_frame_writer_flush(w), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, good);
	assert_int_equal(xt_frame_writer_bytes(w), good);
	expect_frames(f, f->damaged, 2, -1, &diags);
	assert_int_equal(diags.n, 0);

	assert_int_equal(xt_frame_writer_flush(w), 0);
	xt_frame_writer_free(w);
	expect_frames(f, f->damaged, 3, -1, &diags);
	assert_int_equal(diags.n, 0);
}

static void test_writer_arguments(void **state)
{
	struct written *f = *state;
	_cleanup_close_ int fd = open(f->damaged, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	struct xt_frame_writer *w;

	assert_true(fd >= 0);
	assert_int_equal(xt_frame_writer_new(-1, 0, 4096, 3, &w), -EINVAL);
	assert_int_equal(xt_frame_writer_new(fd, 0, 0, 3, &w), -EINVAL);
	assert_int_equal(xt_frame_writer_new(fd, 0, XT_FRAME_MAX_RAW + 1, 3, &w), -EINVAL);
	assert_int_equal(xt_frame_writer_new(fd, 0, 4096, 1000, &w), -EINVAL);
	assert_int_equal(xt_frame_writer_new(fd, 0, 4096, 3, &w), 0);
	assert_int_equal(xt_frame_writer_append(w, f->raw[0], XT_FRAME_MAX_RAW + 1, 0, 0),
			 -EINVAL);
	assert_int_equal(xt_frame_writer_append(w, NULL, 10, 0, 0), -EINVAL);
	assert_int_equal(xt_frame_writer_set_async(w, 0), -EINVAL);
	xt_frame_writer_free(w);
	xt_frame_writer_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frame_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frame_size_async, setup, teardown),
		cmocka_unit_test_setup_teardown(test_async_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_async_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_everywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flip_each_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer_arguments, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
