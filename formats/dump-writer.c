/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-writer.c - writes a dump directory: metadata, copied tracefs files,
 * clock anchors and one frame file per CPU.
 *
 * The metadata is saved at creation with status = recording and again at
 * close with status = complete, each time atomically. CPU files are
 * created on first use under a lock (several recorder threads may ask at
 * once); each CPU's frame writer is then used by one thread without
 * locking. Anchors are appended with one write(2) of a whole line on an
 * O_APPEND descriptor, so concurrent callers never interleave.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "cleanup.h"
#include "cpulist.h"
#include "dump-private.h"
#include "fileio.h"
#include "xt-merged.h"

#define DEFAULT_FRAME_BYTES (1u << 20)
#define DEFAULT_LEVEL 3
#define MAX_COPY_BYTES (256u << 20)
#define MAX_TREE_DEPTH 16

/* Entries that belong to a dump or a merged directory (removed by XT_DUMP_FORCE). */
static const char *const dump_files[] = {
	XT_META_FILE, XT_META_FILE ".tmp", XT_ANCHORS_FILE, "cpu[0-9]*.xtd", "events",
	"printk_formats", "saved_cmdlines", "saved_tgids", "kallsyms*", "systems",
	XT_MERGED_STREAM_FILE, NULL,
};

struct dump_cpu {
	int fd;
	struct xt_frame_writer *fw;
	bool present; /* a data file was created (stays true after close) */
};

struct xt_dump_writer {
	int dirfd;
	struct xt_meta *meta;
	bool cpus_from_caller; /* the caller set "cpus": do not derive it */
	bool closed;
	size_t frame_bytes;
	int level;
	pthread_mutex_t lock; /* guards cpus, ncpus and anchors_fd */
	struct dump_cpu *cpus;
	unsigned ncpus;
	int anchors_fd;
};

static bool is_owned(const char *name, const char *const *owned)
{
	for (; *owned; owned++)
		if (fnmatch(*owned, name, FNM_PERIOD) == 0)
			return true;
	return false;
}

/*
 * Calls @fn on each entry of the directory @name under @parent (not "." and
 * "..") until it returns non-zero, and returns that. Symlinks are not
 * followed.
 */
static int for_each_entry(int parent, const char *name,
			  int (*fn)(int dirfd, const char *entry, void *userdata), void *userdata)
{
	_cleanup_close_ int fd = openat(parent, name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	DIR *dir;
	int r = 0;

	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir)
		return -errno;
	TAKE_FD(fd);
	while (r == 0 && (errno = 0, de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = fn(dirfd(dir), de->d_name, userdata);
	}
	if (r == 0 && errno)
		r = -errno;
	closedir(dir);
	return r;
}

/* Removes @name under @parent, a directory with everything below it (@userdata: depth). */
static int remove_tree_at(int parent, const char *name, void *userdata)
{
	unsigned depth = *(const unsigned *)userdata + 1;
	int r;

	if (unlinkat(parent, name, 0) == 0)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	if (depth > MAX_TREE_DEPTH)
		return -ELOOP;
	r = for_each_entry(parent, name, remove_tree_at, &depth);
	if (r == 0 && unlinkat(parent, name, AT_REMOVEDIR) < 0)
		r = -errno;
	return r;
}

int xt_remove_tree(const char *path)
{
	unsigned depth = 0;

	return remove_tree_at(AT_FDCWD, path, &depth);
}

struct scan {
	bool force;
	bool remove;
	const char *const *owned;
};

/* -EEXIST when @name is not owned (or any entry is, without force); removes it if asked. */
static int scan_entry(int dirfd, const char *name, void *userdata)
{
	const struct scan *scan = userdata;
	unsigned depth = 0;

	if (!scan->force || !is_owned(name, scan->owned))
		return -EEXIST;
	return scan->remove ? remove_tree_at(dirfd, name, &depth) : 0;
}

int xt_dir_prepare(const char *dir, unsigned flags, const char *const *owned, int *ret_dirfd)
{
	_cleanup_close_ int dirfd = -1;
	bool force = flags & XT_DUMP_FORCE;
	int r;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	/* check everything first, so that a refusal removes nothing */
	r = for_each_entry(dirfd, ".", scan_entry, &(struct scan){ force, false, owned });
	if (r == 0 && force)
		r = for_each_entry(dirfd, ".", scan_entry, &(struct scan){ force, true, owned });
	if (r < 0)
		return r;
	*ret_dirfd = TAKE_FD(dirfd);
	return 0;
}

static bool relpath_valid(const char *relpath)
{
	const char *p = relpath;

	if (*p == '\0' || *p == '/')
		return false;
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 0 || (len <= 2 && strncmp(p, "..", len) == 0))
			return false;
		p += len;
		if (*p == '/')
			p++;
		if (*p == '\0' && p[-1] == '/')
			return false;
	}
	return true;
}

