/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tracefs-session.c - the recording's own tracefs instance "xtrace-PID"
 * (DESIGN.md decision 7). Only the instance is changed, never the function
 * tracer's files; the top-level buffer only on request (--top-level), and
 * then every file written is saved first and put back at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <tracefs/tracefs.h>

#include "cleanup.h"
#include "xcollect.h"

#define TRACEFS_MAGIC_NUMBER 0x74726163

/* A top-level file as it was before we first wrote it. */
struct saved_file {
	char *file;
	char *text;
};

struct xc_session {
	struct tracefs_instance *inst; /* NULL: the top-level buffer */
	bool top_level;
	char *dir;
	int marker_fd;
	struct saved_file *saved;
	size_t nr_saved;
};

/* The one adapter from libtracefs' -1/errno convention to a negative errno. */
static int tracefs_result(long r)
{
	if (r >= 0)
		return 0;
	return errno > 0 ? -errno : -EIO;
}

int xc_tracefs_mount(bool *ret_mounted)
{
	struct statfs sfs;
	bool mounted = false;

	if (statfs(XC_TRACEFS_PATH, &sfs) < 0)
		return -errno;
	if (sfs.f_type != TRACEFS_MAGIC_NUMBER) {
		if (mount("nodev", XC_TRACEFS_PATH, "tracefs", 0, NULL) < 0)
			return -errno;
		mounted = true;
	}
	if (ret_mounted)
		*ret_mounted = mounted;
	return 0;
}

/* The PID in an instance name "xtrace-PID", or 0 when it is not one of ours. */
static pid_t instance_pid(const char *name)
{
	const char *digits = name + strlen(XC_INSTANCE_PREFIX);
	char *end;
	long v;

	if (strncmp(name, XC_INSTANCE_PREFIX, strlen(XC_INSTANCE_PREFIX)) || *digits < '1' ||
	    *digits > '9')
		return 0;
	errno = 0;
	v = strtol(digits, &end, 10);
	if (*end || errno || v <= 0 || v > INT32_MAX)
		return 0;
	return v;
}

static int remove_instance(const char *name)
{
	struct tracefs_instance *inst = tracefs_instance_alloc(NULL, name);
	int r;

	if (!inst)
		return tracefs_result(-1);
	r = tracefs_result(tracefs_instance_destroy(inst));
	tracefs_instance_free(inst);
	return r;
}

int xc_session_remove_stale(void)
{
	_cleanup_free_ char *path = NULL;
	struct dirent *de;
	int removed = 0, r = 0;
	DIR *dir;

	if (asprintf(&path, "%s/instances", XC_TRACEFS_PATH) < 0)
		return -ENOMEM;
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		pid_t pid = instance_pid(de->d_name);

		if (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		r = remove_instance(de->d_name);
		if (r < 0)
			break;
		removed++;
	}
	closedir(dir);
	return r < 0 ? r : removed;
}

static int open_marker(struct xc_session *s)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "%s/trace_marker", s->dir) < 0)
		return -ENOMEM;
	s->marker_fd = open(path, O_WRONLY | O_CLOEXEC);
	return s->marker_fd < 0 ? -errno : 0;
}

/* Top level: keeps @file's text the first time it is about to change. */
static int save_once(struct xc_session *s, const char *file)
{
	struct saved_file *saved;
	char *text;

	if (!s->top_level)
		return 0;
	for (size_t i = 0; i < s->nr_saved; i++)
		if (!strcmp(s->saved[i].file, file))
			return 0;
	/* An empty file (set_event with no event) reads as NULL. */
	text = tracefs_instance_file_read(NULL, file, NULL);
	if (!text)
		text = strdup("");
	if (!text)
		return -ENOMEM;
	saved = reallocarray(s->saved, s->nr_saved + 1, sizeof(*saved));
	if (!saved) {
		free(text);
		return -ENOMEM;
	}
	s->saved = saved;
	s->saved[s->nr_saved].text = text;
	s->saved[s->nr_saved].file = strdup(file);
	if (!s->saved[s->nr_saved].file) {
		free(text);
		return -ENOMEM;
	}
	s->nr_saved++;
	return 0;
}

