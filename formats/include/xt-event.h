/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xt-event.h - events in time order: per-CPU streams, the k-way merge and
 * the source (several dumps and merged dirs opened as one stream).
 */
#ifndef XT_EVENT_H
#define XT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xt-diag.h"
#include "xt-dump.h"

enum xt_event_kind {
	XT_EVENT_RECORD = 0, /* a ring-buffer event: data/size hold its bytes */
	XT_EVENT_LOST = 1,   /* the kernel lost events here: @lost says how many */
};

struct xt_event {
	uint64_t tod;     /* ns since the epoch, UTC */
	uint64_t ts;      /* raw timestamp in the recording's trace clock */
	const void *data; /* event bytes, starting with common_type; borrowed until the next call */
	uint32_t size;    /* bytes at @data */
	uint32_t kind;    /* enum xt_event_kind */
	uint32_t system;  /* index of the system in the source / merge */
	uint32_t cpu;     /* CPU of that system */
	uint64_t lost;    /* XT_EVENT_LOST: count, or XT_LOST_UNKNOWN */
};

/* A time-ordered sequence of events (one CPU of a dump, or a merged stream). */
struct xt_stream;

struct xt_stream_ops {
	/* 1 and *ret filled, 0 at the end, negative errno on failure. */
	int (*next)(struct xt_stream *s, struct xt_event *ret);
	void (*free)(struct xt_stream *s);
	/*
	 * Optional. Repositions the stream, forward or backward, so that what
	 * it returns next includes every event with TOD >= @tod; it may return
	 * some earlier events first (xt_merge_seek() drops them). 0 or negative errno.
	 */
	int (*seek)(struct xt_stream *s, uint64_t tod);
	/* Optional. Frames decompressed so far. */
	uint64_t (*frames_decompressed)(const struct xt_stream *s);
};

struct xt_stream {
	const struct xt_stream_ops *ops;
};

static inline int xt_stream_next(struct xt_stream *s, struct xt_event *ret)
{
	return s->ops->next(s, ret);
}

static inline void xt_stream_free(struct xt_stream *s)
{
	if (s)
		s->ops->free(s);
}

/*
 * The events of one CPU of @d in recorded order, labelled with @system.
 * Pages are decoded with kbuffer from the dump's header_page. Damage is
 * reported through @diag (may be NULL) and skipped. @d must outlive the
 * stream. Free with xt_stream_free().
 */
int xt_cpu_stream_new(struct xt_dump *d, unsigned cpu, uint32_t system, xt_diag_fn diag,
		      void *userdata, struct xt_stream **ret);

/*
 * K-way merge of @n streams by (tod, system, cpu), stable within a stream.
 * A binary heap: O(log n) per event, memory O(n). Takes ownership of the
 * streams (also on failure). Free with xt_merge_free().
 */
struct xt_merge;
int xt_merge_new(struct xt_stream **streams, unsigned n, struct xt_merge **ret);
/* 1 and *ret filled (data borrowed until the next call), 0 at the end, negative errno. */
int xt_merge_next(struct xt_merge *m, struct xt_event *ret);
void xt_merge_free(struct xt_merge *m);

/*
 * Positions every stream at its first event with TOD >= @tod (forward or
 * backward) and restarts the merge there. 0, -EOPNOTSUPP when a stream
 * cannot seek, or another negative errno from a stream.
 */
int xt_merge_seek(struct xt_merge *m, uint64_t tod);

/* Frames the streams decompressed so far (streams that do not count add 0). */
uint64_t xt_merge_frames_decompressed(const struct xt_merge *m);

/*
 * A correction of a system's time of day: an event at @tod is placed at
 * tod + offset_ns + (tod - ref_tod) * drift_ppb / 10^9.
 */
struct xt_tod_adjust {
	int64_t offset_ns;
	int64_t drift_ppb; /* rate correction, |drift_ppb| < XT_MAX_DRIFT_PPB */
	uint64_t ref_tod;  /* where the drift adds nothing */
};

