/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merged-record.c - encodes and decodes the records of stream.xtm frames
 * (layouts in merged-record.h). The decoder trusts nothing in a frame:
 * every varint, size, kind and system is checked against what the frame
 * and the directory hold.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "merged-record.h"
#include "meta.h"

#define HEAD_SOURCE 1u
#define HEAD_LOST 2u
#define HEAD_SIZE_SHIFT 2

static inline uint64_t zigzag(uint64_t v)
{
	return (v << 1) ^ (0 - (v >> 63));
}

static inline uint64_t unzigzag(uint64_t v)
{
	return (v >> 1) ^ (0 - (v & 1));
}

static size_t put_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

/* Reads a varint of at most 10 bytes that fits in 64 bits; false when there is none. */
static inline bool get_varint(struct merged_decoder *d, uint64_t *ret)
{
	uint64_t v = 0;

	if (d->pos < d->len && d->p[d->pos] < 0x80) {
		*ret = d->p[d->pos++];
		return true;
	}
	for (unsigned shift = 0; shift < 64 && d->pos < d->len; shift += 7) {
		uint8_t b = d->p[d->pos++];

		if (shift == 63 && b > 1)
			return false;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = v;
			return true;
		}
	}
	return false;
}

int merged_meta_version(const struct xt_meta *m, const char *name, char *why, size_t why_len,
			unsigned *ret)
{
	uint64_t v = 1;
	int r = xt_meta_get_u64(m, MERGED_VERSION_KEY, name, why, why_len, &v);

	if (r < 0 && r != -ENOENT)
		return r;
	if (v < 1 || v > MERGED_VERSION_MAX) {
		xt_why(why, why_len, "%s: %s = %llu: this kvmrt reads merged layouts 1 to %u; "
		       "use a newer kvmrt", name, MERGED_VERSION_KEY, (unsigned long long)v,
		       MERGED_VERSION_MAX);
		return v ? -EPROTONOSUPPORT : -EBADMSG;
	}
	*ret = (unsigned)v;
	return 0;
}

int merged_decoder_init(struct merged_decoder *d, unsigned version, uint32_t nr_systems)
{
	*d = (struct merged_decoder){ .version = version, .nr_systems = nr_systems };
	if (version < 1 || version > MERGED_VERSION_MAX)
		return -EPROTONOSUPPORT;
	if (version == 2) {
		d->clock = calloc(nr_systems ? nr_systems : 1, sizeof(*d->clock));
		if (!d->clock)
			return -ENOMEM;
	}
	return 0;
}

void merged_decoder_fini(struct merged_decoder *d)
{
	free(d->clock);
	d->clock = NULL;
}

void merged_decoder_frame(struct merged_decoder *d, const void *payload, size_t len,
			  uint64_t first_tod)
{
	d->p = payload;
	d->len = len;
	d->pos = 0;
	d->tod = first_tod;
	d->have_source = false;
	if (d->clock)
		memset(d->clock, 0, (size_t)d->nr_systems * sizeof(*d->clock));
}

/* Fills *ret from a record's fields once they are checked; @size payload bytes at d->pos. */
static int emit(struct merged_decoder *d, struct xt_event *ret, uint32_t kind, uint32_t size,
		const char **ret_why)
{
	if (kind == XT_EVENT_LOST && size != sizeof(uint64_t)) {
		*ret_why = "lost-events record without its count";
		return -EBADMSG;
	}
	ret->kind = kind;
	ret->data = d->p + d->pos;
	ret->size = size;
	ret->lost = 0;
	if (kind == XT_EVENT_LOST) {
		memcpy(&ret->lost, ret->data, sizeof(ret->lost));
		ret->data = NULL;
		ret->size = 0;
	}
	return 1;
}

static int next_v1(struct merged_decoder *d, struct xt_event *ret, const char **ret_why)
{
	struct merged_record_v1 rec;
	size_t left = d->len - d->pos;
	int r;

	if (left < sizeof(rec)) {
		*ret_why = "merged frame ends inside a record header";
		return -EBADMSG;
	}
	memcpy(&rec, d->p + d->pos, sizeof(rec));
	if (rec.size > MERGED_RECORD_MAX_PAYLOAD ||
	    merged_record_padded(rec.size) > left - sizeof(rec)) {
		*ret_why = "merged record size runs past its frame";
		return -EBADMSG;
	}
	if (rec.kind != XT_EVENT_RECORD && rec.kind != XT_EVENT_LOST) {
		*ret_why = "merged record of unknown kind";
		return -EBADMSG;
	}
	d->pos += sizeof(rec);
	r = emit(d, ret, rec.kind, rec.size, ret_why);
	if (r < 0)
		return r;
	ret->tod = rec.tod;
	ret->ts = rec.ts;
	ret->system = rec.system;
	ret->cpu = rec.cpu;
	d->pos += merged_record_padded(rec.size);
	return 1;
}

