/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view-internal.h - what the files of libxview share. Not for the tool.
 *
 * Records are untrusted bytes: every field read goes through an xv_ref
 * resolved once from the event format and is checked against the record
 * size before a byte is touched.
 */
#ifndef XVIEW_INTERNAL_H
#define XVIEW_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <traceevent/trace-seq.h>

#include "xview.h"

struct tep_event;
struct xt_source;
struct xv_filter;
struct tep_format_field;
struct tep_handle;

/* A field of a record. */
enum {
	XV_REF_PRESENT = 1 << 0,
	XV_REF_SIGNED = 1 << 1,
	XV_REF_DYNAMIC = 1 << 2,  /* __data_loc: u32 (len << 16 | offset) at @off */
	XV_REF_RELATIVE = 1 << 3, /* __rel_loc: offset counted from the end of that u32 */
	XV_REF_TAIL = 1 << 4,     /* char buf[]: from @off to the end of the record */
};

struct xv_ref {
	uint16_t off;
	uint16_t size;
	uint16_t flags;
};

/* Resolves @f (may be NULL: the ref is then absent). Returns 0 or -ERANGE (offset > 64 KiB). */
int xv_ref_init(const struct tep_format_field *f, struct xv_ref *ret);

/* Resolves field @name of @event (common fields included); absent if it has none. */
int xv_ref_find(struct tep_event *event, const char *name, struct xv_ref *ret);

static inline bool xv_ref_present(const struct xv_ref *r)
{
	return r->flags & XV_REF_PRESENT;
}

/* Reads a 1, 2, 4 or 8-byte number, sign-extended when signed. False if out of the record. */
static inline bool xv_ref_u64(const struct xv_ref *r, const uint8_t *data, uint32_t size,
			      bool swap, uint64_t *ret)
{
	const uint8_t *p = data + r->off;
	bool sign = r->flags & XV_REF_SIGNED;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	if (!(r->flags & XV_REF_PRESENT) || (uint32_t)r->off + r->size > size)
		return false;
	switch (r->size) {
	case 1:
		*ret = sign ? (uint64_t)(int64_t)(int8_t)*p : *p;
		return true;
	case 2:
		memcpy(&v16, p, 2);
		v16 = swap ? __builtin_bswap16(v16) : v16;
		*ret = sign ? (uint64_t)(int64_t)(int16_t)v16 : v16;
		return true;
	case 4:
		memcpy(&v32, p, 4);
		v32 = swap ? __builtin_bswap32(v32) : v32;
		*ret = sign ? (uint64_t)(int64_t)(int32_t)v32 : v32;
		return true;
	case 8:
		memcpy(&v64, p, 8);
		*ret = swap ? __builtin_bswap64(v64) : v64;
		return true;
	default:
		return false;
	}
}

/*
 * The bytes of a string or array field: fixed arrays, __data_loc/__rel_loc
 * and tail arrays. False when they do not lie inside the record.
 */
bool xv_ref_bytes(const struct xv_ref *r, const uint8_t *data, uint32_t size, bool swap,
		  const uint8_t **ret, uint32_t *ret_len);

/* A symbolic print table of an event (__print_symbolic), compiled once. */
struct xv_sym;

/*
 * Compiles the first print argument of @event that maps field @field through
 * __print_symbolic (with the conditions around it, as kvm_exit chooses its
 * table by isa). -ENOENT if there is none, -EOPNOTSUPP for constructs it
 * does not evaluate. Symbol strings are borrowed from @event. Free with
 * xv_sym_free().
 */
int xv_sym_compile(struct tep_event *event, const char *field, struct xv_sym **ret);

/*
 * Evaluates @s on a record: 1 and *ret_str when a symbol matches, 0 and
 * *ret_val (the value looked up) when none does, -EBADMSG when a field lies
 * outside the record.
 */
int xv_sym_eval(const struct xv_sym *s, const uint8_t *data, uint32_t size, bool swap,
		const char **ret_str, uint64_t *ret_val);

void xv_sym_free(struct xv_sym *s);

/* How the text renderer shows an event. */
enum xv_kind {
	XV_KIND_PLAIN,      /* display name only */
	XV_KIND_NUM,        /* [ref0 in decimal] */
	XV_KIND_HEX,        /* [0x ref0] */
	XV_KIND_STR,        /* [ref0 as text] */
	XV_KIND_CONST,      /* [cnst] */
	XV_KIND_SYM,        /* [symbol of ref0 through sym, else the number] */
	XV_KIND_SYSCALL,    /* [syscall name of ref0, else the number] */
	XV_KIND_EXEC,       /* [ref0 ref1-as-text] */
	XV_KIND_KVM_ENTRY,  /* [pid]; ends a pending hypercall on the CPU */
	XV_KIND_KVM_EXIT,   /* [pid reason-of-ref0] */
	XV_KIND_HYPERCALL,  /* [0x nr]; refs nr, a0..a3; guest services decoded */
	XV_KIND_MARKER,     /* ftrace:print text in ref0 */
};

