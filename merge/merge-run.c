/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merge-run.c - the source's k-way merge feeds the merged writer. Memory
 * is bounded by the number of input streams, not by their size. With
 * --intersect a first pass finds the span every CPU of every system covers
 * and the second seeks to its start; with sync, a first pass collects the
 * guest-services ping pairs and the fitted corrections reopen the inputs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "merge-params.h"
#include "merge-private.h"

DEFINE_POINTER_CLEANUP(struct xt_source, xt_source_free)
DEFINE_POINTER_CLEANUP(struct xt_merged_writer, xt_merged_writer_free)

#define PROGRESS_EVERY (1u << 20)

/* First and last TOD of one CPU of one system. */
struct cpu_span {
	uint64_t first, last;
	bool seen;
};

/* The span where every CPU that has events has them: first pass over @src. */
static int common_span(struct xt_source *src, uint64_t *ret_start, uint64_t *ret_end)
{
	unsigned n = xt_source_system_count(src);
	_cleanup_free_ unsigned *base = calloc(n + 1, sizeof(*base));
	_cleanup_free_ struct cpu_span *spans = NULL;
	uint64_t start = 0, end = UINT64_MAX;
	struct xt_event ev;
	int r;

	if (!base)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		base[i + 1] = base[i] + xt_dump_cpu_count(xt_source_system(src, i));
	spans = calloc(base[n] ? base[n] : 1, sizeof(*spans));
	if (!spans)
		return -ENOMEM;
	while ((r = xt_source_next(src, &ev)) > 0) {
		struct cpu_span *s;

		if (ev.kind != XT_EVENT_RECORD || ev.cpu >= base[ev.system + 1] - base[ev.system])
			continue;
		s = &spans[base[ev.system] + ev.cpu];
		if (!s->seen)
			s->first = ev.tod;
		s->last = ev.tod;
		s->seen = true;
	}
	if (r < 0)
		return r;
	for (unsigned i = 0; i < base[n]; i++) {
		if (!spans[i].seen)
			continue;
		start = spans[i].first > start ? spans[i].first : start;
		end = spans[i].last < end ? spans[i].last : end;
	}
	if (start > end)
		return -ERANGE;
	*ret_start = start;
	*ret_end = end;
	return 0;
}

static int add_systems(struct xt_merged_writer *out, struct xt_source *src,
		       const struct merge_params *p, char *why, size_t why_len)
{
	for (unsigned i = 0; i < xt_source_system_count(src); i++) {
		const struct xt_dump *sys = xt_source_system(src, i);
		const struct xt_tod_adjust *a = xt_source_system_adjust(src, i);
		const char *name = xt_source_system_name(src, i);
		char key[64];
		int r = xt_merged_writer_add_system(out, sys, name);

		if (r >= 0 && (a->offset_ns || a->drift_ppb)) {
			snprintf(key, sizeof(key), "system.%u.tod_adjust", i);
			r = xt_merged_writer_set(out, key,
						 "offset_ns=%lld drift_ppb=%lld ref_tod=%llu",
						 (long long)a->offset_ns, (long long)a->drift_ppb,
						 (unsigned long long)a->ref_tod);
		}
		if (r < 0) {
			snprintf(why, why_len, "%s: copying the metadata of %s: %s", p->output,
				 xt_dump_path(sys), strerror(-r));
			return r;
		}
	}
	return 0;
}

static int copy_events(struct xt_source *src, struct xt_merged_writer *out, uint64_t end,
		       const struct merge_callbacks *cb, void *ud, struct merge_result *res)
{
	struct xt_event ev;
	int r;

	while ((r = xt_source_next(src, &ev)) > 0 && ev.tod <= end) {
		r = xt_merged_writer_append(out, &ev);
		if (r < 0)
			return r;
		if (ev.kind == XT_EVENT_LOST) {
			res->lost++;
			continue;
		}
		if (!res->events++)
			res->first_tod = ev.tod;
		res->last_tod = ev.tod;
		if (cb->progress && (res->events % PROGRESS_EVERY) == 0)
			cb->progress(res->events, ud);
	}
	return r < 0 ? r : 0;
}

