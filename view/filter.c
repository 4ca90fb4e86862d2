/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter.c - which events a view shows: --host, --cpu, --event, --pid,
 * --comm, and the moments of --from/--to/--explain. Lists are compiled once;
 * an event id is judged once per system (xv_system.pass), the pid and comm
 * per event only when those filters are given.
 */
#include "view-internal.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <traceevent/event-parse.h>
#include <xt-event.h>

#include "cleanup.h"
#include "cpulist.h"
#include "tool.h"

#define NSEC_PER_SEC 1000000000ull

/* A comma list split in place: @items point into @buf. */
struct xv_list {
	char *buf;
	const char **items;
	unsigned n;
};

struct xv_filter {
	struct xv_list hosts;
	struct xv_list events;
	struct xv_list comms;
	uint64_t *pids;
	unsigned n_pids;
	bool *cpus; /* NULL: every CPU */
	unsigned n_cpus;
};

static void list_done(struct xv_list *l)
{
	free(l->buf);
	free(l->items);
}

void xv_filter_free(struct xv_filter *f)
{
	if (!f)
		return;
	list_done(&f->hosts);
	list_done(&f->events);
	list_done(&f->comms);
	free(f->pids);
	free(f->cpus);
	free(f);
}

DEFINE_POINTER_CLEANUP(struct xv_filter, xv_filter_free)

static int list_split(const char *s, struct xv_list *ret)
{
	char *p;
	unsigned n = 1;

	if (!s)
		return 0;
	for (p = (char *)s; *p; p++)
		n += *p == ',';
	ret->buf = strdup(s);
	ret->items = calloc(n, sizeof(*ret->items));
	if (!ret->buf || !ret->items)
		return -ENOMEM;
	for (p = ret->buf;; p++) {
		ret->items[ret->n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p = '\0';
	}
	return 0;
}

static bool list_match(const struct xv_list *l, const char *name)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		if (fnmatch(l->items[i], name, 0) == 0)
			return true;
	return false;
}

static int parse_pids(struct xv_filter *f, const char *s, char *why, size_t why_len)
{
	struct xv_list l = { 0 };
	unsigned i;
	int r;

	r = list_split(s, &l);
	if (r >= 0 && l.n) {
		f->pids = calloc(l.n, sizeof(*f->pids));
		r = f->pids ? 0 : -ENOMEM;
	}
	for (i = 0; r >= 0 && i < l.n; i++) {
		r = tool_parse_u64(l.items[i], 0, INT32_MAX, &f->pids[i]);
		if (r < 0)
			snprintf(why, why_len, "--pid: '%.32s' is not a pid", l.items[i]);
	}
	f->n_pids = l.n;
	list_done(&l);
	return r;
}

int xv_filter_new(const struct xv_filter_spec *spec, char *why, size_t why_len,
		  struct xv_filter **ret)
{
	_cleanup_(xv_filter_freep) struct xv_filter *f = calloc(1, sizeof(*f));
	int r;

	if (!f)
		return -ENOMEM;
	if (list_split(spec->host, &f->hosts) < 0 || list_split(spec->event, &f->events) < 0 ||
	    list_split(spec->comm, &f->comms) < 0)
		return -ENOMEM;
	r = parse_pids(f, spec->pid, why, why_len);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	if (spec->cpu) {
		f->cpus = calloc(XV_MAX_CPUS, sizeof(*f->cpus));
		if (!f->cpus)
			return -ENOMEM;
		r = cpulist_parse(spec->cpu, XV_MAX_CPUS, f->cpus, &f->n_cpus);
		if (r < 0) {
			snprintf(why, why_len, "--cpu: '%.32s' is not a CPU list (such as 0-3,8)",
				 spec->cpu);
			return -EINVAL;
		}
	}
	*ret = TAKE_PTR(f);
	return 0;
}

bool xv_filter_host(const struct xv_filter *f, const char *host)
{
	return !f->hosts.n || list_match(&f->hosts, host);
}

bool xv_filter_cpu(const struct xv_filter *f, uint32_t cpu)
{
	return !f->cpus || (cpu < f->n_cpus && f->cpus[cpu]);
}

