/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xt-dump.h - one system's recording: the dump directory.
 *
 * Layout (docs/format.md is the specification):
 *   xtrace.meta                  key = value metadata, one per line
 *   anchors                      optional: "TRACE_TS REALTIME_NS" lines (clock anchors)
 *   events/header_page           tracefs copies, as the kernel published them
 *   events/header_event
 *   events/SYSTEM/EVENT/format   one per recorded event
 *   printk_formats, saved_cmdlines, saved_tgids, kallsyms   optional tracefs/proc copies
 *   cpuN.xtd                     frames of raw ring-buffer pages of CPU N
 *
 * A merged directory keeps one dump directory without cpuN.xtd per input
 * system under systems/I/; xt_dump_open() reads those too.
 */
#ifndef XT_DUMP_H
#define XT_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xt-clock.h"
#include "xt-frame.h"

struct tep_handle;

#define XT_FORMAT_VERSION 1
#define XT_META_FILE "xtrace.meta"

/* Meta keys written by every recorder (docs/format.md lists them all). */
#define XT_META_FORMAT "format"        /* "xtrace-dump" or "xtrace-merged" */
#define XT_META_VERSION "version"      /* XT_FORMAT_VERSION */
#define XT_META_HOST "host"            /* system name shown by readers */
#define XT_META_CPUS "cpus"            /* CPU list recorded, e.g. "0-3" */
#define XT_META_PAGE_SIZE "page_size"  /* ring-buffer sub-buffer bytes */
#define XT_META_TRACE_CLOCK "trace_clock" /* tracefs clock name: tai, local, mono, boot, x86-tsc */
#define XT_META_TAI_OFFSET "tai_offset_ns" /* TAI - UTC in ns, with trace_clock = tai */
#define XT_META_STATUS "status"        /* "recording" while running, "complete" at the end */

struct xt_dump;

/*
 * Opens the dump (or merged-dir system) directory @dir: reads its metadata,
 * its event formats into a tep handle, and its clock model. Data files are
 * opened later, per CPU, by xt_cpu_stream_new(). Returns 0 or a negative
 * errno: -ENOENT (no xtrace.meta), -EPROTONOSUPPORT (newer format version),
 * -EBADMSG (malformed metadata or formats). Free with xt_dump_free().
 */
int xt_dump_open(const char *dir, struct xt_dump **ret);

/* Frees the dump and its tep handle. Accepts NULL. */
void xt_dump_free(struct xt_dump *d);

/* The directory it was opened from. Borrowed. */
const char *xt_dump_path(const struct xt_dump *d);

/* Metadata value of @key, or NULL when absent. Borrowed. */
const char *xt_dump_meta(const struct xt_dump *d, const char *key);

/* Host name of the recorded system (meta "host"). Borrowed, never NULL. */
const char *xt_dump_host(const struct xt_dump *d);

/* One more than the highest CPU recorded. */
unsigned xt_dump_cpu_count(const struct xt_dump *d);

/* Whether a data file for @cpu exists. */
bool xt_dump_has_cpu(const struct xt_dump *d, unsigned cpu);

/* Events lost on @cpu as counted by the recorder (meta cpuN.lost), 0 if none. */
uint64_t xt_dump_lost(const struct xt_dump *d, unsigned cpu);

/*
 * A sentence about damage met while opening that did not stop it (event
 * formats whose print format had to be dropped), or NULL. Borrowed.
 */
const char *xt_dump_warning(const struct xt_dump *d);

/* Event formats of the recording. Borrowed: freed with the dump. */
struct tep_handle *xt_dump_tep(const struct xt_dump *d);

/* Clock model converting raw timestamps to TOD. Borrowed: freed with the dump. */
const struct xt_clock *xt_dump_clock(const struct xt_dump *d);

/* Path of the data file of @cpu. Must be freed with free(). NULL on ENOMEM. */
char *xt_dump_cpu_path(const struct xt_dump *d, unsigned cpu);

/*
 * Writing a dump. The recorder and the fixture generator both use this.
 */
struct xt_dump_writer;

enum {
	XT_DUMP_FORCE = 1 << 0, /* reuse a non-empty directory, removing an older dump in it */
};

/*
 * Creates @dir (or reuses an empty one; a non-empty one only with
 * XT_DUMP_FORCE, else -EEXIST). Returns 0 or a negative errno.
 * Free with xt_dump_writer_free().
 */
int xt_dump_writer_create(const char *dir, unsigned flags, struct xt_dump_writer **ret);

/*
 * Sets the raw bytes buffered per frame (default 1 MiB, at most
 * XT_FRAME_MAX_RAW) and the zstd level (default 3) of the CPU files
 * created after this call. Returns 0 or -EINVAL.
 */
int xt_dump_writer_set_compression(struct xt_dump_writer *w, size_t frame_bytes, int level);

/* Sets metadata @key to a printf-formatted value (replacing an earlier one). */
int xt_dump_writer_set(struct xt_dump_writer *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes @len bytes as the file @relpath in the dump, creating parent directories. */
int xt_dump_writer_write_file(struct xt_dump_writer *w, const char *relpath, const void *data,
			      size_t len);

/* Copies the whole of @src (e.g. a tracefs or /proc file) to @relpath. */
int xt_dump_writer_copy_file(struct xt_dump_writer *w, const char *relpath, const char *src);

/* Appends one clock anchor pair to the anchors file (written through at once). */
int xt_dump_writer_add_anchor(struct xt_dump_writer *w, uint64_t trace_ts, uint64_t realtime_ns);

/* Atomically (re)writes xtrace.meta with the keys set so far. */
int xt_dump_writer_save_meta(struct xt_dump_writer *w);

/*
 * Returns the frame writer of cpuN.xtd, creating the file on first use.
 * Borrowed: owned by the dump writer. Each CPU's writer may be used from its
 * own thread; different CPUs need no locking.
 */
int xt_dump_writer_cpu(struct xt_dump_writer *w, unsigned cpu, struct xt_frame_writer **ret);

/*
 * Flushes every CPU writer, sets status = complete, saves the metadata and
 * closes the files. Returns 0 or the first negative errno met.
 */
int xt_dump_writer_close(struct xt_dump_writer *w);

/* Frees the writer; files already written stay. Accepts NULL. */
void xt_dump_writer_free(struct xt_dump_writer *w);

#endif
