/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-reader.c - opens a dump directory (or a merged dir's systems/I/):
 * metadata, event formats into a tep handle, CPUs, lost counts, clock.
 *
 * Everything read is checked: sizes of files are bounded, numbers parsed
 * whole, event IDs unique, the header page consistent with long_size. Files
 * libtraceevent parses without bounds checks of its own (printk_formats)
 * are split into lines here first.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "child-probe.h"
#include "cleanup.h"
#include "cpulist.h"
#include "dump-private.h"
#include "fileio.h"
#include "format-check.h"

#define MAX_HEADER_PAGE (64u << 10)
#define MAX_FORMAT (1u << 20)
#define MAX_TABLE (64u << 20)
#define MAX_KALLSYMS (256u << 20)
#define MAX_ANCHORS (64u << 20)
#define MAX_EVENT_ID 65535u /* common_type is a u16 */

struct xt_dump {
	char *path;
	struct xt_meta *meta;
	struct tep_handle *tep;
	struct xt_clock *clock;
	unsigned ncpus;
	uint8_t *has_data; /* ncpus entries: cpuN.xtd exists */
	uint64_t *lost;    /* ncpus entries */
	size_t page_size;
	unsigned long_size;
	char *warning; /* formats loaded without their print format, or NULL */
};

/* Formats whose print format crashed the parser in a probe child; at most this many. */
#define MAX_UNSAFE_PRINT_FMTS 16

/* What opening needs besides the dump itself. */
struct open_ctx {
	int dirfd;
	char *why;
	size_t why_len;
	uint8_t *ids; /* bitmap of the event IDs met */
	int progress_fd; /* in a probe child: where each format's path is announced, else -1 */
	unsigned n_unsafe;
	char unsafe[MAX_UNSAFE_PRINT_FMTS][XT_PROBE_LABEL_MAX]; /* relpaths parsed without print fmt */
};

DEFINE_POINTER_CLEANUP(struct xt_dump, xt_dump_free)

static int read_dump_file(struct open_ctx *c, const char *relpath, size_t max, char **ret,
			  size_t *ret_len)
{
	int r = read_file_at(c->dirfd, relpath, max, ret, ret_len);

	if (r < 0 && r != -ENOENT)
		xt_why(c->why, c->why_len, "%s: cannot read: %s", relpath, strerror(-r));
	return r;
}

static int load_meta(struct xt_dump *d, struct open_ctx *c)
{
	const char *format;
	uint64_t v;
	int r;

	r = xt_meta_load(c->dirfd, XT_META_FILE, c->why, c->why_len, &d->meta);
	if (r == -ENOENT)
		xt_why(c->why, c->why_len, "%s: no " XT_META_FILE ": not a dump directory",
		       d->path);
	if (r < 0)
		return r;
	format = xt_meta_get(d->meta, XT_META_FORMAT);
	if (!format || strcmp(format, XT_DUMP_FORMAT_NAME) != 0) {
		xt_why(c->why, c->why_len, XT_META_FILE ": format is '%.40s', not '%s'",
		       format ? format : "(missing)", XT_DUMP_FORMAT_NAME);
		return -EBADMSG;
	}
	r = xt_meta_get_u64(d->meta, XT_META_LONG_SIZE, XT_META_FILE, c->why, c->why_len, &v);
	if (r == -ENOENT)
		v = 8;
	else if (r < 0)
		return r;
	if (v != 4 && v != 8) {
		xt_why(c->why, c->why_len, XT_META_FILE ": long_size %llu is neither 4 nor 8",
		       (unsigned long long)v);
		return -EBADMSG;
	}
	d->long_size = (unsigned)v;
	return 0;
}

static int parse_header_page(struct xt_dump *d, struct open_ctx *c)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	r = read_dump_file(c, "events/header_page", MAX_HEADER_PAGE, &buf, &len);
	if (r == -ENOENT)
		xt_why(c->why, c->why_len, "events/header_page: missing");
	if (r < 0)
		return r == -ENOENT || r == -EFBIG ? -EBADMSG : r;
	if (len == 0 || tep_parse_header_page(d->tep, buf, len, (int)d->long_size) < 0 ||
	    tep_get_header_timestamp_size(d->tep) != 8 ||
	    tep_get_header_page_size(d->tep) != (int)d->long_size ||
	    tep_get_sub_buffer_size(d->tep) <= 8 + (int)d->long_size) {
		xt_why(c->why, c->why_len,
		       "events/header_page: not a ring-buffer page header for long_size %u",
		       d->long_size);
		return -EBADMSG;
	}
	return 0;
}