#define XT_MAX_DRIFT_PPB 10000000 /* 1 %: no working clock is further off */

/* The corrected TOD of @tod (saturating at 0 and UINT64_MAX). */
uint64_t xt_tod_adjust_apply(const struct xt_tod_adjust *a, uint64_t tod);

/*
 * Wraps @inner so that every TOD it returns is corrected by @adj (copied).
 * Takes ownership of @inner (also on failure). -EINVAL for a drift out of
 * range. Free with xt_stream_free().
 */
int xt_adjust_stream_new(struct xt_stream *inner, const struct xt_tod_adjust *adj,
			 struct xt_stream **ret);

/*
 * A source: any mix of dump directories and merged directories opened as
 * one time-ordered stream. Systems are numbered in the order met: a dump is
 * one system, a merged dir contributes all of its systems.
 */
struct xt_source;

/*
 * Opens @n paths. Fails with -EMEDIUMTYPE when a dump's clock cannot be
 * placed on TOD, with -ENOENT/-EBADMSG/-EPROTONOSUPPORT as xt_dump_open().
 * On failure a one-line reason naming the path at fault is written to @why
 * (@why_len bytes, may be 0). Free with xt_source_free().
 */
int xt_source_open(const char *const *paths, unsigned n, xt_diag_fn diag, void *userdata,
		   char *why, size_t why_len, struct xt_source **ret);

/* One input of xt_source_open_inputs(). */
struct xt_source_input {
	const char *path;    /* dump or merged directory */
	const char *name;    /* shown instead of the system's host name; NULL: keep it */
	struct xt_tod_adjust adjust; /* all zero: none; ref_tod 0: the input's first event */
};

/*
 * As xt_source_open(), with a name and a TOD correction per input. A name
 * given to a merged directory holding more than one system is -EINVAL.
 * Strings of @in are borrowed: they must outlive the source.
 */
int xt_source_open_inputs(const struct xt_source_input *in, unsigned n, xt_diag_fn diag,
			  void *userdata, char *why, size_t why_len, struct xt_source **ret);

unsigned xt_source_system_count(const struct xt_source *s);

/* The name of system @i: its input's name, else its host name. Borrowed. */
const char *xt_source_system_name(const struct xt_source *s, unsigned i);

/* The index of the input system @i came from (UINT_MAX for no such system). */
unsigned xt_source_system_input(const struct xt_source *s, unsigned i);

/* The TOD correction applied to system @i (all zero when none). Borrowed. */
const struct xt_tod_adjust *xt_source_system_adjust(const struct xt_source *s, unsigned i);

/* System @i: metadata, formats and clock. Borrowed: lives as long as the source. */
struct xt_dump *xt_source_system(const struct xt_source *s, unsigned i);

/* The next event of all systems in TOD order: 1, 0 at the end, negative errno. */
int xt_source_next(struct xt_source *s, struct xt_event *ret);

/*
 * Positions every stream of @s at its first event with TOD >= @tod, forward
 * or backward: the next xt_source_next() returns the earliest of them.
 * Frames lying wholly before @tod are skipped by their headers, without
 * being decompressed. Returns 0 or a negative errno.
 */
int xt_source_seek(struct xt_source *s, uint64_t tod);

/*
 * From now on a thread of @s decompresses ahead the next frame of the dump
 * stream whose current frame ends first, one frame at a time (memory: one
 * frame more), while the caller goes on merging: for long sequential reads
 * such as xtrace-multi-merge. Reports of damage still reach the diag in
 * the caller's thread. 0, -ENOMEM, or -EAGAIN when no thread can start
 * (@s then reads inline as before).
 */
int xt_source_prefetch(struct xt_source *s);

/* Data frames decompressed so far by all streams of @s. */
uint64_t xt_source_frames_decompressed(const struct xt_source *s);

void xt_source_free(struct xt_source *s);

#endif
