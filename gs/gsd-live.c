/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsd-live.c - where kvmrt-gsd's records come from: its own tracefs
 * instance with only kvm:kvm_hypercall enabled and filtered on the
 * guest-services numbers (every VM's vCPU threads hit it), or a recorded
 * dump. Both hand each record to gsd_feed() as a struct xt_event.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <tracefs/tracefs.h>

#include "gsd-run.h"
#include "xtrace.h"

static int fail(char *why, size_t len, int err, const char *what)
{
	snprintf(why, len, "%s", what);
	return err;
}

int gsd_replay(struct gsd *g, const char *dir, char *why, size_t why_len)
{
	struct xt_stream *streams[256];
	struct xt_merge *m = NULL;
	struct xt_dump *d = NULL;
	struct xt_event ev;
	unsigned n = 0;
	int r = xt_dump_open(dir, &d);

	if (r < 0)
		return fail(why, why_len, r, dir);
	for (unsigned cpu = 0; cpu < xt_dump_cpu_count(d) && r >= 0; cpu++) {
		if (!xt_dump_has_cpu(d, cpu))
			continue;
		if (n == sizeof(streams) / sizeof(streams[0]))
			r = -E2BIG;
		else
			r = xt_cpu_stream_new(d, cpu, 0, NULL, NULL, &streams[n++]);
		if (r < 0)
			n -= r == -E2BIG ? 0 : 1;
	}
	if (r >= 0)
		r = xt_merge_new(streams, n, &m);
	else
		while (n)
			xt_stream_free(streams[--n]);
	while (r >= 0 && (r = xt_merge_next(m, &ev)) > 0)
		r = gsd_feed(g, xt_dump_tep(d), &ev);
	gsd_finish(g);
	xt_merge_free(m);
	xt_dump_free(d);
	return r < 0 ? fail(why, why_len, r, dir) : 0;
}

struct live {
	struct gsd *g;
	int err;
};

static int on_record(struct tep_event *event, struct tep_record *rec, int cpu, void *userdata)
{
	struct live *l = userdata;
	struct xt_event ev = {
	    .ts = rec->ts,
	    .data = rec->data,
	    .size = (uint32_t)rec->size,
	    .kind = XT_EVENT_RECORD,
	    .cpu = (uint32_t)cpu,
	};
	int r = gsd_feed(l->g, event->tep, &ev);

	if (r < 0 && r != -EBADMSG)
		l->err = r;
	return 0;
}

/* Makes the instance; a stale one (a daemon that crashed) is removed first. */
static struct tracefs_instance *instance_create(char *why, size_t why_len, int *ret_err)
{
	struct tracefs_instance *inst;

	if (tracefs_instance_exists(GSD_INSTANCE)) {
		inst = tracefs_instance_alloc(NULL, GSD_INSTANCE);
		if (inst) {
			tracefs_event_disable(inst, NULL, NULL);
			tracefs_instance_destroy(inst);
			tracefs_instance_free(inst);
		}
	}
	inst = tracefs_instance_create(GSD_INSTANCE);
	if (!inst) {
		*ret_err = -errno ? -errno : -EIO;
		snprintf(why, why_len, "tracefs instance %s: cannot create", GSD_INSTANCE);
		return NULL;
	}
	if (tracefs_event_enable(inst, "kvm", "kvm_hypercall") < 0 ||
	    tracefs_event_file_write(inst, "kvm", "kvm_hypercall", "filter", GSD_FILTER) < 0) {
		*ret_err = -ENOENT;
		snprintf(why, why_len,
			 "%s: kvm:kvm_hypercall cannot be enabled and filtered "
			 "(is kvm loaded?)",
			 GSD_INSTANCE);
		tracefs_instance_destroy(inst);
		tracefs_instance_free(inst);
		return NULL;
	}
	return inst;
}

int gsd_live(struct gsd *g, unsigned poll_ms, volatile sig_atomic_t *stop, char *why,
	     size_t why_len)
{
	const char *systems[] = {"kvm", NULL};
	struct live l = {.g = g};
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	struct timespec tick = {poll_ms / 1000, (long)(poll_ms % 1000) * 1000000L};
	int r = 0;

	tep = tracefs_local_events_system(NULL, systems);
	if (!tep)
		return fail(why, why_len, -ENOENT, "tracefs: cannot read the kvm event formats");
	inst = instance_create(why, why_len, &r);
	if (!inst) {
		tep_free(tep);
		return r;
	}
	while (!*stop && l.err == 0) {
		tracefs_iterate_raw_events(tep, inst, NULL, 0, on_record, &l);
		nanosleep(&tick, NULL);
	}
	tracefs_iterate_raw_events(tep, inst, NULL, 0, on_record, &l); /* what is left */
	gsd_finish(g);
	tracefs_event_disable(inst, NULL, NULL);
	tracefs_instance_destroy(inst);
	tracefs_instance_free(inst);
	tep_free(tep);
	return l.err ? fail(why, why_len, l.err, "reading " GSD_INSTANCE) : 0;
}
