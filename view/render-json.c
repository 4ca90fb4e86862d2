/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * render-json.c - --format json (JSON lines) and --format csv: one object or
 * row per display item with every field of its record, typed.
 *
 * JSON: {"time":"0.000046960","tod":NS,"ts":TS,"host":"host","cpu":2,
 * "pid":4321,"comm":"CPU 0/KVM","system":"kvm","name":"kvm_exit",
 * "event":"KVM_EXIT_VM_PID","arg":"4321 hlt","derived":false,"fields":{...}}.
 * A derived item (KVM_HOST_HC_EXIT, KVMRT_GS_*_HOST) has no "fields"; a loss
 * is {"time",...,"event":"LOST_EVENTS","lost":N or null}.
 * CSV: the header below, text quoted when it holds a comma or a quote, the
 * fields as name=value as --raw writes them.
 */
#include "view-internal.h"

#include <traceevent/event-parse.h>
#include <xt-event.h>

#define CSV_HEADER "time,tod,host,cpu,pid,comm,system,name,event,arg,fields\n"

static const char hex_digits[] = "0123456789abcdef";

void xv_out_json_str(struct xv_out *o, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		char *w;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			xv_out_putc(o, (char)c);
			continue;
		}
		w = xv_out_room(o, 6);
		if (c == '"' || c == '\\') {
			w[0] = '\\';
			w[1] = (char)c;
			o->len += 2;
			continue;
		}
		memcpy(w, "\\u00", 4);
		w[4] = hex_digits[c >> 4];
		w[5] = hex_digits[c & 0xf];
		o->len += 6;
	}
}

static void json_key_str(struct xv_out *o, const char *key, const void *p, size_t n)
{
	xv_out_write(o, key, strlen(key));
	xv_out_putc(o, '"');
	xv_out_json_str(o, p, n);
	xv_out_putc(o, '"');
}

void xv_render_arg(struct xv_view *v, const struct xv_item *it)
{
	v->scratch.len = 0;
	v->scratch.error = 0;
	if (it->n_parts) {
		xv_item_write_arg(&v->scratch, it);
		memmove(v->scratch.buf, v->scratch.buf + 1, v->scratch.len - 2);
		v->scratch.len -= 2;
	}
}

static bool record_pid(const struct xv_system *s, const struct xt_event *ev, uint64_t *ret)
{
	return ev->kind == XT_EVENT_RECORD && xv_ref_u64(&s->pid, ev->data, ev->size, s->swap, ret);
}

static void json_common(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev)
{
	struct xv_out *o = &v->out;

	xv_out_lit(o, "{\"time\":\"");
	xv_time_write(o, v->time, ev->tod, ev->ts, v->base, s->ts_is_ns);
	xv_out_lit(o, "\",\"tod\":");
	xv_out_u64(o, ev->tod);
	xv_out_lit(o, ",\"ts\":");
	xv_out_u64(o, ev->ts);
	json_key_str(o, ",\"host\":", s->host, s->host_len);
	xv_out_lit(o, ",\"cpu\":");
	xv_out_u64(o, ev->cpu);
}

static void json_task(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev)
{
	struct xv_out *o = &v->out;
	const char *comm;
	uint64_t pid;

	if (!record_pid(s, ev, &pid)) {
		xv_out_lit(o, ",\"pid\":null,\"comm\":null");
		return;
	}
	xv_out_lit(o, ",\"pid\":");
	xv_out_s64(o, (int64_t)pid);
	comm = tep_data_comm_from_pid(s->tep, (int)pid);
	json_key_str(o, ",\"comm\":", comm, strlen(comm));
}

