/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * page-scan.c - what one ring-buffer page holds: its event count, first and
 * last timestamps (for the frame header) and the anchor markers in it. The
 * page itself is stored unmodified; this only reads it, with kbuffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/kbuffer.h>

#include "xcollect.h"

#define COMMIT_MASK ((1ull << 27) - 1)
#define COMMIT_MISSED (1ull << 31)

struct xc_page_scanner {
	struct xc_trace_format fmt;
	struct kbuffer *kbuf;
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
	s->kbuf = kbuffer_alloc(fmt->long_size == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
				KBUFFER_ENDIAN_SAME_AS_HOST);
	if (!s->kbuf) {
		free(s);
		return -ENOMEM;
	}
	s->fmt = *fmt;
	s->anchor_pid = anchor_pid;
	s->fn = fn;
	s->userdata = userdata;
	*ret = s;
	return 0;
}

void xc_page_scanner_free(struct xc_page_scanner *s)
{
	if (!s)
		return;
	kbuffer_free(s->kbuf);
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

int xc_page_scan(struct xc_page_scanner *s, void *page, struct xc_page_info *ret)
{
	struct xc_page_info info = {};
	uint64_t commit = page_commit(s, page);
	size_t header = 8 + s->fmt.long_size;
	unsigned long long ts;
	void *data;
	int r;

	info.data_len = commit & COMMIT_MASK;
	info.missed = commit & COMMIT_MISSED;
	if (info.data_len > s->fmt.page_size - header)
		return -EBADMSG;
	memcpy(&info.first_ts, page, sizeof(info.first_ts));
	info.last_ts = info.first_ts;
	if (kbuffer_load_subbuffer(s->kbuf, page) < 0)
		return -EBADMSG;
	for (data = kbuffer_read_event(s->kbuf, &ts); data; data = kbuffer_next_event(s->kbuf, &ts)) {
		if (info.events++ == 0)
			info.first_ts = ts;
		info.last_ts = ts;
		r = check_anchor(s, data, kbuffer_event_size(s->kbuf), ts);
		if (r < 0)
			return r;
	}
	*ret = info;
	return 0;
}
