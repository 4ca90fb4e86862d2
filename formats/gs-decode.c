/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-decode.c - guest-services hypercalls and markers into decoded events
 * (xt-gs.h). The ABI is gs/include/kvmrt_gs_abi.h, the one definition the
 * guest library uses too. Every value here comes from a guest: lengths and
 * chunk indexes are checked, payload memory is bounded by the limits, and
 * texts are escaped before they are shown.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "../gs/include/kvmrt_gs_abi.h"
#include "xt-gs.h"

#define DEFAULT_PENDING 64u
#define WHY_MAX 256u
#define QUOTE_MAX 64u /* bytes of a bad marker quoted in @why */

struct slot {
	bool used;
	bool discard; /* broken: swallow its remaining chunks silently */
	uint32_t system, tid, id, fn;
	uint32_t len, chunks, next;
	uint64_t age; /* order of first use, for eviction */
	uint8_t *buf; /* max_payload bytes, allocated on first use */
};

struct fields {
	const struct tep_handle *tep;
	int hypercall_id, print_id;
	const struct tep_format_field *nr, *a[4], *buf;
};

struct xt_gs_decoder {
	struct xt_gs_limits lim;
	xt_gs_event_fn fn;
	void *userdata;
	uint64_t clock; /* slot ages */
	uint64_t tod;	/* TOD of the event being decoded */
	struct fields f;
	char why[WHY_MAX];
	struct slot *slots;
};

static const char *const kind_names[] = {
    [XT_GS_PING_HOST] = KVMRT_GS_PING_HOST,
    [XT_GS_FLUSH_HOST] = KVMRT_GS_FLUSH_HOST,
    [XT_GS_LOG_DATA_HOST] = KVMRT_GS_LOG_DATA_HOST,
    [XT_GS_LOG_MSG_HOST] = KVMRT_GS_LOG_MSG_HOST,
    [XT_GS_PING_GUEST] = KVMRT_GS_PING_GUEST,
    [XT_GS_FLUSH_GUEST] = KVMRT_GS_FLUSH_GUEST,
    [XT_GS_LOG_DATA_GUEST] = KVMRT_GS_LOG_DATA_GUEST,
    [XT_GS_LOG_MSG_GUEST] = KVMRT_GS_LOG_MSG_GUEST,
    [XT_GS_MALFORMED] = "KVMRT_GS_MALFORMED",
    [XT_GS_PARTIAL] = "KVMRT_GS_PARTIAL",
};

const char *xt_gs_kind_name(enum xt_gs_kind kind)
{
	return (unsigned)kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind]
									   : "KVMRT_GS_?";
}

