/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xview.h - libxview: what xtrace-view prints and how fast.
 *
 * A view turns the events of an xt_source (or events built in memory) into
 * text lines, one per event: "SECONDS.NANOSECONDS HOST CPU EVENT [ARG]" by
 * default. Per system and per event id the renderer and the field offsets
 * are resolved once; the hot path reads fields straight from the record and
 * writes into one large output buffer.
 */
#ifndef XVIEW_H
#define XVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tep_handle;
struct xt_event;
struct xt_source;

/* The fields a line may show, in the order --fields lists them. */
enum xv_field_id {
	XV_FIELD_TIME,
	XV_FIELD_HOST,
	XV_FIELD_CPU,
	XV_FIELD_EVENT, /* display name: KVM_ENTER_VM_PID, SCHED_SWITCH, ... */
	XV_FIELD_ARG,   /* [ARG] of the display name; all fields as name=value with --raw */
	XV_FIELD_PID,   /* common_pid of the record */
	XV_FIELD_COMM,  /* command name of that pid (saved cmdlines) */
	XV_FIELD_NAME,  /* ftrace event name: sched_switch, kvm_exit, ... */
	XV_FIELD_COUNT,
};

struct xv_fields {
	unsigned n;
	uint8_t id[XV_FIELD_COUNT]; /* enum xv_field_id, each at most once */
};

/*
 * Parses a comma list of field names (time,host,cpu,event,arg,pid,comm,name).
 * Returns 0, or -EINVAL with a one-line reason naming the bad field and
 * listing the valid ones in @why (@why_len bytes, may be 0).
 */
int xv_fields_parse(const char *list, struct xv_fields *ret, char *why, size_t why_len);

/* The fields shown when --fields is not given (they differ with --raw). */
void xv_fields_default(bool raw, struct xv_fields *ret);

/* Name of field @id ("time", ...). Static. */
const char *xv_field_name(enum xv_field_id id);

enum xv_time_mode {
	XV_TIME_REL, /* seconds since the first event of the source */
	XV_TIME_TOD, /* seconds since the epoch (UTC) */
	XV_TIME_RAW, /* the recording's raw trace-clock timestamp */
};

/* Parses "rel", "tod" or "raw". Returns 0 or -EINVAL. */
int xv_time_mode_parse(const char *s, enum xv_time_mode *ret);

/* How events are written (--format). */
enum xv_format {
	XV_FORMAT_TEXT, /* the display lines */
	XV_FORMAT_RAW,  /* every field as name=value (same as --raw) */
	XV_FORMAT_JSON, /* JSON lines: one object per event, fields typed */
	XV_FORMAT_CSV,  /* a header, then one row per event */
};

/* Parses "text", "raw", "json" or "csv". Returns 0 or -EINVAL. */
int xv_format_parse(const char *s, enum xv_format *ret);

/* A moment given on the command line (--from, --to, --explain). */
enum xv_at_kind {
	XV_AT_NONE,
	XV_AT_TOD,   /* "1741944413.5": ns since the epoch */
	XV_AT_REL,   /* "+1.5": ns after the first event */
	XV_AT_COUNT, /* "#1000": events (records and losses) from the first one */
};

struct xv_at {
	enum xv_at_kind kind;
	uint64_t v;
};

/* Parses a moment. Returns 0, -EINVAL (malformed) or -ERANGE. */
int xv_at_parse(const char *s, struct xv_at *ret);

/* The filters of the command line, as given (borrowed strings, NULL: no filter). */
struct xv_filter_spec {
	const char *host;  /* comma list of globs on the host column */
	const char *cpu;   /* CPU list: 0-3,8 */
	const char *event; /* comma list of globs: KVM_EXIT_VM_PID, kvm:kvm_exit, kvm_*, ... */
	const char *pid;   /* comma list of pids (common_pid) */
	const char *comm;  /* comma list of globs on the command name of common_pid */
	struct xv_at from; /* first event shown (inclusive) */
	struct xv_at to;   /* last moment shown (inclusive; #N: events before the Nth) */
};

/*
 * Checks the lists of @spec (pids, CPU list). Returns 0, or -EINVAL with a
 * one-line reason in @why, or -ENOMEM.
 */
int xv_filter_check(const struct xv_filter_spec *spec, char *why, size_t why_len);

/* What xtrace-view produces. */
enum xv_mode {
	XV_MODE_EVENTS,   /* the events, in --format */
	XV_MODE_STATS,    /* --stats */
	XV_MODE_EXPLAIN,  /* --explain T */
	XV_MODE_PERFETTO, /* --export perfetto FILE */
	XV_MODE_TRACEDAT, /* --export tracedat FILE */
};

/* Exit status of --strict when an input lost events. */
#define XV_EXIT_LOST 3

#define XV_WINDOW_DEFAULT_NS 100000ull

/* Command line of xtrace-view. */
struct xv_params {
	struct xv_fields fields;
	enum xv_time_mode time;
	enum xv_format format;
	enum xv_mode mode;
	struct xv_filter_spec filter;
	struct xv_at explain;   /* XV_MODE_EXPLAIN: the guest-side moment */
	uint64_t window_ns;     /* XV_MODE_EXPLAIN: half width of the window */
	const char *export_path; /* XV_MODE_PERFETTO, XV_MODE_TRACEDAT */
	bool raw;
	bool strict;
	bool help;
	bool version;
	const char *const *dirs; /* borrowed from argv */
	unsigned n_dirs;
};

/*
 * Fills *ret from argv; no output, no exit. Returns 0, or -EINVAL for a
 * usage error with a one-line reason in @why. With --help or --version the
 * flag is set and no directory is required.
 */