#define XV_EV_REFS 5

/* A field printed by --raw. */
struct xv_rawf {
	const struct tep_format_field *field;
	struct xv_ref ref;
	uint16_t name_len;
	uint8_t how;  /* enum in render-raw.c */
	uint8_t elem; /* element bytes of arrays */
};

/* Everything resolved once per event id of a system. */
struct xv_evinfo {
	struct tep_event *event;
	enum xv_kind kind;
	const char *display;
	uint32_t display_len;
	const char *name; /* ftrace name, borrowed from @event */
	uint32_t name_len;
	struct xv_ref ref[XV_EV_REFS];
	const char *cnst;
	uint32_t cnst_len;
	struct xv_sym *sym;
	struct xv_rawf *raw; /* only with --raw */
	unsigned n_raw;
	char *owned; /* storage of @display when built at compile time */
	uint8_t pass; /* XV_PASS_* of the view's --event filter */
};

/* Resolves @event once. Free with xv_evinfo_free(). */
int xv_evinfo_new(struct tep_event *event, bool raw, struct xv_evinfo **ret);
void xv_evinfo_free(struct xv_evinfo *e);

/* --raw: the fields of @event as name=value. */
int xv_raw_compile(struct tep_event *event, struct xv_rawf **ret, unsigned *ret_n);
void xv_raw_write(struct xv_out *o, const struct xv_evinfo *e, const uint8_t *data, uint32_t size,
		  bool swap, struct trace_seq *seq);

/* Syscall number to name for one architecture, looked up once per number. */
struct xv_syscalls;
/* @arch may be NULL or unknown to libseccomp: every lookup then fails. */
int xv_syscalls_new(const char *arch, struct xv_syscalls **ret);
void xv_syscalls_free(struct xv_syscalls *c);
/*
 * Name of @nr and its length in *@ret_len, or NULL (no name, or out of
 * memory). Borrowed: lives as long as @c.
 */
const char *xv_syscalls_name_len(struct xv_syscalls *c, int64_t nr, uint32_t *ret_len);

/* Per CPU: a hypercall seen and its kvm_entry not yet. */
struct xv_hc_state {
	uint64_t nr;
	bool pending;
};

/* The guest-services call a guest thread is in, between its two markers. */
struct xv_gs_call {
	uint32_t tid1; /* thread id + 1; 0: free slot */
	bool open;
	uint64_t key;  /* of the first marker (all but its tod=) */
};

/* One system of the view. */
struct xv_system {
	struct tep_handle *tep;
	char *host;
	uint32_t host_len;
	bool swap;     /* recorded with the other byte order */
	bool ts_is_ns; /* the trace clock counts nanoseconds */
	bool raw;
	struct xv_ref type; /* common_type */
	struct xv_ref pid;  /* common_pid */
	const struct xv_evinfo **events; /* by id: NULL not looked up yet */
	unsigned n_events;
	struct xv_hc_state *hc; /* by CPU */
	unsigned n_hc;
	struct xv_gs_call *gs_calls; /* open addressing by thread id */
	unsigned n_gs_calls, used_gs_calls;
	struct xv_syscalls *syscalls;
	bool shown;                      /* --host keeps it */
	const struct xv_filter *filter;  /* the view's, or NULL */
	uint8_t unknown_pass;            /* XV_PASS_* of events without a format */
};

/* How the filter judged an event id (xv_evinfo.pass). */
enum {
	XV_PASS_ALL = 0, /* shown */
	XV_PASS_NONE,    /* hidden */
	XV_PASS_ITEMS,   /* judged by the name of each display item */
};

int xv_system_new(struct tep_handle *tep, const char *host, const char *arch, const char *clock,
		  bool raw, struct xv_system **ret);
void xv_system_free(struct xv_system *s);

/* Marks an event id the formats do not know, so that it is looked up once. */
extern const struct xv_evinfo xv_no_event;

/* Resolves event @id (< n_events) into s->events[id]. Returns 0 or a negative errno. */
int xv_system_resolve(struct xv_system *s, uint64_t id);

/*
 * The info of the event of record @data: 1 and *ret, 0 for an unknown id or
 * a record too short to hold one, negative errno. Resolves on first use.
 */