/* set_event takes one event per write: clear it, then enable each saved line. */
static void restore_set_event(const char *text)
{
	_cleanup_free_ char *path = tracefs_get_tracing_file("set_event");
	_cleanup_free_ char *copy = strdup(text);
	_cleanup_close_ int fd = -1;
	char *save = NULL;

	if (!path || !copy)
		return;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (write(fd, line, strlen(line)) < 0)
			break;
}

/* Writes a saved text back in the form its file accepts. */
static void restore_file(const struct saved_file *f)
{
	const char *value = f->text;
	char clock[64];

	if (!strcmp(f->file, "set_event")) {
		restore_set_event(f->text);
		return;
	}
	if (!strcmp(f->file, "trace_clock")) {
		const char *open = strchr(f->text, '[');

		if (!open || sscanf(open, "[%63[^]]]", clock) != 1)
			return;
		value = clock;
	} else if (strstr(f->file, "/filter") && !strncmp(f->text, "none", 4)) {
		value = "0";
	} else if (strstr(f->file, "/trigger")) {
		return; /* ours are removed one by one; others were never touched */
	}
	tracefs_instance_file_write(NULL, f->file, value);
}

/* Puts the top-level files back, newest change first, tracing_on (saved first) last. */
static void restore_top_level(struct xc_session *s)
{
	while (s->nr_saved > 0) {
		struct saved_file *f = &s->saved[--s->nr_saved];

		restore_file(f);
		free(f->file);
		free(f->text);
	}
	free(s->saved);
	s->saved = NULL;
}

static int open_top_level(struct xc_session *s)
{
	int r;

	s->top_level = true;
	s->dir = tracefs_tracing_dir() ? strdup(tracefs_tracing_dir()) : NULL;
	if (!s->dir)
		return -ENOMEM;
	r = save_once(s, "tracing_on");
	if (r >= 0)
		r = save_once(s, "set_event");
	if (r >= 0)
		r = xc_session_tracing(s, false);
	if (r >= 0)
		r = open_marker(s);
	return r;
}

int xc_session_create(pid_t pid, bool top_level, struct xc_session **ret)
{
	char name[sizeof(XC_INSTANCE_PREFIX) + 16];
	struct xc_session *s;
	int r;

	snprintf(name, sizeof(name), XC_INSTANCE_PREFIX "%d", (int)pid);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->marker_fd = -1;
	if (top_level) {
		r = open_top_level(s);
		if (r < 0) {
			xc_session_destroy(s);
			return r;
		}
		*ret = s;
		return 0;
	}
	s->inst = tracefs_instance_create(name);
	if (s->inst && !tracefs_instance_is_new(s->inst)) {
		/* Left by an earlier process with our PID: not ours to keep. */
		tracefs_instance_destroy(s->inst);
		tracefs_instance_free(s->inst);
		s->inst = tracefs_instance_create(name);
	}
	if (!s->inst) {
		r = tracefs_result(-1);
		free(s);
		return r;
	}
	s->dir = tracefs_instance_get_dir(s->inst);
	r = s->dir ? xc_session_tracing(s, false) : -ENOMEM;
	if (r >= 0)
		r = open_marker(s);
	if (r < 0) {
		xc_session_destroy(s);
		return r;
	}
	*ret = s;
	return 0;
}

void xc_session_destroy(struct xc_session *s)
{
	if (!s)
		return;
	/* An open file of the instance would keep it from being removed. */
	if (s->marker_fd >= 0)
		close(s->marker_fd);
	if (s->top_level) {
		tracefs_trace_off(NULL);
		restore_top_level(s);
	}
	if (s->inst) {
		tracefs_trace_off(s->inst);
		tracefs_instance_destroy(s->inst);
		tracefs_instance_free(s->inst);
	}
	tracefs_put_tracing_file(s->dir);
	free(s);
}

const char *xc_session_name(const struct xc_session *s)
{
	return s->top_level ? "top-level" : tracefs_instance_get_name(s->inst);
}

