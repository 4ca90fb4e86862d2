/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sync-pairs.c - finds guest-services ping pairs among the events of a
 * source: the guest's two ftrace:print markers and the host's
 * kvm:kvm_hypercall of the same cookie and sequence. A guest-services
 * decoder per system (xt-gs.h) reads the events with that system's formats
 * and checks what the guest wrote (untrusted) against the event's size and
 * the marker forms.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "xt-gs.h"
#include "xt-sync.h"

struct ping_seen {
	uint64_t cookie, seq, tod;
	uint32_t system;
};

struct ping_list {
	struct ping_seen *v;
	size_t n, cap;
};

/* One system: its formats and a guest-services decoder of its own (fields resolved once). */
struct sys_decoder {
	struct tep_handle *tep;
	struct xt_gs_decoder *gs;
	bool has_print, has_hypercall;
};

struct xt_sync_collector {
	struct sys_decoder *sys;
	unsigned nr_sys;
	struct ping_list markers, calls;
	int err; /* first failure met inside a decoder callback */
	struct xt_sync_pair *pairs;
	size_t nr_pairs;
};

static int push(struct ping_list *l, const struct ping_seen *p)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct ping_seen *v = reallocarray(l->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *p;
	return 0;
}

/* The decoders' callback: keeps the pings, host and guest sides apart. */
static void on_gs_event(const struct xt_gs_event *e, void *userdata)
{
	struct xt_sync_collector *c = userdata;
	struct ping_seen p = { e->cookie, e->seq, e->tod, e->system };
	int r = 0;

	if (e->kind == XT_GS_PING_GUEST)
		r = push(&c->markers, &p);
	else if (e->kind == XT_GS_PING_HOST)
		r = push(&c->calls, &p);
	if (r < 0 && !c->err)
		c->err = r;
}

int xt_sync_collector_new(const struct xt_source *src, struct xt_sync_collector **ret)
{
	struct xt_sync_collector *c = calloc(1, sizeof(*c));
	int r = 0;

	if (!c)
		return -ENOMEM;
	c->nr_sys = xt_source_system_count(src);
	c->sys = calloc(c->nr_sys ? c->nr_sys : 1, sizeof(*c->sys));
	if (!c->sys)
		r = -ENOMEM;
	for (unsigned i = 0; i < c->nr_sys && r >= 0; i++) {
		struct sys_decoder *s = &c->sys[i];

		s->tep = xt_dump_tep(xt_source_system(src, i));
		s->has_print = tep_find_event_by_name(s->tep, "ftrace", "print") != NULL;
		s->has_hypercall = tep_find_event_by_name(s->tep, "kvm", "kvm_hypercall") != NULL;
		r = xt_gs_decoder_new(NULL, on_gs_event, c, &s->gs);
	}
	if (r < 0) {
		xt_sync_collector_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

bool xt_sync_collector_can_pair(const struct xt_sync_collector *c)
{
	for (unsigned h = 0; h < c->nr_sys; h++)
		for (unsigned g = 0; g < c->nr_sys; g++)
			if (g != h && c->sys[h].has_hypercall && c->sys[g].has_print)
				return true;
	return false;
}

int xt_sync_collector_add(struct xt_sync_collector *c, const struct xt_event *ev)
{
	if (ev->kind != XT_EVENT_RECORD || ev->system >= c->nr_sys)
		return 0;
	/* a record too short for its format is damage the view reports: not a ping */
	(void)xt_gs_decode_event(c->sys[ev->system].gs, c->sys[ev->system].tep, ev);
	return c->err;
}

static int key_cmp(const struct ping_seen *x, const struct ping_seen *y)
{
	if (x->cookie != y->cookie)
		return x->cookie < y->cookie ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

static int by_key(const void *a, const void *b)
{
	const struct ping_seen *x = a, *y = b;
	int k = key_cmp(x, y);

	if (k)
		return k;
	if (x->system != y->system)
		return x->system < y->system ? -1 : 1;
	return x->tod < y->tod ? -1 : x->tod > y->tod;
}

static int by_guest_time(const void *a, const void *b)
{
	const struct xt_sync_pair *x = a, *y = b;

	if (x->guest != y->guest)
		return x->guest < y->guest ? -1 : 1;
	return x->host_tod < y->host_tod ? -1 : x->host_tod > y->host_tod;
}

static bool same_key(const struct ping_seen *a, const struct ping_seen *b)
{
	return key_cmp(a, b) == 0;
}

/* Length of the run of entries sharing the key of l->v[i]. */
static size_t run_of(const struct ping_list *l, size_t i)
{
	size_t j = i + 1;

	while (j < l->n && same_key(&l->v[i], &l->v[j]))
		j++;
	return j - i;
}

int xt_sync_collector_pairs(struct xt_sync_collector *c, const struct xt_sync_pair **ret,
			    size_t *ret_unmatched)
{
	const struct ping_list *m = &c->markers, *h = &c->calls;
	size_t i = 0, j = 0, used = 0;

	/* qsort() wants a list even when it is empty */
	if (m->n)
		qsort(c->markers.v, m->n, sizeof(*m->v), by_key);
	if (h->n)
		qsort(c->calls.v, h->n, sizeof(*h->v), by_key);
	free(c->pairs);
	c->nr_pairs = 0;
	c->pairs = calloc(m->n / 2 + 1, sizeof(*c->pairs));
	if (!c->pairs)
		return -ENOMEM;
	while (i < m->n) {
		size_t mn = run_of(m, i), hn;

		while (j < h->n && key_cmp(&h->v[j], &m->v[i]) < 0)
			j++;
		hn = j < h->n && same_key(&h->v[j], &m->v[i]) ? run_of(h, j) : 0;
		if (mn == 2 && hn == 1 && m->v[i].system == m->v[i + 1].system &&
		    h->v[j].system != m->v[i].system) {
			c->pairs[c->nr_pairs++] = (struct xt_sync_pair){
				.guest = m->v[i].system,
				.host = h->v[j].system,
				.cookie = m->v[i].cookie,
				.seq = m->v[i].seq,
				.guest_before = m->v[i].tod,
				.guest_after = m->v[i + 1].tod,
				.host_tod = h->v[j].tod,
			};
			used += 3;
		}
		i += mn;
	}
	if (c->nr_pairs)
		qsort(c->pairs, c->nr_pairs, sizeof(*c->pairs), by_guest_time);
	if (ret_unmatched)
		*ret_unmatched = m->n + h->n - used;
	*ret = c->pairs;
	return (int)c->nr_pairs;
}

void xt_sync_collector_free(struct xt_sync_collector *c)
{
	if (!c)
		return;
	free(c->markers.v);
	free(c->calls.v);
	free(c->pairs);
	for (unsigned i = 0; c->sys && i < c->nr_sys; i++)
		xt_gs_decoder_free(c->sys[i].gs);
	free(c->sys);
	free(c);
}
