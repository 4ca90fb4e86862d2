/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merge-heap.c - k-way merge of time-ordered event streams.
 *
 * Each stream keeps its current (peeked) event in a slot; a binary min-heap
 * of (tod, system/cpu/slot key) entries orders them by (tod, system, cpu,
 * slot), the keys kept inline so that comparisons stay in one array. Returning an
 * event leaves its slot at the top; the next call advances that stream and
 * sifts it down, so the returned event's bytes stay valid until then.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "xt-event.h"

struct merge_slot {
	struct xt_stream *stream;
	struct xt_event head;
};

/* Ties on TOD are broken by system, then CPU, then slot, packed in one word. */
#define SLOT_BITS 24
#define FIELD_BITS 20
#define SLOT_MASK ((1ull << SLOT_BITS) - 1)
#define FIELD_MAX ((1u << FIELD_BITS) - 1)

/* tod in the high half, then the tie word: one integer comparison orders entries. */
struct heap_entry {
	unsigned __int128 key; /* tod << 64 | system << 44 | cpu << 24 | slot (saturated) */
};

struct xt_merge {
	struct merge_slot *slots;
	unsigned nr_streams;
	struct heap_entry *heap; /* heap[0] is the earliest head */
	unsigned heap_len;
	bool top_taken; /* heap[0]'s head was returned and must be advanced */
};

static struct heap_entry entry_of(const struct xt_merge *m, unsigned slot)
{
	const struct xt_event *e = &m->slots[slot].head;
	uint64_t system = e->system < FIELD_MAX ? e->system : FIELD_MAX;
	uint64_t cpu = e->cpu < FIELD_MAX ? e->cpu : FIELD_MAX;
	uint64_t tie = system << (SLOT_BITS + FIELD_BITS) | cpu << SLOT_BITS | slot;

	return (struct heap_entry){ .key = (unsigned __int128)e->tod << 64 | tie };
}

static unsigned slot_of(const struct heap_entry *e)
{
	return (unsigned)((uint64_t)e->key & SLOT_MASK);
}

/*
 * Moves the entry at @i down to its place: the smaller child moves up into
 * the hole until the entry is no larger (the choices compile without branches).
 */
static void sift_down(struct xt_merge *m, unsigned i)
{
	struct heap_entry *h = m->heap;
	struct heap_entry x = h[i];
	unsigned n = m->heap_len;

	for (;;) {
		unsigned c = 2 * i + 1;

		if (c >= n)
			break;
		c += c + 1 < n && h[c + 1].key < h[c].key;
		if (!(h[c].key < x.key))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

/* Advances the stream at heap position 0: re-sorts it, or drops it at its end. */
static int advance_top(struct xt_merge *m)
{
	unsigned slot = slot_of(&m->heap[0]);
	int r = xt_stream_next(m->slots[slot].stream, &m->slots[slot].head);

	if (r < 0)
		return r;
	if (r == 0)
		m->heap[0] = m->heap[--m->heap_len];
	else
		m->heap[0] = entry_of(m, slot);
	sift_down(m, 0);
	return 0;
}

int xt_merge_new(struct xt_stream **streams, unsigned n, struct xt_merge **ret)
{
	struct xt_merge *m = calloc(1, sizeof(*m));
	int r = -ENOMEM;

	if (!m)
		goto fail_streams;
	if (n > SLOT_MASK) {
		r = -E2BIG;
		goto fail_merge;
	}
	m->slots = calloc(n ? n : 1, sizeof(*m->slots));
	m->heap = calloc(n ? n : 1, sizeof(*m->heap));
	if (!m->slots || !m->heap)
		goto fail_merge;
	m->nr_streams = n;
	for (unsigned i = 0; i < n; i++)
		m->slots[i].stream = streams[i];
	for (unsigned i = 0; i < n; i++) {
		r = xt_stream_next(streams[i], &m->slots[i].head);
		if (r < 0)
			goto fail_owned;
		if (r > 0)
			m->heap[m->heap_len++] = entry_of(m, i);
	}
	for (unsigned i = m->heap_len / 2; i-- > 0;)
		sift_down(m, i);
	*ret = m;
	return 0;

fail_owned:
	xt_merge_free(m);
	return r;
fail_merge:
	free(m->slots);
	free(m->heap);
	free(m);
fail_streams:
	for (unsigned i = 0; i < n; i++)
		xt_stream_free(streams[i]);
	return r;
}

int xt_merge_next(struct xt_merge *m, struct xt_event *ret)
{
	if (m->top_taken) {
		int r = advance_top(m);

		m->top_taken = false;
		if (r < 0)
			return r;
	}
	if (m->heap_len == 0)
		return 0;
	*ret = m->slots[slot_of(&m->heap[0])].head;
	m->top_taken = true;
	return 1;
}

/* Seeks the stream of @slot and fills its head: 1, 0 when it has nothing at or after @tod. */
static int seek_slot(struct xt_merge *m, unsigned slot, uint64_t tod)
{
	struct merge_slot *s = &m->slots[slot];
	int r;

	if (!s->stream->ops->seek)
		return -EOPNOTSUPP;
	r = s->stream->ops->seek(s->stream, tod);
	if (r < 0)
		return r;
	do
		r = xt_stream_next(s->stream, &s->head);
	while (r > 0 && s->head.tod < tod);
	return r;
}

int xt_merge_seek(struct xt_merge *m, uint64_t tod)
{
	m->heap_len = 0;
	m->top_taken = false;
	for (unsigned i = 0; i < m->nr_streams; i++) {
		int r = seek_slot(m, i, tod);

		if (r < 0)
			return r;
		if (r > 0)
			m->heap[m->heap_len++] = entry_of(m, i);
	}
	for (unsigned i = m->heap_len / 2; i-- > 0;)
		sift_down(m, i);
	return 0;
}

uint64_t xt_merge_frames_decompressed(const struct xt_merge *m)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < m->nr_streams; i++) {
		const struct xt_stream *s = m->slots[i].stream;

		if (s->ops->frames_decompressed)
			n += s->ops->frames_decompressed(s);
	}
	return n;
}

void xt_merge_free(struct xt_merge *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->nr_streams; i++)
		xt_stream_free(m->slots[i].stream);
	free(m->slots);
	free(m->heap);
	free(m);
}