const char *xc_session_dir(const struct xc_session *s)
{
	return s->dir;
}

bool xc_session_has_clock(const struct xc_session *s, const char *name)
{
	_cleanup_free_ char *clocks = tracefs_instance_file_read(s->inst, "trace_clock", NULL);
	char *save = NULL;

	if (!clocks)
		return false;
	for (char *tok = strtok_r(clocks, " []\n", &save); tok; tok = strtok_r(NULL, " []\n", &save))
		if (!strcmp(tok, name))
			return true;
	return false;
}

int xc_session_set_clock(struct xc_session *s, const char *name)
{
	int r;

	if (!xc_session_has_clock(s, name))
		return -EINVAL;
	r = save_once(s, "trace_clock");
	if (r < 0)
		return r;
	return tracefs_result(tracefs_instance_file_write(s->inst, "trace_clock", name));
}

int xc_session_set_buffer_kb(struct xc_session *s, uint64_t kb)
{
	char value[32];
	int r = save_once(s, "buffer_size_kb");

	if (r < 0)
		return r;
	snprintf(value, sizeof(value), "%" PRIu64, kb);
	return tracefs_result(tracefs_instance_file_write(s->inst, "buffer_size_kb", value));
}

int xc_session_set_buffer_percent(struct xc_session *s, unsigned percent)
{
	char value[16];
	int r;

	if (!tracefs_file_exists(s->inst, "buffer_percent"))
		return -EOPNOTSUPP;
	r = save_once(s, "buffer_percent");
	if (r < 0)
		return r;
	snprintf(value, sizeof(value), "%u", percent);
	return tracefs_result(tracefs_instance_file_write(s->inst, "buffer_percent", value));
}

int xc_session_set_option(struct xc_session *s, const char *name, bool on)
{
	_cleanup_free_ char *file = NULL;
	int r;

	if (asprintf(&file, "options/%s", name) < 0)
		return -ENOMEM;
	if (!tracefs_file_exists(s->inst, file))
		return -EOPNOTSUPP;
	r = save_once(s, file);
	if (r < 0)
		return r;
	return tracefs_result(tracefs_instance_file_write(s->inst, file, on ? "1" : "0"));
}

int xc_session_enable(struct xc_session *s, const struct xc_event_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		int r = tracefs_event_enable(s->inst, set->ids[i].system, set->ids[i].event);

		if (r < 0)
			return tracefs_result(r);
	}
	return 0;
}

int xc_session_tracing(struct xc_session *s, bool on)
{
	return tracefs_result(on ? tracefs_trace_on(s->inst) : tracefs_trace_off(s->inst));
}

int xc_session_is_tracing(const struct xc_session *s)
{
	int r = tracefs_trace_is_on(s->inst);

	return r < 0 ? tracefs_result(r) : r;
}

/* "events/SYSTEM/EVENT/FILE": must be freed with free(). */
static char *event_file(const char *system, const char *event, const char *file)
{
	char *path;

	return asprintf(&path, "events/%s/%s/%s", system, event, file) < 0 ? NULL : path;
}

static int write_event_file(struct xc_session *s, const char *system, const char *event,
			    const char *file, const char *text)
{
	_cleanup_free_ char *path = event_file(system, event, file);
	int r;

	if (!path)
		return -ENOMEM;
	r = save_once(s, path);
	if (r < 0)
		return r;
	return tracefs_result(tracefs_instance_file_write(s->inst, path, text));
}

int xc_session_set_filter(struct xc_session *s, const char *system, const char *event,
			  const char *expr)
{
	return write_event_file(s, system, event, "filter", expr);
}

int xc_session_set_trigger(struct xc_session *s, const char *system, const char *event,
			   const char *trigger)
{
	return write_event_file(s, system, event, "trigger", trigger);
}

int xc_session_clear_trigger(struct xc_session *s, const char *system, const char *event,
			     const char *command)
{
	_cleanup_free_ char *removal = NULL;

	if (asprintf(&removal, "!%s", command) < 0)
		return -ENOMEM;
	return write_event_file(s, system, event, "trigger", removal);
}

