/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsd-core.c - what kvmrt-gsd does with each decoded guest-services event:
 * log messages (and reports of malformed calls) become one escaped line
 * per message under the VM's rate limit; flush requests are forwarded
 * under their own limit. VMs are named once per thread (a small cache).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gsd.h"
#include "kvmrt_gs_abi.h"
#include "xt-gs.h"

#define MAX_VMS 64	/* VMs with rate-limit state; the least recent is forgotten */
#define MAX_THREADS 256 /* thread -> VM cache */
#define LINE_PREFIX "kvmrt-gs["

struct vm {
	char name[GSD_VM_NAME_MAX];
	struct gsd_window log, flush;
	uint64_t used; /* last use, for eviction */
};

struct thread {
	uint32_t system, tid;
	bool valid;
	char name[GSD_VM_NAME_MAX];
};

struct gsd {
	struct gsd_options o;
	struct gsd_sink sink;
	struct xt_gs_decoder *dec;
	uint64_t clock;
	struct vm vms[MAX_VMS];
	struct thread threads[MAX_THREADS];
	char *line; /* prefix + max_len bytes escaped + "..." */
	size_t line_cap;
};

static const char *thread_vm(struct gsd *g, uint32_t system, uint32_t tid)
{
	struct thread *t = &g->threads[(tid ^ system * 40503u) % MAX_THREADS];

	if (!t->valid || t->tid != tid || t->system != system) {
		t->valid = true;
		t->tid = tid;
		t->system = system;
		gsd_vm_name(g->o.proc_root, tid, t->name);
	}
	return t->name;
}

static struct vm *vm_state(struct gsd *g, const char *name)
{
	struct vm *oldest = &g->vms[0];

	g->clock++;
	for (size_t i = 0; i < MAX_VMS; i++) {
		struct vm *v = &g->vms[i];

		if (v->used && !strcmp(v->name, name)) {
			v->used = g->clock;
			return v;
		}
		if (v->used < oldest->used)
			oldest = v;
	}
	*oldest = (struct vm){.used = g->clock};
	snprintf(oldest->name, sizeof(oldest->name), "%s", name);
	return oldest;
}

static void log_line(struct gsd *g, const char *vm, const char *what, const void *text, size_t len)
{
	int n = snprintf(g->line, g->line_cap, LINE_PREFIX "%s]: %s", vm, what);
	size_t cut = len > g->o.max_len ? g->o.max_len : len;
	size_t used;

	if (n < 0 || (size_t)n >= g->line_cap)
		return;
	used = xt_gs_escape(text, cut, g->line + n, g->line_cap - (size_t)n);
	if (used < len)
		strcat(g->line, "...");
	g->sink.log(g->sink.userdata, g->line);
}

/* Under the VM's limit: the line, preceded by a report of what was suppressed. */
static void limited_line(struct gsd *g, const struct xt_gs_event *e, const char *vm,
			 const char *what, const void *text, size_t len)
{
	struct vm *v = vm_state(g, vm);
	uint64_t suppressed;
	bool ok = gsd_window_allow(&v->log, e->ts, g->o.rate, &suppressed);

	if (suppressed) {
		char note[64];

		snprintf(note, sizeof(note), "%llu messages suppressed (rate limit)",
			 (unsigned long long)suppressed);
		log_line(g, vm, "", note, strlen(note));
	}
	if (ok)
		log_line(g, vm, what, text, len);
}

/*
 * The host CPUs of a flush: the one the vCPU thread called from (current),
 * those the VM's vCPUs run on (VM), or all of them (all, or unknown CPUs).
 */
static void forward_flush(struct gsd *g, const struct xt_gs_event *e, const char *vm)
{
	char cpus[GSD_CPU_LIST_MAX];
	const char *scope = NULL;

	if (e->scope == KVMRT_GS_SCOPE_CPU_CURRENT) {
		snprintf(cpus, sizeof(cpus), "%u", e->cpu);
		scope = cpus;
	} else if (e->scope == KVMRT_GS_SCOPE_CPU_VM &&
		   gsd_vm_cpus(g->o.proc_root, e->tid, cpus, sizeof(cpus)) == 0) {
		scope = cpus;
	}
	g->sink.flush(g->sink.userdata, vm, (unsigned)e->scope, scope);
}

static void on_event(const struct xt_gs_event *e, void *userdata)
{
	struct gsd *g = userdata;
	const char *vm = thread_vm(g, e->system, e->tid);
	uint64_t suppressed;

	switch (e->kind) {
	case XT_GS_LOG_MSG_HOST:
		limited_line(g, e, vm, "", e->data, e->data_len);
		break;
	case XT_GS_MALFORMED:
	case XT_GS_PARTIAL:
		limited_line(g, e, vm,
			     e->kind == XT_GS_PARTIAL ? "partial message: " : "malformed call: ",
			     e->why, strlen(e->why));
		break;
	case XT_GS_FLUSH_HOST:
		if (gsd_window_allow(&vm_state(g, vm)->flush, e->ts, g->o.flush_rate, &suppressed))
			forward_flush(g, e, vm);
		break;
	default: /* pings and log data are for recordings, not for the log */
		break;
	}
}

int gsd_new(const struct gsd_options *o, const struct gsd_sink *sink, struct gsd **ret)
{
	struct gsd *g;
	int r;

	if (!sink->log || !sink->flush || (o->max_len && o->max_len > KVMRT_GS_MAX_PAYLOAD))
		return -EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->o = *o;
	g->o.rate = o->rate ? o->rate : GSD_DEFAULT_RATE;
	g->o.flush_rate = o->flush_rate ? o->flush_rate : GSD_DEFAULT_FLUSH_RATE;
	g->o.max_len = o->max_len ? o->max_len : GSD_DEFAULT_MAX_LEN;
	g->o.proc_root = o->proc_root ? o->proc_root : "";
	g->sink = *sink;
	g->line_cap = sizeof(LINE_PREFIX) + GSD_VM_NAME_MAX + 64 + 4 * (size_t)g->o.max_len + 4;
	g->line = malloc(g->line_cap);
	r = g->line ? xt_gs_decoder_new(NULL, on_event, g, &g->dec) : -ENOMEM;
	if (r < 0) {
		gsd_free(g);
		return r;
	}
	*ret = g;
	return 0;
}

void gsd_free(struct gsd *g)
{
	if (!g)
		return;
	xt_gs_decoder_free(g->dec);
	free(g->line);
	free(g);
}

int gsd_feed(struct gsd *g, struct tep_handle *tep, const struct xt_event *ev)
{
	int r = xt_gs_decode_event(g->dec, tep, ev);

	return r < 0 ? r : 0;
}

void gsd_finish(struct gsd *g)
{
	xt_gs_decoder_finish(g->dec);
}
