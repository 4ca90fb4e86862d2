/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render-text.c - the text renderer: display name and [ARG] of a record,
 * read straight from its bytes with the offsets resolved in its xv_evinfo.
 *
 * Two display items are derived from state rather than from one record:
 * KVM_HOST_HC_EXIT, shown just before the next kvm_entry on the CPU that
 * made a hypercall, and the KVMRT_GS_*_HOST line that follows a guest-services
 * hypercall (DESIGN.md decision 5: nr = 0x4b525400 | function).
 */
#include "view-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <xt-event.h>

#include "cleanup.h"

#define GS_NR_MASK 0xffffff00u
#define GS_NR_BASE 0x4b525400u /* 'K' 'R' 'T' */
#define GS_MARKER_PREFIX "KVMRT_GS_"
#define ANCHOR_PREFIX "xtrace-anchor"
#define MAX_MARKER_NAME 64

enum { GS_PING = 0x01, GS_FLUSH = 0x02, GS_LOG_DATA = 0x03, GS_LOG_MSG = 0x04 };

static const char *const gs_host_names[] = {
	[GS_PING] = "KVMRT_GS_PING_HOST",
	[GS_FLUSH] = "KVMRT_GS_FLUSH_HOST",
	[GS_LOG_DATA] = "KVMRT_GS_LOG_DATA_HOST",
	[GS_LOG_MSG] = "KVMRT_GS_LOG_MSG_HOST",
};

struct rec {
	const uint8_t *data;
	uint32_t size;
	bool swap;
};

static void item_init(struct xv_item *it, const char *event, uint32_t len)
{
	it->event = event;
	it->event_len = len;
	it->derived = false;
	it->n_parts = 0;
}

static void item_init_str(struct xv_item *it, const char *event)
{
	item_init(it, event, (uint32_t)strlen(event));
}

static struct xv_part *add_part(struct xv_item *it, uint8_t type)
{
	struct xv_part *p = &it->part[it->n_parts++];

	p->type = type;
	p->key = NULL;
	return p;
}

static void add_number(struct xv_item *it, uint8_t type, uint64_t v)
{
	add_part(it, type)->u = v;
}

static void add_bytes(struct xv_item *it, uint8_t type, const void *p, uint32_t len)
{
	struct xv_part *part = add_part(it, type);

	part->p = p;
	part->len = len;
}

/* A number field: decimal (signed as the format says), or 0x hex. */
static void add_field(struct xv_item *it, const struct xv_ref *r, const struct rec *rec, bool hex)
{
	uint64_t v;

	if (!xv_ref_u64(r, rec->data, rec->size, rec->swap, &v))
		add_part(it, XV_PART_UNKNOWN);
	else
		add_number(it, hex ? XV_PART_HEX : (r->flags & XV_REF_SIGNED) ? XV_PART_SDEC :
										 XV_PART_DEC,
			   v);
}

static void add_text(struct xv_item *it, const struct xv_ref *r, const struct rec *rec)
{
	const uint8_t *p;
	uint32_t len;

	if (!xv_ref_bytes(r, rec->data, rec->size, rec->swap, &p, &len))
		add_part(it, XV_PART_UNKNOWN);
	else
		add_bytes(it, XV_PART_ESC, p, (uint32_t)strnlen((const char *)p, len));
}

static void add_symbol(struct xv_item *it, const struct xv_sym *sym, const struct rec *rec,
		       uint8_t fallback)
{
	const char *str;
	uint64_t v;
	int r = xv_sym_eval(sym, rec->data, rec->size, rec->swap, &str, &v);

	if (r > 0)
		add_bytes(it, XV_PART_STR, str, (uint32_t)strlen(str));
	else if (r == 0)
		add_number(it, fallback, v);
	else
		add_part(it, XV_PART_UNKNOWN);
}

static void add_syscall(struct xv_item *it, struct xv_system *s, const struct xv_ref *r,
			const struct rec *rec)
{
	const char *name;
	uint32_t len;
	uint64_t v;

	if (!xv_ref_u64(r, rec->data, rec->size, rec->swap, &v)) {
		add_part(it, XV_PART_UNKNOWN);
		return;
	}
	name = xv_syscalls_name_len(s->syscalls, (int64_t)v, &len);
	if (name)
		add_bytes(it, XV_PART_STR, name, len);
	else
		add_number(it, XV_PART_SDEC, v);
}

/* The 24 payload bytes of a guest-services log call, in guest (little-endian) order. */
static void gs_payload(struct xv_item *it, const uint64_t *regs)
{
	unsigned i, b;

	for (i = 0; i < 3; i++)
		for (b = 0; b < 8; b++)
			it->payload[i * 8 + b] = (uint8_t)(regs[i] >> (8 * b));
}

static void add_keyed(struct xv_item *it, const char *key, uint8_t type, uint64_t v)
{
	struct xv_part *p = add_part(it, type);

	p->key = key;
	p->u = v;
}

/*
 * Log calls: a0 = message id << 32 | length << 16 | chunk index. Only the
 * bytes of the message that fall in this chunk are shown (all 24 when the
 * length does not say).
 */
