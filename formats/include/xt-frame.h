/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xt-frame.h - the frame container of dump data files and merged streams.
 *
 * A data file is a sequence of frames. Each frame is a fixed 56-byte
 * little-endian header followed by one zstd frame holding @raw_size bytes.
 * Frames are appended whole, so any prefix of complete frames reads back.
 * See docs/format.md for the byte layout.
 */
#ifndef XT_FRAME_H
#define XT_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "xt-diag.h"

#define XT_FRAME_MAGIC 0x31465458u /* "XTF1" read little-endian */
#define XT_FRAME_HEADER_SIZE 56u
#define XT_FRAME_CPU_MERGED UINT32_MAX
#define XT_FRAME_MAX_RAW (64u << 20) /* a reader refuses larger frames */

struct xt_frame_header {
	uint32_t magic;
	uint32_t header_size; /* XT_FRAME_HEADER_SIZE */
	uint32_t cpu;         /* CPU of a dump data file, XT_FRAME_CPU_MERGED in a merged stream */
	uint32_t count;       /* units in the frame: ring-buffer pages, or merged records */
	uint32_t raw_size;    /* decompressed payload bytes */
	uint32_t comp_size;   /* compressed payload bytes following the header */
	uint64_t first_ts;    /* timestamp of the first unit (raw clock in dumps, TOD in merged) */
	uint64_t last_ts;     /* timestamp of the last unit */
	uint32_t flags;       /* 0 in version 1 */
	uint32_t payload_crc; /* CRC-32C of the compressed payload */
	uint32_t reserved;    /* 0 */
	uint32_t header_crc;  /* CRC-32C of the 52 bytes before this field */
};

/* CRC-32C (Castagnoli) of @len bytes, continuing from @crc (start with 0). */
uint32_t xt_crc32c(uint32_t crc, const void *data, size_t len);

struct xt_frame_writer;

/*
 * Creates a writer appending frames to @fd (borrowed: the caller closes it
 * after xt_frame_writer_free). Units appended are buffered until
 * @frame_bytes raw bytes are reached, then compressed at zstd @level and
 * written as one frame. Returns 0 or a negative errno.
 * Free with xt_frame_writer_free().
 */
int xt_frame_writer_new(int fd, uint32_t cpu, size_t frame_bytes, int level,
			struct xt_frame_writer **ret);

/*
 * Appends one unit (a ring-buffer page, or a merged record run) whose
 * first and last timestamps are @first_ts and @last_ts. May write a frame.
 * Returns 0 or a negative errno (-ENOSPC, -EIO...); on error nothing already
 * written is damaged.
 */
int xt_frame_writer_append(struct xt_frame_writer *w, const void *data, size_t len,
			   uint64_t first_ts, uint64_t last_ts);

/*
 * As xt_frame_writer_append(), for a unit the caller writes in place:
 * points *ret at @len bytes of the frame buffer that the caller must fill
 * before the next call on @w (saves a copy). Returns 0 or a negative errno.
 */
int xt_frame_writer_unit(struct xt_frame_writer *w, size_t len, uint64_t first_ts,
			 uint64_t last_ts, void **ret);

/*
 * From now on, compresses and writes full frames in a thread of the writer
 * while the caller goes on appending. Up to @depth sealed frames wait for
 * the thread; the caller waits only when that many do (memory: up to
 * @depth + 2 frame buffers). A failed write then loses that frame and is
 * returned by a later append, seal or flush. Returns 0, -EINVAL (@depth 0),
 * -ENOMEM or -EAGAIN (no thread: the writer stays synchronous).
 */
int xt_frame_writer_set_async(struct xt_frame_writer *w, unsigned depth);

/*
 * Ends the frame being filled (no-op when empty): the next unit starts a
 * new frame, for callers whose units depend on the earlier units of their
 * frame. With xt_frame_writer_set_async() the frame goes to the thread's
 * queue without waiting for it to be written (unless the queue is full).
 * 0 or negative errno.
 */
int xt_frame_writer_seal(struct xt_frame_writer *w);

/*
 * Writes the buffered units as a frame now (no-op when empty), and with
 * xt_frame_writer_set_async() waits for every frame to be written.
 * 0 or negative errno.
 */
int xt_frame_writer_flush(struct xt_frame_writer *w);

/* Bytes written to the fd so far (headers included). */
uint64_t xt_frame_writer_bytes(const struct xt_frame_writer *w);

/* Frees the writer without writing what is still buffered. Accepts NULL. */
void xt_frame_writer_free(struct xt_frame_writer *w);

struct xt_frame_reader;

/*
 * Opens @path for reading frames. Damage met later is reported through
 * @diag (may be NULL) with @cpu in the report. Returns 0 or a negative errno.
 * Free with xt_frame_reader_free().
 */
int xt_frame_reader_open(const char *path, uint32_t cpu, xt_diag_fn diag, void *userdata,
			 struct xt_frame_reader **ret);

/*
 * Reads the next good frame. Returns 1 and points *ret_header and
 * *ret_payload (decompressed, header->raw_size bytes) at data borrowed until
 * the next call; 0 at the end of the file. Corrupt frames are reported and
 * skipped (the reader resynchronises on the next valid header); a torn tail
 * is reported once and ends the file. Returns a negative errno only for
 * failures of the machine (-ENOMEM, -EIO).
 */
int xt_frame_reader_next(struct xt_frame_reader *r, const struct xt_frame_header **ret_header,
			 const void **ret_payload);

/* Offset in the file of the frame last returned. */
uint64_t xt_frame_reader_offset(const struct xt_frame_reader *r);

/*
 * Positions the reader at the last frame whose first_ts is below @ts (at
 * the start of the file when there is none), so that the frames skipped
 * hold only units timestamped before @ts when timestamps never decrease
 * along the file. Forward or backward. Reads frame headers only: the first
 * call indexes them, later calls search the index. Returns 0 or -ENOMEM.
 */
int xt_frame_reader_seek(struct xt_frame_reader *r, uint64_t ts);

/* Frames decompressed so far (a measure of the work a seek saved). */
uint64_t xt_frame_reader_decompressed(const struct xt_frame_reader *r);

/* Frees the reader. Accepts NULL. */
void xt_frame_reader_free(struct xt_frame_reader *r);

#endif
