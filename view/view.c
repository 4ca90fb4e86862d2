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
	xv_out_done(&v->scratch);
	xv_filter_free(v->filter);
	xv_stats_free(v->stats);
	xv_perfetto_free(v->perfetto);
	xv_tracedat_free(v->tracedat);
	free(v->export_path);
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
	if (r >= 0)
		r = xv_out_init(&v->scratch, -1, XV_SCRATCH_CAP);
	if (r >= 0 && opts->mode == XV_MODE_STATS)
		r = xv_stats_new(&v->stats);
	if (r >= 0 && opts->mode == XV_MODE_PERFETTO)
		r = xv_perfetto_new(&v->perfetto);
	if (r >= 0 && opts->mode == XV_MODE_TRACEDAT) {
		v->export_path = opts->export_path ? strdup(opts->export_path) : NULL;
		r = v->export_path ? 0 : -EINVAL;
	}
	if (r < 0) {
		xv_view_free(v);
		return r;
	}
	v->fields = opts->fields;
	v->time = opts->time;
	v->format = opts->raw ? XV_FORMAT_RAW : opts->format;
	v->raw = v->format == XV_FORMAT_RAW;
	v->mode = opts->mode;
	*ret = v;
	return 0;
}

int xv_view_set_filter(struct xv_view *v, const struct xv_filter_spec *spec, char *why,
		       size_t why_len)
{
	struct xv_filter *f;
	int r;

	if (spec->from.kind != XV_AT_NONE || spec->to.kind != XV_AT_NONE) {
		v->from = spec->from;
		v->to = spec->to;
	}
	if (!spec->host && !spec->cpu && !spec->event && !spec->pid && !spec->comm)
		return 0;
	r = xv_filter_new(spec, why, why_len, &f);
	if (r < 0)
		return r;
	xv_filter_free(v->filter);
	v->filter = f;
	return 0;
}

