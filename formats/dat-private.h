/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dat-private.h - trace-cmd trace.dat inputs (private to libxtrace).
 *
 * The header of a trace.dat (version 6, man 5 trace-cmd.dat.v6) holds the
 * texts a dump keeps as files: header_page, event formats, kallsyms,
 * printk formats, saved cmdlines, and the trace clock. dat-header.c reads
 * them (bounded: every size is checked against the file); dat-input.c
 * turns them into a dump directory and reads the records with libtracecmd
 * when it is available (XT_HAVE_LIBTRACECMD), else a .dat input is refused.
 */
#ifndef XT_DAT_PRIVATE_H
#define XT_DAT_PRIVATE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xt-event.h"

#define XT_DAT_MAX_FORMATS 8192u
#define XT_DAT_MAX_CPUS 8192u

/* A text of the header: borrowed from the buffer it was parsed from. */
struct dat_text {
	const char *data;
	size_t len;
};

struct dat_format {
	struct dat_text system; /* "ftrace" for the ftrace section */
	struct dat_text text;
};

struct dat_header {
	uint32_t page_size;
	unsigned long_size;
	unsigned cpus;
	struct dat_text header_page, header_event, kallsyms, printk, cmdlines;
	struct dat_format *formats; /* owned: free() */
	unsigned n_formats;
	char clock[33];             /* the selected trace clock, "" when the file names none */
	/* From the UNAME option ("sysname nodename release version machine"), each
	 * "" when the file has none: */
	char nodename[65], release[65], machine[65];
};

/*
 * Parses the header of a trace.dat version 6 held in @buf (@len bytes, the
 * file or its beginning). Texts point into @buf. Returns 0, or -EBADMSG
 * (not a trace.dat, truncated, sizes past the end, too many formats or
 * CPUs) or -EPROTONOSUPPORT (another version or big-endian) with a
 * one-line reason in @why. Free ret->formats with free().
 */
int xt_dat_header_parse(const void *buf, size_t len, struct dat_header *ret, char *why,
			size_t why_len);

/* Whether @path names a trace.dat file (a regular file starting with its magic). */
bool xt_dat_is_tracedat(const char *path);

/*
 * Opens the trace.dat @path as system @system: writes its header as a dump
 * directory (without data files) in a new directory under $TMPDIR, returned
 * in *ret_tmpdir (remove it and free() the string when done), opens it in
 * *ret_dump, and one stream per CPU in *ret_streams (*ret_n of them, the
 * array to free(); each stream with xt_stream_free()). Returns 0,
 * -EOPNOTSUPP without libtracecmd, -EMEDIUMTYPE when the clock cannot be
 * placed on TOD, or another negative errno, with a reason in @why.
 */
#ifdef XT_HAVE_LIBTRACECMD
int xt_dat_open(const char *path, uint32_t system, char **ret_tmpdir, struct xt_dump **ret_dump,
		struct xt_stream ***ret_streams, unsigned *ret_n, char *why, size_t why_len);
#else
#include <stdio.h>
static inline int xt_dat_open(const char *path, uint32_t system, char **ret_tmpdir,
			      struct xt_dump **ret_dump, struct xt_stream ***ret_streams,
			      unsigned *ret_n, char *why, size_t why_len)
{
	snprintf(why, why_len, "%s: trace.dat inputs need libtracecmd, which this build lacks",
		 path);
	return -EOPNOTSUPP;
}
#endif

#endif
