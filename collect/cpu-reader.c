/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu-reader.c - one thread per CPU moving whole ring-buffer pages from
 * per_cpu/cpuN/trace_pipe_raw into that CPU's frame writer.
 *
 * Full pages are spliced into a pipe (no copy through a temporary file) and
 * the pipe is read in large chunks; where splice is refused the reader falls
 * back to read(). The thread sleeps in poll() until the kernel's
 * buffer_percent says the buffer is worth reading, or until it is told to
 * stop: then it drains the buffer to empty, partial last page included (only
 * read() hands those out), and flushes the writer. Asked to flush meanwhile
 * (xc_cpu_reader_flush), it moves what the buffer holds at once, the partial
 * page too, and writes its frame. Full frames are compressed by the frame
 * writer's own thread. The reader runs on the CPU it reads and at a
 * real-time priority where allowed (reader-sched.c). An on-demand reader
 * (the flight recorder) has no thread: the same drain runs at each flush.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "xcollect.h"

#define PIPE_BYTES (1u << 20)
#define IDLE_MS 2 /* after a wake-up with no full page: a storm fills 1 MiB in 5 ms */
#define QUEUE_FRAMES 8 /* frames (of 1 MiB) waiting for compression before a reader waits */
#define BATCH_DIVISOR 16 /* keep splicing while chunks of 1/16 of the pipe come */
#define FLUSH_WAIT_MS 10000 /* a thread that does not answer a flush in this time is stuck */

enum wake { WAKE_STOP, WAKE_DATA, WAKE_FLUSH };

/* Flush requests from the recorder's thread to the reader's (xc_cpu_reader_flush). */
struct flush_channel {
	int fd;                /* eventfd: readable while a request waits */
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	uint64_t asked, done;  /* requests made, requests answered */
	int result;            /* of the last answered request: events moved or -errno */
	bool ended;            /* the thread ended: nobody answers any more */
};

struct xc_cpu_reader {
	struct xc_cpu_reader_config cfg;
	pthread_t thread;
	int pipe_r, pipe_w; /* -1 when reading with read() */
	unsigned char *buf;
	size_t buf_size; /* a whole number of pages */
	size_t buf_len;
	struct xc_cpu_reader_result result;
	struct flush_channel flush;
};

static int take_page(struct xc_cpu_reader *r, void *page)
{
	struct xc_page_info info;
	int ret;

	ret = xc_page_scan(r->cfg.scanner, page, &info);
	if (ret < 0)
		return ret;
	if (info.data_len == 0 && !info.missed)
		return 0;
	r->result.pages++;
	/* Read by status requests from the main thread while this one runs. */
	__atomic_fetch_add(&r->result.events, info.events, __ATOMIC_RELAXED);
	return xt_frame_writer_append(r->cfg.writer, page, r->cfg.page_size, info.first_ts,
				      info.last_ts);
}

/* Hands every whole page in buf to the writer, keeping a partial one. */
static int take_pages(struct xc_cpu_reader *r)
{
	size_t page = r->cfg.page_size, off = 0;
	int ret = 0;

	while (ret >= 0 && r->buf_len - off >= page) {
		ret = take_page(r, r->buf + off);
		off += page;
	}
	memmove(r->buf, r->buf + off, r->buf_len - off);
	r->buf_len -= off;
	return ret;
}

