/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * frame-writer.c - appends frames (56-byte header + one zstd frame) to a
 * data file.
 *
 * Units are buffered until the next one would take the frame past
 * frame_bytes; then the buffer is compressed with the one ZSTD_CCtx of the
 * writer into the one output buffer (header and payload contiguous) and
 * written. A failed write truncates the file back to the end of the last
 * complete frame, so a full disk never leaves a torn frame behind a good
 * prefix; the units stay buffered for a later flush.
 *
 * With xt_frame_writer_set_async() a thread of the writer compresses and
 * writes full frames while the caller fills the next buffer: sealed frames
 * wait in a queue of a fixed depth, and the caller waits only when the
 * queue is full (the recorder's readers must not stop when compression is
 * held up for a moment). Raw buffers come back through a spare list, so a
 * steady stream allocates nothing. Only that thread then touches the
 * ZSTD_CCtx, the output buffer and the file; a write failure loses the
 * frame in flight and is returned by the next call that waits for the
 * thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <zstd.h>

#include "cleanup.h"
#include "fileio.h"
#include "frame-private.h"

struct xt_frame_writer {
	int fd;
	uint32_t cpu;
	size_t frame_bytes;
	ZSTD_CCtx *cctx;
	uint8_t *raw;       /* buffered units */
	size_t raw_len, raw_cap;
	uint8_t *out;       /* header + compressed payload */
	size_t out_cap;
	uint32_t count;
	uint64_t first_ts, last_ts;
	uint64_t written;   /* bytes of complete frames written by this writer */
	off_t base;         /* file size when the writer started; -1: fd not seekable */
	struct frame_thread *thread; /* NULL: frames are written by the caller */
};

/* A sealed frame waiting for the writer's thread. */
struct frame_job {
	uint8_t *raw;
	size_t len, cap;
	uint32_t count;
	uint64_t first_ts, last_ts;
};

/* A raw buffer that is free again. */
struct spare_buffer {
	uint8_t *raw;
	size_t cap;
};

struct frame_thread {
	pthread_t id;
	pthread_mutex_t lock;
	pthread_cond_t work; /* a job was queued, or stop */
	pthread_cond_t done; /* a job was taken off the queue or written */
	bool stop;
	bool busy;           /* a job taken off the queue is being written */
	int err;             /* first failure of the thread, sticky */
	struct frame_job *queue; /* ring of @depth jobs, @queued of them from @head */
	unsigned depth, head, queued;
	struct spare_buffer *spares; /* free raw buffers, at most depth + 1 */
	unsigned nr_spares;
};

void xt_frame_header_encode(const struct xt_frame_header *h, uint8_t out[XT_FRAME_HEADER_SIZE])
{
	xt_put_le32(out + 0, h->magic);
	xt_put_le32(out + 4, h->header_size);
	xt_put_le32(out + 8, h->cpu);
	xt_put_le32(out + 12, h->count);
	xt_put_le32(out + 16, h->raw_size);
	xt_put_le32(out + 20, h->comp_size);
	xt_put_le64(out + 24, h->first_ts);
	xt_put_le64(out + 32, h->last_ts);
	xt_put_le32(out + 40, h->flags);
	xt_put_le32(out + 44, h->payload_crc);
	xt_put_le32(out + 48, h->reserved);
	xt_put_le32(out + 52, xt_crc32c(0, out, XT_FRAME_HEADER_CRC_SPAN));
}

int xt_frame_writer_new(int fd, uint32_t cpu, size_t frame_bytes, int level,
			struct xt_frame_writer **ret)
{
	_cleanup_free_ struct xt_frame_writer *w = NULL;
	size_t z;

	if (fd < 0 || frame_bytes == 0 || frame_bytes > XT_FRAME_MAX_RAW ||
	    level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->cpu = cpu;
	w->frame_bytes = frame_bytes;
	/* frames are appended: start at the end of what the file holds */
	w->base = lseek(fd, 0, SEEK_END);
	w->cctx = ZSTD_createCCtx();
	if (!w->cctx)
		return -ENOMEM;
	z = ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, level);
	if (!ZSTD_isError(z))
		z = ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1);
	if (ZSTD_isError(z)) {
		ZSTD_freeCCtx(w->cctx);
		return xt_zstd_errno(z);
	}
	*ret = TAKE_PTR(w);
	return 0;
}

