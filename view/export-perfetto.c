/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export-perfetto.c - --export perfetto FILE: the Chrome trace-event JSON
 * format, which ui.perfetto.dev and chrome://tracing open. One process per
 * system (pid = system index + 1, named by its host), one thread per CPU
 * (tid = CPU, named "CPU N"); every display item is an instant event, and
 * pairs become duration slices: KVM_ENTER_VM_PID..KVM_EXIT_VM_PID "in guest",
 * INTERRUPT_ENTER..INTERRUPT_EXIT and SYSCALL_ENTER..SYSCALL_EXIT. Slices
 * nest per CPU: an end closes the innermost open slice of its kind (and
 * those opened inside it); a loss and the end of the trace close them all.
 * Timestamps are microseconds after the first event, to the nanosecond.
 */
#include "view-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <xt-event.h>

#include "cleanup.h"

#define MAX_DEPTH 8

enum slice { SLICE_NONE, SLICE_GUEST, SLICE_IRQ, SLICE_SYSCALL };

static const char *const slice_names[] = {
	[SLICE_GUEST] = "in guest",
	[SLICE_IRQ] = "irq",
	[SLICE_SYSCALL] = "syscall",
};

struct pf_cpu {
	bool named;
	uint8_t depth;
	uint8_t open[MAX_DEPTH]; /* enum slice, innermost last */
};

struct pf_system {
	bool named;
	struct pf_cpu *cpus;
	unsigned n_cpus;
};

struct xv_perfetto {
	struct pf_system *sys;
	unsigned n_sys;
	bool started;
	uint64_t last_tod;
};

int xv_perfetto_new(struct xv_perfetto **ret)
{
	struct xv_perfetto *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	*ret = p;
	return 0;
}

void xv_perfetto_free(struct xv_perfetto *p)
{
	unsigned i;

	if (!p)
		return;
	for (i = 0; i < p->n_sys; i++)
		free(p->sys[i].cpus);
	free(p->sys);
	free(p);
}

static void ts_us(struct xv_out *o, uint64_t tod, uint64_t base)
{
	uint64_t ns = tod > base ? tod - base : 0;

	xv_out_u64(o, ns / 1000);
	xv_out_putc(o, '.');
	xv_out_putc(o, (char)('0' + ns % 1000 / 100));
	xv_out_putc(o, (char)('0' + ns % 100 / 10));
	xv_out_putc(o, (char)('0' + ns % 10));
}

/* Starts a trace event: {"ph":"X","pid":P,"tid":T, */
static void begin(struct xv_view *v, char ph, unsigned system, uint32_t cpu)
{
	struct xv_out *o = &v->out;

	if (v->perfetto->started)
		xv_out_lit(o, ",\n{\"ph\":\"");
	else
		xv_out_lit(o, "{\"traceEvents\":[\n{\"ph\":\"");
	v->perfetto->started = true;
	xv_out_putc(o, ph);
	xv_out_lit(o, "\",\"pid\":");
	xv_out_u64(o, system + 1u);
	xv_out_lit(o, ",\"tid\":");
	xv_out_u64(o, cpu);
}

/* The process and thread names, the first time a system or CPU shows. */
static struct pf_cpu *track(struct xv_view *v, const struct xv_system *s, unsigned system,
			    uint32_t cpu)
{
	struct xv_perfetto *p = v->perfetto;
	struct pf_system *y;
	struct pf_cpu *c;

	if (xv_grow(&p->sys, &p->n_sys, system, sizeof(*p->sys), XV_MAX_CPUS) < 0)
		return NULL;
	y = &p->sys[system];
	if (xv_grow(&y->cpus, &y->n_cpus, cpu, sizeof(*y->cpus), XV_MAX_CPUS) < 0)
		return NULL;
	if (!y->named) {
		begin(v, 'M', system, 0);
		xv_out_lit(&v->out, ",\"name\":\"process_name\",\"args\":{\"name\":\"");
		xv_out_json_str(&v->out, s->host, s->host_len);
		xv_out_lit(&v->out, "\"}}");
		y->named = true;
	}
	c = &y->cpus[cpu];
	if (!c->named) {
		begin(v, 'M', system, cpu);
		xv_out_lit(&v->out, ",\"name\":\"thread_name\",\"args\":{\"name\":\"CPU ");
		xv_out_u64(&v->out, cpu);
		xv_out_lit(&v->out, "\"}}");
		c->named = true;
	}
	return c;
}

