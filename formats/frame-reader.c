/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * frame-reader.c - reads the frames of a data file, trusting nothing in it.
 *
 * The file is mapped read-only with the size it had at open (a recorder may
 * still be appending). Each frame is checked before use: magic, header
 * size and header CRC; comp_size within the file; raw_size at most
 * XT_FRAME_MAX_RAW; flags 0; payload CRC; exactly one zstd frame whose
 * content size is raw_size. A bad header is reported and the reader scans
 * forward for the next offset holding a valid header; a bad payload is
 * reported and skipped by comp_size (landing on no header then is the same
 * damage: the scan for the next header is not reported again); a file
 * ending inside a frame is reported once as a torn tail and ends the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "cleanup.h"
#include "fileio.h"
#include "frame-private.h"

#define RELEASE_EVERY (64u << 10)

struct frame_index_entry {
	uint64_t pos;
	uint64_t first_ts;
};

struct xt_frame_reader {
	char *path;
	uint32_t cpu;
	xt_diag_fn diag;
	void *userdata;
	const uint8_t *map; /* NULL for an empty file */
	size_t size;
	size_t pos;         /* where the next frame is looked for */
	uint64_t offset;    /* of the frame last returned */
	bool ended;
	bool skipped;       /* the last frame was skipped by its comp_size */
	ZSTD_DCtx *dctx;
	uint8_t *buf;       /* decompressed payload, reused */
	size_t cap;
	struct xt_frame_header header;
	struct frame_index_entry *index; /* built by the first seek */
	size_t index_len;
	bool indexed;
	uint64_t decompressed; /* frames decompressed so far */
	size_t released;       /* the mapping below this offset was given back */
	char detail[192];
};

bool xt_frame_header_decode(const uint8_t in[XT_FRAME_HEADER_SIZE], struct xt_frame_header *ret)
{
	ret->magic = xt_get_le32(in + 0);
	ret->header_size = xt_get_le32(in + 4);
	ret->cpu = xt_get_le32(in + 8);
	ret->count = xt_get_le32(in + 12);
	ret->raw_size = xt_get_le32(in + 16);
	ret->comp_size = xt_get_le32(in + 20);
	ret->first_ts = xt_get_le64(in + 24);
	ret->last_ts = xt_get_le64(in + 32);
	ret->flags = xt_get_le32(in + 40);
	ret->payload_crc = xt_get_le32(in + 44);
	ret->reserved = xt_get_le32(in + 48);
	ret->header_crc = xt_get_le32(in + 52);
	return ret->magic == XT_FRAME_MAGIC && ret->header_size == XT_FRAME_HEADER_SIZE &&
	       ret->header_crc == xt_crc32c(0, in, XT_FRAME_HEADER_CRC_SPAN);
}

int xt_frame_reader_open(const char *path, uint32_t cpu, xt_diag_fn diag, void *userdata,
			 struct xt_frame_reader **ret)
{
	_cleanup_close_ int fd = -1;
	struct xt_frame_reader *r;
	uint64_t size;