char *xc_session_read_trigger(const struct xc_session *s, const char *system, const char *event)
{
	_cleanup_free_ char *path = event_file(system, event, "trigger");

	return path ? tracefs_instance_file_read(s->inst, path, NULL) : NULL;
}

int xc_session_set_cpumask(struct xc_session *s, const bool *cpus, unsigned n)
{
	/* Hex digits, most significant first, a comma between groups of 32 CPUs. */
	char mask[(4096 / 32) * 9 + 1], *p = mask;
	unsigned groups = (n + 31) / 32;
	int r;

	if (n == 0 || groups > 4096 / 32)
		return -EINVAL;
	for (unsigned g = groups; g-- > 0;) {
		uint32_t bits = 0;

		for (unsigned b = 0; b < 32 && g * 32 + b < n; b++)
			bits |= cpus[g * 32 + b] ? 1u << b : 0;
		p += sprintf(p, g == groups - 1 ? "%x" : ",%08x", bits);
	}
	r = save_once(s, "tracing_cpumask");
	if (r < 0)
		return r;
	return tracefs_result(tracefs_instance_file_write(s->inst, "tracing_cpumask", mask));
}

int xc_session_subbuf_size(const struct xc_session *s, size_t *ret)
{
	long long kb;

	if (!tracefs_file_exists(s->inst, "buffer_subbuf_size_kb"))
		return -ENOENT;
	if (tracefs_instance_file_read_number(s->inst, "buffer_subbuf_size_kb", &kb) < 0)
		return -EIO;
	if (kb <= 0 || kb > (1 << 20))
		return -ERANGE;
	*ret = (size_t)kb * 1024;
	return 0;
}

int xc_session_open_cpu(const struct xc_session *s, unsigned cpu)
{
	_cleanup_free_ char *path = NULL;
	int fd;

	if (asprintf(&path, "%s/per_cpu/cpu%u/trace_pipe_raw", s->dir, cpu) < 0)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* One "name: number" line of a stats file into the matching field. */
static void stats_line(const char *line, struct xc_cpu_stats *st)
{
	static const struct {
		const char *name;
		size_t offset;
	} keys[] = {
		{ "entries", offsetof(struct xc_cpu_stats, entries) },
		{ "overrun", offsetof(struct xc_cpu_stats, overrun) },
		{ "commit overrun", offsetof(struct xc_cpu_stats, commit_overrun) },
		{ "dropped events", offsetof(struct xc_cpu_stats, dropped) },
	};
	const char *colon = strchr(line, ':');

	if (!colon)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		size_t len = strlen(keys[i].name);
		const char *value;
		unsigned long long v;
		char *end;

		if ((size_t)(colon - line) != len || strncmp(line, keys[i].name, len))
			continue;
		value = colon + 1 + strspn(colon + 1, " \t");
		if (*value < '0' || *value > '9')
			continue;
		errno = 0;
		v = strtoull(value, &end, 10);
		if (!errno && end[strspn(end, " \t\r")] == '\0')
			*(uint64_t *)((char *)st + keys[i].offset) = v;
	}
}

int xc_cpu_stats_parse(const char *text, struct xc_cpu_stats *ret)
{
	_cleanup_free_ char *copy = strdup(text);
	struct xc_cpu_stats st = {};
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		stats_line(line, &st);
	*ret = st;
	return 0;
}

int xc_session_cpu_stats(const struct xc_session *s, unsigned cpu, struct xc_cpu_stats *ret)
{
	_cleanup_free_ char *file = NULL, *text = NULL;

	if (asprintf(&file, "per_cpu/cpu%u/stats", cpu) < 0)
		return -ENOMEM;
	text = tracefs_instance_file_read(s->inst, file, NULL);
	if (!text)
		return tracefs_result(-1);
	return xc_cpu_stats_parse(text, ret);
}

int xc_session_mark(struct xc_session *s, const char *text)
{
	size_t len = strlen(text);
	ssize_t n = write(s->marker_fd, text, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}
