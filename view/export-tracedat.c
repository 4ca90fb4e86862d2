/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export-tracedat.c - --export tracedat FILE: the events shown, re-encoded
 * into ring-buffer pages (libxtrace's page builder) and written as
 * trace-cmd's trace.dat v6 (formats/tracedat-writer.c), which
 * `trace-cmd report` and KernelShark read.
 *
 * A trace.dat holds one system (one set of CPUs, one trace clock), so each
 * system shown gets its own file: FILE when there is one, FILE.HOST for
 * each when there are several. Events keep their raw trace-clock
 * timestamps; losses mark the next page as the kernel does. While the
 * source is read, each CPU's pages go to an unlinked temporary file (one
 * page of memory per CPU); at the end the files are written CPU after CPU,
 * with the formats, kallsyms and saved cmdlines of the system's directory.
 */
#include "view-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xt-event.h>
#include <xt-page.h>
#include <xt-tracedat.h>
#include <xtrace.h>

#include "cleanup.h"
#include "fileio.h"
#include "tool.h"

#define MAX_FORMAT_BYTES (1u << 20)
#define MAX_TABLE_BYTES (64u << 20)
#define MAX_FORMATS 4096u
#define DEFAULT_PAGE_SIZE 4096u

struct td_cpu {
	int fd; /* pages so far, -1 before the first event */
	struct xt_page_builder *b;
	uint64_t pages;
};

struct td_system {
	struct xt_dump *dump;
	struct td_cpu *cpus;
	unsigned n_cpus;
	uint32_t page_size;
	bool used;
};

struct xv_tracedat {
	char *path;
	struct td_system *sys;
	unsigned n_sys;
	void *page; /* read back from the temporary files */
	size_t page_cap;
};

void xv_tracedat_free(struct xv_tracedat *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < t->n_sys; i++) {
		for (unsigned c = 0; c < t->sys[i].n_cpus; c++) {
			if (t->sys[i].cpus[c].fd >= 0)
				close(t->sys[i].cpus[c].fd);
			xt_page_builder_free(t->sys[i].cpus[c].b);
		}
		free(t->sys[i].cpus);
	}
	free(t->sys);
	free(t->page);
	free(t->path);
	free(t);
}

DEFINE_POINTER_CLEANUP(struct xv_tracedat, xv_tracedat_free)

int xv_tracedat_new(const char *path, struct xt_source *src, struct xv_tracedat **ret)
{
	_cleanup_(xv_tracedat_freep) struct xv_tracedat *t = calloc(1, sizeof(*t));
	unsigned i;

	if (!t)
		return -ENOMEM;
	t->path = strdup(path);
	t->n_sys = xt_source_system_count(src);
	t->sys = calloc(t->n_sys ? t->n_sys : 1, sizeof(*t->sys));
	if (!t->path || !t->sys)
		return -ENOMEM;
	for (i = 0; i < t->n_sys; i++) {
		const char *ps;
		uint64_t page_size = DEFAULT_PAGE_SIZE;

		t->sys[i].dump = xt_source_system(src, i);
		ps = xt_dump_meta(t->sys[i].dump, XT_META_PAGE_SIZE);
		if (ps && tool_parse_u64(ps, 64, 1u << 20, &page_size) < 0)
			return -EBADMSG;
		t->sys[i].page_size = (uint32_t)page_size;
		if (page_size > t->page_cap)
			t->page_cap = page_size;
	}
	*ret = TAKE_PTR(t);
	return 0;
}