/* Marks @id as met: false when it was already (two formats with one ID). */
static bool claim_id(struct open_ctx *c, int id)
{
	uint8_t bit = (uint8_t)(1u << (id & 7));

	if (c->ids[id >> 3] & bit)
		return false;
	c->ids[id >> 3] |= bit;
	return true;
}

/*
 * Whether libtraceevent read the name, ID and fields of @ev. A print fmt it
 * cannot parse (kvm_inj_exception on 6.18) is fine: the fields still
 * decode and printers fall back to them.
 */
static bool format_usable(const struct tep_event *ev)
{
	const struct tep_format_field *type;

	if (!ev || ev->id < 0 || ev->id > (int)MAX_EVENT_ID)
		return false;
	if ((ev->flags & TEP_EVENT_FL_FAILED) &&
	    (ev->format.nr_common == 0 || (ev->format.nr_fields == 0 && ev->format.fields)))
		return false; /* stopped inside the field list */
	type = tep_find_common_field((struct tep_event *)ev, "common_type");
	return type && type->offset == 0 && type->size == 2;
}

static bool is_unsafe(const struct open_ctx *c, const char *relpath)
{
	for (unsigned i = 0; i < c->n_unsafe; i++)
		if (!strcmp(c->unsafe[i], relpath))
			return true;
	return false;
}

/* New length of a format text cut before its "print fmt:" line. */
static size_t drop_print_fmt(const char *buf, size_t len)
{
	const char *p = memmem(buf, len, "\nprint fmt: ", 12);

	return p ? (size_t)(p - buf) + 1 : len;
}

static int parse_format(struct xt_dump *d, struct open_ctx *c, const char *system,
			const char *event)
{
	_cleanup_free_ char *buf = NULL;
	struct tep_event *ev = NULL;
	char relpath[PATH_MAX];
	enum tep_errno e;
	size_t len;
	int r;

	if ((size_t)snprintf(relpath, sizeof(relpath), "events/%s/%s/format", system, event) >=
	    sizeof(relpath))
		return -ENAMETOOLONG;
	r = read_dump_file(c, relpath, MAX_FORMAT, &buf, &len);
	if (r == -ENOENT)
		xt_why(c->why, c->why_len, "%s: missing", relpath);
	if (r < 0)
		return r == -ENOENT || r == -EFBIG ? -EBADMSG : r;

	char reason[128];

	if (xt_event_format_check(buf, len, reason, sizeof(reason)) < 0) {
		xt_why(c->why, c->why_len, "%s: %s", relpath, reason);
		return -EBADMSG;
	}
	if (is_unsafe(c, relpath))
		len = drop_print_fmt(buf, len);
	xt_probe_progress(c->progress_fd, relpath);
	e = tep_parse_format(d->tep, &ev, buf, len, system);
	if (e != 0 || !format_usable(ev)) {
		xt_why(c->why, c->why_len, "%s: not a valid event format", relpath);
		/* libtraceevent says MEM_ALLOC_FAILED for a format without a name too */
		return -EBADMSG;
	}
	if (!claim_id(c, ev->id)) {
		xt_why(c->why, c->why_len, "%s: event ID %d is used by another format too",
		       relpath, ev->id);
		return -EBADMSG;
	}
	return 0;
}

static int not_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* Sorted names in @relpath under @dirfd (without dot files). Free with free_names(). */
static int list_dir(int dirfd, const char *relpath, struct dirent ***ret)
{
	int n = scandirat(dirfd, relpath, ret, not_dot, alphasort);

	return n < 0 ? -errno : n;
}

