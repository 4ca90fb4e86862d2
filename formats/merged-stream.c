/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merged-stream.c - reads the record stream of a multi-merge directory.
 * Every size in a record is checked against what the frame holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "merged-record.h"
#include "xt-merged.h"

struct merged_stream {
	struct xt_stream base;
	struct xt_frame_reader *frames;
	const unsigned char *payload; /* current frame, borrowed from the reader */
	size_t payload_len, pos;
	uint64_t frame_offset;
	uint32_t system_base;
	xt_diag_fn diag;
	void *userdata;
	char *path;
};

static void report_bad_record(struct merged_stream *s, const char *detail)
{
	struct xt_diag d = {
		.kind = XT_DIAG_CORRUPT_FRAME,
		.path = s->path,
		.cpu = XT_FRAME_CPU_MERGED,
		.offset = s->frame_offset,
		.detail = detail,
	};

	if (s->diag)
		s->diag(&d, s->userdata);
}

/* Decodes the record at s->pos; 1 on success, 0 when the rest of the frame is unusable. */
static int decode_record(struct merged_stream *s, struct xt_event *ret)
{
	struct merged_record rec;
	size_t left = s->payload_len - s->pos;

	if (left < sizeof(rec)) {
		report_bad_record(s, "merged frame ends inside a record header");
		return 0;
	}
	memcpy(&rec, s->payload + s->pos, sizeof(rec));
	if (rec.size > MERGED_RECORD_MAX_PAYLOAD ||
	    merged_record_padded(rec.size) > left - sizeof(rec)) {
		report_bad_record(s, "merged record size runs past its frame");
		return 0;
	}
	if (rec.kind != XT_EVENT_RECORD && rec.kind != XT_EVENT_LOST) {
		report_bad_record(s, "merged record of unknown kind");
		return 0;
	}
	if (rec.kind == XT_EVENT_LOST && rec.size != sizeof(uint64_t)) {
		report_bad_record(s, "lost-events record without its count");
		return 0;
	}
	if (rec.system > UINT32_MAX - s->system_base) {
		report_bad_record(s, "merged record names an impossible system");
		return 0;
	}
	*ret = (struct xt_event){
		.tod = rec.tod,
		.ts = rec.ts,
		.data = s->payload + s->pos + sizeof(rec),
		.size = rec.size,
		.kind = rec.kind,
		.system = rec.system + s->system_base,
		.cpu = rec.cpu,
	};
	if (rec.kind == XT_EVENT_LOST) {
		memcpy(&ret->lost, ret->data, sizeof(ret->lost));
		ret->data = NULL;
		ret->size = 0;
	}
	s->pos += sizeof(rec) + merged_record_padded(rec.size);
	return 1;
}

static int merged_stream_next(struct xt_stream *base, struct xt_event *ret)
{
	struct merged_stream *s = (struct merged_stream *)base;

	for (;;) {
		if (s->pos < s->payload_len && decode_record(s, ret))
			return 1;

		const struct xt_frame_header *h;
		const void *payload;
		int r = xt_frame_reader_next(s->frames, &h, &payload);

		if (r <= 0)
			return r;
		s->payload = payload;
		s->payload_len = h->raw_size;
		s->pos = 0;
		s->frame_offset = xt_frame_reader_offset(s->frames);
	}
}

static int merged_stream_seek(struct xt_stream *base, uint64_t tod)
{
	struct merged_stream *s = (struct merged_stream *)base;

	s->payload_len = 0;
	s->pos = 0;
	return xt_frame_reader_seek(s->frames, tod);
}

static uint64_t merged_stream_frames(const struct xt_stream *base)
{
	const struct merged_stream *s = (const struct merged_stream *)base;

	return xt_frame_reader_decompressed(s->frames);
}

static void merged_stream_free(struct xt_stream *base)
{
	struct merged_stream *s = (struct merged_stream *)base;

	xt_frame_reader_free(s->frames);
	free(s->path);
	free(s);
}

static const struct xt_stream_ops merged_stream_ops = {
	.next = merged_stream_next,
	.free = merged_stream_free,
	.seek = merged_stream_seek,
	.frames_decompressed = merged_stream_frames,
};

int xt_merged_stream_new(const char *dir, uint32_t system_base, xt_diag_fn diag, void *userdata,
			 struct xt_stream **ret)
{
	struct merged_stream *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->base.ops = &merged_stream_ops;
	s->system_base = system_base;
	s->diag = diag;
	s->userdata = userdata;
	if (asprintf(&s->path, "%s/%s", dir, XT_MERGED_STREAM_FILE) < 0) {
		s->path = NULL;
		merged_stream_free(&s->base);
		return -ENOMEM;
	}
	r = xt_frame_reader_open(s->path, XT_FRAME_CPU_MERGED, diag, userdata, &s->frames);
	if (r < 0) {
		merged_stream_free(&s->base);
		return r;
	}
	*ret = &s->base;
	return 0;
}
