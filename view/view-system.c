/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view-system.c - one system of a view: its event table indexed by event
 * id (each entry resolved on first use), its per-CPU hypercall state and
 * its syscall names.
 */
#include "view-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <traceevent/event-parse.h>

#include "cleanup.h"

const struct xv_evinfo xv_no_event;

/* Clocks whose raw timestamps are counts, not nanoseconds. */
static bool clock_counts_ns(const char *clock)
{
	return !clock || (strcmp(clock, "x86-tsc") != 0 && strcmp(clock, "counter") != 0);
}

void xv_system_free(struct xv_system *s)
{
	unsigned i;

	if (!s)
		return;
	for (i = 0; s->events && i < s->n_events; i++)
		if (s->events[i] != &xv_no_event)
			xv_evinfo_free((struct xv_evinfo *)s->events[i]);
	free(s->events);
	free(s->hc);
	free(s->gs_calls);
	xv_syscalls_free(s->syscalls);
	free(s->host);
	free(s);
}

DEFINE_POINTER_CLEANUP(struct xv_system, xv_system_free)

/* common_type and common_pid, from any event (they are the same in all). */
static int common_refs(struct xv_system *s, struct tep_event **events)
{
	int r;

	if (!events || !events[0]) {
		/* No formats: every record is an unknown event. */
		s->type = (struct xv_ref){ .off = 0, .size = 2, .flags = XV_REF_PRESENT };
		return 0;
	}
	r = xv_ref_init(tep_find_common_field(events[0], "common_type"), &s->type);
	if (r < 0)
		return r;
	return xv_ref_init(tep_find_common_field(events[0], "common_pid"), &s->pid);
}

/*
 * The host column: the name the recording gave itself (untrusted), with
 * control bytes, spaces and backslashes escaped so that it stays one column.
 */
static char *host_column(const char *host)
{
	const unsigned char *p = (const unsigned char *)(host && *host ? host : "?");
	char *out = malloc(strlen((const char *)p) * 4 + 1), *w = out;

	if (!out)
		return NULL;
	for (; *p; p++)
		w += xv_escape_byte(w, *p, true);
	*w = '\0';
	return out;
}

int xv_system_new(struct tep_handle *tep, const char *host, const char *arch, const char *clock,
		  bool raw, struct xv_system **ret)
{
	_cleanup_(xv_system_freep) struct xv_system *s = calloc(1, sizeof(*s));
	struct tep_event **events;
	unsigned n;
	int r;

	if (!s)
		return -ENOMEM;
	s->tep = tep;
	s->host = host_column(host);
	if (!s->host)
		return -ENOMEM;
	s->host_len = (uint32_t)strlen(s->host);
	s->swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);
	s->ts_is_ns = clock_counts_ns(clock);
	s->raw = raw;
	r = xv_syscalls_new(arch, &s->syscalls);
	if (r < 0)
		return r;

	events = tep_list_events(tep, TEP_EVENT_SORT_ID);
	r = common_refs(s, events);
	if (r < 0)
		return r;
	for (n = 0; events && events[n]; n++)
		;
	/* Sorted by id: the last one bounds the table. */
	s->n_events = n ? (unsigned)events[n - 1]->id + 1 : 0;
	if (s->n_events > UINT16_MAX + 1u)
		s->n_events = UINT16_MAX + 1u;
	s->events = calloc(s->n_events ? s->n_events : 1, sizeof(*s->events));
	if (!s->events)
		return -ENOMEM;
	*ret = TAKE_PTR(s);
	return 0;
}

int xv_system_resolve(struct xv_system *s, uint64_t id)
{
	struct tep_event *event = tep_find_event(s->tep, (int)id);
	struct xv_evinfo *e;
	int r;

	if (!event) {
		s->events[id] = &xv_no_event;
		return 0;
	}
	r = xv_evinfo_new(event, s->raw, &e);
	if (r < 0)
		return r;
	if (s->filter)
		e->pass = xv_filter_event(s->filter, e);
	s->events[id] = e;
	return 0;
}

struct xv_hc_state *xv_system_hc(struct xv_system *s, uint32_t cpu)
{
	if (cpu >= s->n_hc) {
		unsigned n = cpu < 64 ? 64 : cpu + 1;
		struct xv_hc_state *hc;

		if (cpu >= XV_MAX_CPUS)
			return NULL;
		hc = realloc(s->hc, n * sizeof(*hc));
		if (!hc)
			return NULL;
		memset(hc + s->n_hc, 0, (n - s->n_hc) * sizeof(*hc));
		s->hc = hc;
		s->n_hc = n;
	}
	return &s->hc[cpu];
}

static struct xv_gs_call *gs_call_slot(struct xv_gs_call *t, unsigned n, uint32_t tid)
{
	unsigned i = (tid * 2654435761u) & (n - 1);

	while (t[i].tid1 && t[i].tid1 != tid + 1)
		i = (i + 1) & (n - 1);
	return &t[i];
}

/* Doubles the table (its size stays a power of two). */
static int gs_calls_grow(struct xv_system *s)
{
	unsigned n = s->n_gs_calls ? s->n_gs_calls * 2 : 64;
	struct xv_gs_call *t = calloc(n, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (unsigned i = 0; i < s->n_gs_calls; i++)
		if (s->gs_calls[i].tid1)
			*gs_call_slot(t, n, s->gs_calls[i].tid1 - 1) = s->gs_calls[i];
	free(s->gs_calls);
	s->gs_calls = t;
	s->n_gs_calls = n;
	return 0;
}

struct xv_gs_call *xv_system_gs_call(struct xv_system *s, uint32_t tid)
{
	struct xv_gs_call *c;

	if (tid == UINT32_MAX)
		return NULL;
	if (s->n_gs_calls) {
		c = gs_call_slot(s->gs_calls, s->n_gs_calls, tid);
		if (c->tid1)
			return c;
	}
	if (s->used_gs_calls >= XV_MAX_GS_THREADS)
		return NULL;
	/* At most half full, so that probes stay short. */
	if ((s->used_gs_calls + 1) * 2 > s->n_gs_calls && gs_calls_grow(s) < 0)
		return NULL;
	c = gs_call_slot(s->gs_calls, s->n_gs_calls, tid);
	*c = (struct xv_gs_call){ .tid1 = tid + 1 };
	s->used_gs_calls++;
	return c;
}

int xv_grow(void *arr, unsigned *cap, unsigned i, size_t size, unsigned limit)
{
	unsigned want = i < 8 ? 16 : i * 2;
	char *q;

	if (i < *cap)
		return 0;
	if (i >= limit)
		return -ERANGE;
	if (want > limit)
		want = limit;
	q = realloc(*(char **)arr, (size_t)want * size);
	if (!q)
		return -ENOMEM;
	memset(q + (size_t)*cap * size, 0, (size_t)(want - *cap) * size);
	*(char **)arr = q;
	*cap = want;
	return 0;
}
