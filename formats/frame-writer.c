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
 */
#include <errno.h>
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
	size_t out_cap = XT_FRAME_HEADER_SIZE + ZSTD_compressBound(cap);
	uint8_t *raw, *out;

	if (need <= w->raw_cap)
		return 0;
	raw = realloc(w->raw, cap);
	if (!raw)
		return -ENOMEM;
	w->raw = raw;
	out = realloc(w->out, out_cap);
	if (!out)
		return -ENOMEM;
	w->out = out;
	/* both grown: only now is the new capacity real */
	w->raw_cap = cap;
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

int xt_frame_writer_flush(struct xt_frame_writer *w)
{
	struct xt_frame_header h = {
		.magic = XT_FRAME_MAGIC,
		.header_size = XT_FRAME_HEADER_SIZE,
		.cpu = w->cpu,
		.count = w->count,
		.raw_size = (uint32_t)w->raw_len,
		.first_ts = w->first_ts,
		.last_ts = w->last_ts,
	};
	size_t comp;
	int r;

	if (w->raw_len == 0)
		return 0;
	comp = ZSTD_compress2(w->cctx, w->out + XT_FRAME_HEADER_SIZE,
			      w->out_cap - XT_FRAME_HEADER_SIZE, w->raw, w->raw_len);
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
	w->raw_len = 0;
	w->count = 0;
	return 0;
}

int xt_frame_writer_append(struct xt_frame_writer *w, const void *data, size_t len,
			   uint64_t first_ts, uint64_t last_ts)
{
	int r;

	if ((!data && len > 0) || len > XT_FRAME_MAX_RAW)
		return -EINVAL;
	if (w->raw_len > 0 && (w->raw_len + len > w->frame_bytes || w->count == UINT32_MAX)) {
		r = xt_frame_writer_flush(w);
		if (r < 0)
			return r;
	}
	r = reserve(w, w->raw_len + len);
	if (r < 0)
		return r;
	if (len > 0)
		memcpy(w->raw + w->raw_len, data, len);
	if (w->count == 0)
		w->first_ts = first_ts;
	w->last_ts = last_ts;
	w->raw_len += len;
	w->count++;
	return 0;
}

uint64_t xt_frame_writer_bytes(const struct xt_frame_writer *w)
{
	return w->written;
}

void xt_frame_writer_free(struct xt_frame_writer *w)
{
	if (!w)
		return;
	ZSTD_freeCCtx(w->cctx);
	free(w->raw);
	free(w->out);
	free(w);
}
