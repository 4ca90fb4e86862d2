/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpu-stream.c - the events of one CPU of a dump, in recorded order.
 *
 * Frames of cpuN.xtd hold whole ring-buffer pages; pages are decoded with
 * kbuffer from the dump's header_page. kbuffer trusts the page it is given
 * (it reads wherever the commit and event lengths point), so every page is
 * walked here first: a commit beyond the page or an event running past the
 * commit is reported as a bad page, and only the well-formed prefix of the
 * page (copied with its commit cut) reaches kbuffer. A page flagged with
 * missed events yields one XT_EVENT_LOST before its first event.
 *
 * The hot path allocates nothing: event data points into the frame
 * reader's payload buffer (or the scratch page) until the next call.
 * Frames come through a prefetch client (frame-prefetch.c): read inline,
 * or ahead by the source's thread once xt_source_prefetch() is called.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>

#include "dump-private.h"
#include "frame-prefetch.h"
#include "frame-private.h"
#include "xt-event.h"

#define COMMIT_MASK ((1u << 27) - 1)
#define MISSED_EVENTS (1ull << 31)
#define MISSED_STORED (1ull << 30)
#define TYPE_PADDING 29u
#define TYPE_TIME_EXTEND 30u
#define TYPE_TIME_STAMP 31u

struct cpu_stream {
	struct xt_stream base;
	struct prefetch_client *frames;
	struct kbuffer *kbuf;
	const struct xt_clock *clock;
	char *path;
	xt_diag_fn diag;
	void *userdata;
	uint32_t system;
	uint32_t cpu;
	size_t page_size;
	unsigned long_size;
	const uint8_t *pages; /* payload of the current frame */
	uint32_t npages;
	uint32_t next_page;
	uint64_t frame_offset;
	bool in_page;         /* kbuf holds a page with events left */
	bool lost_pending;    /* an XT_EVENT_LOST is due before the page's events */
	uint64_t lost;
	uint64_t page_ts;
	uint8_t *scratch;     /* a malformed page cut to its valid prefix */
	char detail[192];
};

/* What walking a page found. */
struct page_check {
	uint64_t commit_word;
	size_t valid;    /* bytes of well-formed event data */
	bool bad;        /* damage found (detail written) */
	bool missed;     /* events were lost before this page */
	uint64_t lost;   /* how many, or XT_LOST_UNKNOWN */
};

static void report(struct cpu_stream *s, enum xt_diag_kind kind, uint64_t count)
{
	struct xt_diag d = {
		.kind = kind,
		.path = s->path,
		.cpu = s->cpu,
		.offset = s->frame_offset,
		.count = count,
		.detail = s->detail,
	};

	if (s->diag)
		s->diag(&d, s->userdata);
}

static uint64_t read_long(const struct cpu_stream *s, const uint8_t *p)
{
	return s->long_size == 8 ? xt_get_le64(p) : xt_get_le32(p);
}

/*
 * The end of the record at @off of the @commit bytes at @data, as kbuffer
 * computes it, or 0 when the record does not fit in @commit.
 */
static size_t record_end(const uint8_t *data, size_t off, size_t commit)
{
	uint32_t type_len = xt_get_le32(data + off) & 31u;
	uint64_t end;

	if (type_len >= 1 && type_len <= 28)
		end = off + 4 + 4 * (uint64_t)type_len;
	else if (off + 8 > commit)
		return 0; /* the other records all read a second word */
	else if (type_len == TYPE_PADDING && xt_get_le32(data + off + 4) >= 1u << 31)
		return 0; /* kbuffer takes the length as an int: it would walk backwards */
	else if (type_len == TYPE_PADDING)
		end = off + 4 + (uint64_t)xt_get_le32(data + off + 4);
	else if (type_len == TYPE_TIME_EXTEND || type_len == TYPE_TIME_STAMP)
		end = off + 8;
	else if (xt_get_le32(data + off + 4) < 8)
		return 0; /* type_len 0: a length word covering less than one data word */
	else
		end = off + 8 + (((uint64_t)xt_get_le32(data + off + 4) - 4 + 3) & ~3ull);
	/* padding may claim the rest of the page: kbuffer stops at the commit */
	if (type_len == TYPE_PADDING && end > commit)
		return commit;
	return end <= commit ? (size_t)end : 0;
}

