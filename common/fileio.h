/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fileio.h - whole-file reads and writes, with bounds (shared by every folder).
 */
#ifndef KVMRT_FILEIO_H
#define KVMRT_FILEIO_H

#include <stddef.h>
#include <stdint.h>

/*
 * Writes all @len bytes of @data to @fd, retrying short writes and EINTR.
 * Returns 0 or a negative errno.
 */
int write_all(int fd, const void *data, size_t len);

/*
 * Reads @fd until end of file (tracefs files report size 0, so the size is
 * not taken from stat). More than @max bytes is -EFBIG. On success
 * *ret_data is NUL-terminated (must be freed with free()) and *ret_len is
 * the byte count without that NUL. Returns 0 or a negative errno.
 */
int read_fd_all(int fd, size_t max, char **ret_data, size_t *ret_len);

/*
 * Opens @relpath under @dirfd (AT_FDCWD allowed) read-only, O_CLOEXEC and
 * O_NONBLOCK (a FIFO planted in a dump must not block), and checks that it
 * is a regular file: -EISDIR for a directory, -EINVAL for anything else.
 * Returns the descriptor (its size in *ret_size) or a negative errno.
 */
int open_regular_at(int dirfd, const char *relpath, uint64_t *ret_size);

/*
 * As read_fd_all() on @relpath under @dirfd (AT_FDCWD allowed), which must be
 * a regular file: -EISDIR for a directory, -EINVAL for anything else.
 */
int read_file_at(int dirfd, const char *relpath, size_t max, char **ret_data,
		    size_t *ret_len);

#endif
