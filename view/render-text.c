/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render-text.c - the text renderer: display name and [ARG] of a record,
 * read straight from its bytes with the offsets resolved in its xv_evinfo.
 *
 * Display items derived from state rather than from one record:
 * KVM_HOST_HC_EXIT, shown just before the next kvm_entry on the CPU that
 * made a hypercall; the KVMRT_GS_*_HOST line that follows a guest-services
 * hypercall (DESIGN.md decision 5: nr = 0x4b525400 | function); and on a
 * guest, KVM_GUEST_HC_START before the first of the two KVMRT_GS_*_GUEST
 * markers a thread writes around its hypercall, KVM_GUEST_HC_END in place of
 * the second (the same marker but for its tod=).
 */
#include "view-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <xt-event.h>

#include "../gs/include/kvmrt_gs_abi.h"
#include "cleanup.h"

#define ANCHOR_PREFIX "xtrace-anchor"
#define MAX_MARKER_NAME 64

static const char *const gs_host_names[] = {
	[KVMRT_GS_FN_PING] = KVMRT_GS_PING_HOST,
	[KVMRT_GS_FN_FLUSH] = KVMRT_GS_FLUSH_HOST,
	[KVMRT_GS_FN_LOG_DATA] = KVMRT_GS_LOG_DATA_HOST,
	[KVMRT_GS_FN_LOG_MSG] = KVMRT_GS_LOG_MSG_HOST,
};

static const char *const gs_guest_names[] = {
	[KVMRT_GS_FN_PING] = KVMRT_GS_PING_GUEST,
	[KVMRT_GS_FN_FLUSH] = KVMRT_GS_FLUSH_GUEST,
	[KVMRT_GS_FN_LOG_DATA] = KVMRT_GS_LOG_DATA_GUEST,
	[KVMRT_GS_FN_LOG_MSG] = KVMRT_GS_LOG_MSG_GUEST,
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
	it->gs_fn = 0;
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
	p = add_part(it, fn == KVMRT_GS_FN_LOG_MSG ? XV_PART_ESC : XV_PART_HEXBYTES);
	p->key = fn == KVMRT_GS_FN_LOG_MSG ? "msg" : "data";
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

	if ((nr & KVMRT_GS_NR_MASK) != KVMRT_GS_NR_BASE || fn >= ARRAY_SIZE(gs_host_names) ||
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
	case KVMRT_GS_FN_PING:
		add_keyed(it, "cookie", XV_PART_HEX, a[0]);
		add_keyed(it, "seq", XV_PART_DEC, a[1]);
		add_keyed(it, "tod", XV_PART_DEC, a[2]); /* guest TOD at the call */
		break;
	case KVMRT_GS_FN_FLUSH:
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

/* The guest-services function a KVMRT_GS_*_GUEST marker name stands for, or 0. */
static unsigned gs_guest_fn(const uint8_t *name, uint32_t len)
{
	for (unsigned fn = 1; fn < ARRAY_SIZE(gs_guest_names); fn++)
		if (strlen(gs_guest_names[fn]) == len && !memcmp(gs_guest_names[fn], name, len))
			return fn;
	return 0;
}

/* What makes the marker before a call and the one after it the same: all but the tod=. */
static uint64_t gs_call_key(const uint8_t *p, uint32_t len)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */

	for (uint32_t i = 0; i < len; i++) {
		if (i + 4 <= len && !memcmp(p + i, "tod=", 4) && (i == 0 || p[i - 1] == ' '))
			break;
		h = (h ^ p[i]) * 0x100000001b3u;
	}
	return h;
}

/*
 * KVM_GUEST_HC_START [nr] and the marker's own item for the first marker of a
 * call, KVM_GUEST_HC_END [the marker's arguments] for the second. The thread's
 * open call is the state; a thread with no state (out of memory, too many
 * threads) shows the marker alone.
 */
static int gs_marker_items(struct xv_system *s, const struct rec *rec, unsigned fn,
			   const uint8_t *p, uint32_t len, struct xv_item *it)
{
	struct xv_gs_call *call = NULL;
	uint64_t key = gs_call_key(p, len), tid;

	if (xv_ref_u64(&s->pid, rec->data, rec->size, rec->swap, &tid))
		call = xv_system_gs_call(s, (uint32_t)tid);
	if (!call)
		return 1;
	it->gs_fn = (uint8_t)fn;
	if (call->open && call->key == key) {
		call->open = false;
		it->event = "KVM_GUEST_HC_END";
		it->event_len = (uint32_t)strlen(it->event);
		return 1;
	}
	call->open = true;
	call->key = key;
	it[1] = it[0];
	item_init_str(it, "KVM_GUEST_HC_START");
	it->derived = true;
	add_number(it, XV_PART_HEX, KVMRT_GS_NR(fn));
	return 2;
}

/* ftrace:print: KVMRT_GS_* markers name themselves, anchors hide, the rest is MARKER [text]. */
static int marker_items(struct xv_system *s, const struct xv_evinfo *e, const struct rec *rec,
			bool raw, struct xv_item *it)
{
	const uint8_t *p;
	uint32_t len, word;
	unsigned fn;

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
	if (has_prefix(p, len, KVMRT_GS_MARKER_PREFIX)) {
		for (word = 0; word < len && p[word] != ' '; word++)
			;
		if (is_marker_name(p, word)) {
			item_init(it, (const char *)p, word);
			fn = gs_guest_fn(p, word);
			while (word < len && p[word] == ' ')
				word++;
			if (word < len)
				add_bytes(it, XV_PART_ESC, p + word, len - word);
			return fn && !raw ? gs_marker_items(s, rec, fn, p, len, it) : 1;
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
		return marker_items(s, e, &rec, raw, it);
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
	char text[128];
	const char *c, *q;

	if (it->gs_fn != KVMRT_GS_FN_PING || it->n_parts != 1 || it->part[0].type != XV_PART_ESC)
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
	    nr != KVMRT_GS_NR(KVMRT_GS_FN_PING) ||
	    !xv_ref_u64(&e->ref[1], ev->data, ev->size, s->swap, &cookie) ||
	    !xv_ref_u64(&e->ref[2], ev->data, ev->size, s->swap, &seq))
		return false;
	*ret_cookie = cookie;
	*ret_seq = seq;
	return true;
}