size_t xt_gs_escape(const void *p, size_t n, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *b = p;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		uint8_t c = b[i];
		size_t need = c == '\\' ? 2 : (c >= 0x20 && c < 0x7f) ? 1 : 4;

		if (o + need + 1 > cap)
			break;
		if (need == 1) {
			out[o++] = (char)c;
		} else if (need == 2) {
			out[o++] = '\\';
			out[o++] = '\\';
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (cap)
		out[o < cap ? o : cap - 1] = '\0';
	return i;
}

int xt_gs_decoder_new(const struct xt_gs_limits *limits, xt_gs_event_fn fn, void *userdata,
		      struct xt_gs_decoder **ret)
{
	struct xt_gs_decoder *d;
	struct xt_gs_limits lim = limits ? *limits : (struct xt_gs_limits){0};

	if (!fn || lim.max_payload > KVMRT_GS_LEN_LIMIT || lim.max_pending > 65536)
		return -EINVAL;
	if (!lim.max_payload)
		lim.max_payload = KVMRT_GS_MAX_PAYLOAD;
	if (!lim.max_pending)
		lim.max_pending = DEFAULT_PENDING;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->slots = calloc(lim.max_pending, sizeof(*d->slots));
	if (!d->slots) {
		free(d);
		return -ENOMEM;
	}
	d->lim = lim;
	d->fn = fn;
	d->userdata = userdata;
	*ret = d;
	return 0;
}

void xt_gs_decoder_free(struct xt_gs_decoder *d)
{
	if (!d)
		return;
	for (uint32_t i = 0; i < d->lim.max_pending; i++)
		free(d->slots[i].buf);
	free(d->slots);
	free(d);
}

static void emit(struct xt_gs_decoder *d, struct xt_gs_event *e)
{
	e->tod = d->tod;
	d->fn(e, d->userdata);
}

static struct xt_gs_event base_event(enum xt_gs_kind kind, uint64_t ts, uint32_t system,
				     uint32_t cpu, uint32_t tid)
{
	return (struct xt_gs_event){
	    .kind = kind,
	    .ts = ts,
	    .system = system,
	    .cpu = cpu,
	    .tid = tid,
	};
}

__attribute__((format(printf, 3, 4))) static void
report(struct xt_gs_decoder *d, struct xt_gs_event *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
	e->why = d->why;
	emit(d, e);
}

/* Reports what arrived of @s as partial and frees the slot. */
static void slot_drop(struct xt_gs_decoder *d, struct slot *s, const struct xt_gs_event *at,
		      const char *reason)
{
	struct xt_gs_event e = base_event(XT_GS_PARTIAL, at->ts, s->system, at->cpu, s->tid);

	if (!s->discard) {
		e.fn = s->fn;
		e.id = s->id;
		e.len = s->len;
		e.data = s->buf;
		e.data_len = s->next * KVMRT_GS_CHUNK_BYTES < s->len
				 ? s->next * KVMRT_GS_CHUNK_BYTES
				 : s->len;
		report(d, &e, "message %u: %s after %u of %u chunks", s->id, reason, s->next,
		       s->chunks);
	}
	s->used = false;
	s->discard = false;
}

static struct slot *slot_find(struct xt_gs_decoder *d, const struct xt_gs_call *c, uint32_t fn,
			      uint32_t id)
{
	for (uint32_t i = 0; i < d->lim.max_pending; i++) {
		struct slot *s = &d->slots[i];

		if (s->used && s->system == c->system && s->tid == c->tid && s->id == id &&
		    s->fn == fn)
			return s;
	}
	return NULL;
}

/* A free slot, evicting the oldest message when all are in use. NULL on ENOMEM. */
static struct slot *slot_new(struct xt_gs_decoder *d, const struct xt_gs_event *at)
{
	struct slot *s = NULL;

	for (uint32_t i = 0; i < d->lim.max_pending && !s; i++)
		if (!d->slots[i].used)
			s = &d->slots[i];
	if (!s) {
		s = &d->slots[0];
		for (uint32_t i = 1; i < d->lim.max_pending; i++)
			if (d->slots[i].age < s->age)
				s = &d->slots[i];
		slot_drop(d, s, at, "evicted (too many messages in flight)");
	}
	if (!s->buf)
		s->buf = malloc(d->lim.max_payload);
	if (!s->buf)
		return NULL;
	s->age = ++d->clock;
	return s;
}

/* Copies chunk @chunk (a1..a3, little-endian) into the slot's buffer. */
static void slot_copy(struct slot *s, uint32_t chunk, const uint64_t *a)
{
	uint32_t at = chunk * KVMRT_GS_CHUNK_BYTES;

	for (uint32_t b = 0; b < KVMRT_GS_CHUNK_BYTES && at + b < s->len; b++)
		s->buf[at + b] = (uint8_t)(a[1 + b / 8] >> (8 * (b % 8)));
}

static void log_chunk_start(struct xt_gs_decoder *d, const struct xt_gs_call *c,
			    struct xt_gs_event *e, struct slot *s, uint32_t chunk)
{
	if (s)
		slot_drop(d, s, e, "restarted");
	s = slot_new(d, e);
	if (!s) {
		e->kind = XT_GS_PARTIAL;
		report(d, e, "message %u dropped: out of memory", e->id);
		return;
	}
	*s = (struct slot){.used = true,
			   .system = c->system,
			   .tid = c->tid,
			   .id = e->id,
			   .fn = e->fn,
			   .len = e->len,
			   .age = s->age,
			   .buf = s->buf,
			   .chunks = (e->len + KVMRT_GS_CHUNK_BYTES - 1) / KVMRT_GS_CHUNK_BYTES};
	if (chunk != 0) {
		/* the start is missing (a recording begun mid-message): say so once */
		s->discard = true;
		e->kind = XT_GS_PARTIAL;
		report(d, e, "message %u: first chunk seen is %u of %u", e->id, chunk, s->chunks);
	}
	s->next = chunk;
}

static void log_call(struct xt_gs_decoder *d, const struct xt_gs_call *c, struct xt_gs_event *e)
{
	uint32_t chunk = KVMRT_GS_LOG_CHUNK(c->a[0]);
	uint32_t chunks;
	struct slot *s;

	e->id = KVMRT_GS_LOG_ID(c->a[0]);
	e->len = KVMRT_GS_LOG_LEN(c->a[0]);
	chunks = (e->len + KVMRT_GS_CHUNK_BYTES - 1) / KVMRT_GS_CHUNK_BYTES;
	s = slot_find(d, c, e->fn, e->id);
	if (e->len == 0 || e->len > d->lim.max_payload || chunk >= chunks) {
		e->kind = XT_GS_MALFORMED;
		if (s && !s->discard)
			slot_drop(d, s, e, "broken by a malformed chunk");
		else if (s)
			s->used = false;
		report(d, e, "message %u: chunk %u of length %u (%s)", e->id, chunk, e->len,
		       e->len == 0	 ? "empty"
		       : chunk >= chunks ? "chunk past the end"
					 : "over the size cap");
		return;
	}
	if (chunk == 0 || !s || s->len != e->len) {
		log_chunk_start(d, c, e, s, chunk);
		s = slot_find(d, c, e->fn, e->id);
		if (!s)
			return;
	} else if (chunk != s->next) {
		if (!s->discard) {
			slot_drop(d, s, e, "chunk missing");
			s->used = true; /* keep swallowing the rest of it */
			s->discard = true;
		}
		s->next = chunk;
	}
	if (!s->discard)
		slot_copy(s, chunk, c->a);
	s->next = chunk + 1;
	if (s->next < s->chunks)
		return;
	if (!s->discard) {
		e->data = s->buf;
		e->data_len = s->len;
		emit(d, e);
	}
	s->used = false;
	s->discard = false;
}

int xt_gs_decode_call(struct xt_gs_decoder *d, const struct xt_gs_call *c)
{
	struct xt_gs_event e = base_event(XT_GS_MALFORMED, c->ts, c->system, c->cpu, c->tid);

	if ((c->nr & ~(uint64_t)0xff) != KVMRT_GS_NR_BASE)
		return 0;
	e.fn = (uint32_t)(c->nr & 0xff);
	switch (e.fn) {
	case KVMRT_GS_FN_PING:
		e.kind = XT_GS_PING_HOST;
		e.cookie = c->a[0];
		e.seq = c->a[1];
		e.call_tod = c->a[2];
		emit(d, &e);
		break;
	case KVMRT_GS_FN_FLUSH:
		e.scope = c->a[0];
		if (e.scope > KVMRT_GS_SCOPE_CPU_ALL) {
			report(d, &e, "flush: unknown scope %llu", (unsigned long long)e.scope);
			break;
		}
		e.kind = XT_GS_FLUSH_HOST;
		emit(d, &e);
		break;
	case KVMRT_GS_FN_LOG_DATA:
	case KVMRT_GS_FN_LOG_MSG:
		e.kind = e.fn == KVMRT_GS_FN_LOG_MSG ? XT_GS_LOG_MSG_HOST : XT_GS_LOG_DATA_HOST;
		log_call(d, c, &e);
		break;
	default:
		report(d, &e, "unknown function 0x%02x", e.fn);
		break;
	}
	return 1;
}

void xt_gs_decoder_finish(struct xt_gs_decoder *d)
{
	for (uint32_t i = 0; i < d->lim.max_pending; i++) {
		struct slot *s = &d->slots[i];
		struct xt_gs_event at = base_event(XT_GS_PARTIAL, 0, s->system, 0, s->tid);

		if (s->used)
			slot_drop(d, s, &at, "cut short");
	}
}

/* The guest markers: name, then these keys in order (cookie in 0x hex). */
static const struct marker_form {
	const char *name;
	enum xt_gs_kind kind;
	uint32_t fn;
	const char *keys[3];
} marker_forms[] = {
    {KVMRT_GS_PING_GUEST, XT_GS_PING_GUEST, KVMRT_GS_FN_PING, {"cookie", "seq", "tod"}},
    {KVMRT_GS_FLUSH_GUEST, XT_GS_FLUSH_GUEST, KVMRT_GS_FN_FLUSH, {"scope", "tod", NULL}},
    {KVMRT_GS_LOG_DATA_GUEST, XT_GS_LOG_DATA_GUEST, KVMRT_GS_FN_LOG_DATA, {"id", "len", "tod"}},
    {KVMRT_GS_LOG_MSG_GUEST, XT_GS_LOG_MSG_GUEST, KVMRT_GS_FN_LOG_MSG, {"id", "len", "tod"}},
};

/* Parses a number at *p (hex after "0x" when @hex) up to @end; false on junk or overflow. */
static bool parse_number(const char **p, const char *end, bool hex, uint64_t *ret)
{
	unsigned base = hex ? 16 : 10;
	const char *s = *p;
	uint64_t v = 0;

	if (hex) {
		if (end - s < 2 || s[0] != '0' || s[1] != 'x')
			return false;
		s += 2;
	}
	if (s == end || *s == ' ')
		return false;
	for (; s < end && *s != ' '; s++) {
		unsigned digit;

		if (*s >= '0' && *s <= '9')
			digit = (unsigned)(*s - '0');
		else if (hex && *s >= 'a' && *s <= 'f')
			digit = (unsigned)(*s - 'a' + 10);
		else
			return false;
		if (v > (UINT64_MAX - digit) / base)
			return false;
		v = v * base + digit;
	}
	*p = s;
	*ret = v;
	return true;
}

/* Fills @values from " key=N" pairs after the name; false when the text breaks the form. */
static bool parse_marker_keys(const struct marker_form *m, const char *p, const char *end,
			      uint64_t values[3])
{
	for (unsigned k = 0; k < 3 && m->keys[k]; k++) {
		size_t klen = strlen(m->keys[k]);

		if (end - p < (ptrdiff_t)klen + 2 || *p != ' ' || memcmp(p + 1, m->keys[k], klen) ||
		    p[1 + klen] != '=')
			return false;
		p += klen + 2;
		if (!parse_number(&p, end, k == 0 && m->fn == KVMRT_GS_FN_PING, &values[k]))
			return false;
	}
	return p == end;
}

static void marker_event(struct xt_gs_decoder *d, const struct marker_form *m, const uint64_t v[3],
			 struct xt_gs_event *e)
{
	e->kind = m->kind;
	e->fn = m->fn;
	switch (m->fn) {
	case KVMRT_GS_FN_PING:
		e->cookie = v[0];
		e->seq = v[1];
		e->call_tod = v[2];
		break;
	case KVMRT_GS_FN_FLUSH:
		e->scope = v[0];
		e->call_tod = v[1];
		break;
	default:
		e->id = (uint32_t)v[0];
		e->len = (uint32_t)v[1];
		e->call_tod = v[2];
		if (v[0] > UINT32_MAX || v[1] > KVMRT_GS_LEN_LIMIT) {
			e->kind = XT_GS_MALFORMED;
			report(d, e, "%s: id or len out of range", m->name);
			return;
		}
		break;
	}
	emit(d, e);
}

int xt_gs_decode_marker(struct xt_gs_decoder *d, uint64_t ts, uint32_t system, uint32_t cpu,
			uint32_t tid, const char *text, size_t len)
{
	struct xt_gs_event e = base_event(XT_GS_MALFORMED, ts, system, cpu, tid);
	size_t plen = strlen(KVMRT_GS_MARKER_PREFIX);
	const char *end;
	char quoted[QUOTE_MAX * 4 + 1];

	len = strnlen(text, len);
	if (len < plen || memcmp(text, KVMRT_GS_MARKER_PREFIX, plen))
		return 0;
	while (len && text[len - 1] == '\n')
		len--;
	end = text + len;
	for (size_t i = 0; i < sizeof(marker_forms) / sizeof(marker_forms[0]); i++) {
		const struct marker_form *m = &marker_forms[i];
		size_t nlen = strlen(m->name);
		uint64_t v[3] = {0};

		if (len < nlen || memcmp(text, m->name, nlen) || (len > nlen && text[nlen] != ' '))
			continue;
		if (parse_marker_keys(m, text + nlen, end, v)) {
			marker_event(d, m, v, &e);
			return 1;
		}
		break;
	}
	xt_gs_escape(text, len < QUOTE_MAX ? len : QUOTE_MAX, quoted, sizeof(quoted));
	report(d, &e, "marker not in the guest-services form: '%s%s'", quoted,
	       len > QUOTE_MAX ? "..." : "");
	return 1;
}

/* Looks up the two events' fields in @tep once. */
static void fields_resolve(struct fields *f, struct tep_handle *tep)
{
	static const char *const args[4] = {"a0", "a1", "a2", "a3"};
	struct tep_event *hc = tep_find_event_by_name(tep, "kvm", "kvm_hypercall");
	struct tep_event *print = tep_find_event_by_name(tep, "ftrace", "print");

	*f = (struct fields){.tep = tep, .hypercall_id = -1, .print_id = -1};
	if (hc) {
		f->nr = tep_find_field(hc, "nr");
		for (unsigned i = 0; i < 4; i++)
			f->a[i] = tep_find_field(hc, args[i]);
		if (f->nr && f->a[0] && f->a[1] && f->a[2] && f->a[3])
			f->hypercall_id = hc->id;
	}
	if (print) {
		f->buf = tep_find_field(print, "buf");
		if (f->buf)
			f->print_id = print->id;
	}
}

static bool read_field(const struct tep_format_field *f, const struct xt_event *ev, uint64_t *ret)
{
	unsigned long long v;

	if (f->size == 0 || f->size > 8 || (uint64_t)f->offset + f->size > ev->size ||
	    tep_read_number_field((struct tep_format_field *)f, ev->data, &v))
		return false;
	*ret = v;
	return true;
}

int xt_gs_decode_event(struct xt_gs_decoder *d, struct tep_handle *tep, const struct xt_event *ev)
{
	struct tep_record rec = {.data = (void *)ev->data, .size = (int)ev->size};
	struct xt_gs_call c = {.ts = ev->ts, .system = ev->system, .cpu = ev->cpu};
	int type, r = 0;

	if (ev->kind != XT_EVENT_RECORD || ev->size < 8)
		return 0;
	if (d->f.tep != tep)
		fields_resolve(&d->f, tep);
	type = tep_data_type(tep, &rec);
	c.tid = (uint32_t)tep_data_pid(tep, &rec);
	d->tod = ev->tod;
	if (type == d->f.hypercall_id && type >= 0) {
		if (!read_field(d->f.nr, ev, &c.nr))
			r = -EBADMSG;
		for (unsigned i = 0; i < 4 && r == 0; i++)
			if (!read_field(d->f.a[i], ev, &c.a[i]))
				r = -EBADMSG;
		if (r == 0)
			r = xt_gs_decode_call(d, &c);
	} else if (type == d->f.print_id && type >= 0) {
		if ((uint32_t)d->f.buf->offset > ev->size)
			r = -EBADMSG;
		else
			r = xt_gs_decode_marker(d, ev->ts, ev->system, ev->cpu, c.tid,
						(const char *)ev->data + d->f.buf->offset,
						ev->size - (uint32_t)d->f.buf->offset);
	}
	d->tod = 0;
	return r;
}