static int cpu_state(struct td_system *y, uint32_t cpu, struct td_cpu **ret)
{
	if (cpu >= XT_TRACEDAT_MAX_CPUS)
		return -ERANGE;
	if (cpu >= y->n_cpus) {
		struct td_cpu *c = realloc(y->cpus, (cpu + 1) * sizeof(*c));

		if (!c)
			return -ENOMEM;
		for (unsigned i = y->n_cpus; i <= cpu; i++)
			c[i] = (struct td_cpu){ .fd = -1 };
		y->cpus = c;
		y->n_cpus = cpu + 1;
	}
	*ret = &y->cpus[cpu];
	if ((*ret)->fd >= 0)
		return 0;
	(*ret)->fd = open(getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
			  O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if ((*ret)->fd < 0)
		return -errno;
	y->used = true;
	return xt_page_builder_new(y->page_size, &(*ret)->b);
}

static int flush_page(struct td_system *y, struct td_cpu *c)
{
	int r;

	if (!xt_page_builder_count(c->b))
		return 0;
	r = write_all(c->fd, xt_page_builder_page(c->b), y->page_size);
	if (r < 0)
		return r;
	c->pages++;
	xt_page_builder_reset(c->b);
	return 0;
}

int xv_tracedat_event(struct xv_tracedat *t, const struct xt_event *ev)
{
	struct td_system *y;
	struct td_cpu *c;
	int r;

	if (ev->system >= t->n_sys)
		return -EINVAL;
	y = &t->sys[ev->system];
	r = cpu_state(y, ev->cpu, &c);
	if (r < 0)
		return r;
	if (ev->kind == XT_EVENT_LOST) {
		r = flush_page(y, c);
		if (r >= 0)
			xt_page_builder_set_missed(c->b, ev->lost);
		return r;
	}
	r = xt_page_builder_add(c->b, ev->ts, ev->data, ev->size);
	if (r == -ENOSPC) {
		r = flush_page(y, c);
		if (r >= 0)
			r = xt_page_builder_add(c->b, ev->ts, ev->data, ev->size);
	}
	return r;
}

/* The formats of events/SYSTEM/EVENT/format under @dirfd, sorted by system and event. */
struct td_formats {
	struct xt_tracedat_format *f;
	char **names; /* system names, one per format */
	unsigned n;
};

static void formats_done(struct td_formats *fs)
{
	for (unsigned i = 0; i < fs->n; i++) {
		free((char *)fs->f[i].text);
		free(fs->names[i]);
	}
	free(fs->f);
	free(fs->names);
}

static int format_add(struct td_formats *fs, int dirfd, const char *system, const char *event)
{
	char rel[600];
	char *text = NULL;
	size_t len;
	int r;

	if (fs->n >= MAX_FORMATS)
		return -E2BIG;
	snprintf(rel, sizeof(rel), "events/%s/%s/format", system, event);
	r = read_file_at(dirfd, rel, MAX_FORMAT_BYTES, &text, &len);
	if (r == -ENOENT || r == -EISDIR)
		return 0;
	if (r < 0)
		return r;
	fs->f[fs->n] = (struct xt_tracedat_format){ .text = text, .len = len };
	fs->names[fs->n] = strdup(system);
	if (!fs->names[fs->n]) {
		free(text);
		return -ENOMEM;
	}
	fs->f[fs->n].system = fs->names[fs->n];
	fs->n++;
	return 0;
}

static int is_entry(const struct dirent *d)
{
	return d->d_name[0] != '.' && strcmp(d->d_name, "header_page") != 0 &&
	       strcmp(d->d_name, "header_event") != 0;
}

static int system_formats(struct td_formats *fs, const char *dir, int dirfd, const char *system)
{
	struct dirent **events = NULL;
	char path[600];
	int n, i, r = 0;

	snprintf(path, sizeof(path), "%s/events/%s", dir, system);
	n = scandir(path, &events, is_entry, alphasort);
	if (n < 0)
		return 0; /* a file, not a system */
	for (i = 0; i < n; i++) {
		if (r >= 0)
			r = format_add(fs, dirfd, system, events[i]->d_name);
		free(events[i]);
	}
	free(events);
	return r;
}

static int read_formats(const char *dir, int dirfd, struct td_formats *fs)
{
	struct dirent **systems = NULL;
	char path[600];
	int n, i, r = 0;

	fs->f = calloc(MAX_FORMATS, sizeof(*fs->f));
	fs->names = calloc(MAX_FORMATS, sizeof(*fs->names));
	if (!fs->f || !fs->names)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/events", dir);
	n = scandir(path, &systems, is_entry, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		if (r >= 0)
			r = system_formats(fs, dir, dirfd, systems[i]->d_name);
		free(systems[i]);
	}
	free(systems);
	return r;
}

/* The CPU data of @y: every page of its temporary files, CPU after CPU. */
static int write_cpus(struct xv_tracedat *t, struct td_system *y, struct xt_tracedat *td)
{
	for (unsigned cpu = 0; cpu < y->n_cpus; cpu++) {
		struct td_cpu *c = &y->cpus[cpu];
		int r = xt_tracedat_cpu_begin(td, cpu);

		if (r >= 0 && c->fd >= 0)
			r = flush_page(y, c);
		for (uint64_t p = 0; r >= 0 && c->fd >= 0 && p < c->pages; p++) {
			ssize_t n = pread(c->fd, t->page, y->page_size, (off_t)(p * y->page_size));

			if (n != (ssize_t)y->page_size)
				return n < 0 ? -errno : -EIO;
			r = xt_tracedat_page(td, t->page);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

struct td_texts {
	char *header_page, *header_event, *kallsyms, *cmdlines;
	size_t header_page_len, header_event_len, kallsyms_len, cmdlines_len;
};

static void texts_done(struct td_texts *x)
{
	free(x->header_page);
	free(x->header_event);
	free(x->kallsyms);
	free(x->cmdlines);
}

static int read_texts(int dirfd, struct td_texts *x)
{
	int r = read_file_at(dirfd, "events/header_page", MAX_FORMAT_BYTES, &x->header_page,
			     &x->header_page_len);

	if (r < 0)
		return r;
	r = read_file_at(dirfd, "events/header_event", MAX_FORMAT_BYTES, &x->header_event,
			 &x->header_event_len);
	if (r < 0)
		return r;
	/* Optional tables: without them trace-cmd shows addresses and pids. */
	if (read_file_at(dirfd, "kallsyms", MAX_TABLE_BYTES, &x->kallsyms, &x->kallsyms_len) < 0)
		x->kallsyms = NULL;
	if (read_file_at(dirfd, "saved_cmdlines", MAX_TABLE_BYTES, &x->cmdlines,
			 &x->cmdlines_len) < 0)
		x->cmdlines = NULL;
	return 0;
}

/* One word of the UNAME option: "-" when unknown, spaces made underscores. */
static size_t uname_word(char *out, size_t cap, const char *word)
{
	size_t n = 0;

	if (!word || !*word)
		word = "-";
	for (; *word && n + 1 < cap; word++)
		out[n++] = *word == ' ' ? '_' : *word;
	out[n] = '\0';
	return n;
}

/* "Linux HOST KERNEL - ARCH" from the dump's metadata (the kernel version string is not kept). */
static const char *uname_text(const struct xt_dump *d, char *out, size_t cap)
{
	const char *words[] = { "Linux", xt_dump_host(d), xt_dump_meta(d, "kernel"), NULL,
				xt_dump_meta(d, "arch") };
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(words) && n + 2 < cap; i++) {
		if (i)
			out[n++] = ' ';
		n += uname_word(out + n, cap - n, words[i]);
	}
	return out;
}

static int write_system(struct xv_tracedat *t, struct td_system *y, const char *path)
{
	const char *dir = xt_dump_path(y->dump);
	struct td_formats fs = { 0 };
	struct td_texts x = { 0 };
	struct xt_tracedat *td = NULL;
	_cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (dirfd < 0)
		return -errno;
	r = read_texts(dirfd, &x);
	if (r >= 0)
		r = read_formats(dir, dirfd, &fs);
	if (r >= 0) {
		const char *clock = xt_dump_meta(y->dump, XT_META_TRACE_CLOCK);
		char uname[256];
		struct xt_tracedat_info info = {
			.page_size = y->page_size,
			.ncpus = y->n_cpus,
			.clock = clock ? clock : "local",
			.header_page = x.header_page,
			.header_page_len = x.header_page_len,
			.header_event = x.header_event,
			.header_event_len = x.header_event_len,
			.formats = fs.f,
			.n_formats = fs.n,
			.kallsyms = x.kallsyms,
			.cmdlines = x.cmdlines,
			.uname = uname_text(y->dump, uname, sizeof(uname)),
		};

		r = xt_tracedat_create(path, &info, &td);
	}
	if (r >= 0)
		r = write_cpus(t, y, td);
	if (r >= 0)
		r = xt_tracedat_close(td);
	xt_tracedat_free(td);
	formats_done(&fs);
	texts_done(&x);
	return r;
}

/* FILE.HOST: the host name with anything but letters, digits, '-', '_' and '.' as '_'. */
static void system_path(const char *base, const char *host, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s.", base);

	for (; *host && n + 1 < len; host++, n++) {
		char c = *host;

		buf[n] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9') || c == '-' || c == '_' ||
				 (c == '.' && n > 0 && buf[n - 1] != '.')
			     ? c
			     : '_';
	}
	buf[n < len ? n : len - 1] = '\0';
}

int xv_tracedat_finish(struct xv_tracedat *t)
{
	unsigned used = 0;
	char path[4096];
	int r;

	t->page = malloc(t->page_cap ? t->page_cap : DEFAULT_PAGE_SIZE);
	if (!t->page)
		return -ENOMEM;
	for (unsigned i = 0; i < t->n_sys; i++)
		used += t->sys[i].used;
	for (unsigned i = 0; i < t->n_sys; i++) {
		if (!t->sys[i].used)
			continue;
		if (used > 1)
			system_path(t->path, xt_dump_host(t->sys[i].dump), path, sizeof(path));
		else
			snprintf(path, sizeof(path), "%s", t->path);
		r = write_system(t, &t->sys[i], path);
		if (r < 0)
			return r;
	}
	return 0;
}