static void slice_end(struct xv_view *v, unsigned system, uint32_t cpu, uint64_t tod,
		      uint8_t kind)
{
	begin(v, 'E', system, cpu);
	xv_out_lit(&v->out, ",\"name\":\"");
	xv_out_write(&v->out, slice_names[kind], strlen(slice_names[kind]));
	xv_out_lit(&v->out, "\",\"ts\":");
	ts_us(&v->out, tod, v->base);
	xv_out_putc(&v->out, '}');
}

/* Closes the innermost open slice of @kind and those inside it; all with SLICE_NONE. */
static void close_to(struct xv_view *v, struct pf_cpu *c, unsigned system, uint32_t cpu,
		     uint64_t tod, uint8_t kind)
{
	unsigned d = c->depth;

	if (kind == SLICE_NONE) {
		d = 0;
	} else {
		while (d > 0 && c->open[d - 1] != kind)
			d--;
		if (d == 0)
			return; /* began before the trace did */
		d--;
	}
	while (c->depth > d)
		slice_end(v, system, cpu, tod, c->open[--c->depth]);
}

static uint8_t slice_of(const struct xv_item *it, bool *ret_end)
{
	static const struct {
		const char *name;
		uint8_t kind;
		bool end;
	} pairs[] = {
	    {"KVM_ENTER_VM_PID", SLICE_GUEST, false}, {"KVM_EXIT_VM_PID", SLICE_GUEST, true},
	    {"INTERRUPT_ENTER", SLICE_IRQ, false},    {"INTERRUPT_EXIT", SLICE_IRQ, true},
	    {"SYSCALL_ENTER", SLICE_SYSCALL, false},  {"SYSCALL_EXIT", SLICE_SYSCALL, true},
	};
	size_t i;

	if (it->derived)
		return SLICE_NONE;
	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		if (it->event_len == strlen(pairs[i].name) &&
		    !memcmp(it->event, pairs[i].name, it->event_len)) {
			*ret_end = pairs[i].end;
			return pairs[i].kind;
		}
	}
	return SLICE_NONE;
}

static void instant(struct xv_view *v, const struct xt_event *ev, const struct xv_item *it)
{
	struct xv_out *o = &v->out;

	begin(v, 'i', ev->system, ev->cpu);
	xv_out_lit(o, ",\"s\":\"t\",\"ts\":");
	ts_us(o, ev->tod, v->base);
	xv_out_lit(o, ",\"name\":\"");
	if (!it) {
		xv_out_lit(o, "LOST_EVENTS\"}");
		return;
	}
	xv_out_json_str(o, it->event, it->event_len);
	xv_out_lit(o, "\",\"args\":{\"arg\":\"");
	xv_render_arg(v, it);
	xv_out_json_str(o, v->scratch.buf, v->scratch.len);
	xv_out_lit(o, "\"}}");
}

void xv_perfetto_item(struct xv_view *v, const struct xv_system *s, const struct xt_event *ev,
		      const struct xv_evinfo *e, const struct xv_item *it)
{
	struct pf_cpu *c = track(v, s, ev->system, ev->cpu);
	bool end = false;
	uint8_t kind;

	(void)e;
	v->perfetto->last_tod = ev->tod;
	if (!c)
		return;
	if (!it) {
		close_to(v, c, ev->system, ev->cpu, ev->tod, SLICE_NONE);
		instant(v, ev, NULL);
		return;
	}
	kind = slice_of(it, &end);
	if (kind != SLICE_NONE && end)
		close_to(v, c, ev->system, ev->cpu, ev->tod, kind);
	instant(v, ev, it);
	if (kind != SLICE_NONE && !end && c->depth < MAX_DEPTH) {
		begin(v, 'B', ev->system, ev->cpu);
		xv_out_lit(&v->out, ",\"name\":\"");
		xv_out_write(&v->out, slice_names[kind], strlen(slice_names[kind]));
		xv_out_lit(&v->out, "\",\"ts\":");
		ts_us(&v->out, ev->tod, v->base);
		xv_out_putc(&v->out, '}');
		c->open[c->depth++] = kind;
	}
}

int xv_perfetto_finish(struct xv_view *v)
{
	struct xv_perfetto *p = v->perfetto;
	unsigned i, cpu;

	for (i = 0; i < p->n_sys; i++)
		for (cpu = 0; cpu < p->sys[i].n_cpus; cpu++)
			close_to(v, &p->sys[i].cpus[cpu], i, cpu, p->last_tod, SLICE_NONE);
	if (!p->started)
		xv_out_lit(&v->out, "{\"traceEvents\":[");
	xv_out_lit(&v->out, "\n],\"displayTimeUnit\":\"ns\"}\n");
	return v->out.error;
}
