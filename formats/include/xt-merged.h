/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xt-merged.h - the multi-merge directory: one time-ordered stream of all
 * systems' events.
 *
 * Layout: xtrace.meta (format = xtrace-merged, systems = N), systems/I/ (a
 * dump directory without data files, for each input system), stream.xtm
 * (frames of merged records: TOD, raw ts, system, CPU, kind, event bytes).
 * docs/format.md gives the record layout.
 */
#ifndef XT_MERGED_H
#define XT_MERGED_H

#include <stdint.h>

#include "xt-event.h"

#define XT_MERGED_STREAM_FILE "stream.xtm"

struct xt_merged_writer;

/*
 * Creates the merged directory @dir (empty or absent; non-empty only with
 * XT_DUMP_FORCE). Free with xt_merged_writer_free().
 */
int xt_merged_writer_create(const char *dir, unsigned flags, struct xt_merged_writer **ret);

/*
 * Adds the next system (index = number of systems added before): copies the
 * metadata and format files of @system, renamed to @host when not NULL.
 */
int xt_merged_writer_add_system(struct xt_merged_writer *w, const struct xt_dump *system,
				const char *host);

/*
 * Sets metadata @key of the merged directory (e.g. "system.1.tod_offset_ns")
 * to a printf-formatted value. 0 or a negative errno.
 */
int xt_merged_writer_set(struct xt_merged_writer *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends one event (its ->system must be a system already added). */
int xt_merged_writer_append(struct xt_merged_writer *w, const struct xt_event *ev);

/* Writes the last frame and the metadata. 0 or the first negative errno met. */
int xt_merged_writer_close(struct xt_merged_writer *w);

/* Accepts NULL. A writer freed without close leaves a readable prefix. */
void xt_merged_writer_free(struct xt_merged_writer *w);

/*
 * The stream of a merged directory whose systems are @systems (opened
 * from systems/I/ by the caller) with system indices shifted by
 * @system_base. Free with xt_stream_free().
 */
int xt_merged_stream_new(const char *dir, uint32_t system_base, xt_diag_fn diag, void *userdata,
			 struct xt_stream **ret);

#endif
