/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merged-record.h - the record layouts inside stream.xtm frames (private).
 *
 * Layout 1 (merged_version absent or 1): a 32-byte little-endian header
 * (struct merged_record_v1), then @size payload bytes padded with zeros to
 * a multiple of 8.
 *
 * Layout 2 (merged_version = 2, what the writer writes): each record is
 * varints (LEB128) and its payload, unpadded:
 *   dtod    zigzag of TOD minus the previous record's TOD in the frame
 *           (the first record: minus the frame's first_ts)
 *   head    size << 2 | kind << 1 | source_follows
 *   system, cpu   only when source_follows (always in a frame's first record;
 *           otherwise those of the previous record)
 *   dclock  zigzag of (TOD - raw ts) minus the same of the system's previous
 *           record in the frame (0 before its first)
 * Every record depends only on earlier records of its frame, so a frame
 * decodes alone. docs/format.md gives both layouts.
 *
 * XT_EVENT_RECORD payloads are the event bytes as the ring buffer held
 * them; XT_EVENT_LOST payloads are one u64 count. Records never span frames.
 */
#ifndef XT_MERGED_RECORD_H
#define XT_MERGED_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xt-event.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "merged records are stored in host order, which requires a little-endian host"
#endif

/* xtrace.meta key of a merged directory naming its record layout (absent: 1). */
#define MERGED_VERSION_KEY "merged_version"
#define MERGED_VERSION_WRITTEN 2u
#define MERGED_VERSION_MAX 2u

struct merged_record_v1 {
	uint64_t tod;
	uint64_t ts;
	uint32_t system;
	uint32_t cpu;
	uint32_t kind;
	uint32_t size;
};

_Static_assert(sizeof(struct merged_record_v1) == 32, "merged record header is 32 bytes");

/* An event larger than this cannot come from a ring-buffer page. */
#define MERGED_RECORD_MAX_PAYLOAD (1u << 20)

/* Bytes of a layout 2 record before its payload, at most. */
#define MERGED_HEAD_MAX 50u

static inline uint32_t merged_record_padded(uint32_t size)
{
	return (size + 7u) & ~7u;
}

struct xt_meta;

/*
 * The record layout of the merged directory whose xtrace.meta is @m, named
 * @name in the reason written to @why: 0 and *ret set, -EPROTONOSUPPORT
 * for a layout newer than this reader's, -EBADMSG for a malformed value.
 */
int merged_meta_version(const struct xt_meta *m, const char *name, char *why, size_t why_len,
			unsigned *ret);

/* Decoding state of the frame being read. */
struct merged_decoder {
	unsigned version;
	uint32_t nr_systems; /* layout 2 records name a system below this */
	uint64_t *clock;     /* layout 2: per system, TOD - ts of its last record */
	const uint8_t *p;    /* the frame's payload */
	size_t len, pos;
	uint64_t tod;        /* layout 2: of the last record */
	uint32_t system, cpu;
	bool have_source;
};

/*
 * Prepares @d for frames of layout @version (1 or 2) of a directory of
 * @nr_systems systems. 0, -EPROTONOSUPPORT or -ENOMEM. Free with
 * merged_decoder_fini().
 */
int merged_decoder_init(struct merged_decoder *d, unsigned version, uint32_t nr_systems);
void merged_decoder_fini(struct merged_decoder *d);

/* Starts decoding the @len payload bytes of a frame whose first_ts is @first_tod. */
void merged_decoder_frame(struct merged_decoder *d, const void *payload, size_t len,
			  uint64_t first_tod);

/*
 * Decodes the next record of the frame into *ret (data borrowed from the
 * payload; system as stored). 1, 0 at the end of the frame, -EBADMSG when
 * the rest of the frame is unusable, with the reason in *ret_why.
 */
int merged_decoder_next(struct merged_decoder *d, struct xt_event *ret, const char **ret_why);

/* Encoding state of the frame being written (layout 2). */
struct merged_encoder {
	uint64_t *clock;     /* per system, TOD - ts of its last record in the frame */
	uint32_t nr_systems;
	uint64_t tod;
	uint32_t system, cpu;
	bool have_source;
};

/* One more system may be named. 0 or -ENOMEM. Free with merged_encoder_fini(). */
int merged_encoder_add_system(struct merged_encoder *e);
void merged_encoder_fini(struct merged_encoder *e);

/* The next record starts a frame whose first_ts is @first_tod. */
void merged_encoder_frame(struct merged_encoder *e, uint64_t first_tod);

/*
 * Writes into @out the bytes before the payload of a record of @ev with a
 * payload of @size bytes, following the records encoded so far, and
 * returns their count. @ev->system must be below the systems added.
 */
size_t merged_encode_head(const struct merged_encoder *e, const struct xt_event *ev,
			  uint32_t size, uint8_t out[MERGED_HEAD_MAX]);

/* Makes @ev the last record encoded. */
void merged_encoder_commit(struct merged_encoder *e, const struct xt_event *ev);

#endif
