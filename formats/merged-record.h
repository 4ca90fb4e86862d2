/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merged-record.h - the record layout inside stream.xtm frames (private).
 *
 * Each record: a 32-byte little-endian header, then @size payload bytes
 * padded with zeros to a multiple of 8. XT_EVENT_RECORD payloads are the
 * event bytes as the ring buffer held them; XT_EVENT_LOST payloads are one
 * u64 count. Records are never split across frames.
 */
#ifndef XT_MERGED_RECORD_H
#define XT_MERGED_RECORD_H

#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "merged records are stored in host order, which version 1 requires to be little-endian"
#endif

struct merged_record {
	uint64_t tod;
	uint64_t ts;
	uint32_t system;
	uint32_t cpu;
	uint32_t kind;
	uint32_t size;
};

_Static_assert(sizeof(struct merged_record) == 32, "merged record header is 32 bytes");

/* An event larger than this cannot come from a ring-buffer page. */
#define MERGED_RECORD_MAX_PAYLOAD (1u << 20)

static inline uint32_t merged_record_padded(uint32_t size)
{
	return (size + 7u) & ~7u;
}

#endif