static int make_parents(int dirfd, const char *relpath)
{
	char path[PATH_MAX];
	size_t len = strlen(relpath);

	if (len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, relpath, len + 1);
	for (char *slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdirat(dirfd, path, 0755) < 0 && errno != EEXIST)
			return -errno;
		*slash = '/';
	}
	return 0;
}

int xt_write_file_at(int dirfd, const char *relpath, const void *data, size_t len)
{
	_cleanup_close_ int fd = -1;
	int r;

	if (!relpath_valid(relpath))
		return -EINVAL;
	r = make_parents(dirfd, relpath);
	if (r < 0)
		return r;
	fd = openat(dirfd, relpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (r < 0)
		return r;
	return close(TAKE_FD(fd)) < 0 ? -errno : 0;
}

int xt_dump_writer_create(const char *dir, unsigned flags, struct xt_dump_writer **ret)
{
	struct xt_dump_writer *w;
	int r;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->dirfd = -1;
	w->anchors_fd = -1;
	w->frame_bytes = DEFAULT_FRAME_BYTES;
	w->level = DEFAULT_LEVEL;
	pthread_mutex_init(&w->lock, NULL);
	r = xt_dir_prepare(dir, flags, dump_files, &w->dirfd);
	if (r == 0)
		r = xt_meta_new(&w->meta);
	if (r == 0)
		r = xt_meta_set(w->meta, XT_META_FORMAT, XT_DUMP_FORMAT_NAME);
	if (r == 0)
		r = xt_dump_writer_set(w, XT_META_VERSION, "%d", XT_FORMAT_VERSION);
	if (r == 0)
		r = xt_meta_set(w->meta, XT_META_STATUS, "recording");
	if (r == 0)
		r = xt_dump_writer_save_meta(w);
	if (r < 0) {
		xt_dump_writer_free(w);
		return r;
	}
	*ret = w;
	return 0;
}

int xt_dump_writer_set_compression(struct xt_dump_writer *w, size_t frame_bytes, int level)
{
	if (frame_bytes == 0 || frame_bytes > XT_FRAME_MAX_RAW || level < ZSTD_minCLevel() ||
	    level > ZSTD_maxCLevel())
		return -EINVAL;
	w->frame_bytes = frame_bytes;
	w->level = level;
	return 0;
}

int xt_dump_writer_setv(struct xt_dump_writer *w, const char *key, const char *fmt, va_list ap)
{
	_cleanup_free_ char *value = NULL;
	int r;

	if (vasprintf(&value, fmt, ap) < 0) {
		value = NULL; /* undefined after a failure */
		return -ENOMEM;
	}
	r = xt_meta_set(w->meta, key, value);
	if (r == 0 && strcmp(key, XT_META_CPUS) == 0)
		w->cpus_from_caller = true;
	return r;
}

int xt_dump_writer_set(struct xt_dump_writer *w, const char *key, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = xt_dump_writer_setv(w, key, fmt, ap);
	va_end(ap);
	return r;
}

int xt_dump_writer_write_file(struct xt_dump_writer *w, const char *relpath, const void *data,
			      size_t len)
{
	return xt_write_file_at(w->dirfd, relpath, data, len);
}

int xt_dump_writer_copy_file(struct xt_dump_writer *w, const char *relpath, const char *src)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r;

	r = read_file_at(AT_FDCWD, src, MAX_COPY_BYTES, &data, &len);
	if (r < 0)
		return r;
	return xt_write_file_at(w->dirfd, relpath, data, len);
}

static int anchors_fd(struct xt_dump_writer *w)
{
	int fd;

	pthread_mutex_lock(&w->lock);
	if (w->anchors_fd < 0)
		w->anchors_fd = openat(w->dirfd, XT_ANCHORS_FILE,
				       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
				       0644);
	fd = w->anchors_fd < 0 ? -errno : w->anchors_fd;
	pthread_mutex_unlock(&w->lock);
	return fd;
}

