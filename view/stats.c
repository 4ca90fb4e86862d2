/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats.c - --stats: per system the records of each event id and the lost
 * events; KVM exit reasons with the time from each exit to the next entry
 * on that CPU; time in guest per vCPU thread (kvm_entry to the next kvm_exit
 * on the CPU); hypercall round trips (KVM_HOST_HC_ENTER to the next entry on
 * that CPU, the derived KVM_HOST_HC_EXIT); guest-services ping pairs matched
 * by cookie and sequence between the guest's KVMRT_GS_PING_GUEST markers and
 * the host's hypercall. The hot path counts into arrays indexed by event id
 * and CPU; they grow only when a new id, CPU, reason or thread appears.
 */
#include "view-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <traceevent/event-parse.h>
#include <xt-event.h>

#include "cleanup.h"

/* Event ids, CPUs, reasons and threads: more is a hostile input. */
#define XV_STATS_LIMIT (2 * XV_MAX_CPUS)

struct st_sum {
	uint64_t count;
	uint64_t total;
	uint64_t max;
};

struct st_reason {
	uint64_t code;
	const char *name; /* borrowed from the event's print format, or NULL */
	struct st_sum sum;
};

struct st_thread {
	uint32_t system;
	int64_t pid;
	uint64_t entries;
	uint64_t guest_ns;
};

struct st_cpu {
	uint64_t exit_tod;
	uint64_t entry_tod;
	uint64_t hc_tod;
	unsigned reason; /* index in st_system.reasons */
	unsigned thread; /* index in xv_stats.threads */
	bool exit_pending;
	bool in_guest;
	bool hc_pending;
};

struct st_system {
	const struct xv_system *s;
	uint64_t *counts; /* by event id */
	unsigned n_counts;
	uint64_t unknown;
	uint64_t records;
	uint64_t lost;
	uint64_t lost_records;
	struct st_cpu *cpus;
	unsigned n_cpus;
	struct st_reason *reasons;
	unsigned n_reasons;
	unsigned cap_reasons;
	struct st_sum hc;
};

struct st_ping {
	uint64_t cookie;
	uint64_t seq;
};

struct st_pings {
	struct st_ping *p;
	unsigned n;
	unsigned cap;
};

struct xv_stats {
	struct st_system *sys;
	unsigned n_sys;
	struct st_thread *threads;
	unsigned n_threads;
	unsigned cap_threads;
	struct st_pings host;
	struct st_pings guest;
};

int xv_stats_new(struct xv_stats **ret)
{
	struct xv_stats *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	*ret = st;
	return 0;
}

void xv_stats_free(struct xv_stats *st)
{
	unsigned i;

	if (!st)
		return;
	for (i = 0; i < st->n_sys; i++) {
		free(st->sys[i].counts);
		free(st->sys[i].cpus);
		free(st->sys[i].reasons);
	}
	free(st->sys);
	free(st->threads);
	free(st->host.p);
	free(st->guest.p);
	free(st);
}

static void sum_add(struct st_sum *s, uint64_t v)
{
	s->count++;
	s->total += v;
	if (v > s->max)
		s->max = v;
}

static int reason_index(struct st_system *y, const struct xv_evinfo *e, const struct xt_event *ev,
			bool swap, unsigned *ret)
{
	const char *name = NULL;
	uint64_t code;
	unsigned i, n;
	int r;

	if (!xv_ref_u64(&e->ref[0], ev->data, ev->size, swap, &code))
		return 0;
	for (i = 0; i < y->n_reasons; i++)
		if (y->reasons[i].code == code)
			break;
	if (i == y->n_reasons) {
		if (e->sym && xv_sym_eval(e->sym, ev->data, ev->size, swap, &name, &code) <= 0)
			name = NULL;
		n = y->cap_reasons;
		r = xv_grow(&y->reasons, &n, i, sizeof(*y->reasons), XV_STATS_LIMIT);
		if (r < 0)
			return r;
		y->cap_reasons = n;
		y->reasons[i] = (struct st_reason){ .code = code, .name = name };
		y->n_reasons = i + 1;
	}
	*ret = i;
	return 1;
}