/* Reads the system and CPU of a layout 2 record whose head says they follow. */
static int get_source(struct merged_decoder *d, const char **ret_why)
{
	uint64_t system, cpu;

	if (!get_varint(d, &system) || !get_varint(d, &cpu)) {
		*ret_why = "merged record ends inside its system and CPU";
		return -EBADMSG;
	}
	if (system >= d->nr_systems || cpu > UINT32_MAX) {
		*ret_why = "merged record names a system or CPU the directory does not have";
		return -EBADMSG;
	}
	d->system = (uint32_t)system;
	d->cpu = (uint32_t)cpu;
	d->have_source = true;
	return 0;
}

static int next_v2(struct merged_decoder *d, struct xt_event *ret, const char **ret_why)
{
	uint64_t dtod, head, dclock, size;
	int r;

	if (!get_varint(d, &dtod) || !get_varint(d, &head)) {
		*ret_why = "merged frame ends inside a record header";
		return -EBADMSG;
	}
	if (head & HEAD_SOURCE) {
		r = get_source(d, ret_why);
		if (r < 0)
			return r;
	} else if (!d->have_source) {
		*ret_why = "first merged record of a frame without its system and CPU";
		return -EBADMSG;
	}
	if (!get_varint(d, &dclock)) {
		*ret_why = "merged frame ends inside a record header";
		return -EBADMSG;
	}
	size = head >> HEAD_SIZE_SHIFT;
	if (size > MERGED_RECORD_MAX_PAYLOAD || size > d->len - d->pos) {
		*ret_why = "merged record size runs past its frame";
		return -EBADMSG;
	}
	r = emit(d, ret, head & HEAD_LOST ? XT_EVENT_LOST : XT_EVENT_RECORD, (uint32_t)size,
		 ret_why);
	if (r < 0)
		return r;
	d->tod += unzigzag(dtod);
	d->clock[d->system] += unzigzag(dclock);
	ret->tod = d->tod;
	ret->ts = d->tod - d->clock[d->system];
	ret->system = d->system;
	ret->cpu = d->cpu;
	d->pos += size;
	return 1;
}

int merged_decoder_next(struct merged_decoder *d, struct xt_event *ret, const char **ret_why)
{
	if (d->pos >= d->len)
		return 0;
	return d->version == 2 ? next_v2(d, ret, ret_why) : next_v1(d, ret, ret_why);
}

int merged_encoder_add_system(struct merged_encoder *e)
{
	uint64_t *clock = reallocarray(e->clock, (size_t)e->nr_systems + 1, sizeof(*clock));

	if (!clock)
		return -ENOMEM;
	clock[e->nr_systems++] = 0;
	e->clock = clock;
	return 0;
}

void merged_encoder_fini(struct merged_encoder *e)
{
	free(e->clock);
	e->clock = NULL;
	e->nr_systems = 0;
}

void merged_encoder_frame(struct merged_encoder *e, uint64_t first_tod)
{
	e->tod = first_tod;
	e->have_source = false;
	if (e->clock)
		memset(e->clock, 0, (size_t)e->nr_systems * sizeof(*e->clock));
}

size_t merged_encode_head(const struct merged_encoder *e, const struct xt_event *ev,
			  uint32_t size, uint8_t out[MERGED_HEAD_MAX])
{
	bool source = !e->have_source || ev->system != e->system || ev->cpu != e->cpu;
	uint64_t head = (uint64_t)size << HEAD_SIZE_SHIFT | (source ? HEAD_SOURCE : 0) |
			(ev->kind == XT_EVENT_LOST ? HEAD_LOST : 0);
	size_t n = put_varint(out, zigzag(ev->tod - e->tod));

	n += put_varint(out + n, head);
	if (source) {
		n += put_varint(out + n, ev->system);
		n += put_varint(out + n, ev->cpu);
	}
	return n + put_varint(out + n, zigzag((ev->tod - ev->ts) - e->clock[ev->system]));
}

void merged_encoder_commit(struct merged_encoder *e, const struct xt_event *ev)
{
	e->tod = ev->tod;
	e->system = ev->system;
	e->cpu = ev->cpu;
	e->have_source = true;
	e->clock[ev->system] = ev->tod - ev->ts;
}
