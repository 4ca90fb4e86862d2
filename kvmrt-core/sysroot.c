/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysroot.c - every /proc, /sys and cgroup file of the host, read and written under one root. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "kvmrt-host.h"
#include "kvmrt-private.h"

#define SYSROOT_MAX_FILE (16u << 20)

int kvmrt_sysroot_open(const char *prefix, struct kvmrt_sysroot *ret, char *why, size_t why_len)
{
	_cleanup_close_ int fd = -1;
	char *copy;

	if (!prefix || !*prefix)
		prefix = "/";
	fd = open(prefix, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;

		snprintf(why, why_len, "%s: %s (the sysroot must be a directory)", prefix,
			 strerror(-err));
		return err;
	}
	copy = strdup(prefix);
	if (!copy)
		return -ENOMEM;
	ret->fd = TAKE_FD(fd);
	ret->prefix = copy;
	ret->live = strcmp(prefix, "/") == 0;
	return 0;
}

void kvmrt_sysroot_close(struct kvmrt_sysroot *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->prefix);
	s->fd = -1;
	s->prefix = NULL;
}

/* Paths are always relative to the root, with or without their leading '/'. */
static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int kvmrt_sysroot_read(const struct kvmrt_sysroot *s, const char *path, char **ret,
		       size_t *ret_len)
{
	_cleanup_close_ int fd = -1;

	/* open_regular_at() would trust st_size, which procfs reports as 0. */
	fd = openat(s->fd, relative(path), O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	return read_fd_all(fd, SYSROOT_MAX_FILE, ret, ret_len);
}

int kvmrt_sysroot_read_line(const struct kvmrt_sysroot *s, const char *path, char **ret)
{
	char *text;
	size_t len;
	int r;

	r = kvmrt_sysroot_read(s, path, &text, &len);
	if (r < 0)
		return r;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	*ret = text;
	return 0;
}

int kvmrt_sysroot_read_long(const struct kvmrt_sysroot *s, const char *path, long *ret)
{
	_cleanup_free_ char *text = NULL;
	char *end;
	long v;
	int r;

	r = kvmrt_sysroot_read_line(s, path, &text);
	if (r < 0)
		return r;
	errno = 0;
	v = strtol(text, &end, 10);
	if (end == text || *end || errno)
		return -EINVAL;
	*ret = v;
	return 0;
}

int kvmrt_sysroot_write(const struct kvmrt_sysroot *s, const char *path, const char *value)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(value);
	ssize_t n;

	/* O_TRUNC empties a fixture file; sysfs and procfs ignore it. No O_CREAT:
	 * a file the kernel does not have is a finding, not something to make. */
	fd = openat(s->fd, relative(path), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

bool kvmrt_sysroot_exists(const struct kvmrt_sysroot *s, const char *path)
{
	return faccessat(s->fd, relative(path), F_OK, 0) == 0;
}

void kvmrt_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Numbers first, in numeric order, then other names in byte order. */
static int compare_names(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	bool nx = all_digits(x), ny = all_digits(y);

	if (nx && ny) {
		size_t lx = strlen(x), ly = strlen(y);

		if (lx != ly)
			return lx < ly ? -1 : 1;
	} else if (nx != ny) {
		return nx ? -1 : 1;
	}
	return strcmp(x, y);
}

static int strv_push(char ***v, size_t *nr, size_t *cap, const char *name)
{
	if (*nr + 1 >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		char **nv = reallocarray(*v, ncap, sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[*nr] = strdup(name);
	if (!(*v)[*nr])
		return -ENOMEM;
	(*v)[++*nr] = NULL;
	return 0;
}

int64_t kvmrt_name_number(const char *name, int64_t max)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)*name))
		return -1;
	errno = 0;
	v = strtoul(name, &end, 10);
	return *end || errno || v > (unsigned long)max ? -1 : (int64_t)v;
}

int kvmrt_sysroot_list(const struct kvmrt_sysroot *s, const char *path, char ***ret)
{
	char **names = NULL;
	size_t nr = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	int fd, r = 0;

	fd = openat(s->fd, relative(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = strv_push(&names, &nr, &cap, de->d_name);
		if (r < 0)
			break;
	}
	closedir(dir);
	if (r == 0 && !names) {
		/* An empty directory: an array holding only the terminating NULL. */
		names = calloc(1, sizeof(*names));
		if (!names)
			r = -ENOMEM;
	}
	if (r < 0) {
		kvmrt_strv_free(names);
		return r;
	}
	qsort(names, nr, sizeof(*names), compare_names);
	*ret = names;
	return (int)nr;
}