/* Reads @n bytes just spliced into the pipe. */
static int empty_pipe(struct xc_cpu_reader *r, size_t n)
{
	while (n > 0) {
		ssize_t got = read(r->pipe_r, r->buf + r->buf_len, r->buf_size - r->buf_len);
		int ret;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? -errno : -EIO;
		r->buf_len += got;
		n -= (size_t)got < n ? (size_t)got : n;
		ret = take_pages(r);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void use_read(struct xc_cpu_reader *r)
{
	close(r->pipe_r);
	close(r->pipe_w);
	r->pipe_r = r->pipe_w = -1;
}

/*
 * Splices the full pages there are. Unless @drain, stops once a splice brings
 * little: the buffer is about empty, and pages the writer fills meanwhile are
 * taken at the next wake-up in large chunks rather than one by one (while
 * the writer outpaces us, the chunks stay large and we keep going).
 * Returns the bytes moved or a negative errno.
 */
static ssize_t splice_pages(struct xc_cpu_reader *r, bool drain)
{
	ssize_t total = 0;

	while (r->pipe_w >= 0) {
		size_t want = r->buf_size - r->buf_len;
		ssize_t n = splice(r->cfg.raw_fd, NULL, r->pipe_w, NULL, want,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		int ret;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0 && total == 0 && (errno == EINVAL || errno == ENOSYS)) {
			use_read(r);
			break;
		}
		if (n <= 0)
			return n < 0 ? -errno : total;
		ret = empty_pipe(r, n);
		if (ret < 0)
			return ret;
		total += n;
		if (!drain && (size_t)n < want / BATCH_DIVISOR)
			break;
	}
	return total;
}

/*
 * Reads pages with read(): whole ones, and when draining the partial last one
 * too. Unless @drain, reads at most a chunk before going back to poll().
 */
static ssize_t read_pages(struct xc_cpu_reader *r, bool drain)
{
	size_t page = r->cfg.page_size;
	ssize_t total = 0;

	while (drain || (size_t)total < r->buf_size) {
		ssize_t n = read(r->cfg.raw_fd, r->buf, page);
		int ret;

		if (n < 0 && errno == EINTR)
			continue;
		if ((n < 0 && errno == EAGAIN) || n == 0)
			return total;
		if (n < 0)
			return -errno;
		memset(r->buf + n, 0, page - n);
		r->buf_len = page;
		ret = take_pages(r);
		if (ret < 0)
			return ret;
		total += n;
	}
	return total;
}

/* Moves everything the buffer holds (tracing off) and flushes the writer. */
static int drain(struct xc_cpu_reader *r)
{
	ssize_t n = splice_pages(r, true);

	if (n >= 0)
		n = read_pages(r, true);
	if (n < 0)
		return n;
	return xt_frame_writer_flush(r->cfg.writer);
}

static ssize_t move_pages(struct xc_cpu_reader *r)
{
	ssize_t n = splice_pages(r, false);

	if (n >= 0 && r->pipe_w < 0)
		n = read_pages(r, false);
	return n;
}

/* Sleeps until there is data to move, a flush is asked, the reader must stop, or an error. */
static int wait_data(struct xc_cpu_reader *r, bool idle)
{
	struct pollfd fds[3] = {
		{ .fd = r->cfg.stop_fd, .events = POLLIN },
		{ .fd = r->flush.fd, .events = POLLIN },
		{ .fd = r->cfg.raw_fd, .events = POLLIN },
	};

	for (;;) {
		/* After a wake-up that found no full page, only sleep a little. */
		int n = poll(fds, idle ? 2 : 3, idle ? IDLE_MS : -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (fds[0].revents)
			return WAKE_STOP;
		if (fds[1].revents)
			return WAKE_FLUSH;
		if (idle || fds[2].revents & POLLIN)
			return WAKE_DATA;
		if (fds[2].revents & (POLLERR | POLLNVAL))
			return -EIO;
	}
}

/*
 * A flush while tracing goes on: the full pages there are, then what the
 * kernel holds beyond them (read() hands out the partial page being
 * written; at most a pipe's worth, so a storm cannot keep us here), and the
 * frame written. Returns the events moved or a negative errno.
 */
static int sync_now(struct xc_cpu_reader *r)
{
	uint64_t before = r->result.events;
	ssize_t n = splice_pages(r, false);

	if (n >= 0)
		n = read_pages(r, false);
	if (n >= 0)
		n = xt_frame_writer_flush(r->cfg.writer);
	if (n < 0)
		return (int)n;
	return (int)(r->result.events - before > INT32_MAX ? INT32_MAX : r->result.events - before);
}

/* Answers the flush requests waiting. */
static int answer_flush(struct xc_cpu_reader *r)
{
	struct flush_channel *c = &r->flush;
	uint64_t count, target;
	int res;

	/*
	 * Every request whose wake-up this read takes is counted in @target;
	 * later ones wake us again and are answered by the next round.
	 */
	if (read(c->fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return -errno;
	pthread_mutex_lock(&c->lock);
	target = c->asked;
	pthread_mutex_unlock(&c->lock);
	res = sync_now(r);
	pthread_mutex_lock(&c->lock);
	c->done = target;
	c->result = res;
	pthread_cond_broadcast(&c->done_cond);
	pthread_mutex_unlock(&c->lock);
	return res < 0 ? res : 0;
}

static int run(struct xc_cpu_reader *r)
{
	bool idle = false;
	ssize_t n;
	int ret;

	while ((ret = wait_data(r, idle)) > 0) {
		if (ret == WAKE_FLUSH) {
			ret = answer_flush(r);
			if (ret < 0)
				return ret;
			continue;
		}
		n = move_pages(r);
		if (n < 0)
			return n;
		/* Alternate so that a kernel waking us early costs 10 wake-ups a second at most. */
		idle = !idle && n == 0;
	}
	if (ret < 0)
		return ret;
	/* Told to stop: tracing is off, so what is left is all there will be. */
	return drain(r);
}

static void *reader_main(void *arg)
{
	struct xc_cpu_reader *r = arg;

	/*
	 * Frames are compressed by a thread of the writer, started before we
	 * pin and raise ourselves: it runs wherever the recorder may, at nice
	 * -10 but never real-time, while we go on moving pages; a frame's
	 * compression holds the buffer up only when QUEUE_FRAMES frames wait.
	 * Without it (-EAGAIN), we compress ourselves.
	 */
	xc_reader_set_nice();
	xt_frame_writer_set_async(r->cfg.writer, QUEUE_FRAMES);
	xc_reader_pin(r->cfg.cpu);
	r->result.realtime = xc_reader_raise_priority(r->cfg.fifo_priority);
	r->result.error = run(r);
	pthread_mutex_lock(&r->flush.lock);
	r->flush.ended = true;
	pthread_cond_broadcast(&r->flush.done_cond);
	pthread_mutex_unlock(&r->flush.lock);
	return NULL;
}

static void reader_free(struct xc_cpu_reader *r)
{
	if (r->cfg.raw_fd >= 0)
		close(r->cfg.raw_fd);
	if (r->pipe_r >= 0)
		use_read(r);
	xc_page_scanner_free(r->cfg.scanner);
	if (r->flush.fd >= 0)
		close(r->flush.fd);
	pthread_cond_destroy(&r->flush.done_cond);
	pthread_mutex_destroy(&r->flush.lock);
	free(r->buf);
	free(r);
}

/* The flush channel; its condition variable waits on CLOCK_MONOTONIC. */
static int flush_channel_init(struct flush_channel *c)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->done_cond, &attr);
	pthread_condattr_destroy(&attr);
	c->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return c->fd < 0 ? -errno : 0;
}

/* A pipe as large as allowed, or none (read() then). */
static void open_pipe(struct xc_cpu_reader *r)
{
	int fds[2], size;

	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return;
	r->pipe_r = fds[0];
	r->pipe_w = fds[1];
	for (size = PIPE_BYTES; size > 65536; size /= 2)
		if (fcntl(r->pipe_w, F_SETPIPE_SZ, size) >= 0)
			break;
	size = fcntl(r->pipe_w, F_GETPIPE_SZ);
	if (size > 0 && (size_t)size >= r->cfg.page_size)
		r->buf_size = size - size % r->cfg.page_size;
	else
		use_read(r);
}

int xc_cpu_reader_start(const struct xc_cpu_reader_config *cfg, struct xc_cpu_reader **ret)
{
	struct xc_cpu_reader *r = calloc(1, sizeof(*r));
	int err;

	if (!r) {
		close(cfg->raw_fd);
		xc_page_scanner_free(cfg->scanner);
		return -ENOMEM;
	}
	r->cfg = *cfg;
	r->pipe_r = r->pipe_w = -1;
	r->buf_size = cfg->page_size;
	err = flush_channel_init(&r->flush);
	if (err < 0) {
		reader_free(r);
		return err;
	}
	open_pipe(r);
	r->buf = malloc(r->buf_size);
	if (!r->buf) {
		reader_free(r);
		return -ENOMEM;
	}
	if (cfg->on_demand) {
		*ret = r;
		return 0;
	}
	err = pthread_create(&r->thread, NULL, reader_main, r);
	if (err) {
		reader_free(r);
		return -err;
	}
	*ret = r;
	return 0;
}

int xc_cpu_reader_drain(struct xc_cpu_reader *r)
{
	uint64_t before = r->result.events;
	int ret;

	if (!r->cfg.on_demand)
		return -EINVAL;
	ret = drain(r);
	if (ret < 0) {
		if (!r->result.error)
			r->result.error = ret;
		return ret;
	}
	return (int)(r->result.events - before > INT32_MAX ? INT32_MAX : r->result.events - before);
}

/* Asks the thread to flush and waits for its answer. */
static int flush_thread(struct xc_cpu_reader *r)
{
	struct flush_channel *c = &r->flush;
	uint64_t one = 1, mine;
	struct timespec limit;
	int res = 0;

	clock_gettime(CLOCK_MONOTONIC, &limit);
	limit.tv_sec += FLUSH_WAIT_MS / 1000;
	pthread_mutex_lock(&c->lock);
	mine = ++c->asked;
	pthread_mutex_unlock(&c->lock);
	if (write(c->fd, &one, sizeof(one)) < 0)
		return -errno;
	pthread_mutex_lock(&c->lock);
	while (c->done < mine && !c->ended && res == 0)
		res = -pthread_cond_timedwait(&c->done_cond, &c->lock, &limit);
	if (c->done >= mine)
		res = c->result;
	else if (c->ended)
		res = r->result.error < 0 ? r->result.error : -ESRCH;
	pthread_mutex_unlock(&c->lock);
	return res;
}

int xc_cpu_reader_flush(struct xc_cpu_reader *r)
{
	return r->cfg.on_demand ? xc_cpu_reader_drain(r) : flush_thread(r);
}

uint64_t xc_cpu_reader_events(const struct xc_cpu_reader *r)
{
	return __atomic_load_n(&r->result.events, __ATOMIC_RELAXED);
}

void xc_cpu_reader_join(struct xc_cpu_reader *r, struct xc_cpu_reader_result *ret)
{
	if (r->cfg.on_demand)
		xc_cpu_reader_drain(r);
	else
		pthread_join(r->thread, NULL);
	*ret = r->result;
	reader_free(r);
}
