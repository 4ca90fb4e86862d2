/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merged-stream.c - reads the record stream of a multi-merge directory in
 * the layout its xtrace.meta names. Every size in a record is checked
 * against what the frame holds (merged-record.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "dump-private.h"
#include "merged-record.h"
#include "meta.h"
#include "xt-merged.h"

struct merged_stream {
	struct xt_stream base;
	struct xt_frame_reader *frames;
	struct merged_decoder dec; /* over the current frame, borrowed from the reader */
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

/* Decodes the next record of the frame: 1, 0 when the rest of the frame is done or unusable. */
static int decode_record(struct merged_stream *s, struct xt_event *ret)
{
	const char *why = NULL;
	int r = merged_decoder_next(&s->dec, ret, &why);

	if (r > 0 && ret->system > UINT32_MAX - s->system_base) {
		why = "merged record names an impossible system";
		r = -EBADMSG;
	}
	if (r < 0) {
		report_bad_record(s, why);
		s->dec.len = 0;
		return 0;
	}
	if (r > 0)
		ret->system += s->system_base;
	return r;
}

static int merged_stream_next(struct xt_stream *base, struct xt_event *ret)
{
	struct merged_stream *s = (struct merged_stream *)base;

	for (;;) {
		if (decode_record(s, ret))
			return 1;

		const struct xt_frame_header *h;
		const void *payload;
		int r = xt_frame_reader_next(s->frames, &h, &payload);

		if (r <= 0)
			return r;
		merged_decoder_frame(&s->dec, payload, h->raw_size, h->first_ts);
		s->frame_offset = xt_frame_reader_offset(s->frames);
	}
}

static int merged_stream_seek(struct xt_stream *base, uint64_t tod)
{
	struct merged_stream *s = (struct merged_stream *)base;

	merged_decoder_frame(&s->dec, NULL, 0, 0);
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
	merged_decoder_fini(&s->dec);
	free(s->path);
	free(s);
}

static const struct xt_stream_ops merged_stream_ops = {
	.next = merged_stream_next,
	.free = merged_stream_free,
	.seek = merged_stream_seek,
	.frames_decompressed = merged_stream_frames,
};

/* Prepares the decoder for the layout and the systems that @dir's xtrace.meta names. */
static int init_decoder(struct merged_stream *s, const char *dir)
{
	_cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct xt_meta *meta;
	uint64_t systems;
	unsigned version;
	int r;

	if (dirfd < 0)
		return -errno;
	r = xt_meta_load(dirfd, XT_META_FILE, NULL, 0, &meta);
	if (r < 0)
		return r;
	r = merged_meta_version(meta, XT_META_FILE, NULL, 0, &version);
	if (r >= 0)
		r = xt_meta_get_u64(meta, "systems", XT_META_FILE, NULL, 0, &systems);
	xt_meta_free(meta);
	if (r >= 0 && systems > XT_MAX_CPUS)
		r = -EBADMSG;
	return r < 0 ? r : merged_decoder_init(&s->dec, version, (uint32_t)systems);
}

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
	r = init_decoder(s, dir);
	if (r < 0) {
		merged_stream_free(&s->base);
		return r;
	}
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
