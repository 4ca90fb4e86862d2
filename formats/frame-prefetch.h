/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * frame-prefetch.h - decompresses the next frame of one reader in a thread
 * while the caller decodes the frames it has (private to libxtrace).
 *
 * Readers register as clients. After each frame a client starts, the
 * caller names when its current frame ends (TOD of its last unit); the
 * thread then reads ahead the next frame of the client whose frame ends
 * first, one frame at a time, so memory grows by one frame buffer whatever
 * the number of readers. Damage the reader reports meanwhile is held and
 * handed to the client's diag when the client takes the frame, in the
 * caller's thread.
 */
#ifndef XT_FRAME_PREFETCH_H
#define XT_FRAME_PREFETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "xt-frame.h"

struct frame_prefetch;
struct prefetch_client;
struct xt_stream;

/* Starts the thread. 0, -ENOMEM or -EAGAIN. Free with frame_prefetch_free() after its clients. */
int frame_prefetch_new(struct frame_prefetch **ret);
void frame_prefetch_free(struct frame_prefetch *p);

/*
 * Opens the data file @path as a client reading inline until attached;
 * damage goes to @diag/@userdata with @cpu. 0 or a negative errno as
 * xt_frame_reader_open(). Free with prefetch_client_free().
 */
int prefetch_client_open(const char *path, uint32_t cpu, xt_diag_fn diag, void *userdata,
			 struct prefetch_client **ret);

/* Unregisters the client (waiting for a frame in flight for it) and frees it. Accepts NULL. */
void prefetch_client_free(struct prefetch_client *c);

/* From now on @p may read ahead for the client. 0 or -ENOMEM. */
int prefetch_client_attach(struct prefetch_client *c, struct frame_prefetch *p);

/*
 * As xt_frame_reader_next() on the client's reader: takes the frame read
 * ahead when there is one (waiting for it when in flight), else reads
 * inline. The frame stays valid until the next call.
 */
int prefetch_client_next(struct prefetch_client *c, const struct xt_frame_header **ret_header,
			 const void **ret_payload);

/* The client's current frame ends at @end_tod: it may be read ahead now. */
void prefetch_client_started(struct prefetch_client *c, uint64_t end_tod);

/*
 * The client's reader, for seeks and counters: waits for a frame in flight
 * and, with @drop, forgets a frame read ahead and the current frame.
 */
struct xt_frame_reader *prefetch_client_reader(struct prefetch_client *c, bool drop);

/* Attaches the reader of a stream made by xt_cpu_stream_new() to @p. 0 or -ENOMEM. */
int cpu_stream_attach_prefetch(struct xt_stream *cpu_stream, struct frame_prefetch *p);

#endif
