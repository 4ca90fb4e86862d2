/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merge-run.c - one pass: the source's k-way merge feeds the merged writer.
 * Memory is bounded by the number of input streams, not by their size.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "merge-params.h"
#include "xtrace.h"

DEFINE_POINTER_CLEANUP(struct xt_source, xt_source_free)
DEFINE_POINTER_CLEANUP(struct xt_merged_writer, xt_merged_writer_free)

#define PROGRESS_EVERY (1u << 20)

int merge_run(const struct merge_params *p, const struct merge_callbacks *cb, void *ud,
	      struct merge_result *ret, char *why, size_t why_len)
{
	_cleanup_(xt_source_freep) struct xt_source *src = NULL;
	_cleanup_(xt_merged_writer_freep) struct xt_merged_writer *out = NULL;
	struct merge_result res = {};
	struct xt_event ev;
	int r;

	r = xt_source_open(p->inputs, p->nr_inputs, NULL, NULL, why, why_len, &src);
	if (r < 0)
		return r;
	r = xt_merged_writer_create(p->output, p->force ? XT_DUMP_FORCE : 0, &out);
	if (r < 0) {
		snprintf(why, why_len, "%s: %s", p->output,
			 r == -EEXIST ? "exists and is not empty: remove it or use --force"
				      : strerror(-r));
		return r;
	}
	res.systems = xt_source_system_count(src);
	for (unsigned i = 0; i < res.systems; i++) {
		const struct xt_dump *sys = xt_source_system(src, i);

		if (xt_dump_warning(sys) && cb->warn)
			cb->warn(xt_dump_path(sys), xt_dump_warning(sys), ud);
	}
	for (unsigned i = 0; i < res.systems; i++) {
		r = xt_merged_writer_add_system(out, xt_source_system(src, i), NULL);
		if (r < 0) {
			snprintf(why, why_len, "%s: copying the metadata of %s: %s", p->output,
				 xt_dump_path(xt_source_system(src, i)), strerror(-r));
			return r;
		}
	}
	while ((r = xt_source_next(src, &ev)) > 0) {
		r = xt_merged_writer_append(out, &ev);
		if (r < 0)
			break;
		if (ev.kind == XT_EVENT_LOST)
			res.lost++;
		else
			res.events++;
		if (cb->progress && (res.events % PROGRESS_EVERY) == 0)
			cb->progress(res.events, ud);
	}
	if (r >= 0)
		r = xt_merged_writer_close(out);
	if (r < 0) {
		snprintf(why, why_len, "%s: %s", p->output, strerror(-r));
		return r;
	}
	*ret = res;
	return 0;
}
