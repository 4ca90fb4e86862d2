/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * frame-private.h - byte layout of the frame header (private to libxtrace).
 *
 * All fields little-endian, in the order of struct xt_frame_header, no
 * padding: 4 x u32 magic header_size cpu count, 2 x u32 raw_size comp_size,
 * 2 x u64 first_ts last_ts, 4 x u32 flags payload_crc reserved header_crc.
 */
#ifndef XT_FRAME_PRIVATE_H
#define XT_FRAME_PRIVATE_H

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "xt-frame.h"

/* Bytes covered by header_crc: everything before it. */
#define XT_FRAME_HEADER_CRC_SPAN (XT_FRAME_HEADER_SIZE - 4u)

static inline uint32_t xt_get_le32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline uint64_t xt_get_le64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline void xt_put_le32(void *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void xt_put_le64(void *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

/* The one place zstd's error codes become errnos: -ENOMEM or -EIO. */
static inline int xt_zstd_errno(size_t code)
{
	return ZSTD_getErrorCode(code) == ZSTD_error_memory_allocation ? -ENOMEM : -EIO;
}

/*
 * Serialises @h into @out, computing header_crc (h->header_crc is
 * ignored). magic and header_size are written as given.
 */
void xt_frame_header_encode(const struct xt_frame_header *h, uint8_t out[XT_FRAME_HEADER_SIZE]);

/*
 * Deserialises @in into *ret. Returns true when magic, header_size and
 * header_crc are right; the other fields are not checked.
 */
bool xt_frame_header_decode(const uint8_t in[XT_FRAME_HEADER_SIZE], struct xt_frame_header *ret);

/*
 * Exchanges the buffer the reader decompresses into with *@buf (*@cap
 * bytes; NULL and 0 are fine): the payload last returned stays valid in the
 * buffer handed out while the next frame is decompressed into the other.
 * For readers that decompress ahead in another thread (frame-prefetch.c).
 */
void xt_frame_reader_swap_buffer(struct xt_frame_reader *r, uint8_t **buf, size_t *cap);

#endif
