/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * explain.c - --explain T: what the host did, around a guest-side moment,
 * on the physical CPU running each vCPU of the guest.
 *
 * Pass 1 learns which host thread runs which vCPU: a guest-services ping is
 * a KVMRT_GS_PING_GUEST marker on the guest's vCPU (before and after the
 * call) and the host's kvm_hypercall with the same cookie and sequence,
 * whose CPU and common_pid are the vCPU thread's. The pairs also give the
 * guest clock's offset from the host (host hypercall TOD minus the middle of
 * the two guest markers, averaged), which places T on the host's time line.
 * Pass 2 (one per vCPU, the source reopened and sought to a second before
 * the window) follows the thread from CPU to CPU (kvm_entry, kvm_exit,
 * sched_switch to it) and prints every host event of the window on the CPU
 * it is on, then a summary: exits, preemptions (sched_switch away from the
 * thread while runnable), blocks, IRQs and timers.
 */
#include "view-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <traceevent/event-parse.h>
#include <xt-event.h>

#include "cleanup.h"

#define EX_LOOKBACK_NS 1000000000ull

struct ex_ping {
	uint64_t cookie;
	uint64_t seq;
	uint64_t tod;
	uint32_t system;
	uint32_t cpu;
	int64_t pid; /* host side; -1 on the guest side */
};

struct ex_pings {
	struct ex_ping *p;
	unsigned n;
	unsigned cap;
};

/* A vCPU and the host thread found to run it. */
struct ex_vcpu {
	uint32_t guest;
	uint32_t vcpu;
	uint32_t host;
	int64_t pid;
	uint64_t pairs;
	uint64_t cookie;
	int64_t offset_sum; /* host TOD - guest TOD, summed over the pairs */
};

struct ex_map {
	struct ex_vcpu *v;
	unsigned n;
};

struct ex_summary {
	uint64_t exits;
	uint64_t preempted;
	uint64_t blocked;
	uint64_t irqs;
	uint64_t timers;
	uint64_t events;
};

DEFINE_POINTER_CLEANUP(struct xt_source, xt_source_free)

static int ping_add(struct ex_pings *pp, const struct ex_ping *p)
{
	int r = xv_grow(&pp->p, &pp->cap, pp->n, sizeof(*pp->p), XV_MAX_PINGS);

	if (r < 0)
		return r;
	pp->p[pp->n++] = *p;
	return 0;
}

/* One record of pass 1: a ping's guest marker or host hypercall. */
static int learn(struct xv_view *v, const struct xt_event *ev, struct ex_pings *host,
		 struct ex_pings *guest)
{
	struct xv_system *s = v->systems[ev->system];
	struct ex_ping p = { .system = ev->system, .cpu = ev->cpu, .tod = ev->tod, .pid = -1 };
	struct xv_item items[XV_ITEMS_MAX];
	const struct xv_evinfo *e = NULL;
	uint64_t pid;
	int n, i, r;

	r = xv_system_lookup(s, ev->data, ev->size, &e);
	if (r <= 0)
		return r;
	if (e->kind == XV_KIND_HYPERCALL && xv_gs_ping_host(s, e, ev, &p.cookie, &p.seq)) {
		if (!xv_ref_u64(&s->pid, ev->data, ev->size, s->swap, &pid))
			return 0;
		p.pid = (int64_t)pid;
		return ping_add(host, &p);
	}
	if (e->kind != XV_KIND_MARKER)
		return 0;
	n = xv_text_items(s, e, ev, false, items);
	for (i = 0; i < n; i++)
		if (xv_gs_ping_guest(&items[i], &p.cookie, &p.seq))
			return ping_add(guest, &p);
	return n < 0 ? n : 0;
}

static int ping_cmp(const void *a, const void *b)
{
	const struct ex_ping *x = a, *y = b;

	if (x->cookie != y->cookie)
		return x->cookie < y->cookie ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->tod < y->tod ? -1 : x->tod > y->tod;
}