	fd = open_regular_at(AT_FDCWD, path, &size);
	if (fd < 0)
		return fd;
	if (size > SIZE_MAX)
		return -EFBIG;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->cpu = cpu;
	r->diag = diag;
	r->userdata = userdata;
	r->size = (size_t)size;
	r->path = strdup(path);
	r->dctx = ZSTD_createDCtx();
	if (!r->path || !r->dctx) {
		xt_frame_reader_free(r);
		return -ENOMEM;
	}
	if (r->size > 0) {
		void *map = mmap(NULL, r->size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (map == MAP_FAILED) {
			int e = -errno;

			xt_frame_reader_free(r);
			return e;
		}
		r->map = map;
	}
	*ret = r;
	return 0;
}

static void report(struct xt_frame_reader *r, enum xt_diag_kind kind, uint64_t offset)
{
	struct xt_diag d = {
		.kind = kind,
		.path = r->path,
		.cpu = r->cpu,
		.offset = offset,
		.detail = r->detail,
	};

	if (r->diag)
		r->diag(&d, r->userdata);
}

/* The first offset after @from holding a valid header, or 0 when there is none. */
static size_t find_next_header(const struct xt_frame_reader *r, size_t from)
{
	uint8_t magic[4];
	size_t pos = from + 1;

	xt_put_le32(magic, XT_FRAME_MAGIC);
	while (pos + XT_FRAME_HEADER_SIZE <= r->size) {
		struct xt_frame_header h;
		const uint8_t *hit = memmem(r->map + pos, r->size - pos, magic, sizeof(magic));

		if (!hit)
			break;
		pos = (size_t)(hit - r->map);
		if (pos + XT_FRAME_HEADER_SIZE > r->size)
			break;
		if (xt_frame_header_decode(hit, &h))
			return pos;
		pos++;
	}
	return 0;
}

/*
 * The frame at r->pos is unusable and its size cannot be trusted: report it
 * and move to the next valid header, or end the file when none follows.
 */
static void resync(struct xt_frame_reader *r)
{
	size_t bad = r->pos;
	size_t next = find_next_header(r, bad);
	size_t len = strlen(r->detail);

	if (r->skipped) {
		/* the comp_size of the frame just reported was wrong too: same damage */
		r->skipped = false;
		r->pos = next;
		r->ended = next == 0;
		return;
	}
	if (next)
		snprintf(r->detail + len, sizeof(r->detail) - len,
			 "; resuming at the next valid frame at offset %zu", next);
	else
		snprintf(r->detail + len, sizeof(r->detail) - len,
			 "; no valid frame follows");
	report(r, XT_DIAG_CORRUPT_FRAME, bad);
	if (next)
		r->pos = next;
	else
		r->ended = true;
}

static void torn_tail(struct xt_frame_reader *r, size_t have, size_t need)
{
	snprintf(r->detail, sizeof(r->detail),
		 "the file ends inside a frame (%zu of %zu bytes present): "
		 "the recording was cut here",
		 have, need);
	report(r, XT_DIAG_TORN_TAIL, r->pos);
	r->ended = true;
}

/* Checks a payload whose header is valid; false (with r->detail set) when corrupt. */
static bool payload_valid(struct xt_frame_reader *r, const struct xt_frame_header *h,
			  const uint8_t *payload)
{
	unsigned long long content;

	if (h->raw_size > XT_FRAME_MAX_RAW) {
		snprintf(r->detail, sizeof(r->detail), "raw_size %u exceeds the limit of %u",
			 h->raw_size, XT_FRAME_MAX_RAW);
		return false;
	}
	if (h->flags != 0) {
		snprintf(r->detail, sizeof(r->detail), "unknown frame flags 0x%x", h->flags);
		return false;
	}
	if (xt_crc32c(0, payload, h->comp_size) != h->payload_crc) {
		snprintf(r->detail, sizeof(r->detail), "payload checksum mismatch");
		return false;
	}
	content = ZSTD_getFrameContentSize(payload, h->comp_size);
	if (content != h->raw_size ||
	    ZSTD_findFrameCompressedSize(payload, h->comp_size) != h->comp_size) {
		snprintf(r->detail, sizeof(r->detail),
			 "payload is not one zstd frame of raw_size %u bytes", h->raw_size);
		return false;
	}
	return true;
}

/* Decompresses into r->buf: 1, 0 when the payload does not decompress, -ENOMEM. */
static int decompress(struct xt_frame_reader *r, const struct xt_frame_header *h,
		      const uint8_t *payload)
{
	size_t need = h->raw_size ? h->raw_size : 1;
	size_t n;

	if (need > r->cap) {
		size_t cap = r->cap * 2 > need ? r->cap * 2 : need;
		uint8_t *buf;

		if (cap > XT_FRAME_MAX_RAW)
			cap = need;
		buf = realloc(r->buf, cap);
		if (!buf)
			return -ENOMEM;
		r->buf = buf;
		r->cap = cap;
	}
	n = ZSTD_decompressDCtx(r->dctx, r->buf, r->cap, payload, h->comp_size);
	if (ZSTD_isError(n) && xt_zstd_errno(n) == -ENOMEM)
		return -ENOMEM;
	if (ZSTD_isError(n) || n != h->raw_size) {
		snprintf(r->detail, sizeof(r->detail), "payload does not decompress: %s",
			 ZSTD_isError(n) ? ZSTD_getErrorName(n) : "wrong size");
		return 0;
	}
	r->decompressed++;
	return 1;
}

/* Gives the pages of the mapping before the frame just read back to the kernel. */
static void release_behind(struct xt_frame_reader *r)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t end = r->offset / page * page;

	if (end < r->released + RELEASE_EVERY)
		return;
	/* advice only: pages fault back in from the file if read again */
	(void)madvise((void *)(r->map + r->released), end - r->released, MADV_DONTNEED);
	r->released = end;
}