static int thread_index(struct xv_stats *st, uint32_t system, int64_t pid, unsigned *ret)
{
	unsigned i, n;
	int r;

	for (i = 0; i < st->n_threads; i++)
		if (st->threads[i].system == system && st->threads[i].pid == pid)
			break;
	if (i == st->n_threads) {
		n = st->cap_threads;
		r = xv_grow(&st->threads, &n, i, sizeof(*st->threads), XV_STATS_LIMIT);
		if (r < 0)
			return r;
		st->cap_threads = n;
		st->threads[i] = (struct st_thread){ .system = system, .pid = pid };
		st->n_threads = i + 1;
	}
	*ret = i;
	return 0;
}

static int ping_add(struct st_pings *pp, uint64_t cookie, uint64_t seq)
{
	int r = xv_grow(&pp->p, &pp->cap, pp->n, sizeof(*pp->p), XV_MAX_PINGS);

	if (r < 0)
		return r;
	pp->p[pp->n++] = (struct st_ping){ cookie, seq };
	return 0;
}

static int on_kvm_entry(struct xv_stats *st, struct st_system *y, struct st_cpu *c,
			const struct xt_event *ev)
{
	uint64_t pid;
	int r;

	if (c->exit_pending)
		sum_add(&y->reasons[c->reason].sum, ev->tod - c->exit_tod);
	if (c->hc_pending)
		sum_add(&y->hc, ev->tod - c->hc_tod);
	c->exit_pending = c->hc_pending = c->in_guest = false;
	if (!xv_ref_u64(&y->s->pid, ev->data, ev->size, y->s->swap, &pid))
		return 0;
	r = thread_index(st, ev->system, (int64_t)pid, &c->thread);
	if (r < 0)
		return r;
	st->threads[c->thread].entries++;
	c->in_guest = true;
	c->entry_tod = ev->tod;
	return 0;
}

static int on_kvm_exit(struct xv_stats *st, struct st_system *y, struct st_cpu *c,
		       const struct xv_evinfo *e, const struct xt_event *ev)
{
	int r;

	if (c->in_guest)
		st->threads[c->thread].guest_ns += ev->tod - c->entry_tod;
	c->in_guest = false;
	r = reason_index(y, e, ev, y->s->swap, &c->reason);
	c->exit_pending = r > 0;
	c->exit_tod = ev->tod;
	return r < 0 ? r : 0;
}

static int on_hypercall(struct xv_stats *st, struct st_system *y, struct st_cpu *c,
			const struct xv_evinfo *e, const struct xt_event *ev)
{
	uint64_t cookie, seq;

	c->hc_pending = true;
	c->hc_tod = ev->tod;
	if (!xv_gs_ping_host(y->s, e, ev, &cookie, &seq))
		return 0;
	return ping_add(&st->host, cookie, seq);
}

static int kinds(struct xv_stats *st, struct st_system *y, struct st_cpu *c,
		 const struct xv_evinfo *e, const struct xt_event *ev, const struct xv_item *items,
		 int n)
{
	uint64_t cookie, seq;
	int i;

	switch (e->kind) {
	case XV_KIND_KVM_ENTRY:
		return on_kvm_entry(st, y, c, ev);
	case XV_KIND_KVM_EXIT:
		return on_kvm_exit(st, y, c, e, ev);
	case XV_KIND_HYPERCALL:
		return on_hypercall(st, y, c, e, ev);
	case XV_KIND_MARKER:
		for (i = 0; i < n; i++)
			if (xv_gs_ping_guest(&items[i], &cookie, &seq))
				return ping_add(&st->guest, cookie, seq);
		return 0;
	default:
		return 0;
	}
}

