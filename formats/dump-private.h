/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-private.h - what the parts of libxtrace share about dump
 * directories beyond the public xt-dump.h (merged dirs, sources, streams).
 */
#ifndef XT_DUMP_PRIVATE_H
#define XT_DUMP_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "meta.h"
#include "xt-dump.h"

#define XT_DUMP_FORMAT_NAME "xtrace-dump"
#define XT_META_LONG_SIZE "long_size"
#define XT_ANCHORS_FILE "anchors"

/*
 * As xt_dump_open(), writing a one-line reason naming the file (and line)
 * at fault into @why (@why_len bytes, may be 0) on failure.
 */
int xt_dump_open_why(const char *dir, char *why, size_t why_len, struct xt_dump **ret);

/* All metadata of @d, in file order. Borrowed: freed with the dump. */
const struct xt_meta *xt_dump_meta_all(const struct xt_dump *d);

/* Ring-buffer sub-buffer bytes (meta page_size, else header_page's size). */
size_t xt_dump_page_size(const struct xt_dump *d);

/* Bytes of a kernel long (meta long_size: 4 or 8). */
unsigned xt_dump_long_size(const struct xt_dump *d);

/*
 * Makes @dir ready to be written: creates it, or reuses it when empty.
 * A non-empty directory is -EEXIST unless @flags has XT_DUMP_FORCE and
 * every entry in it matches one of the fnmatch(3) patterns of @owned
 * (NULL-terminated): those entries are then removed (directories with
 * their contents) and anything else leaves the directory untouched with
 * -EEXIST. On success *ret_dirfd is an O_CLOEXEC descriptor of @dir.
 */
int xt_dir_prepare(const char *dir, unsigned flags, const char *const *owned, int *ret_dirfd);

/*
 * Writes @len bytes of @data as @relpath under @dirfd (replacing it),
 * creating parent directories. @relpath must be relative without "." or
 * ".." components (-EINVAL). Returns 0 or a negative errno.
 */
int xt_write_file_at(int dirfd, const char *relpath, const void *data, size_t len);

/* xt_dump_writer_set() with its arguments in @ap. */
int xt_dump_writer_setv(struct xt_dump_writer *w, const char *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Removes @path, a directory with everything below it (symlinks not followed). 0 or -errno. */
int xt_remove_tree(const char *path);

#endif