static int map_add(struct ex_map *m, const struct ex_ping *h, const struct ex_ping *g,
		   int64_t offset)
{
	struct ex_vcpu *x;
	unsigned i;

	for (i = 0; i < m->n; i++)
		if (m->v[i].guest == g->system && m->v[i].vcpu == g->cpu &&
		    m->v[i].host == h->system && m->v[i].pid == h->pid)
			break;
	if (i == m->n) {
		x = realloc(m->v, (m->n + 1) * sizeof(*x));
		if (!x)
			return -ENOMEM;
		m->v = x;
		m->v[m->n++] = (struct ex_vcpu){ .guest = g->system, .vcpu = g->cpu,
						 .host = h->system, .pid = h->pid,
						 .cookie = h->cookie };
	}
	m->v[i].pairs++;
	m->v[i].offset_sum += offset;
	return 0;
}

/* Joins host hypercalls and guest markers by (cookie, seq). */
static int join(struct ex_pings *host, struct ex_pings *guest, struct ex_map *m)
{
	unsigned h = 0, g = 0, e;
	int r;

	if (host->n)
		qsort(host->p, host->n, sizeof(*host->p), ping_cmp);
	if (guest->n)
		qsort(guest->p, guest->n, sizeof(*guest->p), ping_cmp);
	while (h < host->n && g < guest->n) {
		const struct ex_ping *hp = &host->p[h], *gp = &guest->p[g];
		uint64_t mid;

		if (hp->cookie != gp->cookie || hp->seq != gp->seq) {
			if (hp->cookie < gp->cookie ||
			    (hp->cookie == gp->cookie && hp->seq < gp->seq))
				h++;
			else
				g++;
			continue;
		}
		/* The markers before and after the call: their middle. */
		for (e = g + 1; e < guest->n && guest->p[e].cookie == gp->cookie &&
				guest->p[e].seq == gp->seq;
		     e++)
			;
		mid = gp->tod + (guest->p[e - 1].tod - gp->tod) / 2;
		r = map_add(m, hp, gp, (int64_t)(hp->tod - mid));
		if (r < 0)
			return r;
		h++;
		g = e;
	}
	return 0;
}

/* Refs of sched_switch in the host system, resolved once per vCPU. */
struct ex_switch {
	int id;
	struct xv_ref prev_pid;
	struct xv_ref prev_state;
	struct xv_ref next_pid;
};

static int switch_refs(struct xv_system *s, struct ex_switch *ret)
{
	struct tep_event *ev = tep_find_event_by_name(s->tep, "sched", "sched_switch");
	int r;

	ret->id = ev ? ev->id : -1;
	if (!ev)
		return 0;
	r = xv_ref_find(ev, "prev_pid", &ret->prev_pid);
	if (r >= 0)
		r = xv_ref_find(ev, "prev_state", &ret->prev_state);
	if (r >= 0)
		r = xv_ref_find(ev, "next_pid", &ret->next_pid);
	return r;
}

struct ex_follow {
	const struct ex_vcpu *x;
	struct ex_switch sw;
	int64_t cpu; /* where the thread is, -1 not known yet */
	uint64_t lo;
	uint64_t hi;
	struct ex_summary sum;
};

static bool field_is(const struct xv_ref *r, const struct xt_event *ev, bool swap, uint64_t want)
{
	uint64_t v;

	return xv_ref_u64(r, ev->data, ev->size, swap, &v) && v == want;
}

/* Moves the thread to @ev's CPU when @ev shows it there; notes a switch away from it. */
static bool follow(struct ex_follow *f, struct xv_system *s, const struct xv_evinfo *e,
		   const struct xt_event *ev, int *ret_away)
{
	uint64_t state = 0;

	*ret_away = 0;
	if (e->kind == XV_KIND_KVM_ENTRY || e->kind == XV_KIND_KVM_EXIT) {
		if (field_is(&s->pid, ev, s->swap, (uint64_t)f->x->pid))
			f->cpu = ev->cpu;
	} else if (e->event->id == f->sw.id) {
		if (field_is(&f->sw.next_pid, ev, s->swap, (uint64_t)f->x->pid))
			f->cpu = ev->cpu;
		if (field_is(&f->sw.prev_pid, ev, s->swap, (uint64_t)f->x->pid)) {
			xv_ref_u64(&f->sw.prev_state, ev->data, ev->size, s->swap, &state);
			/* Runnable when it left: preempted (1); otherwise it blocked (2). */
			*ret_away = (state & 0xff) == 0 ? 1 : 2;
		}
	}
	return f->cpu == (int64_t)ev->cpu;
}