static inline int xv_system_lookup(struct xv_system *s, const uint8_t *data, uint32_t size,
				   const struct xv_evinfo **ret)
{
	uint64_t id;
	int r;

	if (!xv_ref_u64(&s->type, data, size, s->swap, &id) || id >= s->n_events)
		return 0;
	if (__builtin_expect(!s->events[id], 0)) {
		r = xv_system_resolve(s, id);
		if (r < 0)
			return r;
	}
	if (s->events[id] == &xv_no_event)
		return 0;
	*ret = s->events[id];
	return 1;
}

#define XV_MAX_CPUS 65536u
/* Guest-services pings --stats and --explain keep (each 16 or 40 bytes). */
#define XV_MAX_PINGS (1u << 24)

/*
 * The hypercall state of @cpu (grown on demand). NULL when out of memory or
 * @cpu >= XV_MAX_CPUS: the derived KVM_HOST_HC_EXIT is then not shown.
 */
struct xv_hc_state *xv_system_hc(struct xv_system *s, uint32_t cpu);

/* Guest threads whose guest-services call state a system keeps. */
#define XV_MAX_GS_THREADS (1u << 16)

/*
 * The guest-services call state of thread @tid (made on first use). NULL when
 * out of memory or XV_MAX_GS_THREADS threads have one: markers then show alone.
 */
struct xv_gs_call *xv_system_gs_call(struct xv_system *s, uint32_t tid);

/* What one output line says after the common columns. */
enum xv_part_type {
	XV_PART_DEC,      /* u: decimal */
	XV_PART_SDEC,     /* u: signed decimal */
	XV_PART_HEX,      /* u: 0x hex */
	XV_PART_STR,      /* p, len: trusted text */
	XV_PART_ESC,      /* p, len: untrusted bytes, escaped, up to a NUL */
	XV_PART_HEXBYTES, /* p, len: bytes in hex */
	XV_PART_UNKNOWN,  /* "?": the field lies outside the record */
};

struct xv_part {
	uint8_t type;
	uint32_t len;
	const char *key; /* written as key=value when not NULL */
	union {
		uint64_t u;
		const void *p;
	};
};

#define XV_ITEM_PARTS 4
#define XV_ITEMS_MAX 2
#define XV_GS_PAYLOAD 24

struct xv_item {
	const char *event;
	uint32_t event_len;
	bool derived; /* from state or decoded arguments, not a record of its own */
	uint8_t gs_fn; /* KVMRT_GS_FN_* when the parts are a guest marker's arguments */
	unsigned n_parts;
	struct xv_part part[XV_ITEM_PARTS];
	uint8_t payload[XV_GS_PAYLOAD]; /* guest-services bytes from a1..a3 */
};

/*
 * The display items of one record (up to XV_ITEMS_MAX: a derived
 * KVM_HOST_HC_EXIT before a kvm_entry, a KVMRT_GS_*_HOST after a hypercall,
 * KVM_GUEST_HC_START before a guest's KVMRT_GS_*_GUEST marker).
 * @e is NULL for an unknown event id. Returns the count (0: hidden) or a
 * negative errno.
 */
int xv_text_items(struct xv_system *s, const struct xv_evinfo *e, const struct xt_event *ev,
		  bool raw, struct xv_item *items);

/* A guest's ping marker item (KVMRT_GS_PING_GUEST or its KVM_GUEST_HC_END): cookie=, seq=. */
bool xv_gs_ping_guest(const struct xv_item *it, uint64_t *ret_cookie, uint64_t *ret_seq);
/* A host's guest-services ping hypercall (a0 = cookie, a1 = seq). */
bool xv_gs_ping_host(const struct xv_system *s, const struct xv_evinfo *e,
		     const struct xt_event *ev, uint64_t *ret_cookie, uint64_t *ret_seq);

/* Writes "[part part ...]". */
void xv_item_write_arg(struct xv_out *o, const struct xv_item *it);

/* The compiled filters of a view. */

int xv_filter_new(const struct xv_filter_spec *spec, char *why, size_t why_len,
		  struct xv_filter **ret);
void xv_filter_free(struct xv_filter *f);
bool xv_filter_host(const struct xv_filter *f, const char *host);
bool xv_filter_cpu(const struct xv_filter *f, uint32_t cpu);
/* XV_PASS_ALL, XV_PASS_NONE or XV_PASS_ITEMS for event id @e (NULL: unknown id). */
uint8_t xv_filter_event(const struct xv_filter *f, const struct xv_evinfo *e);
bool xv_filter_item(const struct xv_filter *f, const struct xv_item *it);
/* --pid and --comm on the common_pid of @ev. */
bool xv_filter_task(const struct xv_filter *f, struct xv_system *s, const struct xt_event *ev);