static void gs_log(struct xv_item *it, unsigned fn, const uint64_t *a)
{
	uint32_t len = (uint32_t)(a[0] >> 16) & 0xffff;
	uint32_t chunk = (uint32_t)a[0] & 0xffff;
	uint32_t at = chunk * XV_GS_PAYLOAD;
	uint32_t n = at < len && len - at < XV_GS_PAYLOAD ? len - at : XV_GS_PAYLOAD;
	struct xv_part *p;

	gs_payload(it, &a[1]);
	add_keyed(it, "id", XV_PART_DEC, a[0] >> 32);
	add_keyed(it, "len", XV_PART_DEC, len);
	add_keyed(it, "chunk", XV_PART_DEC, chunk);
	p = add_part(it, fn == GS_LOG_MSG ? XV_PART_ESC : XV_PART_HEXBYTES);
	p->key = fn == GS_LOG_MSG ? "msg" : "data";
	p->p = it->payload;
	p->len = n;
}

/*
 * KVMRT_GS_*_HOST for a guest-services hypercall, false for other hypercalls.
 * Arguments are key=value like the guest's KVMRT_GS_*_GUEST markers, so
 * that the two sides match by content.
 */
static bool gs_item(struct xv_item *it, const struct xv_evinfo *e, uint64_t nr,
		    const struct rec *rec)
{
	unsigned fn = nr & 0xff;
	uint64_t a[4];
	unsigned i;

	if ((nr & GS_NR_MASK) != GS_NR_BASE || fn >= ARRAY_SIZE(gs_host_names) ||
	    !gs_host_names[fn])
		return false;
	item_init_str(it, gs_host_names[fn]);
	it->derived = true;
	for (i = 0; i < 4; i++) {
		if (!xv_ref_u64(&e->ref[1 + i], rec->data, rec->size, rec->swap, &a[i])) {
			add_part(it, XV_PART_UNKNOWN);
			return true;
		}
	}
	switch (fn) {
	case GS_PING:
		add_keyed(it, "cookie", XV_PART_HEX, a[0]);
		add_keyed(it, "seq", XV_PART_DEC, a[1]);
		add_keyed(it, "tod", XV_PART_DEC, a[2]); /* guest TOD at the call */
		break;
	case GS_FLUSH:
		add_keyed(it, "scope", XV_PART_DEC, a[0]);
		break;
	default:
		gs_log(it, fn, a);
		break;
	}
	return true;
}

static int hypercall_items(struct xv_system *s, const struct xv_evinfo *e, uint32_t cpu,
			   const struct rec *rec, bool raw, struct xv_item *items)
{
	struct xv_hc_state *st;
	uint64_t nr;

	item_init(&items[0], e->display, e->display_len);
	if (!xv_ref_u64(&e->ref[0], rec->data, rec->size, rec->swap, &nr)) {
		add_part(&items[0], XV_PART_UNKNOWN);
		return 1;
	}
	add_number(&items[0], XV_PART_HEX, nr);
	st = xv_system_hc(s, cpu);
	if (st) {
		st->nr = nr;
		st->pending = true;
	}
	return !raw && gs_item(&items[1], e, nr, rec) ? 2 : 1;
}

static int entry_items(struct xv_system *s, const struct xv_evinfo *e, uint32_t cpu,
		       const struct rec *rec, bool raw, struct xv_item *items)
{
	struct xv_hc_state *st = xv_system_hc(s, cpu);
	struct xv_item *it = items;

	if (st && st->pending && !raw) {
		item_init_str(it, "KVM_HOST_HC_EXIT");
		it->derived = true;
		add_number(it, XV_PART_HEX, st->nr);
		it++;
	}
	if (st)
		st->pending = false;
	item_init(it, e->display, e->display_len);
	add_field(it, &s->pid, rec, false);
	return (int)(it - items) + 1;
}

