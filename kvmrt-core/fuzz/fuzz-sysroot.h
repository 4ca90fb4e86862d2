/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-sysroot.h - a scratch sysroot tree for the fuzz targets that feed
 * their input to libkvmrt as host files. Every failure aborts.
 */
#ifndef KVMRT_FUZZ_SYSROOT_H
#define KVMRT_FUZZ_SYSROOT_H

#include <stddef.h>

#include "kvmrt-host.h"

/* A file of a scratch tree: its path under the root and its text. */
struct fuzz_file {
	const char *rel, *text;
};

/*
 * Makes the directory @root from its mkdtemp() template (the buffer must last
 * until exit, when the tree is removed), writes @files into it (up to an entry
 * without a path) and opens it as @s.
 */
void fuzz_sysroot_make(char *root, const struct fuzz_file *files, struct kvmrt_sysroot *s);
/* Writes @len bytes of @data to ROOT/@rel, making its directories. */
void fuzz_sysroot_put(const char *root, const char *rel, const char *data, size_t len);

#endif