/* Makes room for @need raw bytes (at least a whole frame's worth). */
static int reserve(struct xt_frame_writer *w, size_t need)
{
	size_t cap = need > w->frame_bytes ? need : w->frame_bytes;
	uint8_t *raw;

	if (need <= w->raw_cap)
		return 0;
	raw = realloc(w->raw, cap);
	if (!raw)
		return -ENOMEM;
	w->raw = raw;
	w->raw_cap = cap;
	return 0;
}

/* Room in the output buffer for a frame of @len raw bytes (used by the writing side only). */
static int reserve_out(struct xt_frame_writer *w, size_t len)
{
	size_t out_cap = XT_FRAME_HEADER_SIZE + ZSTD_compressBound(len);
	uint8_t *out;

	if (out_cap <= w->out_cap)
		return 0;
	out = realloc(w->out, out_cap);
	if (!out)
		return -ENOMEM;
	w->out = out;
	w->out_cap = out_cap;
	return 0;
}

/* Cuts the file back to the end of the last complete frame after a failed write. */
static void drop_torn_frame(struct xt_frame_writer *w)
{
	off_t end;

	if (w->base < 0)
		return;
	end = w->base + (off_t)w->written;
	if (ftruncate(w->fd, end) == 0)
		lseek(w->fd, end, SEEK_SET);
}

/* Compresses and writes @job as one frame. 0 or a negative errno (nothing torn left). */
static int write_frame(struct xt_frame_writer *w, const struct frame_job *job)
{
	struct xt_frame_header h = {
		.magic = XT_FRAME_MAGIC,
		.header_size = XT_FRAME_HEADER_SIZE,
		.cpu = w->cpu,
		.count = job->count,
		.raw_size = (uint32_t)job->len,
		.first_ts = job->first_ts,
		.last_ts = job->last_ts,
	};
	size_t comp;
	int r = reserve_out(w, job->len);

	if (r < 0)
		return r;
	comp = ZSTD_compress2(w->cctx, w->out + XT_FRAME_HEADER_SIZE,
			      w->out_cap - XT_FRAME_HEADER_SIZE, job->raw, job->len);
	if (ZSTD_isError(comp))
		return xt_zstd_errno(comp);
	h.comp_size = (uint32_t)comp;
	h.payload_crc = xt_crc32c(0, w->out + XT_FRAME_HEADER_SIZE, comp);
	xt_frame_header_encode(&h, w->out);

	r = write_all(w->fd, w->out, XT_FRAME_HEADER_SIZE + comp);
	if (r < 0) {
		drop_torn_frame(w);
		return r;
	}
	w->written += XT_FRAME_HEADER_SIZE + comp;
	return 0;
}