int xv_parse_args(int argc, char **argv, struct xv_params *ret, char *why, size_t why_len);

/* The --help text. Static. */
const char *xv_usage(void);

/*
 * The output buffer: bytes are appended and written to the fd with write(2)
 * whenever the buffer is full. Errors are sticky in @error.
 */
struct xv_out {
	char *buf;
	size_t len;
	size_t cap;
	int fd;
	int error; /* first negative errno met writing, or 0 */
};

#define XV_OUT_DEFAULT_CAP (1u << 20)
#define XV_OUT_MIN_CAP 32u

/* Allocates a buffer of @cap bytes (0: XV_OUT_DEFAULT_CAP, at least XV_OUT_MIN_CAP). */
int xv_out_init(struct xv_out *o, int fd, size_t cap);
/* Frees the buffer without writing it. */
void xv_out_done(struct xv_out *o);
/* Writes what is buffered. Returns 0 or the sticky negative errno. */
int xv_out_flush(struct xv_out *o);
void xv_out_write(struct xv_out *o, const void *p, size_t n);

/* Makes room for @n bytes (n <= cap, flushing if needed) and returns where they go. */
static inline char *xv_out_room(struct xv_out *o, size_t n)
{
	if (__builtin_expect(o->cap - o->len < n, 0))
		xv_out_flush(o);
	return o->buf + o->len;
}

static inline void xv_out_putc(struct xv_out *o, char c)
{
	*xv_out_room(o, 1) = c;
	o->len++;
}
void xv_out_u64(struct xv_out *o, uint64_t v);
void xv_out_s64(struct xv_out *o, int64_t v);
/* "0x" and lower-case hex digits, no padding. */
void xv_out_hex(struct xv_out *o, uint64_t v);
/* Exactly 9 digits, zero-padded (@v < 10^9). */
void xv_out_frac9(struct xv_out *o, uint32_t v);
/*
 * Untrusted bytes: stops at the first NUL or after @n bytes; control bytes,
 * DEL and backslash are written as \xNN so that no record can drive a terminal.
 */
void xv_out_escaped(struct xv_out *o, const void *p, size_t n);
/* Writes byte @c at @w as xv_out_escaped() does (a space too if @space); returns 1 or 4. */
size_t xv_escape_byte(char *w, unsigned char c, bool space);
/* Bytes as two hex digits each. */
void xv_out_hexbytes(struct xv_out *o, const void *p, size_t n);

/*
 * Writes timestamp @tod (or @ts for XV_TIME_RAW) as SECONDS.NANOSECONDS.
 * @base is the TOD of the first event (XV_TIME_REL). A raw timestamp of a
 * clock that does not count nanoseconds (@ts_is_ns false) is written as an
 * integer.
 */
void xv_time_write(struct xv_out *o, enum xv_time_mode mode, uint64_t tod, uint64_t ts,
		   uint64_t base, bool ts_is_ns);

/* A view: systems, their per-event tables, the output buffer. */
struct xv_view;

struct xv_view_opts {
	struct xv_fields fields;
	enum xv_time_mode time;
	bool raw;		/* same as format = XV_FORMAT_RAW */
	enum xv_format format;
	enum xv_mode mode;      /* XV_MODE_EVENTS, STATS, PERFETTO or TRACEDAT */
	const char *export_path; /* XV_MODE_TRACEDAT: the file (copied) */
	size_t out_cap; /* output buffer bytes, 0 for XV_OUT_DEFAULT_CAP */
};

/* A view writing to @fd. Free with xv_view_free(). */
int xv_view_new(const struct xv_view_opts *opts, int fd, struct xv_view **ret);

/*
 * Adds the next system (index = number of systems added before). @tep must
 * outlive the view; @host, @arch (libseccomp/uname name such as "x86_64",
 * may be NULL) and @clock (tracefs clock name, may be NULL) are copied.
 */
int xv_view_add_system(struct xv_view *v, struct tep_handle *tep, const char *host,
		       const char *arch, const char *clock);

/* Renders one event. Returns 0 or a negative errno (-EINVAL: unknown system). */
int xv_view_event(struct xv_view *v, const struct xt_event *ev);

/* Writes what is buffered. Returns 0 or a negative errno. */
int xv_view_flush(struct xv_view *v);

/*
 * Adds every system of @src, renders all its events and flushes. Returns 0
 * or the first negative errno of the source or of writing.
 */
int xv_view_source(struct xv_view *v, struct xt_source *src);

/*
 * Shows only the events @spec selects (strings are compiled, not kept).
 * Returns 0, or -EINVAL with a one-line reason in @why. Call before the
 * first event.
 */
int xv_view_set_filter(struct xv_view *v, const struct xv_filter_spec *spec, char *why,
		       size_t why_len);

/* Events the inputs lost that the view met (XT_LOST_UNKNOWN counts 1), and loss records. */
uint64_t xv_view_lost(const struct xv_view *v, uint64_t *ret_records);

/*
 * --explain: what the host did around the guest-side moment @p->explain on
 * the CPUs running the guests' vCPUs (learnt from guest-services ping
 * pairs), in a window of +- @p->window_ns. Reads @src twice: it is reopened
 * from @p->dirs for the second pass. Returns 0 or a negative errno.
 */
int xv_explain(struct xv_view *v, struct xt_source *src, const struct xv_params *p);

/* The first error met writing the output (negative errno), or 0. */
int xv_view_write_error(const struct xv_view *v);

/* Frees the view without flushing. Accepts NULL. */
void xv_view_free(struct xv_view *v);

#endif