static void count(struct ex_summary *sum, const struct xv_evinfo *e)
{
	sum->events++;
	if (e->kind == XV_KIND_KVM_EXIT)
		sum->exits++;
	else if (!strcmp(e->display, "INTERRUPT_ENTER") || !strcmp(e->display, "SOFTIRQ_ENTER"))
		sum->irqs++;
	else if (!strcmp(e->display, "HRTIMER_EXPIRE") || !strcmp(e->display, "TIMER_EXPIRE_ENTRY"))
		sum->timers++;
}

/* One host event of pass 2. Returns 1 past the window. */
static int explain_event(struct xv_view *v, struct ex_follow *f, const struct xt_event *ev)
{
	struct xv_system *s = v->systems[ev->system];
	struct xv_item items[XV_ITEMS_MAX];
	const struct xv_evinfo *e = NULL;
	int n, i, r, away;
	bool here;

	if (ev->tod > f->hi)
		return 1;
	if (ev->system != f->x->host || ev->kind != XT_EVENT_RECORD)
		return 0;
	r = xv_system_lookup(s, ev->data, ev->size, &e);
	if (r <= 0)
		return r;
	here = follow(f, s, e, ev, &away);
	n = xv_text_items(s, e, ev, false, items);
	if (n < 0 || ev->tod < f->lo || !(here || away))
		return n < 0 ? n : 0;
	if (here)
		count(&f->sum, e);
	f->sum.preempted += away == 1;
	f->sum.blocked += away == 2;
	for (i = 0; i < n; i++)
		xv_view_emit(v, s, ev, e, &items[i]);
	return v->out.error;
}

static void json_key_str(struct xv_out *o, const char *key, const char *value)
{
	xv_out_printf(o, "\"%s\":\"", key);
	xv_out_json_str(o, value, strlen(value));
	xv_out_putc(o, '"');
}

/* --format json: the vCPU, its host thread and the window as one object. */
static void header_json(struct xv_view *v, const struct ex_vcpu *x, uint64_t t, int64_t off,
			uint64_t lo, uint64_t hi)
{
	const struct xv_system *g = v->systems[x->guest], *h = v->systems[x->host];
	struct xv_out *o = &v->out;

	xv_out_write(o, "{\"explain\":{", 12);
	json_key_str(o, "guest", g->host);
	xv_out_printf(o, ",\"vcpu\":%u,", x->vcpu);
	json_key_str(o, "host", h->host);
	xv_out_printf(o, ",\"thread\":%lld,", (long long)x->pid);
	json_key_str(o, "comm", tep_data_comm_from_pid(h->tep, (int)x->pid));
	xv_out_printf(o,
		      ",\"pairs\":%llu,\"cookie\":%llu,\"guest_tod\":%llu,\"host_tod\":%llu,"
		      "\"offset_ns\":%lld,\"from_tod\":%llu,\"to_tod\":%llu}}\n",
		      (unsigned long long)x->pairs, (unsigned long long)x->cookie,
		      (unsigned long long)t, (unsigned long long)(t + off), (long long)off,
		      (unsigned long long)lo, (unsigned long long)hi);
}

static void header(struct xv_view *v, const struct ex_vcpu *x, uint64_t t, uint64_t lo,
		   uint64_t hi)
{
	const struct xv_system *g = v->systems[x->guest], *h = v->systems[x->host];
	int64_t off = x->offset_sum / (int64_t)x->pairs;

	if (v->format == XV_FORMAT_JSON) {
		header_json(v, x, t, off, lo, hi);
		return;
	}
	xv_out_printf(
	    &v->out,
	    "%s vCPU %u runs as %s thread %lld (%s): found from %llu guest-services ping pairs "
	    "(cookie 0x%llx: the guest's KVMRT_GS_PING_GUEST markers and the host's hypercall "
	    "with the same cookie and seq)\n",
	    g->host, x->vcpu, h->host, (long long)x->pid,
	    tep_data_comm_from_pid(h->tep, (int)x->pid), (unsigned long long)x->pairs,
	    (unsigned long long)x->cookie);
	xv_out_printf(
	    &v->out,
	    "guest time %llu.%09llu is host time %llu.%09llu (guest clock offset %+lld ns from "
	    "the pairs); window %llu.%09llu to %llu.%09llu on the thread's host CPU:\n",
	    (unsigned long long)(t / 1000000000), (unsigned long long)(t % 1000000000),
	    (unsigned long long)((t + off) / 1000000000),
	    (unsigned long long)((t + off) % 1000000000), (long long)off,
	    (unsigned long long)(lo / 1000000000), (unsigned long long)(lo % 1000000000),
	    (unsigned long long)(hi / 1000000000), (unsigned long long)(hi % 1000000000));
}