static void *frame_thread_main(void *arg)
{
	struct xt_frame_writer *w = arg;
	struct frame_thread *t = w->thread;
	struct frame_job job;
	int r;

	pthread_mutex_lock(&t->lock);
	for (;;) {
		while (!t->queued && !t->stop)
			pthread_cond_wait(&t->work, &t->lock);
		if (!t->queued)
			break;
		job = t->queue[t->head];
		t->head = (t->head + 1) % t->depth;
		t->queued--;
		t->busy = true;
		pthread_cond_broadcast(&t->done); /* room in the queue */
		pthread_mutex_unlock(&t->lock);
		r = write_frame(w, &job); /* the caller does not touch the job meanwhile */
		pthread_mutex_lock(&t->lock);
		if (r < 0 && !t->err)
			t->err = r;
		t->spares[t->nr_spares++] = (struct spare_buffer){ job.raw, job.cap };
		t->busy = false;
		pthread_cond_broadcast(&t->done);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* Waits until every queued frame is written; returns the thread's first failure or 0. */
static int thread_wait(struct frame_thread *t)
{
	int r;

	pthread_mutex_lock(&t->lock);
	while (t->queued || t->busy)
		pthread_cond_wait(&t->done, &t->lock);
	r = t->err;
	pthread_mutex_unlock(&t->lock);
	return r;
}

/*
 * Queues the buffered units for the thread (waiting only while the queue is
 * full) and goes on in a spare buffer, or in a new one allocated by the
 * next unit. After a failure of the thread, returns it and keeps the units.
 */
static int thread_seal(struct xt_frame_writer *w)
{
	struct frame_thread *t = w->thread;
	struct spare_buffer spare = { NULL, 0 };
	int r;

	pthread_mutex_lock(&t->lock);
	while (t->queued == t->depth && !t->err)
		pthread_cond_wait(&t->done, &t->lock);
	r = t->err;
	if (r == 0) {
		t->queue[(t->head + t->queued) % t->depth] = (struct frame_job){
			w->raw, w->raw_len, w->raw_cap, w->count, w->first_ts, w->last_ts
		};
		t->queued++;
		if (t->nr_spares)
			spare = t->spares[--t->nr_spares];
		pthread_cond_signal(&t->work);
	}
	pthread_mutex_unlock(&t->lock);
	if (r < 0)
		return r;
	w->raw = spare.raw;
	w->raw_cap = spare.cap;
	w->raw_len = 0;
	w->count = 0;
	return 0;
}

/* Ends the frame being filled: written now, or handed to the thread. */
static int seal(struct xt_frame_writer *w)
{
	struct frame_job job = { w->raw, w->raw_len, w->raw_cap, w->count, w->first_ts,
				 w->last_ts };
	int r;

	if (w->thread)
		return thread_seal(w);
	r = write_frame(w, &job);
	if (r < 0)
		return r;
	w->raw_len = 0;
	w->count = 0;
	return 0;
}

int xt_frame_writer_seal(struct xt_frame_writer *w)
{
	return w->raw_len ? seal(w) : 0;
}

int xt_frame_writer_flush(struct xt_frame_writer *w)
{
	int r = xt_frame_writer_seal(w);

	if (w->thread && r >= 0)
		r = thread_wait(w->thread);
	return r;
}

static void thread_free(struct frame_thread *t)
{
	pthread_cond_destroy(&t->done);
	pthread_cond_destroy(&t->work);
	pthread_mutex_destroy(&t->lock);
	for (unsigned i = 0; i < t->nr_spares; i++)
		free(t->spares[i].raw);
	free(t->spares);
	free(t->queue);
	free(t);
}

int xt_frame_writer_set_async(struct xt_frame_writer *w, unsigned depth)
{
	struct frame_thread *t;

	if (depth == 0)
		return -EINVAL;
	if (w->thread)
		return 0;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->work, NULL);
	pthread_cond_init(&t->done, NULL);
	t->depth = depth;
	t->queue = calloc(depth, sizeof(*t->queue));
	t->spares = calloc(depth + 1, sizeof(*t->spares));
	if (!t->queue || !t->spares) {
		thread_free(t);
		return -ENOMEM;
	}
	w->thread = t;
	if (pthread_create(&t->id, NULL, frame_thread_main, w) != 0) {
		w->thread = NULL;
		thread_free(t);
		return -EAGAIN;
	}
	return 0;
}

/* Writes what is queued, then ends the thread. */
static void thread_stop(struct frame_thread *t)
{
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_signal(&t->work);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->id, NULL);
	thread_free(t);
}

int xt_frame_writer_unit(struct xt_frame_writer *w, size_t len, uint64_t first_ts,
			 uint64_t last_ts, void **ret)
{
	int r;

	if (len > XT_FRAME_MAX_RAW)
		return -EINVAL;
	if (w->raw_len > 0 && (w->raw_len + len > w->frame_bytes || w->count == UINT32_MAX)) {
		r = seal(w);
		if (r < 0)
			return r;
	}
	r = reserve(w, w->raw_len + len);
	if (r < 0)
		return r;
	if (w->count == 0)
		w->first_ts = first_ts;
	w->last_ts = last_ts;
	*ret = w->raw + w->raw_len;
	w->raw_len += len;
	w->count++;
	return 0;
}

int xt_frame_writer_append(struct xt_frame_writer *w, const void *data, size_t len,
			   uint64_t first_ts, uint64_t last_ts)
{
	void *at;
	int r;

	if (!data && len > 0)
		return -EINVAL;
	r = xt_frame_writer_unit(w, len, first_ts, last_ts, &at);
	if (r == 0 && len > 0)
		memcpy(at, data, len);
	return r;
}

uint64_t xt_frame_writer_bytes(const struct xt_frame_writer *w)
{
	if (w->thread)
		thread_wait(w->thread); /* the count moves with the thread's writes */
	return w->written;
}

void xt_frame_writer_free(struct xt_frame_writer *w)
{
	if (!w)
		return;
	if (w->thread)
		thread_stop(w->thread); /* queued frames are written first */
	ZSTD_freeCCtx(w->cctx);
	free(w->raw);
	free(w->out);
	free(w);
}
