/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * page-scan.c - what one ring-buffer page holds: its event count, first and
 * last timestamps (for the frame header) and the anchor markers in it. The
 * page itself is stored unmodified; this only reads it.
 *
 * Every page of a recording passes here, so the walk is done in place
 * rather than through kbuffer's per-event function calls, with kbuffer's
 * semantics (the readers of the dump decode with kbuffer): each record is a
 * 32-bit header, type_len in its low 5 bits and a time delta in the high
 * 27, then
 *   type_len 1..28  data of type_len * 4 bytes
 *   type_len 0      a 32-bit length (itself included), then the data
 *   29  padding     a 32-bit length of what follows the header to skip
 *   30  time extend delta += next 32 bits << 27
 *   31  time stamp  absolute: next 32 bits << 27 | delta, with the top bits
 *                   (59..63) of the time so far
 * Every delta, padding's included, moves the time on. The walk stops at the
 * commit; a length running past it ends the walk (the page is damaged).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xcollect.h"

#define COMMIT_MASK ((1ull << 27) - 1)
#define COMMIT_MISSED (1ull << 31)
#define TS_SHIFT 27
#define TS_MSB (~0ull << 59)
#define TYPE_DATA_MAX 28
#define TYPE_PADDING 29
#define TYPE_TIME_EXTEND 30
#define TYPE_TIME_STAMP 31

struct xc_page_scanner {
	struct xc_trace_format fmt;
	pid_t anchor_pid;
	xc_anchor_fn fn;
	void *userdata;
};

int xc_page_scanner_new(const struct xc_trace_format *fmt, pid_t anchor_pid, xc_anchor_fn fn,
			void *userdata, struct xc_page_scanner **ret)
{
	struct xc_page_scanner *s;

	if (fmt->long_size != 4 && fmt->long_size != 8)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fmt = *fmt;
	s->anchor_pid = anchor_pid;
	s->fn = fn;
	s->userdata = userdata;
	*ret = s;
	return 0;
}

void xc_page_scanner_free(struct xc_page_scanner *s)
{
	free(s);
}

/* The anchor in @data (one record of @size bytes), if it is our anchor marker. */
static int check_anchor(struct xc_page_scanner *s, const unsigned char *data, int size,
			uint64_t ts)
{
	const struct xc_trace_format *f = &s->fmt;
	uint16_t type;
	int32_t pid;
	uint64_t realtime;

	if (!s->fn || f->print_id < 0 || size <= (int)f->print_buf_offset ||
	    size < (int)f->common_pid_offset + 4)
		return 0;
	memcpy(&type, data, sizeof(type));
	if (type != f->print_id)
		return 0;
	memcpy(&pid, data + f->common_pid_offset, sizeof(pid));
	if (pid != s->anchor_pid)
		return 0;
	if (xc_anchor_parse(data + f->print_buf_offset, size - f->print_buf_offset, &realtime) < 0)
		return 0;
	return s->fn(ts, realtime, s->userdata);
}

/* The page's commit word: data length and flags. */
static uint64_t page_commit(const struct xc_page_scanner *s, const void *page)
{
	if (s->fmt.long_size == 8) {
		uint64_t v;

		memcpy(&v, (const char *)page + 8, sizeof(v));
		return v;
	} else {
		uint32_t v;

		memcpy(&v, (const char *)page + 8, sizeof(v));
		return v;
	}
}

static uint32_t read_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * One record at @data[*at] of the @size bytes of events: moves *at past it
 * and *ts by its delta. Returns 1 and its payload in @ret_payload and
 * @ret_len for a data record, 0 for the others, -EBADMSG when it runs past
 * @size.
 */
static int next_record(const unsigned char *data, size_t size, size_t *at, uint64_t *ts,
		       const unsigned char **ret_payload, size_t *ret_len)
{
	size_t pos = *at, len;
	uint32_t header, type_len, word = 0;

	if (size - pos < 4)
		return -EBADMSG;
	header = read_u32(data + pos);
	type_len = header & 31;
	pos += 4;
	if (type_len >= TYPE_PADDING || type_len == 0) {
		if (size - pos < 4)
			return -EBADMSG;
		word = read_u32(data + pos);
	}
	if (type_len == TYPE_TIME_EXTEND || type_len == TYPE_TIME_STAMP) {
		uint64_t v = (uint64_t)word << TS_SHIFT | header >> 5;

		*ts = type_len == TYPE_TIME_STAMP ? v | (*ts & TS_MSB) : *ts + v;
		*at = pos + 4;
		return 0;
	}
	*ts += header >> 5;
	if (type_len == TYPE_PADDING) {
		len = word;
	} else if (type_len == 0) {
		/* The length counts its own 4 bytes; the data is 4-byte aligned. */
		pos += 4;
		len = word < 4 ? 0 : ((size_t)word - 4 + 3) & ~(size_t)3;
	} else {
		len = (size_t)type_len * 4;
	}
	if (len > size - pos)
		return -EBADMSG;
	*at = pos + len;
	*ret_payload = data + pos;
	*ret_len = len;
	return type_len <= TYPE_DATA_MAX;
}

int xc_page_scan(struct xc_page_scanner *s, void *page, struct xc_page_info *ret)
{
	struct xc_page_info info = {};
	uint64_t commit = page_commit(s, page);
	size_t header = 8 + s->fmt.long_size, at = 0;
	const unsigned char *data = (const unsigned char *)page + header;
	uint64_t ts;
	int r;

	info.data_len = commit & COMMIT_MASK;
	info.missed = commit & COMMIT_MISSED;
	if (info.data_len > s->fmt.page_size - header)
		return -EBADMSG;
	memcpy(&ts, page, sizeof(ts));
	info.first_ts = info.last_ts = ts;
	while (at < info.data_len) {
		const unsigned char *payload;
		size_t len;

		r = next_record(data, info.data_len, &at, &ts, &payload, &len);
		if (r < 0)
			break; /* a damaged tail: what came before stands */
		if (r == 0)
			continue;
		if (info.events++ == 0)
			info.first_ts = ts;
		info.last_ts = ts;
		r = check_anchor(s, payload, (int)len, ts);
		if (r < 0)
			return r;
	}
	*ret = info;
	return 0;
}