static bool is_marker_name(const uint8_t *p, uint32_t len)
{
	uint32_t i;

	if (len > MAX_MARKER_NAME)
		return false;
	for (i = 0; i < len; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return false;
	return true;
}

static bool has_prefix(const uint8_t *p, uint32_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(p, prefix, n) == 0;
}

/* ftrace:print: KVMRT_GS_* markers name themselves, anchors hide, the rest is MARKER [text]. */
static int marker_items(const struct xv_evinfo *e, const struct rec *rec, bool raw,
			struct xv_item *it)
{
	const uint8_t *p;
	uint32_t len, word;

	item_init(it, e->display, e->display_len);
	if (!xv_ref_bytes(&e->ref[0], rec->data, rec->size, rec->swap, &p, &len)) {
		add_part(it, XV_PART_UNKNOWN);
		return 1;
	}
	len = (uint32_t)strnlen((const char *)p, len);
	while (len > 0 && p[len - 1] == '\n')
		len--;
	if (!raw && has_prefix(p, len, ANCHOR_PREFIX))
		return 0;
	if (has_prefix(p, len, GS_MARKER_PREFIX)) {
		for (word = 0; word < len && p[word] != ' '; word++)
			;
		if (is_marker_name(p, word)) {
			item_init(it, (const char *)p, word);
			while (word < len && p[word] == ' ')
				word++;
			if (word < len)
				add_bytes(it, XV_PART_ESC, p + word, len - word);
			return 1;
		}
	}
	if (len > 0)
		add_bytes(it, XV_PART_ESC, p, len);
	return 1;
}

static int unknown_items(const struct xv_system *s, const struct rec *rec, struct xv_item *it)
{
	item_init_str(it, "UNKNOWN_EVENT");
	add_field(it, &s->type, rec, false);
	return 1;
}

int xv_text_items(struct xv_system *s, const struct xv_evinfo *e, const struct xt_event *ev,
		  bool raw, struct xv_item *it)
{
	const struct rec rec = { .data = ev->data, .size = ev->size, .swap = s->swap };

	if (!e)
		return unknown_items(s, &rec, it);
	switch (e->kind) {
	case XV_KIND_KVM_ENTRY:
		return entry_items(s, e, ev->cpu, &rec, raw, it);
	case XV_KIND_HYPERCALL:
		return hypercall_items(s, e, ev->cpu, &rec, raw, it);
	case XV_KIND_MARKER:
		return marker_items(e, &rec, raw, it);
	default:
		break;
	}
	item_init(it, e->display, e->display_len);
	switch (e->kind) {
	case XV_KIND_NUM:
		add_field(it, &e->ref[0], &rec, false);
		break;
	case XV_KIND_HEX:
		add_field(it, &e->ref[0], &rec, true);
		break;
	case XV_KIND_STR:
		add_text(it, &e->ref[0], &rec);
		break;
	case XV_KIND_CONST:
		add_bytes(it, XV_PART_STR, e->cnst, e->cnst_len);
		break;
	case XV_KIND_SYM:
		add_symbol(it, e->sym, &rec, XV_PART_DEC);
		break;
	case XV_KIND_SYSCALL:
		add_syscall(it, s, &e->ref[0], &rec);
		break;
	case XV_KIND_EXEC:
		add_field(it, &e->ref[0], &rec, false);
		add_text(it, &e->ref[1], &rec);
		break;
	case XV_KIND_KVM_EXIT:
		add_field(it, &s->pid, &rec, false);
		if (e->sym)
			add_symbol(it, e->sym, &rec, XV_PART_HEX);
		else
			add_field(it, &e->ref[0], &rec, true);
		break;
	default:
		break;
	}
	return 1;
}

void xv_item_write_arg(struct xv_out *o, const struct xv_item *it)
{
	unsigned i;

	xv_out_putc(o, '[');
	for (i = 0; i < it->n_parts; i++) {
		const struct xv_part *p = &it->part[i];

		if (i)
			xv_out_putc(o, ' ');
		if (p->key) {
			xv_out_write(o, p->key, strlen(p->key));
			xv_out_putc(o, '=');
		}
		switch (p->type) {
		case XV_PART_DEC:
			xv_out_u64(o, p->u);
			break;
		case XV_PART_SDEC:
			xv_out_s64(o, (int64_t)p->u);
			break;
		case XV_PART_HEX:
			xv_out_hex(o, p->u);
			break;
		case XV_PART_STR:
			xv_out_write(o, p->p, p->len);
			break;
		case XV_PART_ESC:
			xv_out_escaped(o, p->p, p->len);
			break;
		case XV_PART_HEXBYTES:
			xv_out_hexbytes(o, p->p, p->len);
			break;
		default:
			xv_out_putc(o, '?');
			break;
		}
	}
	xv_out_putc(o, ']');
}

bool xv_gs_ping_guest(const struct xv_item *it, uint64_t *ret_cookie, uint64_t *ret_seq)
{
	static const char name[] = "KVMRT_GS_PING_GUEST";
	char text[128];
	const char *c, *q;

	if (it->event_len != sizeof(name) - 1 || memcmp(it->event, name, sizeof(name) - 1) ||
	    it->n_parts != 1 || it->part[0].type != XV_PART_ESC)
		return false;
	snprintf(text, sizeof(text), "%.*s", (int)it->part[0].len, (const char *)it->part[0].p);
	c = strstr(text, "cookie=");
	q = strstr(text, " seq=");
	if (!c || !q)
		return false;
	*ret_cookie = strtoull(c + 7, NULL, 0);
	*ret_seq = strtoull(q + 5, NULL, 10);
	return true;
}

bool xv_gs_ping_host(const struct xv_system *s, const struct xv_evinfo *e,
		     const struct xt_event *ev, uint64_t *ret_cookie, uint64_t *ret_seq)
{
	uint64_t nr, cookie, seq;

	if (e->kind != XV_KIND_HYPERCALL ||
	    !xv_ref_u64(&e->ref[0], ev->data, ev->size, s->swap, &nr) ||
	    nr != (GS_NR_BASE | GS_PING) ||
	    !xv_ref_u64(&e->ref[1], ev->data, ev->size, s->swap, &cookie) ||
	    !xv_ref_u64(&e->ref[2], ev->data, ev->size, s->swap, &seq))
		return false;
	*ret_cookie = cookie;
	*ret_seq = seq;
	return true;
}
