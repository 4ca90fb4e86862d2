/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dat-input.c - a trace-cmd trace.dat as an input system: its header
 * becomes a dump directory (formats, tables, metadata) in a temporary
 * directory, so that it merges, copies and views like any dump; its records
 * are read per CPU with libtracecmd. A trace.dat recorded with the tai
 * clock is placed on TOD with the kernel's TAI offset (37 s when the kernel
 * does not know it); other clocks carry no anchors and are refused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <trace-cmd/trace-cmd.h>
#include <traceevent/event-parse.h>

#include "cleanup.h"
#include "dat-private.h"
#include "dump-private.h"
#include "fileio.h"

#define DEFAULT_TAI_OFFSET_NS 37000000000ll /* TAI - UTC since 2017 */

/* The libtracecmd handle, shared by the CPU streams of one file. */
struct dat_file {
	struct tracecmd_input *handle;
	unsigned refs;
};

struct dat_stream {
	struct xt_stream base;
	struct dat_file *file;
	const struct xt_clock *clock;
	struct tep_record *rec; /* returned last, freed on the next call */
	uint32_t system, cpu;
	bool restart;           /* read from the CPU's first record again */
	bool lost_told;         /* rec's missed events were returned */
};

static void dat_file_unref(struct dat_file *f)
{
	if (f && --f->refs == 0) {
		tracecmd_close(f->handle);
		free(f);
	}
}

static int dat_stream_next(struct xt_stream *base, struct xt_event *ret)
{
	struct dat_stream *s = (struct dat_stream *)base;

	if (s->rec && s->rec->missed_events && !s->lost_told) {
		s->lost_told = true; /* the LOST came out: now the record itself */
	} else {
		tracecmd_free_record(s->rec);
		s->rec = s->restart ? tracecmd_read_cpu_first(s->file->handle, (int)s->cpu)
				    : tracecmd_read_data(s->file->handle, (int)s->cpu);
		s->restart = false;
		s->lost_told = false;
		if (!s->rec)
			return 0;
		if (s->rec->missed_events) {
			*ret = (struct xt_event){
				.tod = xt_clock_to_tod(s->clock, s->rec->ts),
				.ts = s->rec->ts,
				.kind = XT_EVENT_LOST,
				.system = s->system,
				.cpu = s->cpu,
				.lost = s->rec->missed_events > 0 ? (uint64_t)s->rec->missed_events
								   : XT_LOST_UNKNOWN,
			};
			return 1;
		}
	}
	*ret = (struct xt_event){
		.tod = xt_clock_to_tod(s->clock, s->rec->ts),
		.ts = s->rec->ts,
		.data = s->rec->data,
		.size = s->rec->size > 0 ? (uint32_t)s->rec->size : 0,
		.kind = XT_EVENT_RECORD,
		.system = s->system,
		.cpu = s->cpu,
	};
	return 1;
}

/* libtracecmd has no public seek by time: start over, the merge drops what lies before. */
static int dat_stream_seek(struct xt_stream *base, uint64_t tod)
{
	struct dat_stream *s = (struct dat_stream *)base;

	tracecmd_free_record(s->rec);
	s->rec = NULL;
	s->restart = true;
	return 0;
}

static void dat_stream_free(struct xt_stream *base)
{
	struct dat_stream *s = (struct dat_stream *)base;

	tracecmd_free_record(s->rec);
	dat_file_unref(s->file);
	free(s);
}

static const struct xt_stream_ops dat_stream_ops = {
	.next = dat_stream_next,
	.free = dat_stream_free,
	.seek = dat_stream_seek,
};