int xt_dump_writer_add_anchor(struct xt_dump_writer *w, uint64_t trace_ts, uint64_t realtime_ns)
{
	char line[64];
	int len = snprintf(line, sizeof(line), "%" PRIu64 " %" PRIu64 "\n", trace_ts, realtime_ns);
	int fd = anchors_fd(w);
	ssize_t n;

	if (fd < 0)
		return fd;
	do
		n = write(fd, line, (size_t)len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == len ? 0 : -EIO;
}

/* Sets "cpus" from the data files created, unless the caller set it. */
static int update_cpus(struct xt_dump_writer *w)
{
	_cleanup_free_ bool *set = NULL;
	_cleanup_free_ char *list = NULL;
	size_t len;
	int r;

	if (w->cpus_from_caller)
		return 0;
	pthread_mutex_lock(&w->lock);
	set = calloc(w->ncpus + 1, sizeof(*set));
	for (unsigned c = 0; set && c < w->ncpus; c++)
		set[c] = w->cpus[c].present;
	len = (size_t)w->ncpus * 6 + 1;
	list = malloc(len);
	r = set && list ? cpulist_format(set, w->ncpus, list, len) : -ENOMEM;
	pthread_mutex_unlock(&w->lock);
	if (r <= 0)
		return r;
	return xt_meta_set(w->meta, XT_META_CPUS, list);
}

int xt_dump_writer_save_meta(struct xt_dump_writer *w)
{
	int r = update_cpus(w);

	if (r < 0)
		return r;
	return xt_meta_save(w->meta, w->dirfd, XT_META_FILE);
}

static int cpu_open(struct xt_dump_writer *w, unsigned cpu)
{
	struct dump_cpu *c = &w->cpus[cpu];
	char name[32];
	int r;

	snprintf(name, sizeof(name), "cpu%u.xtd", cpu);
	c->fd = openat(w->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (c->fd < 0)
		return -errno;
	r = xt_frame_writer_new(c->fd, cpu, w->frame_bytes, w->level, &c->fw);
	if (r < 0) {
		close(c->fd);
		c->fd = -1;
		unlinkat(w->dirfd, name, 0);
		return r;
	}
	c->present = true;
	return 0;
}

static int cpu_table_grow(struct xt_dump_writer *w, unsigned n)
{
	struct dump_cpu *cpus;

	if (n <= w->ncpus)
		return 0;
	cpus = realloc(w->cpus, n * sizeof(*cpus));
	if (!cpus)
		return -ENOMEM;
	for (unsigned c = w->ncpus; c < n; c++)
		cpus[c] = (struct dump_cpu){ .fd = -1 };
	w->cpus = cpus;
	w->ncpus = n;
	return 0;
}

int xt_dump_writer_cpu(struct xt_dump_writer *w, unsigned cpu, struct xt_frame_writer **ret)
{
	int r = 0;

	if (cpu >= XT_MAX_CPUS)
		return -EINVAL;
	pthread_mutex_lock(&w->lock);
	if (w->closed)
		r = -EBADF;
	if (r == 0)
		r = cpu_table_grow(w, cpu + 1);
	if (r == 0 && !w->cpus[cpu].fw)
		r = w->cpus[cpu].present ? -EBADF : cpu_open(w, cpu);
	if (r == 0)
		*ret = w->cpus[cpu].fw;
	pthread_mutex_unlock(&w->lock);
	return r;
}

/* Flushes, syncs and closes every CPU file; the first error is returned. */
static int close_cpus(struct xt_dump_writer *w)
{
	int first = 0;

	for (unsigned c = 0; c < w->ncpus; c++) {
		struct dump_cpu *cpu = &w->cpus[c];
		int r = 0;

		if (cpu->fd < 0)
			continue;
		r = xt_frame_writer_flush(cpu->fw);
		if (r == 0 && fsync(cpu->fd) < 0)
			r = -errno;
		if (close(cpu->fd) < 0 && r == 0)
			r = -errno;
		cpu->fd = -1;
		xt_frame_writer_free(cpu->fw);
		cpu->fw = NULL;
		if (first == 0)
			first = r;
	}
	return first;
}

int xt_dump_writer_close(struct xt_dump_writer *w)
{
	int first, r;

	pthread_mutex_lock(&w->lock);
	w->closed = true;
	pthread_mutex_unlock(&w->lock);
	first = close_cpus(w);
	if (w->anchors_fd >= 0) {
		r = fsync(w->anchors_fd) < 0 ? -errno : 0;
		if (close(w->anchors_fd) < 0 && r == 0)
			r = -errno;
		w->anchors_fd = -1;
		if (first == 0)
			first = r;
	}
	r = xt_meta_set(w->meta, XT_META_STATUS, "complete");
	if (r == 0)
		r = xt_dump_writer_save_meta(w);
	return first ? first : r;
}

void xt_dump_writer_free(struct xt_dump_writer *w)
{
	if (!w)
		return;
	for (unsigned c = 0; c < w->ncpus; c++) {
		xt_frame_writer_free(w->cpus[c].fw);
		if (w->cpus[c].fd >= 0)
			close(w->cpus[c].fd);
	}
	free(w->cpus);
	if (w->anchors_fd >= 0)
		close(w->anchors_fd);
	if (w->dirfd >= 0)
		close(w->dirfd);
	xt_meta_free(w->meta);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
