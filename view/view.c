/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view.c - the view: systems, the line layout chosen by --fields, and the
 * loop over a source. The hot path is xv_view_event(): one table lookup by
 * event id, the renderer, then digits and bytes into the output buffer.
 */
#include "view-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>
#include <xtrace.h>

#include "cleanup.h"

struct xv_view {
	struct xv_out out;
	struct xv_fields fields;
	enum xv_time_mode time;
	bool raw;
	bool have_base;
	uint64_t base; /* TOD of the first event */
	struct xv_system **systems;
	unsigned n_systems;
	struct trace_seq seq; /* libtraceevent's printer, for the fields it alone can print */
};

void xv_view_free(struct xv_view *v)
{
	unsigned i;

	if (!v)
		return;
	for (i = 0; i < v->n_systems; i++)
		xv_system_free(v->systems[i]);
	free(v->systems);
	trace_seq_destroy(&v->seq);
	xv_out_done(&v->out);
	free(v);
}

int xv_view_new(const struct xv_view_opts *opts, int fd, struct xv_view **ret)
{
	struct xv_view *v = calloc(1, sizeof(*v));
	int r;

	if (!v)
		return -ENOMEM;
	trace_seq_init(&v->seq);
	r = xv_out_init(&v->out, fd, opts->out_cap);
	if (r < 0) {
		xv_view_free(v);
		return r;
	}
	v->fields = opts->fields;
	v->time = opts->time;
	v->raw = opts->raw;
	*ret = v;
	return 0;
}

int xv_view_add_system(struct xv_view *v, struct tep_handle *tep, const char *host,
		       const char *arch, const char *clock)
{
	struct xv_system **systems;
	struct xv_system *s;
	int r;

	systems = realloc(v->systems, (v->n_systems + 1) * sizeof(*systems));
	if (!systems)
		return -ENOMEM;
	v->systems = systems;
	r = xv_system_new(tep, host, arch, clock, v->raw, &s);
	if (r < 0)
		return r;
	v->systems[v->n_systems++] = s;
	return 0;
}

int xv_view_flush(struct xv_view *v)
{
	return xv_out_flush(&v->out);
}

/* Writes the separator before every column but the first. */
static inline void column(struct xv_out *o, bool *first)
{
	if (!*first)
		xv_out_putc(o, ' ');
	*first = false;
}

/* The columns every line has, whatever the event: time, host, cpu. */
static bool common_column(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
			  uint8_t id, bool *first)
{
	switch (id) {
	case XV_FIELD_TIME:
		column(&v->out, first);
		xv_time_write(&v->out, v->time, ev->tod, ev->ts, v->base, s->ts_is_ns);
		return true;
	case XV_FIELD_HOST:
		column(&v->out, first);
		xv_out_write(&v->out, s->host, s->host_len);
		return true;
	case XV_FIELD_CPU:
		column(&v->out, first);
		xv_out_u64(&v->out, ev->cpu);
		return true;
	default:
		return false;
	}
}

static void write_arg(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
		      const struct xv_evinfo *e, const struct xv_item *it, bool *first)
{
	if (v->raw && e) {
		if (e->n_raw) {
			column(&v->out, first);
			xv_raw_write(&v->out, e, ev->data, ev->size, s->swap, &v->seq);
		}
	} else if (it->n_parts) {
		column(&v->out, first);
		xv_item_write_arg(&v->out, it);
	}
}

static void write_pid_comm(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
			   bool comm)
{
	uint64_t pid;

	if (!xv_ref_u64(&s->pid, ev->data, ev->size, s->swap, &pid)) {
		xv_out_putc(&v->out, '?');
	} else if (comm) {
		const char *c = tep_data_comm_from_pid(s->tep, (int)pid);

		xv_out_escaped(&v->out, c, strlen(c));
	} else {
		xv_out_s64(&v->out, (int64_t)pid);
	}
}

static void write_line(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
		       const struct xv_evinfo *e, const struct xv_item *it)
{
	struct xv_out *o = &v->out;
	bool first = true;
	unsigned i;

	for (i = 0; i < v->fields.n; i++) {
		uint8_t id = v->fields.id[i];

		if (common_column(v, s, ev, id, &first))
			continue;
		switch (id) {
		case XV_FIELD_EVENT:
			column(o, &first);
			xv_out_write(o, it->event, it->event_len);
			break;
		case XV_FIELD_ARG:
			write_arg(v, s, ev, e, it, &first);
			break;
		case XV_FIELD_PID:
		case XV_FIELD_COMM:
			column(o, &first);
			write_pid_comm(v, s, ev, id == XV_FIELD_COMM);
			break;
		case XV_FIELD_NAME:
			column(o, &first);
			if (e)
				xv_out_write(o, e->name, e->name_len);
			else
				xv_out_write(o, "unknown", 7);
			break;
		}
	}
	xv_out_putc(o, '\n');
}

/* Lost events are never silent: whatever --fields says, the line names them. */
static void write_lost(struct xv_view *v, struct xv_system *s, const struct xt_event *ev)
{
	struct xv_hc_state *st = xv_system_hc(s, ev->cpu);
	bool first = true;
	unsigned i;

	/* A hypercall before the gap may have returned in it: do not derive its exit. */
	if (st)
		st->pending = false;
	for (i = 0; i < v->fields.n; i++)
		common_column(v, s, ev, v->fields.id[i], &first);
	column(&v->out, &first);
	xv_out_write(&v->out, "LOST_EVENTS [", 13);
	if (ev->lost == XT_LOST_UNKNOWN)
		xv_out_write(&v->out, "unknown", 7);
	else
		xv_out_u64(&v->out, ev->lost);
	xv_out_write(&v->out, "]\n", 2);
}

int xv_view_event(struct xv_view *v, const struct xt_event *ev)
{
	struct xv_item items[XV_ITEMS_MAX];
	const struct xv_evinfo *e = NULL;
	struct xv_system *s;
	int n, r, i;

	if (ev->system >= v->n_systems)
		return -EINVAL;
	s = v->systems[ev->system];
	if (!v->have_base) {
		v->base = ev->tod;
		v->have_base = true;
	}
	if (ev->kind == XT_EVENT_LOST) {
		write_lost(v, s, ev);
		return v->out.error;
	}
	r = xv_system_lookup(s, ev->data, ev->size, &e);
	if (r < 0)
		return r;
	n = xv_text_items(s, e, ev, v->raw, items);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		write_line(v, s, ev, e, &items[i]);
	return v->out.error;
}

int xv_view_source(struct xv_view *v, struct xt_source *src)
{
	unsigned i, n = xt_source_system_count(src);
	struct xt_event ev;
	int r, f;

	for (i = 0; i < n; i++) {
		struct xt_dump *d = xt_source_system(src, i);

		r = xv_view_add_system(v, xt_dump_tep(d), xt_dump_host(d), xt_dump_meta(d, "arch"),
				       xt_clock_name(xt_dump_clock(d)));
		if (r < 0)
			return r;
	}
	while ((r = xt_source_next(src, &ev)) > 0) {
		r = xv_view_event(v, &ev);
		if (r < 0)
			return r;
	}
	/* What was read before a failure is still shown. */
	f = xv_view_flush(v);
	return r < 0 ? r : f;
}

int xv_view_write_error(const struct xv_view *v)
{
	return v->out.error;
}