/* A name usable as one path component. */
static bool safe_name(const char *s, size_t len)
{
	if (len == 0 || len > 128 || (s[0] == '.'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '_' || s[i] == '-' || s[i] == '.' || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return true;
}

/* Writes one event format as events/SYSTEM/NAME/format; unusable names are left out. */
static int write_format(struct xt_dump_writer *w, const struct dat_format *f)
{
	_cleanup_free_ char *rel = NULL;
	const char *name;
	size_t len;

	if (f->text.len < 6 || memcmp(f->text.data, "name: ", 6))
		return 0;
	name = f->text.data + 6;
	len = strcspn(name, "\n");
	if (len > f->text.len - 6 || !safe_name(name, len) ||
	    !safe_name(f->system.data, f->system.len))
		return 0;
	if (asprintf(&rel, "events/%.*s/%.*s/format", (int)f->system.len, f->system.data,
		     (int)len, name) < 0)
		return -ENOMEM;
	return xt_dump_writer_write_file(w, rel, f->text.data, f->text.len);
}

static int64_t tai_offset_ns(void)
{
	struct timespec tai, real;
	int64_t off;

	if (clock_gettime(CLOCK_TAI, &tai) < 0 || clock_gettime(CLOCK_REALTIME, &real) < 0)
		return DEFAULT_TAI_OFFSET_NS;
	off = (int64_t)(tai.tv_sec - real.tv_sec);
	return off > 0 ? off * 1000000000ll : DEFAULT_TAI_OFFSET_NS;
}

/* The host name shown for @path: the recording's node name, else its file name without ".dat". */
static int host_name(const char *path, const struct dat_header *h, char **ret)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strlen(base);

	if (h->nodename[0]) {
		*ret = strdup(h->nodename);
		return *ret ? 0 : -ENOMEM;
	}
	if (len > 4 && !strcmp(base + len - 4, ".dat"))
		len -= 4;
	*ret = strndup(base, len);
	return *ret ? 0 : -ENOMEM;
}

static int write_dump_dir(const char *dir, const char *path, const struct dat_header *h)
{
	struct xt_dump_writer *w;
	_cleanup_free_ char *host = NULL;
	int r = host_name(path, h, &host);

	r = r ?: xt_dump_writer_create(dir, 0, &w);
	if (r < 0)
		return r;
	r = xt_dump_writer_set(w, XT_META_FORMAT, XT_DUMP_FORMAT_NAME);
	r = r ?: xt_dump_writer_set(w, XT_META_VERSION, "%d", XT_FORMAT_VERSION);
	r = r ?: xt_dump_writer_set(w, XT_META_HOST, "%s", host);
	r = r ?: xt_dump_writer_set(w, XT_META_CPUS, "0-%u", h->cpus - 1);
	r = r ?: xt_dump_writer_set(w, XT_META_PAGE_SIZE, "%u", h->page_size);
	r = r ?: xt_dump_writer_set(w, XT_META_LONG_SIZE, "%u", h->long_size);
	r = r ?: xt_dump_writer_set(w, XT_META_TRACE_CLOCK, "%s", h->clock[0] ? h->clock : "local");
	if (!strcmp(h->clock, "tai"))
		r = r ?: xt_dump_writer_set(w, XT_META_TAI_OFFSET, "%lld",
					    (long long)tai_offset_ns());
	if (h->release[0])
		r = r ?: xt_dump_writer_set(w, "kernel", "%s", h->release);
	if (h->machine[0])
		r = r ?: xt_dump_writer_set(w, "arch", "%s", h->machine);
	r = r ?: xt_dump_writer_set(w, "source_tracedat", "%s", path);
	r = r ?: xt_dump_writer_write_file(w, "events/header_page", h->header_page.data,
					   h->header_page.len);
	r = r ?: xt_dump_writer_write_file(w, "events/header_event", h->header_event.data,
					   h->header_event.len);
	for (unsigned i = 0; i < h->n_formats && r == 0; i++)
		r = write_format(w, &h->formats[i]);
	if (r == 0 && h->kallsyms.len)
		r = xt_dump_writer_write_file(w, "kallsyms", h->kallsyms.data, h->kallsyms.len);
	if (r == 0 && h->printk.len)
		r = xt_dump_writer_write_file(w, "printk_formats", h->printk.data, h->printk.len);
	if (r == 0 && h->cmdlines.len)
		r = xt_dump_writer_write_file(w, "saved_cmdlines", h->cmdlines.data,
					      h->cmdlines.len);
	r = r ?: xt_dump_writer_close(w);
	xt_dump_writer_free(w);
	return r;
}

/* Parses the header of @path and writes it as the dump directory @dir. */
static int header_to_dir(const char *path, const char *dir, unsigned *ret_cpus, char *why,
			 size_t why_len)
{
	_cleanup_close_ int fd = -1;
	struct dat_header h;
	uint64_t size;
	void *map;
	int r;

	fd = open_regular_at(AT_FDCWD, path, &size);
	if (fd < 0 || size == 0 || size > SIZE_MAX) {
		snprintf(why, why_len, "%s: %s", path, fd < 0 ? strerror(-fd) : "empty or too big");
		return fd < 0 ? fd : -EBADMSG;
	}
	map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		return -errno;
	}
	r = xt_dat_header_parse(map, (size_t)size, &h, why, why_len);
	if (r >= 0) {
		r = write_dump_dir(dir, path, &h);
		if (r < 0)
			snprintf(why, why_len, "%s: writing its formats to %s: %s", path, dir,
				 strerror(-r));
		*ret_cpus = h.cpus;
		free(h.formats);
	} else {
		/* prefix the path to the reason */
		char reason[256];

		snprintf(reason, sizeof(reason), "%s", why);
		snprintf(why, why_len, "%s: %s", path, reason);
	}
	munmap(map, (size_t)size);
	return r;
}