uint64_t xv_view_lost(const struct xv_view *v, uint64_t *ret_records)
{
	if (ret_records)
		*ret_records = v->lost_records;
	return v->lost;
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
	/* JSON and CSV show every field too. */
	r = xv_system_new(tep, host, arch, clock,
			  v->raw || v->format == XV_FORMAT_JSON || v->format == XV_FORMAT_CSV, &s);
	if (r < 0)
		return r;
	s->shown = !v->filter || xv_filter_host(v->filter, s->host);
	s->filter = v->filter;
	s->unknown_pass = v->filter ? xv_filter_event(v->filter, NULL) : XV_PASS_ALL;
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

void xv_view_line(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
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
	bool first = true;
	unsigned i;

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

/* One display item (@it) of a record, or a loss (@it NULL), in the view's mode and format. */
void xv_view_emit(struct xv_view *v, struct xv_system *s, const struct xt_event *ev,
		  const struct xv_evinfo *e, const struct xv_item *it)
{
	if (v->mode == XV_MODE_PERFETTO) {
		xv_perfetto_item(v, s, ev, e, it);
		return;
	}
	switch (v->format) {
	case XV_FORMAT_JSON:
		xv_json_item(v, s, ev, e, it);
		break;
	case XV_FORMAT_CSV:
		xv_csv_item(v, s, ev, e, it);
		break;
	default:
		if (it)
			xv_view_line(v, s, ev, e, it);
		else
			write_lost(v, s, ev);
		break;
	}
}

static int on_lost(struct xv_view *v, struct xv_system *s, const struct xt_event *ev)
{
	struct xv_hc_state *st = xv_system_hc(s, ev->cpu);

	/* A hypercall before the gap may have returned in it: do not derive its exit. */
	if (st)
		st->pending = false;
	if (v->stats)
		return xv_stats_event(v->stats, s, ev->system, NULL, ev, NULL, 0);
	if (v->tracedat)
		return xv_tracedat_event(v->tracedat, ev);
	xv_view_emit(v, s, ev, NULL, NULL);
	return v->out.error;
}

/* Records whose kind carries state from one record to the next (derived items). */
static bool keeps_state(const struct xv_evinfo *e)
{
	return e && (e->kind == XV_KIND_KVM_ENTRY || e->kind == XV_KIND_HYPERCALL ||
		     e->kind == XV_KIND_MARKER);
}

int xv_view_event(struct xv_view *v, const struct xt_event *ev)
{
	struct xv_item items[XV_ITEMS_MAX];
	const struct xv_evinfo *e = NULL;
	struct xv_system *s;
	uint8_t pass;
	int n, r, i;

	if (ev->system >= v->n_systems)
		return -EINVAL;
	s = v->systems[ev->system];
	if (!v->have_base) {
		v->base = ev->tod;
		v->have_base = true;
	}
	if (!s->shown || (v->filter && !xv_filter_cpu(v->filter, ev->cpu)))
		return 0;
	if (ev->kind == XT_EVENT_LOST)
		return on_lost(v, s, ev);
	r = xv_system_lookup(s, ev->data, ev->size, &e);
	if (r < 0)
		return r;
	pass = e ? e->pass : s->unknown_pass;
	if (pass != XV_PASS_NONE && v->filter && !xv_filter_task(v->filter, s, ev))
		pass = XV_PASS_NONE;
	if (pass == XV_PASS_NONE && !keeps_state(e))
		return 0;
	if (v->tracedat && pass == XV_PASS_ALL)
		return xv_tracedat_event(v->tracedat, ev);
	n = xv_text_items(s, e, ev, v->raw, items);
	if (n < 0 || pass == XV_PASS_NONE)
		return n < 0 ? n : 0;
	if (v->stats)
		return xv_stats_event(v->stats, s, ev->system, e, ev, items, n);
	for (i = 0; i < n; i++) {
		if (pass != XV_PASS_ALL && !xv_filter_item(v->filter, &items[i]))
			continue;
		/* An export takes the record once, when one of its items is shown. */
		if (v->tracedat)
			return xv_tracedat_event(v->tracedat, ev);
		xv_view_emit(v, s, ev, e, &items[i]);
	}
	return v->out.error;
}

int xv_view_add_source(struct xv_view *v, struct xt_source *src)
{
	unsigned i, n = xt_source_system_count(src);
	int r;

	for (i = 0; i < n; i++) {
		struct xt_dump *d = xt_source_system(src, i);

		r = xv_view_add_system(v, xt_dump_tep(d), xt_dump_host(d), xt_dump_meta(d, "arch"),
				       xt_clock_name(xt_dump_clock(d)));
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * --from as a time: the source seeks there, skipping whole frames unread.
 * The first event is read first: it is the base of --time rel and of +SECONDS.
 */
static int seek_from(struct xv_view *v, struct xt_source *src)
{
	struct xt_event ev;
	int r;

	if (v->from.kind != XV_AT_TOD && v->from.kind != XV_AT_REL)
		return 0;
	r = xt_source_next(src, &ev);
	if (r <= 0)
		return r;
	v->base = ev.tod;
	v->have_base = true;
	return xt_source_seek(src, xv_at_tod(&v->from, v->base));
}

int xv_view_source(struct xv_view *v, struct xt_source *src)
{
	bool span = v->from.kind != XV_AT_NONE || v->to.kind != XV_AT_NONE;
	uint64_t index = 0;
	struct xt_event ev;
	int r, f;

	r = xv_view_add_source(v, src);
	if (r >= 0 && v->export_path)
		r = xv_tracedat_new(v->export_path, src, &v->tracedat);
	if (r >= 0)
		r = seek_from(v, src);
	if (r < 0)
		return r;
	while ((r = xt_source_next(src, &ev)) > 0) {
		if (span) {
			if (!v->have_base) {
				v->base = ev.tod;
				v->have_base = true;
			}
			f = xv_span_check(&v->from, &v->to, index++, ev.tod, v->base);
			if (f == XV_SPAN_AFTER)
				break;
			if (f == XV_SPAN_BEFORE)
				continue;
		}
		if (ev.kind == XT_EVENT_LOST) {
			v->lost += ev.lost == XT_LOST_UNKNOWN ? 1 : ev.lost;
			v->lost_records++;
		}
		r = xv_view_event(v, &ev);
		if (r < 0)
			return r;
	}
	/* What was read before a failure is still shown. */
	if (r >= 0 && v->stats)
		r = xv_stats_write(v->stats, v);
	if (r >= 0 && v->perfetto)
		r = xv_perfetto_finish(v);
	if (r >= 0 && v->tracedat)
		r = xv_tracedat_finish(v->tracedat);
	f = xv_view_flush(v);
	return r < 0 ? r : f;
}

int xv_view_write_error(const struct xv_view *v)
{
	return v->out.error;
}
