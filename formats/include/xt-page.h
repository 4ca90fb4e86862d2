/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xt-page.h - encoding ring-buffer sub-buffers ("pages") exactly as the
 * kernel lays them out, for the fixture generator, tests and exports.
 *
 * Page: u64 timestamp of the first event, u64 commit (bytes of event data;
 * bit 31 = events were missed before this page, bit 30 = the missed count
 * is stored after the data), then events. Each event: a u32 header
 * (type_len:5, time_delta:27), with type_len 1..28 = data of type_len*4
 * bytes, 0 = u32 length+4 then data, 30 = time extend, 31 = absolute time
 * stamp, 29 = padding. The layout follows events/header_page of a 64-bit
 * little-endian kernel.
 */
#ifndef XT_PAGE_H
#define XT_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XT_PAGE_HEADER_SIZE 16u

struct xt_page_builder;

/* A builder of @page_size-byte pages (4096 on most kernels). Free with xt_page_builder_free(). */
int xt_page_builder_new(size_t page_size, struct xt_page_builder **ret);
void xt_page_builder_free(struct xt_page_builder *b);

/*
 * Appends an event of @len bytes (starting with common_type) at absolute
 * timestamp @ts (never lower than the previous one; deltas too large for 27
 * bits get a time-extend record). Returns 0, -ENOSPC when it does not fit
 * in this page (take the page and reset, then add again), -EINVAL when it
 * can never fit or @ts goes backwards.
 */
int xt_page_builder_add(struct xt_page_builder *b, uint64_t ts, const void *data, size_t len);

/* Marks the page as following @missed lost events (XT_LOST_UNKNOWN: not counted). */
void xt_page_builder_set_missed(struct xt_page_builder *b, uint64_t missed);

/* Number of events in the page so far. */
unsigned xt_page_builder_count(const struct xt_page_builder *b);

/* Timestamp of the first and last event added (0 when empty). */
uint64_t xt_page_builder_first_ts(const struct xt_page_builder *b);
uint64_t xt_page_builder_last_ts(const struct xt_page_builder *b);

/*
 * The finished page: page_size bytes, zero-filled past the commit.
 * Borrowed until the next call on @b.
 */
const void *xt_page_builder_page(struct xt_page_builder *b);

/* Starts a new, empty page. */
void xt_page_builder_reset(struct xt_page_builder *b);

#endif