void xv_json_item(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
		  const struct xv_evinfo *e, const struct xv_item *it)
{
	struct xv_out *o = &v->out;

	json_common(v, s, ev);
	if (!it) {
		xv_out_lit(o, ",\"event\":\"LOST_EVENTS\",\"lost\":");
		if (ev->lost == XT_LOST_UNKNOWN)
			xv_out_lit(o, "null");
		else
			xv_out_u64(o, ev->lost);
		xv_out_lit(o, "}\n");
		return;
	}
	json_task(v, s, ev);
	if (e) {
		json_key_str(o, ",\"system\":", e->event->system, strlen(e->event->system));
		json_key_str(o, ",\"name\":", e->name, e->name_len);
	} else {
		xv_out_lit(o, ",\"system\":null,\"name\":null");
	}
	json_key_str(o, ",\"event\":", it->event, it->event_len);
	xv_render_arg(v, it);
	json_key_str(o, ",\"arg\":", v->scratch.buf, v->scratch.len);
	if (it->derived) {
		xv_out_lit(o, ",\"derived\":true}\n");
		return;
	}
	xv_out_lit(o, ",\"derived\":false,\"fields\":{");
	if (e)
		xv_raw_write_json(o, e, ev->data, ev->size, s->swap, &v->seq, &v->scratch);
	xv_out_lit(o, "}}\n");
}

/* A CSV cell: quoted (quotes doubled) when it holds a comma, a quote or a line end. */
static void csv_cell(struct xv_out *o, const char *p, size_t n)
{
	size_t i;

	if (!memchr(p, ',', n) && !memchr(p, '"', n) && !memchr(p, '\n', n) &&
	    !memchr(p, '\r', n)) {
		xv_out_write(o, p, n);
		return;
	}
	xv_out_putc(o, '"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"')
			xv_out_putc(o, '"');
		xv_out_putc(o, p[i]);
	}
	xv_out_putc(o, '"');
}

static void csv_task(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev)
{
	struct xv_out *o = &v->out;
	const char *comm;
	uint64_t pid;

	if (!record_pid(s, ev, &pid)) {
		xv_out_lit(o, ",,");
		return;
	}
	xv_out_putc(o, ',');
	xv_out_s64(o, (int64_t)pid);
	xv_out_putc(o, ',');
	v->scratch.len = 0;
	comm = tep_data_comm_from_pid(s->tep, (int)pid);
	xv_out_escaped(&v->scratch, comm, strlen(comm));
	csv_cell(o, v->scratch.buf, v->scratch.len);
}

static void csv_names(struct xv_out *o, const struct xv_evinfo *e, const struct xv_item *it)
{
	xv_out_putc(o, ',');
	if (e) {
		xv_out_write(o, e->event->system, strlen(e->event->system));
		xv_out_putc(o, ',');
		xv_out_write(o, e->name, e->name_len);
	} else {
		xv_out_putc(o, ',');
	}
	xv_out_putc(o, ',');
	xv_out_write(o, it->event, it->event_len);
}

void xv_csv_item(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
		 const struct xv_evinfo *e, const struct xv_item *it)
{
	struct xv_out *o = &v->out;

	if (!v->header_done) {
		xv_out_lit(o, CSV_HEADER);
		v->header_done = true;
	}
	xv_time_write(o, v->time, ev->tod, ev->ts, v->base, s->ts_is_ns);
	xv_out_putc(o, ',');
	xv_out_u64(o, ev->tod);
	xv_out_putc(o, ',');
	csv_cell(o, s->host, s->host_len);
	xv_out_putc(o, ',');
	xv_out_u64(o, ev->cpu);
	if (!it) {
		xv_out_lit(o, ",,,,,LOST_EVENTS,");
		if (ev->lost == XT_LOST_UNKNOWN)
			xv_out_lit(o, "unknown");
		else
			xv_out_u64(o, ev->lost);
		xv_out_lit(o, ",\n");
		return;
	}
	csv_task(v, s, ev);
	csv_names(o, e, it);
	xv_out_putc(o, ',');
	xv_render_arg(v, it);
	csv_cell(o, v->scratch.buf, v->scratch.len);
	xv_out_putc(o, ',');
	if (e && !it->derived) {
		v->scratch.len = 0;
		xv_raw_write(&v->scratch, e, ev->data, ev->size, s->swap, &v->seq);
		csv_cell(o, v->scratch.buf, v->scratch.len);
	}
	xv_out_putc(o, '\n');
}