static void free_names(struct dirent **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int parse_system(struct xt_dump *d, struct open_ctx *c, const char *system)
{
	char relpath[PATH_MAX];
	struct dirent **events;
	int n, r = 0;

	if ((size_t)snprintf(relpath, sizeof(relpath), "events/%s", system) >= sizeof(relpath))
		return -ENAMETOOLONG;
	n = list_dir(c->dirfd, relpath, &events);
	if (n == -ENOTDIR) /* header_page, header_event */
		return 0;
	if (n < 0) {
		xt_why(c->why, c->why_len, "%s: cannot list: %s", relpath, strerror(-n));
		return n;
	}
	for (int i = 0; r == 0 && i < n; i++)
		r = parse_format(d, c, system, events[i]->d_name);
	free_names(events, n);
	return r;
}

static int parse_formats(struct xt_dump *d, struct open_ctx *c)
{
	struct dirent **systems;
	int n, r;

	r = parse_header_page(d, c);
	if (r < 0)
		return r;
	n = list_dir(c->dirfd, "events", &systems);
	if (n < 0) {
		xt_why(c->why, c->why_len, "events: cannot list: %s", strerror(-n));
		return n == -ENOENT || n == -ENOTDIR ? -EBADMSG : n;
	}
	for (int i = 0; r == 0 && i < n; i++)
		r = parse_system(d, c, systems[i]->d_name);
	free_names(systems, n);
	return r;
}

struct probe_arg {
	struct xt_dump *d;
	struct open_ctx *c;
};

/* In the probe child: parse everything, announcing each format first. */
static void probe_step(void *arg, int progress_fd)
{
	struct probe_arg *p = arg;

	p->c->progress_fd = progress_fd;
	parse_formats(p->d, p->c);
}

/*
 * Parses the formats in child processes until none crashes, marking each
 * format whose parse killed a child to be parsed without its print format
 * (its fields still decode; printers fall back to plain fields). Without
 * fork (rare), parsing goes ahead in this process as it would anyway.
 */
static int probe_formats(struct xt_dump *d, struct open_ctx *c)
{
	struct probe_arg arg = { d, c };

	for (;;) {
		struct xt_probe_report rep;

		if (xt_probe_in_child(probe_step, &arg, &rep) < 0 || !rep.crashed)
			break;
		if (!rep.last[0] || is_unsafe(c, rep.last) || c->n_unsafe == MAX_UNSAFE_PRINT_FMTS) {
			xt_why(c->why, c->why_len,
			       "%s: event formats crash the format parser (signal %d)",
			       rep.last[0] ? rep.last : "events", rep.signal);
			return -EBADMSG;
		}
		strcpy(c->unsafe[c->n_unsafe++], rep.last);
	}
	if (c->n_unsafe &&
	    asprintf(&d->warning, "%s%s: print format dropped: it crashes libtraceevent's parser",
		     c->unsafe[0], c->n_unsafe > 1 ? " and others" : "") < 0) {
		d->warning = NULL;
		return -ENOMEM;
	}
	return 0;
}

/*
 * printk_formats lines are "0xADDR : \"string\"". libtraceevent's own parser
 * reads out of bounds on a line without ':' or with a string shorter than
 * three bytes, so lines are checked here and registered one by one.
 */
static int parse_printk_line(struct xt_dump *d, char *line)
{
	char *colon = strchr(line, ':'), *end;
	unsigned long long addr;

	if (!colon || colon == line)
		return -EBADMSG;
	*colon = '\0';
	errno = 0;
	addr = strtoull(line, &end, 16);
	if (errno || end == line || strspn(end, " ") != strlen(end))
		return -EBADMSG;
	if (colon[1] == ' ')
		colon++;
	if (strlen(colon + 1) < 4)
		return 0; /* too short for libtraceevent to strip its quotes safely */
	return tep_register_print_string(d->tep, colon + 1, addr) < 0 ? -ENOMEM : 0;
}

static int parse_printk_formats(struct xt_dump *d, struct open_ctx *c, char *buf)
{
	unsigned line_no = 0;

	for (char *line = buf, *next; line && *line; line = next) {
		int r;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		if (*line == '\0')
			continue;
		r = parse_printk_line(d, line);
		if (r < 0) {
			if (r == -EBADMSG)
				xt_why(c->why, c->why_len,
				       "printk_formats:%u: expected '0xADDRESS : \"string\"'",
				       line_no);
			return r;
		}
	}
	return 0;
}

/* The optional tables libtraceevent names pids, strings and symbols with. */
static int parse_tables(struct xt_dump *d, struct open_ctx *c)
{
	static const struct {
		const char *name;
		size_t max;
	} tables[] = {
		{ "printk_formats", MAX_TABLE },
		{ "saved_cmdlines", MAX_TABLE },
		{ "kallsyms", MAX_KALLSYMS },
	};

	for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
		_cleanup_free_ char *buf = NULL;
		size_t len;
		int r;

		r = read_dump_file(c, tables[i].name, tables[i].max, &buf, &len);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r == -EFBIG ? -EBADMSG : r;
		if (memchr(buf, '\0', len)) {
			xt_why(c->why, c->why_len, "%s: NUL byte in a text file", tables[i].name);
			return -EBADMSG;
		}
		if (i == 0)
			r = parse_printk_formats(d, c, buf);
		else if (i == 1)
			r = tep_parse_saved_cmdlines(d->tep, buf) < 0 ? -EBADMSG : 0;
		else
			r = tep_parse_kallsyms(d->tep, buf) < 0 ? -EBADMSG : 0;
		if (r == -EBADMSG && i > 0)
			xt_why(c->why, c->why_len, "%s: malformed", tables[i].name);
		if (r < 0)
			return r;
	}
	return 0;
}