int xv_stats_event(struct xv_stats *st, struct xv_system *s, unsigned system,
		   const struct xv_evinfo *e, const struct xt_event *ev,
		   const struct xv_item *items, int n)
{
	struct st_system *y;
	struct st_cpu *c;
	unsigned k = st->n_sys;
	int r;

	r = xv_grow(&st->sys, &k, system, sizeof(*st->sys), XV_STATS_LIMIT);
	if (r < 0)
		return r;
	st->n_sys = k;
	y = &st->sys[system];
	y->s = s;
	r = xv_grow(&y->cpus, &y->n_cpus, ev->cpu, sizeof(*y->cpus), XV_STATS_LIMIT);
	if (r < 0)
		return r;
	c = &y->cpus[ev->cpu];
	if (!e && ev->kind == XT_EVENT_LOST) {
		y->lost += ev->lost == XT_LOST_UNKNOWN ? 1 : ev->lost;
		y->lost_records++;
		/* Pairs across a gap are unknown. */
		c->exit_pending = c->in_guest = c->hc_pending = false;
		return 0;
	}
	y->records++;
	if (!e) {
		y->unknown++;
		return 0;
	}
	r = xv_grow(&y->counts, &y->n_counts, (unsigned)e->event->id, sizeof(*y->counts),
		    XV_STATS_LIMIT);
	if (r < 0)
		return r;
	y->counts[e->event->id]++;
	return kinds(st, y, c, e, ev, items, n);
}