static int open_streams(const char *path, struct xt_dump *d, uint32_t system, unsigned cpus,
			struct xt_stream ***ret_streams, char *why, size_t why_len)
{
	struct dat_file *f = calloc(1, sizeof(*f));
	struct xt_stream **v = calloc(cpus, sizeof(*v));

	if (!f || !v) {
		free(f);
		free(v);
		return -ENOMEM;
	}
	f->handle = tracecmd_open(path, TRACECMD_FL_LOAD_NO_PLUGINS |
					TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
	if (!f->handle) {
		snprintf(why, why_len, "%s: libtracecmd cannot read its data", path);
		free(f);
		free(v);
		return -EBADMSG;
	}
	f->refs = 1; /* ours, until the streams hold it */
	for (unsigned cpu = 0; cpu < cpus; cpu++) {
		struct dat_stream *s = calloc(1, sizeof(*s));

		if (!s) {
			for (unsigned i = 0; i < cpu; i++)
				xt_stream_free(v[i]);
			free(v);
			dat_file_unref(f);
			return -ENOMEM;
		}
		*s = (struct dat_stream){ .base.ops = &dat_stream_ops, .file = f,
					  .clock = xt_dump_clock(d), .system = system, .cpu = cpu };
		f->refs++;
		v[cpu] = &s->base;
	}
	dat_file_unref(f);
	*ret_streams = v;
	return 0;
}

int xt_dat_open(const char *path, uint32_t system, char **ret_tmpdir, struct xt_dump **ret_dump,
		struct xt_stream ***ret_streams, unsigned *ret_n, char *why, size_t why_len)
{
	const char *tmp = getenv("TMPDIR");
	_cleanup_free_ char *dir = NULL;
	struct xt_dump *d = NULL;
	const char *reason;
	unsigned cpus = 0;
	int r;

	if (asprintf(&dir, "%s/xtrace-dat-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
		return -ENOMEM;
	if (!mkdtemp(dir)) {
		snprintf(why, why_len, "%s: cannot create a temporary directory: %s", path,
			 strerror(errno));
		return -errno;
	}
	r = header_to_dir(path, dir, &cpus, why, why_len);
	if (r >= 0)
		r = xt_dump_open_why(dir, why, why_len, &d);
	if (r >= 0 && !xt_clock_placeable(xt_dump_clock(d), &reason)) {
		snprintf(why, why_len, "%s: cannot be placed on time of day: %s", path, reason);
		r = -EMEDIUMTYPE;
	}
	if (r >= 0)
		r = open_streams(path, d, system, cpus, ret_streams, why, why_len);
	if (r < 0) {
		xt_dump_free(d);
		xt_remove_tree(dir);
		return r;
	}
	*ret_dump = d;
	*ret_n = cpus;
	*ret_tmpdir = TAKE_PTR(dir);
	return 0;
}