enum { XV_SPAN_BEFORE, XV_SPAN_IN, XV_SPAN_AFTER };
/* Where event number @index at @tod lies against --from/--to (@base: TOD of the first event). */
int xv_span_check(const struct xv_at *from, const struct xv_at *to, uint64_t index, uint64_t tod,
		  uint64_t base);
/* The TOD of a moment (XV_AT_TOD or XV_AT_REL after @base). */
uint64_t xv_at_tod(const struct xv_at *at, uint64_t base);

/* Statistics of --stats (stats.c) and the Perfetto export (export-perfetto.c). */
struct xv_stats;
struct xv_perfetto;
struct xv_tracedat;

/* The view (view.c); the other files of libxview read it. */
struct xv_view {
	struct xv_out out;
	struct xv_out scratch; /* JSON and CSV: a value rendered before it is quoted */
	struct xv_fields fields;
	enum xv_time_mode time;
	enum xv_format format;
	enum xv_mode mode;
	bool raw;
	bool have_base;
	bool header_done;
	uint64_t base; /* TOD of the first event */
	struct xv_system **systems;
	unsigned n_systems;
	struct trace_seq seq; /* libtraceevent's printer, for the fields it alone can print */
	struct xv_filter *filter;
	struct xv_at from;
	struct xv_at to;
	uint64_t lost;
	uint64_t lost_records;
	struct xv_stats *stats;
	struct xv_perfetto *perfetto;
	struct xv_tracedat *tracedat;
	char *export_path;
};

/* Adds every system of @src to @v. */
int xv_view_add_source(struct xv_view *v, struct xt_source *src);
/* A text line of one item (view.c). */
void xv_view_line(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
		  const struct xv_evinfo *e, const struct xv_item *it);

/* The ARG of an item without its brackets, rendered into v->scratch. */
void xv_render_arg(struct xv_view *v, const struct xv_item *it);

/* One display item (@it) of a record, or a loss (@it NULL), in the view's mode and format. */
void xv_view_emit(struct xv_view *v, struct xv_system *s, const struct xt_event *ev,
		  const struct xv_evinfo *e, const struct xv_item *it);

/* --format json and csv: one item of a record (@e NULL: unknown id), or a loss (@it NULL). */
void xv_json_item(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
		  const struct xv_evinfo *e, const struct xv_item *it);
void xv_csv_item(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
		 const struct xv_evinfo *e, const struct xv_item *it);

int xv_stats_new(struct xv_stats **ret);
void xv_stats_free(struct xv_stats *st);
/* One record shown (its items as rendered), or a loss (@e and @items NULL). */
int xv_stats_event(struct xv_stats *st, struct xv_system *s, unsigned system,
		   const struct xv_evinfo *e, const struct xt_event *ev,
		   const struct xv_item *items, int n);
int xv_stats_write(struct xv_stats *st, struct xv_view *v);

int xv_perfetto_new(struct xv_perfetto **ret);
void xv_perfetto_free(struct xv_perfetto *p);
void xv_perfetto_item(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
		      const struct xv_evinfo *e, const struct xv_item *it);
/* Ends the slices still open and the JSON document. */
int xv_perfetto_finish(struct xv_view *v);

/* --export tracedat FILE: created once the systems of @src are known. */
int xv_tracedat_new(const char *path, struct xt_source *src, struct xv_tracedat **ret);
void xv_tracedat_free(struct xv_tracedat *t);
/* A record (whole) or a loss of the source. */
int xv_tracedat_event(struct xv_tracedat *t, const struct xt_event *ev);
/* Writes the files: FILE, or FILE.HOST per system when several have events. */
int xv_tracedat_finish(struct xv_tracedat *t);

#define XV_SCRATCH_CAP (1u << 20)

/*
 * Grows the array *@arr of @size-byte elements (capacity *@cap) to hold
 * index @i, doubling and zeroing the new part. Returns 0, -ERANGE when
 * @i >= @limit, or -ENOMEM.
 */
int xv_grow(void *arr, unsigned *cap, unsigned i, size_t size, unsigned limit);

/* printf into the output (not for the hot path: lines up to 511 bytes). */
void xv_out_printf(struct xv_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends a string literal. */
#define xv_out_lit(o, s) xv_out_write((o), "" s, sizeof(s) - 1)

/* Writes @n bytes as the inside of a JSON string (escapes, bytes >= 0x80 as \u00XX). */
void xv_out_json_str(struct xv_out *o, const void *p, size_t n);
/* --format json: every field of the record as "name":value, comma separated. */
void xv_raw_write_json(struct xv_out *o, const struct xv_evinfo *e, const uint8_t *data,
		       uint32_t size, bool swap, struct trace_seq *seq, struct xv_out *scratch);

#endif