static void summary(struct xv_view *v, const struct ex_summary *sum)
{
	const char *fmt =
	    v->format == XV_FORMAT_JSON
		? "{\"summary\":{\"events\":%llu,\"exits\":%llu,\"preemptions\":%llu,"
		  "\"blocks\":%llu,\"irqs\":%llu,\"timers\":%llu}}\n"
		: "summary: %llu host events on its CPU, %llu exits, %llu preemptions, %llu blocks, "
		  "%llu IRQs, %llu timers\n\n";

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	xv_out_printf(&v->out, fmt, (unsigned long long)sum->events,
		      (unsigned long long)sum->exits, (unsigned long long)sum->preempted,
		      (unsigned long long)sum->blocked, (unsigned long long)sum->irqs,
		      (unsigned long long)sum->timers);
#pragma GCC diagnostic pop
}

/* Pass 2 for one vCPU. */
static int explain_vcpu(struct xv_view *v, const struct xv_params *p, const struct ex_vcpu *x,
			uint64_t t)
{
	_cleanup_(xt_source_freep) struct xt_source *src = NULL;
	int64_t off = x->offset_sum / (int64_t)x->pairs;
	uint64_t at = (uint64_t)((int64_t)t + off);
	struct ex_follow f = { .x = x, .cpu = -1 };
	struct xt_event ev;
	int r;

	f.lo = at > p->window_ns ? at - p->window_ns : 0;
	f.hi = at + p->window_ns;
	r = switch_refs(v->systems[x->host], &f.sw);
	if (r < 0)
		return r;
	r = xt_source_open(p->dirs, p->n_dirs, NULL, NULL, NULL, 0, &src);
	/* The thread's CPU is learnt in the second before the window: start there. */
	if (r >= 0 && f.lo > v->base + EX_LOOKBACK_NS)
		r = xt_source_seek(src, f.lo - EX_LOOKBACK_NS);
	if (r < 0)
		return r;
	header(v, x, t, f.lo, f.hi);
	while ((r = xt_source_next(src, &ev)) > 0) {
		r = explain_event(v, &f, &ev);
		if (r != 0)
			break;
	}
	if (r < 0)
		return r;
	summary(v, &f.sum);
	return v->out.error;
}

/* Pass 1: the pings of the whole source, and the TOD of its first event. */
static int pass1(struct xv_view *v, struct xt_source *src, struct ex_map *m, uint64_t *ret_base)
{
	struct ex_pings host = { 0 }, guest = { 0 };
	struct xt_event ev;
	bool first = true;
	int r;

	while ((r = xt_source_next(src, &ev)) > 0) {
		if (first)
			*ret_base = ev.tod;
		first = false;
		if (ev.kind != XT_EVENT_RECORD || ev.system >= v->n_systems)
			continue;
		r = learn(v, &ev, &host, &guest);
		if (r < 0)
			break;
	}
	if (r >= 0)
		r = join(&host, &guest, m);
	free(host.p);
	free(guest.p);
	return r;
}

#define NO_PAIRS                                                                                   \
	"no guest-services ping pairs: which host thread runs which vCPU is not known (run "       \
	"kvmrt-gs in the guest while recording)"

int xv_explain(struct xv_view *v, struct xt_source *src, const struct xv_params *p)
{
	struct ex_map m = { 0 };
	uint64_t base = 0, t;
	unsigned i;
	int r;

	r = xv_view_add_source(v, src);
	if (r < 0)
		return r;
	r = pass1(v, src, &m, &base);
	t = xv_at_tod(&p->explain, base);
	v->base = base;
	v->have_base = true;
	if (r >= 0 && !m.n)
		xv_out_printf(&v->out,
			      v->format == XV_FORMAT_JSON ? "{\"explain\":null,\"why\":\"%s\"}\n" : "%s\n",
			      NO_PAIRS);
	for (i = 0; r >= 0 && i < m.n; i++)
		r = explain_vcpu(v, p, &m.v[i], t);
	free(m.v);
	if (r < 0)
		return r;
	return xv_view_flush(v);
}
