/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * adjust-stream.c - a stream whose TODs are corrected by an offset and a
 * drift: tod + offset + (tod - ref) * drift_ppb / 10^9. The correction is
 * strictly increasing (drift above -10^9 ppb), so the order is kept; a seek
 * maps the target back to the inner stream's time, a little early (the
 * merge drops what comes before the target).
 */
#include <errno.h>
#include <stdlib.h>

#include "xt-event.h"

__extension__ typedef __int128 i128;

#define PPB 1000000000
#define SEEK_MARGIN_NS 1000

struct adjust_stream {
	struct xt_stream base;
	struct xt_stream *inner;
	struct xt_tod_adjust adj;
};

static uint64_t clamp_tod(i128 v)
{
	if (v < 0)
		return 0;
	if (v > (i128)UINT64_MAX)
		return UINT64_MAX;
	return (uint64_t)v;
}

uint64_t xt_tod_adjust_apply(const struct xt_tod_adjust *a, uint64_t tod)
{
	i128 d = (i128)tod - a->ref_tod;

	return clamp_tod((i128)tod + a->offset_ns + d * a->drift_ppb / PPB);
}

/* A TOD of the inner stream at or a little before the one @adjusted came from. */
static uint64_t unapply(const struct xt_tod_adjust *a, uint64_t adjusted)
{
	/* adjusted - ref - offset = (tod - ref) * (10^9 + drift) / 10^9 */
	i128 d = ((i128)adjusted - a->ref_tod - a->offset_ns) * PPB / (PPB + a->drift_ppb);

	return clamp_tod((i128)a->ref_tod + d - SEEK_MARGIN_NS);
}

static int adjust_next(struct xt_stream *base, struct xt_event *ret)
{
	struct adjust_stream *s = (struct adjust_stream *)base;
	int r = xt_stream_next(s->inner, ret);

	if (r > 0)
		ret->tod = xt_tod_adjust_apply(&s->adj, ret->tod);
	return r;
}

static int adjust_seek(struct xt_stream *base, uint64_t tod)
{
	struct adjust_stream *s = (struct adjust_stream *)base;

	if (!s->inner->ops->seek)
		return -EOPNOTSUPP;
	return s->inner->ops->seek(s->inner, unapply(&s->adj, tod));
}

static uint64_t adjust_frames(const struct xt_stream *base)
{
	const struct adjust_stream *s = (const struct adjust_stream *)base;

	return s->inner->ops->frames_decompressed ? s->inner->ops->frames_decompressed(s->inner)
						  : 0;
}

static void adjust_free(struct xt_stream *base)
{
	struct adjust_stream *s = (struct adjust_stream *)base;

	xt_stream_free(s->inner);
	free(s);
}

static const struct xt_stream_ops adjust_ops = {
	.next = adjust_next,
	.free = adjust_free,
	.seek = adjust_seek,
	.frames_decompressed = adjust_frames,
};

int xt_adjust_stream_new(struct xt_stream *inner, const struct xt_tod_adjust *adj,
			 struct xt_stream **ret)
{
	struct adjust_stream *s;

	if (adj->drift_ppb <= -XT_MAX_DRIFT_PPB || adj->drift_ppb >= XT_MAX_DRIFT_PPB) {
		xt_stream_free(inner);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		xt_stream_free(inner);
		return -ENOMEM;
	}
	s->base.ops = &adjust_ops;
	s->inner = inner;
	s->adj = *adj;
	*ret = &s->base;
	return 0;
}