/* Opens the inputs, read ahead by a second thread (inline when none can start). */
static int open_source(const struct merge_params *p, const struct xt_source_input *in,
		       struct xt_source **ret, char *why, size_t why_len)
{
	struct xt_source *src;
	int r = xt_source_open_inputs(in, p->nr_inputs, NULL, NULL, why, why_len, &src);

	if (r < 0)
		return r;
	r = xt_source_prefetch(src);
	if (r == -ENOMEM) {
		xt_source_free(src);
		snprintf(why, why_len, "reading the inputs ahead: %s", strerror(-r));
		return r;
	}
	*ret = src;
	return 0;
}

/*
 * Opens the inputs into *ret, synchronised (first pass) and positioned at
 * the start of the span to write, whose end goes to *ret_end.
 */
static int prepare_source(const struct merge_params *p, const struct merge_callbacks *cb,
			  void *ud, struct xt_source **ret, uint64_t *ret_end, char *why,
			  size_t why_len)
{
	_cleanup_(xt_source_freep) struct xt_source *src = NULL;
	_cleanup_free_ struct xt_source_input *in = calloc(p->nr_inputs ? p->nr_inputs : 1,
							   sizeof(*in));
	uint64_t start = 0, end = UINT64_MAX;
	int r;

	if (!in)
		return -ENOMEM;
	memcpy(in, p->inputs, p->nr_inputs * sizeof(*in));
	r = open_source(p, in, &src, why, why_len);
	if (r >= 0 && p->sync != MERGE_SYNC_NONE)
		r = merge_sync(p, src, in, cb, ud, why, why_len);
	if (r > 0) { /* corrections found: reopen with them */
		xt_source_free(TAKE_PTR(src));
		r = open_source(p, in, &src, why, why_len);
	}
	if (r < 0)
		return r;
	if (p->intersect) {
		r = xt_source_seek(src, 0);
		r = r < 0 ? r : common_span(src, &start, &end);
	}
	r = r < 0 ? r : xt_source_seek(src, start); /* the sync or span pass read it all */
	if (r < 0) {
		snprintf(why, why_len, "%s%s",
			 p->intersect ? "--intersect: " : "rewinding the inputs: ",
			 r == -ERANGE ? "the inputs have no time span in common" : strerror(-r));
		return r;
	}
	*ret = TAKE_PTR(src);
	*ret_end = end;
	return 0;
}

int merge_run(const struct merge_params *p, const struct merge_callbacks *cb, void *ud,
	      struct merge_result *ret, char *why, size_t why_len)
{
	_cleanup_(xt_source_freep) struct xt_source *src = NULL;
	_cleanup_(xt_merged_writer_freep) struct xt_merged_writer *out = NULL;
	struct merge_result res = {};
	uint64_t end;
	int r = prepare_source(p, cb, ud, &src, &end, why, why_len);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < xt_source_system_count(src); i++) {
		const struct xt_dump *sys = xt_source_system(src, i);

		if (xt_dump_warning(sys) && cb->warn)
			cb->warn(xt_dump_path(sys), xt_dump_warning(sys), ud);
	}
	r = xt_merged_writer_create(p->output, p->force ? XT_DUMP_FORCE : 0, &out);
	if (r < 0) {
		snprintf(why, why_len, "%s: %s", p->output,
			 r == -EEXIST ? "exists and is not empty: remove it or use --force"
				      : strerror(-r));
		return r;
	}
	r = add_systems(out, src, p, why, why_len);
	if (r < 0)
		return r;
	res.systems = xt_source_system_count(src);
	r = copy_events(src, out, end, cb, ud, &res);
	if (r >= 0)
		r = xt_merged_writer_close(out);
	if (r < 0) {
		snprintf(why, why_len, "%s: %s", p->output, strerror(-r));
		return r;
	}
	*ret = res;
	return 0;
}