/* cpuN.xtd: N, or -1 for any other name. */
static int data_file_cpu(const char *name)
{
	unsigned cpu = 0;
	const char *p = name + 3;

	if (strncmp(name, "cpu", 3) != 0 || *p < '0' || *p > '9' || (*p == '0' && p[1] != '.'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		cpu = cpu * 10 + (unsigned)(*p - '0');
		if (cpu >= XT_MAX_CPUS)
			return -1;
	}
	return strcmp(p, ".xtd") == 0 ? (int)cpu : -1;
}

static int find_cpus(struct xt_dump *d, struct open_ctx *c)
{
	_cleanup_free_ uint8_t *set = calloc(XT_MAX_CPUS, 1);
	struct dirent **names;
	const char *list;
	unsigned count = 0;
	int n, r;

	if (!set)
		return -ENOMEM;
	n = list_dir(c->dirfd, ".", &names);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		int cpu = data_file_cpu(names[i]->d_name);

		if (cpu < 0)
			continue;
		set[cpu] = 1;
		if ((unsigned)cpu + 1 > count)
			count = (unsigned)cpu + 1;
	}
	free_names(names, n);

	list = xt_meta_get(d->meta, XT_META_CPUS);
	if (list) {
		unsigned listed;

		r = cpulist_parse(list, XT_MAX_CPUS, NULL, &listed);
		if (r < 0) {
			xt_why(c->why, c->why_len,
			       XT_META_FILE ": cpus = '%.40s' is not a CPU list", list);
			return -EBADMSG;
		}
		if (listed > count)
			count = listed;
	}
	d->ncpus = count;
	d->has_data = malloc(count + 1);
	d->lost = calloc(count + 1, sizeof(*d->lost));
	if (!d->has_data || !d->lost)
		return -ENOMEM;
	memcpy(d->has_data, set, count);
	return 0;
}