/* Whether --event names this event id by its display, ftrace or system:ftrace name. */
static bool names_match(const struct xv_filter *f, const struct xv_evinfo *e)
{
	char full[256];

	if (!e)
		return list_match(&f->events, "UNKNOWN_EVENT");
	if (list_match(&f->events, e->display) || list_match(&f->events, e->name))
		return true;
	snprintf(full, sizeof(full), "%s:%s", e->event->system, e->name);
	return list_match(&f->events, full);
}

uint8_t xv_filter_event(const struct xv_filter *f, const struct xv_evinfo *e)
{
	if (!f->events.n || names_match(f, e))
		return XV_PASS_ALL;
	/* Their records also show under derived names (KVM_HOST_HC_EXIT, KVMRT_GS_*). */
	if (e && (e->kind == XV_KIND_MARKER || e->kind == XV_KIND_HYPERCALL ||
		  e->kind == XV_KIND_KVM_ENTRY))
		return XV_PASS_ITEMS;
	return XV_PASS_NONE;
}

bool xv_filter_item(const struct xv_filter *f, const struct xv_item *it)
{
	char name[128];

	snprintf(name, sizeof(name), "%.*s", (int)it->event_len, it->event);
	return list_match(&f->events, name);
}

bool xv_filter_task(const struct xv_filter *f, struct xv_system *s, const struct xt_event *ev)
{
	uint64_t pid;
	unsigned i;

	if (!f->n_pids && !f->comms.n)
		return true;
	if (!xv_ref_u64(&s->pid, ev->data, ev->size, s->swap, &pid))
		return false;
	for (i = 0; i < f->n_pids; i++)
		if (f->pids[i] == pid)
			break;
	if (f->n_pids && i == f->n_pids)
		return false;
	return !f->comms.n || list_match(&f->comms, tep_data_comm_from_pid(s->tep, (int)pid));
}

/* "SECONDS[.FRACTION]" or ".FRACTION" (as bc prints) to ns, at most 9 fraction digits. */
static int parse_seconds(const char *s, uint64_t *ret)
{
	uint64_t sec = 0, frac = 0, scale = NSEC_PER_SEC;
	const char *p = s;
	const char *digit = *p == '.' ? p + 1 : p;

	if (*digit < '0' || *digit > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (sec > (UINT64_MAX / NSEC_PER_SEC - 9) / 10)
			return -ERANGE;
		sec = sec * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1)
				return -EINVAL;
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	}
	if (*p)
		return -EINVAL;
	*ret = sec * NSEC_PER_SEC + frac;
	return 0;
}

int xv_at_parse(const char *s, struct xv_at *ret)
{
	struct xv_at at;
	int r;

	if (s[0] == '#') {
		at.kind = XV_AT_COUNT;
		r = tool_parse_u64(s + 1, 0, UINT64_MAX, &at.v);
		if (r < 0 || s[1] < '0' || s[1] > '9')
			return r == -ERANGE ? r : -EINVAL;
	} else if (s[0] == '+') {
		at.kind = XV_AT_REL;
		r = parse_seconds(s + 1, &at.v);
	} else {
		at.kind = XV_AT_TOD;
		r = parse_seconds(s, &at.v);
	}
	if (r < 0)
		return r;
	*ret = at;
	return 0;
}

uint64_t xv_at_tod(const struct xv_at *at, uint64_t base)
{
	if (at->kind == XV_AT_REL)
		return base + at->v > base ? base + at->v : UINT64_MAX;
	return at->v;
}

int xv_span_check(const struct xv_at *from, const struct xv_at *to, uint64_t index, uint64_t tod,
		  uint64_t base)
{
	if (to->kind == XV_AT_COUNT ? index >= to->v :
	    to->kind != XV_AT_NONE && tod > xv_at_tod(to, base))
		return XV_SPAN_AFTER;
	if (from->kind == XV_AT_COUNT ? index < from->v :
	    from->kind != XV_AT_NONE && tod < xv_at_tod(from, base))
		return XV_SPAN_BEFORE;
	return XV_SPAN_IN;
}

int xv_filter_check(const struct xv_filter_spec *spec, char *why, size_t why_len)
{
	struct xv_filter *f;
	int r = xv_filter_new(spec, why, why_len, &f);

	if (r < 0)
		return r;
	xv_filter_free(f);
	return 0;
}