static void check_page(struct cpu_stream *s, const uint8_t *page, struct page_check *ret)
{
	size_t hdr = 8 + s->long_size, data_size = s->page_size - hdr;
	const uint8_t *data = page + hdr;
	size_t commit, off = 0;

	*ret = (struct page_check){ .commit_word = read_long(s, page + 8) };
	commit = ret->commit_word & COMMIT_MASK;
	if (ret->commit_word & MISSED_EVENTS) {
		ret->missed = true;
		ret->lost = XT_LOST_UNKNOWN;
	}
	if (commit > data_size) {
		snprintf(s->detail, sizeof(s->detail),
			 "page %u: commit %zu exceeds the %zu bytes of a page; page skipped",
			 s->next_page, commit, data_size);
		ret->bad = true;
		return;
	}
	if (ret->missed && (ret->commit_word & MISSED_STORED)) {
		if (commit + s->long_size <= data_size) {
			ret->lost = read_long(s, data + commit);
		} else {
			snprintf(s->detail, sizeof(s->detail),
				 "page %u: missed-events count stored past the page", s->next_page);
			ret->bad = true;
		}
	}
	while (off < commit) {
		size_t end = off + 4 <= commit ? record_end(data, off, commit) : 0;

		if (end == 0) {
			snprintf(s->detail, sizeof(s->detail),
				 "page %u: record at data offset %zu runs past the commit (%zu); "
				 "rest of page skipped", s->next_page, off, commit);
			ret->bad = true;
			break;
		}
		off = end;
	}
	ret->valid = off;
}

/* Loads page s->next_page into kbuf (or only notes its lost events). */
static void load_page(struct cpu_stream *s)
{
	const uint8_t *page = s->pages + (size_t)s->next_page * s->page_size;
	struct page_check pc;
	void *load = (void *)page; /* kbuffer takes a non-const page it only reads */

	check_page(s, page, &pc);
	s->page_ts = xt_get_le64(page);
	if (pc.bad) {
		report(s, XT_DIAG_BAD_PAGE, 0);
		/* kbuffer gets the well-formed prefix, its missed flags cleared */
		memcpy(s->scratch, page, 8);
		if (s->long_size == 8)
			xt_put_le64(s->scratch + 8, pc.valid);
		else
			xt_put_le32(s->scratch + 8, (uint32_t)pc.valid);
		memcpy(s->scratch + 8 + s->long_size, page + 8 + s->long_size, pc.valid);
		load = s->scratch;
	}
	if (pc.missed) {
		s->lost_pending = true;
		s->lost = pc.lost;
		snprintf(s->detail, sizeof(s->detail), "the kernel lost events before page %u",
			 s->next_page);
		report(s, XT_DIAG_LOST_EVENTS, pc.lost);
	}
	s->next_page++;
	s->in_page = kbuffer_load_subbuffer(s->kbuf, load) == 0;
}

/* Moves to the next frame that holds whole pages: 1, 0 at the end, negative errno. */
static int next_frame(struct cpu_stream *s)
{
	for (;;) {
		const struct xt_frame_header *h;
		const void *payload;
		int r = prefetch_client_next(s->frames, &h, &payload);

		if (r <= 0)
			return r;
		s->frame_offset = xt_frame_reader_offset(prefetch_client_reader(s->frames, false));
		if ((uint64_t)h->count * s->page_size == h->raw_size) {
			s->pages = payload;
			s->npages = h->count;
			s->next_page = 0;
			prefetch_client_started(s->frames, xt_clock_to_tod(s->clock, h->last_ts));
			return 1;
		}
		snprintf(s->detail, sizeof(s->detail),
			 "frame of %u bytes does not hold %u pages of %zu bytes; frame skipped",
			 h->raw_size, h->count, s->page_size);
		report(s, XT_DIAG_CORRUPT_FRAME, 0);
	}
}