int xt_frame_reader_next(struct xt_frame_reader *r, const struct xt_frame_header **ret_header,
			 const void **ret_payload)
{
	for (;;) {
		struct xt_frame_header h;
		const uint8_t *payload;
		size_t left;
		int k;

		if (r->ended || r->pos >= r->size)
			return 0;
		left = r->size - r->pos;
		if (left < XT_FRAME_HEADER_SIZE) {
			torn_tail(r, left, XT_FRAME_HEADER_SIZE);
			return 0;
		}
		if (!xt_frame_header_decode(r->map + r->pos, &h)) {
			snprintf(r->detail, sizeof(r->detail), "%s",
				 h.magic != XT_FRAME_MAGIC ? "no frame header here (bad magic)"
							   : "frame header checksum mismatch");
			resync(r);
			continue;
		}
		r->skipped = false;
		if (h.comp_size > left - XT_FRAME_HEADER_SIZE) {
			/* a cut file, unless a valid frame follows */
			if (!find_next_header(r, r->pos)) {
				torn_tail(r, left, XT_FRAME_HEADER_SIZE + (size_t)h.comp_size);
				return 0;
			}
			snprintf(r->detail, sizeof(r->detail),
				 "comp_size %u runs past the end of the file", h.comp_size);
			resync(r);
			continue;
		}

		payload = r->map + r->pos + XT_FRAME_HEADER_SIZE;
		k = payload_valid(r, &h, payload) ? decompress(r, &h, payload) : 0;
		if (k < 0)
			return k;
		if (k == 0) {
			report(r, XT_DIAG_CORRUPT_FRAME, r->pos);
			r->pos += XT_FRAME_HEADER_SIZE + h.comp_size;
			r->skipped = true;
			continue;
		}
		r->header = h;
		r->offset = r->pos;
		r->pos += XT_FRAME_HEADER_SIZE + h.comp_size;
		release_behind(r);
		*ret_header = &r->header;
		*ret_payload = r->buf;
		return 1;
	}
}

void xt_frame_reader_swap_buffer(struct xt_frame_reader *r, uint8_t **buf, size_t *cap)
{
	uint8_t *b = r->buf;
	size_t c = r->cap;

	r->buf = *buf;
	r->cap = *cap;
	*buf = b;
	*cap = c;
}

uint64_t xt_frame_reader_offset(const struct xt_frame_reader *r)
{
	return r->offset;
}

uint64_t xt_frame_reader_decompressed(const struct xt_frame_reader *r)
{
	return r->decompressed;
}

/* Walks the chain of valid frame headers from the start of the file. */
static int build_index(struct xt_frame_reader *r)
{
	size_t pos = 0, cap = 0;

	while (r->size - pos >= XT_FRAME_HEADER_SIZE) {
		struct xt_frame_header h;

		if (!xt_frame_header_decode(r->map + pos, &h) ||
		    h.comp_size > r->size - pos - XT_FRAME_HEADER_SIZE)
			break; /* damage: the reader resynchronises past it when it gets there */
		if (r->index_len == cap) {
			size_t n = cap ? cap * 2 : 64;
			struct frame_index_entry *p = reallocarray(r->index, n, sizeof(*p));

			if (!p)
				return -ENOMEM;
			r->index = p;
			cap = n;
		}
		r->index[r->index_len++] = (struct frame_index_entry){ pos, h.first_ts };
		pos += XT_FRAME_HEADER_SIZE + h.comp_size;
	}
	r->indexed = true;
	if (r->size)
		(void)madvise((void *)r->map, r->size, MADV_DONTNEED); /* the headers walked */
	r->released = 0;
	return 0;
}

int xt_frame_reader_seek(struct xt_frame_reader *r, uint64_t ts)
{
	size_t lo = 0, hi;

	if (!r->indexed) {
		int e = build_index(r);

		if (e < 0)
			return e;
	}
	/* the last frame whose first_ts is below @ts: lo ends as one past it */
	hi = r->index_len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->index[mid].first_ts < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	r->pos = lo ? r->index[lo - 1].pos : 0;
	if (r->released > r->pos)
		r->released = r->pos - r->pos % (size_t)sysconf(_SC_PAGESIZE);
	r->ended = false;
	r->skipped = false;
	return 0;
}

void xt_frame_reader_free(struct xt_frame_reader *r)
{
	if (!r)
		return;
	if (r->map)
		munmap((void *)r->map, r->size);
	ZSTD_freeDCtx(r->dctx);
	free(r->index);
	free(r->buf);
	free(r->path);
	free(r);
}
