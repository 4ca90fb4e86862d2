/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * page-encode.c - builds ring-buffer sub-buffers byte for byte as a 64-bit
 * little-endian kernel writes them (see events/header_page and
 * events/header_event of such a kernel).
 *
 * Layout decisions that follow the kernel's ring_buffer.c:
 * - the page timestamp is the first event's timestamp, so that event has a
 *   zero delta; each later event's delta is relative to the one before it;
 * - a delta that needs more than 27 bits is carried by a time-extend record
 *   (type_len 30: low 27 bits in time_delta, the next 32 in array[0]) placed
 *   before the event, which then has a zero delta;
 * - payloads of up to 112 bytes are "small" (type_len = payload words);
 *   larger ones have type_len 0 and array[0] = padded payload + 4;
 * - when an event does not fit, the rest of the page is closed with a
 *   padding record (type_len 29, time_delta 1, array[0] = bytes after the
 *   header) if at least 8 bytes remain; the commit then covers the whole
 *   page and later adds fail with -ENOSPC until reset;
 * - a missed-events page has bit 31 of the commit word set; when the count
 *   is known and 8 bytes are free after the data it is stored there and bit
 *   30 is set as well.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xtrace.h"

#define RB_TYPE_PADDING 29u
#define RB_TYPE_TIME_EXTEND 30u
#define RB_MAX_SMALL_WORDS 28u
#define RB_MAX_SMALL_DATA (RB_MAX_SMALL_WORDS * 4u)
#define RB_DELTA_BITS 27u
#define RB_DELTA_MASK ((1u << RB_DELTA_BITS) - 1u)
#define RB_EXTEND_BITS (RB_DELTA_BITS + 32u) /* deltas a time extend can carry */
#define RB_TIME_EXTEND_SIZE 8u
#define RB_MIN_PADDING 8u
#define RB_MISSED_EVENTS (1ull << 31)
#define RB_MISSED_STORED (1ull << 30)
#define RB_COMMIT_MAX ((1u << 27) - 1u) /* readers mask the commit with 27 bits */
#define PAGE_MIN_SIZE 64u

struct xt_page_builder {
	uint8_t *page;    /* page_size bytes */
	size_t page_size;
	size_t tail;      /* bytes of event data written after the header */
	unsigned count;   /* data events in the page */
	uint64_t first_ts;
	uint64_t last_ts;
	uint64_t missed;  /* 0: none, XT_LOST_UNKNOWN: flagged without a count */
	bool closed;      /* padded to the end: nothing more fits */
};

static size_t data_capacity(const struct xt_page_builder *b)
{
	return b->page_size - XT_PAGE_HEADER_SIZE;
}