static int read_lost(struct xt_dump *d, struct open_ctx *c)
{
	for (unsigned cpu = 0; cpu < d->ncpus; cpu++) {
		char key[32];
		int r;

		snprintf(key, sizeof(key), "cpu%u.lost", cpu);
		r = xt_meta_get_u64(d->meta, key, XT_META_FILE, c->why, c->why_len, &d->lost[cpu]);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

static int read_page_size(struct xt_dump *d, struct open_ctx *c)
{
	uint64_t v;
	int r;

	r = xt_meta_get_u64(d->meta, XT_META_PAGE_SIZE, XT_META_FILE, c->why, c->why_len, &v);
	if (r == -ENOENT)
		v = (uint64_t)tep_get_sub_buffer_size(d->tep);
	else if (r < 0)
		return r;
	if (v < 8 + d->long_size || v > XT_FRAME_MAX_RAW || v % 4 != 0) {
		xt_why(c->why, c->why_len,
		       XT_META_FILE ": page_size %llu is not a ring-buffer page size",
		       (unsigned long long)v);
		return -EBADMSG;
	}
	d->page_size = (size_t)v;
	return 0;
}

/* Anchors file: one "TRACE_TS REALTIME_NS" pair of decimal numbers per line. */
static int parse_anchor_line(const char *line, struct xt_anchor *ret)
{
	uint64_t ts, tod;

	if (xt_parse_decimal(&line, UINT64_MAX, &ts) < 0 || *line++ != ' ' ||
	    xt_parse_decimal(&line, UINT64_MAX, &tod) < 0 || *line != '\0')
		return -EBADMSG;
	*ret = (struct xt_anchor){ .ts = ts, .tod = tod };
	return 0;
}

static int read_anchors(struct open_ctx *c, struct xt_anchor **ret, size_t *ret_n)
{
	_cleanup_free_ struct xt_anchor *anchors = NULL;
	_cleanup_free_ char *buf = NULL;
	size_t len, n = 0, cap;
	unsigned line_no = 0;
	int r;

	r = read_dump_file(c, XT_ANCHORS_FILE, MAX_ANCHORS, &buf, &len);
	if (r == -ENOENT) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	if (r < 0)
		return r == -EFBIG ? -EBADMSG : r;
	if (memchr(buf, '\0', len)) {
		xt_why(c->why, c->why_len, XT_ANCHORS_FILE ": NUL byte in a text file");
		return -EBADMSG;
	}
	cap = len / 4 + 1; /* a line takes at least 4 bytes: "0 0\n" */
	anchors = malloc(cap * sizeof(*anchors));
	if (!anchors)
		return -ENOMEM;
	for (char *line = buf, *next; line < buf + len; line = next) {
		next = memchr(line, '\n', (size_t)(buf + len - line));
		if (next)
			*next++ = '\0';
		else
			next = buf + len;
		line_no++;
		if (*line == '\0')
			continue;
		if (n == cap || parse_anchor_line(line, &anchors[n]) < 0) {
			xt_why(c->why, c->why_len,
			       XT_ANCHORS_FILE ":%u: expected 'TRACE_TS REALTIME_NS'", line_no);
			return -EBADMSG;
		}
		n++;
	}
	*ret = TAKE_PTR(anchors);
	*ret_n = n;
	return 0;
}

static int make_clock(struct xt_dump *d, struct open_ctx *c)
{
	_cleanup_free_ struct xt_anchor *anchors = NULL;
	const char *name = xt_meta_get(d->meta, XT_META_TRACE_CLOCK);
	int64_t offset;
	size_t n;
	int r;

	if (!name || !*name) {
		xt_why(c->why, c->why_len, XT_META_FILE ": no trace_clock");
		return -EBADMSG;
	}
	if (strcmp(name, "tai") == 0) {
		r = xt_meta_get_s64(d->meta, XT_META_TAI_OFFSET, XT_META_FILE, c->why, c->why_len,
				    &offset);
		if (r == -ENOENT)
			xt_why(c->why, c->why_len,
			       XT_META_FILE ": trace_clock is tai but tai_offset_ns is missing");
		if (r < 0)
			return -EBADMSG;
		return xt_clock_new_tai(offset, &d->clock);
	}
	r = read_anchors(c, &anchors, &n);
	if (r < 0)
		return r;
	return xt_clock_new_anchored(name, anchors, n, &d->clock);
}

/* Reasons of the steps name files relative to the dump: make them name the dump too. */
static void prefix_reason(char *why, size_t why_len, const char *dir)
{
	size_t dir_len = strlen(dir);

	if (!why_len || !strncmp(why, dir, dir_len))
		return;
	_cleanup_free_ char *rel = strdup(why);

	if (rel)
		snprintf(why, why_len, "%s/%s", dir, rel);
}

int xt_dump_open_why(const char *dir, char *why, size_t why_len, struct xt_dump **ret)
{
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	_cleanup_close_ int dirfd = -1;
	_cleanup_free_ uint8_t *ids = NULL;
	struct open_ctx c;
	int r;

	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		r = -errno;
		xt_why(why, why_len, "%s: cannot open: %s", dir, strerror(-r));
		return r;
	}
	ids = calloc(MAX_EVENT_ID / 8 + 1, 1);
	d = calloc(1, sizeof(*d));
	if (!ids || !d)
		return -ENOMEM;
	d->path = strdup(dir);
	d->tep = tep_alloc();
	if (!d->path || !d->tep)
		return -ENOMEM;
	c = (struct open_ctx){
		.dirfd = dirfd, .why = why, .why_len = why_len, .ids = ids, .progress_fd = -1,
	};

	r = load_meta(d, &c);
	if (r == 0) {
		tep_set_long_size(d->tep, (int)d->long_size);
		tep_set_file_bigendian(d->tep, TEP_LITTLE_ENDIAN);
		r = probe_formats(d, &c);
	}
	if (r == 0) {
		memset(ids, 0, MAX_EVENT_ID / 8 + 1);
		r = parse_formats(d, &c);
	}
	if (r == 0)
		r = parse_tables(d, &c);
	if (r == 0)
		r = find_cpus(d, &c);
	if (r == 0)
		r = read_lost(d, &c);
	if (r == 0)
		r = read_page_size(d, &c);
	if (r == 0)
		r = make_clock(d, &c);
	if (r < 0) {
		prefix_reason(why, why_len, dir);
		return r;
	}
	tep_set_cpus(d->tep, (int)d->ncpus);
	*ret = TAKE_PTR(d);
	return 0;
}

int xt_dump_open(const char *dir, struct xt_dump **ret)
{
	return xt_dump_open_why(dir, NULL, 0, ret);
}

void xt_dump_free(struct xt_dump *d)
{
	if (!d)
		return;
	free(d->path);
	xt_meta_free(d->meta);
	if (d->tep)
		tep_free(d->tep);
	xt_clock_free(d->clock);
	free(d->warning);
	free(d->has_data);
	free(d->lost);
	free(d);
}

const char *xt_dump_warning(const struct xt_dump *d)
{
	return d->warning;
}

const char *xt_dump_path(const struct xt_dump *d)
{
	return d->path;
}

const char *xt_dump_meta(const struct xt_dump *d, const char *key)
{
	return xt_meta_get(d->meta, key);
}

const struct xt_meta *xt_dump_meta_all(const struct xt_dump *d)
{
	return d->meta;
}

const char *xt_dump_host(const struct xt_dump *d)
{
	const char *host = xt_meta_get(d->meta, XT_META_HOST);

	return host && *host ? host : "unknown";
}

unsigned xt_dump_cpu_count(const struct xt_dump *d)
{
	return d->ncpus;
}

bool xt_dump_has_cpu(const struct xt_dump *d, unsigned cpu)
{
	return cpu < d->ncpus && d->has_data[cpu];
}

uint64_t xt_dump_lost(const struct xt_dump *d, unsigned cpu)
{
	return cpu < d->ncpus ? d->lost[cpu] : 0;
}

struct tep_handle *xt_dump_tep(const struct xt_dump *d)
{
	return d->tep;
}

const struct xt_clock *xt_dump_clock(const struct xt_dump *d)
{
	return d->clock;
}

size_t xt_dump_page_size(const struct xt_dump *d)
{
	return d->page_size;
}

unsigned xt_dump_long_size(const struct xt_dump *d)
{
	return d->long_size;
}

char *xt_dump_cpu_path(const struct xt_dump *d, unsigned cpu)
{
	char *path;

	if (asprintf(&path, "%s/cpu%u.xtd", d->path, cpu) < 0)
		return NULL;
	return path;
}