static int ping_cmp(const void *a, const void *b)
{
	const struct st_ping *x = a, *y = b;

	if (x->cookie != y->cookie)
		return x->cookie < y->cookie ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts and drops repeats (the guest writes each ping's marker before and after the call). */
static void ping_unique(struct st_pings *pp)
{
	unsigned i, n = 0;

	if (!pp->n)
		return;
	qsort(pp->p, pp->n, sizeof(*pp->p), ping_cmp);
	for (i = 1; i < pp->n; i++)
		if (ping_cmp(&pp->p[n], &pp->p[i]))
			pp->p[++n] = pp->p[i];
	pp->n = n + 1;
}

struct st_match {
	uint64_t matched;
	uint64_t host_only;
	uint64_t guest_only;
};

static struct st_match ping_match(struct xv_stats *st)
{
	struct st_match m = { 0 };
	unsigned h = 0, g = 0;

	ping_unique(&st->host);
	ping_unique(&st->guest);
	while (h < st->host.n || g < st->guest.n) {
		int c = h == st->host.n	 ? 1 :
			g == st->guest.n ? -1 :
					   ping_cmp(&st->host.p[h], &st->guest.p[g]);

		if (c == 0) {
			m.matched++;
			h++;
			g++;
		} else if (c < 0) {
			m.host_only++;
			h++;
		} else {
			m.guest_only++;
			g++;
		}
	}
	return m;
}

static const char *event_name(const struct st_system *y, unsigned id, const char **ret_display)
{
	const struct xv_evinfo *e = id < y->s->n_events ? y->s->events[id] : NULL;

	if (!e || e == &xv_no_event)
		return NULL;
	*ret_display = e->display;
	return e->name;
}

static void text_system(struct xv_out *o, const struct xv_stats *st, const struct st_system *y,
			unsigned system)
{
	const char *name, *display;
	unsigned i;

	xv_out_printf(o, "%s: %llu events, %llu lost in %llu losses\n", y->s->host,
		      (unsigned long long)y->records, (unsigned long long)y->lost,
		      (unsigned long long)y->lost_records);
	for (i = 0; i < y->n_counts; i++)
		if (y->counts[i] && (name = event_name(y, i, &display)))
			xv_out_printf(o, "  %10llu  %-24s %s\n", (unsigned long long)y->counts[i],
				      display, name);
	if (y->unknown)
		xv_out_printf(o, "  %10llu  UNKNOWN_EVENT\n", (unsigned long long)y->unknown);
	if (y->n_reasons)
		xv_out_printf(o,
			      "%s: KVM exits, time to the next entry on the CPU\n"
			      "  %-20s %10s %14s %12s\n",
			      y->s->host, "reason", "count", "total_ns", "max_ns");
	for (i = 0; i < y->n_reasons; i++) {
		const struct st_reason *r = &y->reasons[i];
		char code[24];

		snprintf(code, sizeof(code), "0x%llx", (unsigned long long)r->code);
		xv_out_printf(o, "  %-20s %10llu %14llu %12llu\n", r->name ? r->name : code,
			      (unsigned long long)r->sum.count, (unsigned long long)r->sum.total,
			      (unsigned long long)r->sum.max);
	}
	for (i = 0; i < st->n_threads; i++) {
		const struct st_thread *t = &st->threads[i];

		if (t->system == system)
			xv_out_printf(
			    o, "%s: vCPU thread %lld (%s): %llu entries, %llu ns in guest\n",
			    y->s->host, (long long)t->pid,
			    tep_data_comm_from_pid(y->s->tep, (int)t->pid),
			    (unsigned long long)t->entries, (unsigned long long)t->guest_ns);
	}
	if (y->hc.count)
		xv_out_printf(o, "%s: hypercall round trips: %llu, total %llu ns, max %llu ns\n",
			      y->s->host, (unsigned long long)y->hc.count,
			      (unsigned long long)y->hc.total, (unsigned long long)y->hc.max);
}

static void json_sum(struct xv_out *o, const struct st_sum *s)
{
	xv_out_printf(o, "\"count\":%llu,\"total_ns\":%llu,\"max_ns\":%llu",
		      (unsigned long long)s->count, (unsigned long long)s->total,
		      (unsigned long long)s->max);
}

static void json_system(struct xv_out *o, const struct xv_stats *st, const struct st_system *y,
			unsigned system)
{
	const char *name, *display;
	unsigned i, n = 0;

	xv_out_lit(o, "{\"host\":\"");
	xv_out_json_str(o, y->s->host, y->s->host_len);
	xv_out_printf(
	    o, "\",\"events\":%llu,\"lost\":%llu,\"losses\":%llu,\"unknown\":%llu,\"counts\":[",
	    (unsigned long long)y->records, (unsigned long long)y->lost,
	    (unsigned long long)y->lost_records, (unsigned long long)y->unknown);
	for (i = 0; i < y->n_counts; i++) {
		if (!y->counts[i] || !(name = event_name(y, i, &display)))
			continue;
		if (n++)
			xv_out_putc(o, ',');
		xv_out_lit(o, "{\"event\":\"");
		xv_out_json_str(o, display, strlen(display));
		xv_out_lit(o, "\",\"name\":\"");
		xv_out_json_str(o, name, strlen(name));
		xv_out_printf(o, "\",\"count\":%llu}", (unsigned long long)y->counts[i]);
	}
	xv_out_lit(o, "],\"exits\":[");
	for (i = 0; i < y->n_reasons; i++) {
		const char *reason = y->reasons[i].name ? y->reasons[i].name : "";

		if (i)
			xv_out_putc(o, ',');
		xv_out_lit(o, "{\"reason\":\"");
		xv_out_json_str(o, reason, strlen(reason));
		xv_out_printf(o, "\",\"code\":%llu,", (unsigned long long)y->reasons[i].code);
		json_sum(o, &y->reasons[i].sum);
		xv_out_putc(o, '}');
	}
	xv_out_lit(o, "],\"threads\":[");
	for (i = 0, n = 0; i < st->n_threads; i++)
		if (st->threads[i].system == system)
			xv_out_printf(o, "%s{\"pid\":%lld,\"entries\":%llu,\"guest_ns\":%llu}",
				      n++ ? "," : "", (long long)st->threads[i].pid,
				      (unsigned long long)st->threads[i].entries,
				      (unsigned long long)st->threads[i].guest_ns);
	xv_out_lit(o, "],\"hypercalls\":{");
	json_sum(o, &y->hc);
	xv_out_lit(o, "}}");
}

int xv_stats_write(struct xv_stats *st, struct xv_view *v)
{
	struct st_match m = ping_match(st);
	struct xv_out *o = &v->out;
	bool json = v->format == XV_FORMAT_JSON;
	unsigned i, n = 0;

	if (json)
		xv_out_lit(o, "{\"systems\":[");
	for (i = 0; i < st->n_sys; i++) {
		if (!st->sys[i].s)
			continue;
		if (json) {
			if (n++)
				xv_out_putc(o, ',');
			json_system(o, st, &st->sys[i], i);
		} else {
			text_system(o, st, &st->sys[i], i);
		}
	}
	if (json)
		xv_out_printf(
		    o, "],\"pings\":{\"matched\":%llu,\"host_only\":%llu,\"guest_only\":%llu}}\n",
		    (unsigned long long)m.matched, (unsigned long long)m.host_only,
		    (unsigned long long)m.guest_only);
	else
		xv_out_printf(
		    o, "guest-services pings: %llu matched, %llu host only, %llu guest only\n",
		    (unsigned long long)m.matched, (unsigned long long)m.host_only,
		    (unsigned long long)m.guest_only);
	return o->error;
}
