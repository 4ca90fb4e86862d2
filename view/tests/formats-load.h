/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * formats-load.h - event formats of a directory tree (fixtures/formats)
 * parsed into a tep handle, for the tests and the fuzz target.
 */
#ifndef VIEW_FORMATS_LOAD_H
#define VIEW_FORMATS_LOAD_H

struct tep_handle;

/*
 * Parses every @dir/SYSTEM/EVENT/format into a new handle (8-byte longs,
 * little endian). Returns 0 or a negative errno (-EBADMSG: a format
 * libtraceevent refused). Free with tep_free().
 */
int vt_formats_load(const char *dir, struct tep_handle **ret);

#endif