static uint8_t *data_at(struct xt_page_builder *b, size_t off)
{
	return b->page + XT_PAGE_HEADER_SIZE + off;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static void put_u64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

static uint32_t event_header(uint32_t type_len, uint32_t delta)
{
	return type_len | (delta << 5);
}

/* Bytes the record of a @len-byte payload takes, headers included. */
static size_t record_size(size_t len)
{
	size_t padded = (len + 3u) & ~(size_t)3u;

	return padded <= RB_MAX_SMALL_DATA ? 4u + padded : 8u + padded;
}

int xt_page_builder_new(size_t page_size, struct xt_page_builder **ret)
{
	struct xt_page_builder *b;

	if (page_size < PAGE_MIN_SIZE || page_size % 8u ||
	    page_size - XT_PAGE_HEADER_SIZE > RB_COMMIT_MAX)
		return -EINVAL;

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->page = calloc(1, page_size);
	if (!b->page) {
		free(b);
		return -ENOMEM;
	}
	b->page_size = page_size;
	*ret = b;
	return 0;
}

void xt_page_builder_free(struct xt_page_builder *b)
{
	if (!b)
		return;
	free(b->page);
	free(b);
}

/* Fills the rest of the page with a padding record, as the kernel does when it moves on. */
static void close_page(struct xt_page_builder *b)
{
	size_t left = data_capacity(b) - b->tail;

	b->closed = true;
	if (left < RB_MIN_PADDING)
		return;
	put_u32(data_at(b, b->tail), event_header(RB_TYPE_PADDING, 1));
	put_u32(data_at(b, b->tail + 4u), (uint32_t)(left - 4u));
	b->tail = data_capacity(b);
}

static void write_record(struct xt_page_builder *b, uint32_t delta, const void *data, size_t len)
{
	size_t padded = (len + 3u) & ~(size_t)3u;
	uint8_t *p = data_at(b, b->tail);

	if (padded <= RB_MAX_SMALL_DATA) {
		put_u32(p, event_header((uint32_t)(padded / 4u), delta));
		p += 4;
	} else {
		put_u32(p, event_header(0, delta));
		put_u32(p + 4, (uint32_t)(padded + 4u));
		p += 8;
	}
	memcpy(p, data, len);
	memset(p + len, 0, padded - len);
	b->tail += record_size(len);
}

int xt_page_builder_add(struct xt_page_builder *b, uint64_t ts, const void *data, size_t len)
{
	uint64_t delta = 0;
	size_t need;

	if (!data || len == 0 || record_size(len) > data_capacity(b))
		return -EINVAL;
	if (b->count && ts < b->last_ts)
		return -EINVAL;
	if (b->closed)
		return -ENOSPC;

	if (b->count)
		delta = ts - b->last_ts;
	if (delta >> RB_EXTEND_BITS) {
		/* Too far for a time extend: only a new page timestamp can carry it. */
		close_page(b);
		return -ENOSPC;
	}

	need = record_size(len) + (delta > RB_DELTA_MASK ? RB_TIME_EXTEND_SIZE : 0u);
	if (need > data_capacity(b) - b->tail) {
		close_page(b);
		return -ENOSPC;
	}

	if (delta > RB_DELTA_MASK) {
		put_u32(data_at(b, b->tail),
			event_header(RB_TYPE_TIME_EXTEND, (uint32_t)(delta & RB_DELTA_MASK)));
		put_u32(data_at(b, b->tail + 4u), (uint32_t)(delta >> RB_DELTA_BITS));
		b->tail += RB_TIME_EXTEND_SIZE;
		delta = 0;
	}
	write_record(b, (uint32_t)delta, data, len);

	if (!b->count)
		b->first_ts = ts;
	b->last_ts = ts;
	b->count++;
	return 0;
}

void xt_page_builder_set_missed(struct xt_page_builder *b, uint64_t missed)
{
	b->missed = missed;
}

unsigned xt_page_builder_count(const struct xt_page_builder *b)
{
	return b->count;
}

uint64_t xt_page_builder_first_ts(const struct xt_page_builder *b)
{
	return b->count ? b->first_ts : 0;
}

uint64_t xt_page_builder_last_ts(const struct xt_page_builder *b)
{
	return b->count ? b->last_ts : 0;
}

const void *xt_page_builder_page(struct xt_page_builder *b)
{
	uint64_t commit = b->tail;
	size_t left = data_capacity(b) - b->tail;

	if (left >= sizeof(uint64_t))
		memset(data_at(b, b->tail), 0, sizeof(uint64_t));
	if (b->missed) {
		commit |= RB_MISSED_EVENTS;
		if (b->missed != XT_LOST_UNKNOWN && left >= sizeof(uint64_t)) {
			put_u64(data_at(b, b->tail), b->missed);
			commit |= RB_MISSED_STORED;
		}
	}
	put_u64(b->page, xt_page_builder_first_ts(b));
	put_u64(b->page + 8, commit);
	return b->page;
}

void xt_page_builder_reset(struct xt_page_builder *b)
{
	memset(b->page, 0, b->page_size);
	b->tail = 0;
	b->count = 0;
	b->first_ts = 0;
	b->last_ts = 0;
	b->missed = 0;
	b->closed = false;
}