static int cpu_stream_next(struct xt_stream *base, struct xt_event *ret)
{
	struct cpu_stream *s = (struct cpu_stream *)base;
	int r;

	for (;;) {
		if (s->lost_pending) {
			s->lost_pending = false;
			*ret = (struct xt_event){
				.tod = xt_clock_to_tod(s->clock, s->page_ts),
				.ts = s->page_ts,
				.kind = XT_EVENT_LOST,
				.system = s->system,
				.cpu = s->cpu,
				.lost = s->lost,
			};
			return 1;
		}
		if (s->in_page) {
			unsigned long long ts;
			void *data = kbuffer_read_event(s->kbuf, &ts);

			if (data) {
				*ret = (struct xt_event){
					.tod = xt_clock_to_tod(s->clock, ts),
					.ts = ts,
					.data = data,
					.size = (uint32_t)kbuffer_event_size(s->kbuf),
					.kind = XT_EVENT_RECORD,
					.system = s->system,
					.cpu = s->cpu,
				};
				kbuffer_next_event(s->kbuf, NULL);
				return 1;
			}
			s->in_page = false;
		}
		if (s->next_page < s->npages) {
			load_page(s);
			continue;
		}
		r = next_frame(s);
		if (r <= 0)
			return r;
	}
}

static int cpu_stream_seek(struct xt_stream *base, uint64_t tod)
{
	struct cpu_stream *s = (struct cpu_stream *)base;

	s->in_page = false;
	s->lost_pending = false;
	s->npages = 0;
	s->next_page = 0;
	return xt_frame_reader_seek(prefetch_client_reader(s->frames, true),
				    xt_clock_from_tod(s->clock, tod));
}

static uint64_t cpu_stream_frames(const struct xt_stream *base)
{
	const struct cpu_stream *s = (const struct cpu_stream *)base;

	return xt_frame_reader_decompressed(prefetch_client_reader(s->frames, false));
}

static void cpu_stream_free(struct xt_stream *base)
{
	struct cpu_stream *s = (struct cpu_stream *)base;

	prefetch_client_free(s->frames);
	kbuffer_free(s->kbuf);
	free(s->path);
	free(s->scratch);
	free(s);
}

static const struct xt_stream_ops cpu_stream_ops = {
	.next = cpu_stream_next,
	.free = cpu_stream_free,
	.seek = cpu_stream_seek,
	.frames_decompressed = cpu_stream_frames,
};

int xt_cpu_stream_new(struct xt_dump *d, unsigned cpu, uint32_t system, xt_diag_fn diag,
		      void *userdata, struct xt_stream **ret)
{
	struct cpu_stream *s;
	int r;

	if (!xt_dump_has_cpu(d, cpu))
		return -ENOENT;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &cpu_stream_ops;
	s->clock = xt_dump_clock(d);
	s->diag = diag;
	s->userdata = userdata;
	s->system = system;
	s->cpu = cpu;
	s->page_size = xt_dump_page_size(d);
	s->long_size = xt_dump_long_size(d);
	s->path = xt_dump_cpu_path(d, cpu);
	s->scratch = malloc(s->page_size);
	s->kbuf = tep_kbuffer(xt_dump_tep(d));
	if (!s->path || !s->scratch || !s->kbuf) {
		cpu_stream_free(&s->base);
		return -ENOMEM;
	}
	r = prefetch_client_open(s->path, cpu, diag, userdata, &s->frames);
	if (r < 0) {
		cpu_stream_free(&s->base);
		return r;
	}
	*ret = &s->base;
	return 0;
}

int cpu_stream_attach_prefetch(struct xt_stream *cpu_stream, struct frame_prefetch *p)
{
	struct cpu_stream *s = (struct cpu_stream *)cpu_stream;

	return prefetch_client_attach(s->frames, p);
}
