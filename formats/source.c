/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source.c - dumps and merged directories opened as one time-ordered
 * stream: every CPU of every dump plus every merged stream feed one merge.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "dump-private.h"
#include "xt-merged.h"

struct xt_source {
	struct xt_dump **systems;
	unsigned nr_systems, cap_systems;
	struct xt_stream **streams; /* handed to the merge at the end of open */
	unsigned nr_streams, cap_streams;
	struct xt_merge *merge;
	xt_diag_fn diag;
	void *userdata;
};

static void set_why(char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_why(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (!why_len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
}

static int grow(void **array, unsigned *cap, unsigned need, size_t elem)
{
	if (need <= *cap)
		return 0;
	unsigned n = *cap ? *cap * 2 : 16;

	while (n < need)
		n *= 2;
	void *p = realloc(*array, (size_t)n * elem);

	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = n;
	return 0;
}

static int add_system(struct xt_source *s, struct xt_dump *d)
{
	int r = grow((void **)&s->systems, &s->cap_systems, s->nr_systems + 1,
		     sizeof(*s->systems));

	if (r < 0) {
		xt_dump_free(d);
		return r;
	}
	s->systems[s->nr_systems++] = d;
	return 0;
}

static int add_stream(struct xt_source *s, struct xt_stream *st)
{
	int r = grow((void **)&s->streams, &s->cap_streams, s->nr_streams + 1,
		     sizeof(*s->streams));

	if (r < 0) {
		xt_stream_free(st);
		return r;
	}
	s->streams[s->nr_streams++] = st;
	return 0;
}

static int open_dump(struct xt_source *s, const char *path, xt_diag_fn diag, void *userdata,
		     char *why, size_t why_len)
{
	struct xt_dump *d;
	const char *reason;
	uint32_t system = s->nr_systems;
	int r = xt_dump_open_why(path, why, why_len, &d);

	if (r < 0)
		return r;
	r = add_system(s, d);
	if (r < 0)
		return r;
	if (!xt_clock_placeable(xt_dump_clock(d), &reason)) {
		set_why(why, why_len, "%s: cannot be placed on time of day: %s", path, reason);
		return -EMEDIUMTYPE;
	}
	for (unsigned cpu = 0; cpu < xt_dump_cpu_count(d); cpu++) {
		struct xt_stream *st;

		if (!xt_dump_has_cpu(d, cpu))
			continue;
		r = xt_cpu_stream_new(d, cpu, system, diag, userdata, &st);
		if (r >= 0)
			r = add_stream(s, st);
		if (r < 0) {
			set_why(why, why_len, "%s: cannot read CPU %u: %s", path, cpu,
				strerror(-r));
			return r;
		}
	}
	return 0;
}

static int open_merged(struct xt_source *s, const char *path, xt_diag_fn diag, void *userdata,
		       char *why, size_t why_len)
{
	_cleanup_close_ int dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct xt_meta *meta;
	struct xt_stream *st;
	uint32_t base = s->nr_systems;
	uint64_t count;
	char reason[256];
	int r;

	if (dirfd < 0) {
		set_why(why, why_len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	r = xt_meta_load(dirfd, XT_META_FILE, reason, sizeof(reason), &meta);
	if (r >= 0) {
		r = xt_meta_get_u64(meta, "systems", "systems", reason, sizeof(reason), &count);
		if (r == -ENOENT || (r >= 0 && (count == 0 || count > XT_MAX_CPUS))) {
			snprintf(reason, sizeof(reason), "no usable 'systems' count");
			r = -EBADMSG;
		}
		xt_meta_free(meta);
	}
	if (r < 0) {
		set_why(why, why_len, "%s: %s", path, reason);
		return r;
	}
	for (uint64_t i = 0; i < count; i++) {
		_cleanup_free_ char *sys_path = NULL;
		struct xt_dump *d;

		if (asprintf(&sys_path, "%s/systems/%llu", path, (unsigned long long)i) < 0)
			return -ENOMEM;
		r = xt_dump_open_why(sys_path, why, why_len, &d);
		if (r < 0)
			return r;
		r = add_system(s, d);
		if (r < 0)
			return r;
	}
	r = xt_merged_stream_new(path, base, diag, userdata, &st);
	if (r >= 0)
		r = add_stream(s, st);
	if (r < 0)
		set_why(why, why_len, "%s/%s: %s", path, XT_MERGED_STREAM_FILE, strerror(-r));
	return r;
}

static bool is_merged_dir(const char *path)
{
	_cleanup_free_ char *stream = NULL;

	if (asprintf(&stream, "%s/%s", path, XT_MERGED_STREAM_FILE) < 0)
		return false;
	return access(stream, F_OK) == 0;
}

int xt_source_open(const char *const *paths, unsigned n, xt_diag_fn diag, void *userdata,
		   char *why, size_t why_len, struct xt_source **ret)
{
	struct xt_source *s = calloc(1, sizeof(*s));
	int r = 0;

	if (!s)
		return -ENOMEM;
	s->diag = diag;
	s->userdata = userdata;
	set_why(why, why_len, "%s", "");
	for (unsigned i = 0; i < n && r >= 0; i++) {
		if (is_merged_dir(paths[i]))
			r = open_merged(s, paths[i], diag, userdata, why, why_len);
		else
			r = open_dump(s, paths[i], diag, userdata, why, why_len);
	}
	if (r >= 0) {
		r = xt_merge_new(s->streams, s->nr_streams, &s->merge);
		s->nr_streams = 0; /* owned by the merge now, even on failure */
	}
	if (r < 0) {
		xt_source_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

unsigned xt_source_system_count(const struct xt_source *s)
{
	return s->nr_systems;
}

struct xt_dump *xt_source_system(const struct xt_source *s, unsigned i)
{
	return i < s->nr_systems ? s->systems[i] : NULL;
}

int xt_source_next(struct xt_source *s, struct xt_event *ret)
{
	for (;;) {
		int r = xt_merge_next(s->merge, ret);

		if (r <= 0 || ret->system < s->nr_systems)
			return r;
		/* A damaged merged stream may name a system its directory does not have. */
		struct xt_diag d = {
			.kind = XT_DIAG_CORRUPT_FRAME,
			.path = XT_MERGED_STREAM_FILE,
			.cpu = XT_FRAME_CPU_MERGED,
			.detail = "record of a system the merged directory does not have: skipped",
		};

		if (s->diag)
			s->diag(&d, s->userdata);
	}
}

void xt_source_free(struct xt_source *s)
{
	if (!s)
		return;
	xt_merge_free(s->merge);
	for (unsigned i = 0; i < s->nr_streams; i++)
		xt_stream_free(s->streams[i]);
	for (unsigned i = 0; i < s->nr_systems; i++)
		xt_dump_free(s->systems[i]);
	free(s->streams);
	free(s->systems);
	free(s);
}
