/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source.c - dumps and merged directories opened as one time-ordered
 * stream: every CPU of every dump plus every merged stream feed one merge.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "dat-private.h"
#include "dump-private.h"
#include "frame-prefetch.h"
#include "merged-record.h"
#include "xt-merged.h"

struct source_system {
	struct xt_dump *dump;
	const char *name; /* borrowed from the input, or NULL */
	struct xt_tod_adjust adjust;
	unsigned input;   /* index of the input it came from */
};

struct xt_source {
	struct source_system *systems;
	unsigned nr_systems, cap_systems;
	struct xt_stream **streams; /* handed to the merge at the end of open */
	unsigned nr_streams, cap_streams;
	struct xt_merge *merge;
	struct xt_stream **cpu_streams; /* of the dumps, borrowed from the merge */
	unsigned nr_cpu_streams, cap_cpu_streams;
	struct frame_prefetch *prefetch;
	unsigned nr_inputs; /* opened so far */
	char **tmpdirs;     /* dump directories written for trace.dat inputs, removed at free */
	unsigned nr_tmpdirs, cap_tmpdirs;
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

static int add_system(struct xt_source *s, struct xt_dump *d, const struct xt_source_input *in)
{
	int r = grow((void **)&s->systems, &s->cap_systems, s->nr_systems + 1,
		     sizeof(*s->systems));

	if (r < 0) {
		xt_dump_free(d);
		return r;
	}
	s->systems[s->nr_systems++] = (struct source_system){ d, in->name, in->adjust,
							      s->nr_inputs };
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

/* Adds a stream of a dump's CPU, which a prefetch may read ahead. */
static int add_cpu_stream(struct xt_source *s, struct xt_stream *st)
{
	int r = grow((void **)&s->cpu_streams, &s->cap_cpu_streams, s->nr_cpu_streams + 1,
		     sizeof(*s->cpu_streams));

	if (r < 0) {
		xt_stream_free(st);
		return r;
	}
	s->cpu_streams[s->nr_cpu_streams++] = st;
	return add_stream(s, st);
}

static int open_dump(struct xt_source *s, const struct xt_source_input *in, xt_diag_fn diag,
		     void *userdata, char *why, size_t why_len)
{
	const char *path = in->path;
	struct xt_dump *d;
	const char *reason;
	uint32_t system = s->nr_systems;
	int r = xt_dump_open_why(path, why, why_len, &d);

	if (r < 0)
		return r;
	r = add_system(s, d, in);
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
			r = add_cpu_stream(s, st);
		if (r < 0) {
			set_why(why, why_len, "%s: cannot read CPU %u: %s", path, cpu,
				strerror(-r));
			return r;
		}
	}
	return 0;
}

static int open_merged(struct xt_source *s, const struct xt_source_input *in, xt_diag_fn diag,
		       void *userdata, char *why, size_t why_len)
{
	const char *path = in->path;
	_cleanup_close_ int dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct xt_meta *meta;
	struct xt_stream *st;
	uint32_t base = s->nr_systems;
	uint64_t count;
	unsigned version;
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
		if (r >= 0)
			r = merged_meta_version(meta, XT_META_FILE, reason, sizeof(reason),
						&version);
		xt_meta_free(meta);
	}
	if (r < 0) {
		set_why(why, why_len, "%s: %s", path, reason);
		return r;
	}
	if (in->name && count > 1) {
		set_why(why, why_len, "%s: holds %llu systems: a name can only be given to one",
			path, (unsigned long long)count);
		return -EINVAL;
	}
	for (uint64_t i = 0; i < count; i++) {
		_cleanup_free_ char *sys_path = NULL;
		struct xt_dump *d;

		if (asprintf(&sys_path, "%s/systems/%llu", path, (unsigned long long)i) < 0)
			return -ENOMEM;
		r = xt_dump_open_why(sys_path, why, why_len, &d);
		if (r < 0)
			return r;
		r = add_system(s, d, in);
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

static int open_dat(struct xt_source *s, const struct xt_source_input *in, char *why,
		    size_t why_len)
{
	struct xt_stream **streams = NULL;
	struct xt_dump *d;
	unsigned n = 0;
	char *tmpdir;
	int r = grow((void **)&s->tmpdirs, &s->cap_tmpdirs, s->nr_tmpdirs + 1,
		     sizeof(*s->tmpdirs));

	r = r < 0 ? r : xt_dat_open(in->path, s->nr_systems, &tmpdir, &d, &streams, &n, why,
				    why_len);
	if (r < 0)
		return r;
	s->tmpdirs[s->nr_tmpdirs++] = tmpdir;
	r = add_system(s, d, in);
	for (unsigned i = 0; i < n; i++) {
		if (r >= 0)
			r = add_stream(s, streams[i]);
		else
			xt_stream_free(streams[i]);
	}
	free(streams);
	return r;
}

static bool is_merged_dir(const char *path)
{
	_cleanup_free_ char *stream = NULL;

	if (asprintf(&stream, "%s/%s", path, XT_MERGED_STREAM_FILE) < 0)
		return false;
	return access(stream, F_OK) == 0;
}

static bool adjusts(const struct xt_tod_adjust *a)
{
	return a->offset_ns || a->drift_ppb;
}

/* TOD of the first event of @path, as the reference of a drift. */
static int first_tod(const char *path, char *why, size_t why_len, uint64_t *ret)
{
	const struct xt_source_input in = { .path = path };
	struct xt_source *s;
	struct xt_event ev;
	int r = xt_source_open_inputs(&in, 1, NULL, NULL, why, why_len, &s);

	if (r < 0)
		return r;
	r = xt_source_next(s, &ev);
	xt_source_free(s);
	if (r < 0)
		set_why(why, why_len, "%s: %s", path, strerror(-r));
	if (r < 0)
		return r;
	*ret = r ? ev.tod : 0;
	return 0;
}

/* Opens one input and wraps its streams in its TOD correction. */
static int open_input(struct xt_source *s, const struct xt_source_input *in, char *why,
		      size_t why_len)
{
	struct xt_source_input fixed = *in;
	unsigned first_stream = s->nr_streams;
	int r;

	if (fixed.adjust.drift_ppb <= -XT_MAX_DRIFT_PPB ||
	    fixed.adjust.drift_ppb >= XT_MAX_DRIFT_PPB) {
		set_why(why, why_len, "%s: drift %lld ppb out of range", in->path,
			(long long)fixed.adjust.drift_ppb);
		return -EINVAL;
	}
	if (fixed.adjust.drift_ppb && !fixed.adjust.ref_tod) {
		r = first_tod(in->path, why, why_len, &fixed.adjust.ref_tod);
		if (r < 0)
			return r;
	}
	if (xt_dat_is_tracedat(in->path))
		r = open_dat(s, &fixed, why, why_len);
	else if (is_merged_dir(in->path))
		r = open_merged(s, &fixed, s->diag, s->userdata, why, why_len);
	else
		r = open_dump(s, &fixed, s->diag, s->userdata, why, why_len);
	for (unsigned i = first_stream; r >= 0 && adjusts(&fixed.adjust) && i < s->nr_streams;
	     i++) {
		struct xt_stream *inner = s->streams[i];

		s->streams[i] = NULL; /* owned by the wrapper, even on failure */
		r = xt_adjust_stream_new(inner, &fixed.adjust, &s->streams[i]);
	}
	return r;
}

int xt_source_open_inputs(const struct xt_source_input *in, unsigned n, xt_diag_fn diag,
			  void *userdata, char *why, size_t why_len, struct xt_source **ret)
{
	struct xt_source *s = calloc(1, sizeof(*s));
	int r = 0;

	if (!s)
		return -ENOMEM;
	s->diag = diag;
	s->userdata = userdata;
	set_why(why, why_len, "%s", "");
	for (unsigned i = 0; i < n && r >= 0; i++, s->nr_inputs++)
		r = open_input(s, &in[i], why, why_len);
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

int xt_source_open(const char *const *paths, unsigned n, xt_diag_fn diag, void *userdata,
		   char *why, size_t why_len, struct xt_source **ret)
{
	_cleanup_free_ struct xt_source_input *in = calloc(n ? n : 1, sizeof(*in));

	if (!in)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		in[i].path = paths[i];
	return xt_source_open_inputs(in, n, diag, userdata, why, why_len, ret);
}

unsigned xt_source_system_count(const struct xt_source *s)
{
	return s->nr_systems;
}

struct xt_dump *xt_source_system(const struct xt_source *s, unsigned i)
{
	return i < s->nr_systems ? s->systems[i].dump : NULL;
}

const char *xt_source_system_name(const struct xt_source *s, unsigned i)
{
	if (i >= s->nr_systems)
		return NULL;
	return s->systems[i].name ? s->systems[i].name : xt_dump_host(s->systems[i].dump);
}

unsigned xt_source_system_input(const struct xt_source *s, unsigned i)
{
	return i < s->nr_systems ? s->systems[i].input : UINT_MAX;
}

const struct xt_tod_adjust *xt_source_system_adjust(const struct xt_source *s, unsigned i)
{
	return i < s->nr_systems ? &s->systems[i].adjust : NULL;
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

int xt_source_seek(struct xt_source *s, uint64_t tod)
{
	return xt_merge_seek(s->merge, tod);
}

int xt_source_prefetch(struct xt_source *s)
{
	int r = s->prefetch ? 0 : frame_prefetch_new(&s->prefetch);

	for (unsigned i = 0; r >= 0 && i < s->nr_cpu_streams; i++)
		r = cpu_stream_attach_prefetch(s->cpu_streams[i], s->prefetch);
	s->nr_cpu_streams = 0; /* attached once */
	return r;
}

uint64_t xt_source_frames_decompressed(const struct xt_source *s)
{
	return xt_merge_frames_decompressed(s->merge);
}

void xt_source_free(struct xt_source *s)
{
	if (!s)
		return;
	xt_merge_free(s->merge);
	for (unsigned i = 0; i < s->nr_streams; i++)
		xt_stream_free(s->streams[i]);
	frame_prefetch_free(s->prefetch); /* after its clients, the streams */
	free(s->cpu_streams);
	for (unsigned i = 0; i < s->nr_systems; i++)
		xt_dump_free(s->systems[i].dump);
	for (unsigned i = 0; i < s->nr_tmpdirs; i++) {
		xt_remove_tree(s->tmpdirs[i]);
		free(s->tmpdirs[i]);
	}
	free(s->tmpdirs);
	free(s->streams);
	free(s->systems);
	free(s);
}
