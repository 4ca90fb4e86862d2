/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * event-set.c - which events a recording enables: the default set this
 * kernel has, plus what -e adds. Looks only at a tracefs "events" directory
 * (or a copy of one), so tests run it on fixtures.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "xcollect.h"

#define NAME_MAX_LEN 128u

/* SYSTEM:EVENT, EVENT may be a pattern; entries the kernel lacks are skipped. */
static const char *const default_events[] = {
	"kvm:kvm_entry",
	"kvm:kvm_exit",
	"kvm:kvm_hypercall",
	"sched:sched_switch",
	"sched:sched_wakeup",
	"sched:sched_wakeup_new",
	"sched:sched_process_exec",
	"sched:sched_process_exit",
	"sched:sched_process_fork",
	"irq:irq_handler_entry",
	"irq:irq_handler_exit",
	"irq:softirq_entry",
	"irq:softirq_exit",
	"irq_vectors:*_entry",
	"irq_vectors:*_exit",
	"timer:hrtimer_start",
	"timer:hrtimer_cancel",
	"timer:hrtimer_expire_entry",
	"timer:hrtimer_expire_exit",
	"timer:timer_start",
	"timer:timer_cancel",
	"timer:timer_expire_entry",
	"timer:timer_expire_exit",
	"raw_syscalls:sys_enter",
	"raw_syscalls:sys_exit",
};

void xc_event_set_done(struct xc_event_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->ids[i].system);
		free(s->ids[i].event);
	}
	free(s->ids);
	*s = (struct xc_event_set){};
}

bool xc_event_set_contains(const struct xc_event_set *s, const char *system, const char *event)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->ids[i].system, system) && !strcmp(s->ids[i].event, event))
			return true;
	return false;
}

/* Adds one event; 1 when added, 0 when already there, -ENOMEM. */
static int set_add(struct xc_event_set *s, const char *system, const char *event)
{
	struct xc_event_id id;

	if (xc_event_set_contains(s, system, event))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct xc_event_id *ids = reallocarray(s->ids, cap, sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		s->ids = ids;
		s->cap = cap;
	}
	id.system = strdup(system);
	id.event = strdup(event);
	if (!id.system || !id.event) {
		free(id.system);
		free(id.event);
		return -ENOMEM;
	}
	s->ids[s->n++] = id;
	return 1;
}

static bool name_ok(const char *s, size_t len, bool pattern)
{
	if (len == 0 || len > NAME_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-')
			continue;
		if (pattern && (c == '*' || c == '?'))
			continue;
		return false;
	}
	return true;
}

int xc_event_spec_check(const char *spec)
{
	const char *colon = strchr(spec, ':');

	if (!colon)
		return name_ok(spec, strlen(spec), false) ? 0 : -EINVAL;
	if (!name_ok(spec, colon - spec, false) || !name_ok(colon + 1, strlen(colon + 1), true))
		return -EINVAL;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Whether @dirfd has @name/format: what makes a directory an event. */
static bool is_event_dir(int dirfd, const char *name)
{
	char path[NAME_MAX_LEN * 2];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/format", name) >= (int)sizeof(path))
		return false;
	return fstatat(dirfd, path, &st, 0) == 0 && S_ISREG(st.st_mode);
}

/*
 * The events of @system under @events_dir matching @pattern (NULL: all), sorted.
 * Returns their count with *ret_names to free with free_names(); -ENOENT when
 * the system does not exist.
 */
static int list_events(const char *events_dir, const char *system, const char *pattern,
		       char ***ret_names)
{
	_cleanup_free_ char *path = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	int r = 0;

	if (asprintf(&path, "%s/%s", events_dir, system) < 0)
		return -ENOMEM;
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || (pattern && fnmatch(pattern, de->d_name, 0)))
			continue;
		if (!is_event_dir(dirfd(dir), de->d_name))
			continue;
		if (n == cap) {
			char **more = reallocarray(names, cap ? cap * 2 : 64, sizeof(*names));

			if (!more) {
				r = -ENOMEM;
				break;
			}
			names = more;
			cap = cap ? cap * 2 : 64;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(dir);
	if (r < 0) {
		free_names(names, n);
		return r;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	*ret_names = names;
	return n;
}

/* Adds what @system:@pattern names; returns the number of matches (added or not). */
static int add_matching(struct xc_event_set *s, const char *events_dir, const char *system,
			const char *pattern)
{
	char **names = NULL;
	int n, r = 0;

	n = list_events(events_dir, system, pattern, &names);
	if (n < 0)
		return n;
	for (int i = 0; i < n && r >= 0; i++)
		r = set_add(s, system, names[i]);
	free_names(names, n);
	return r < 0 ? r : n;
}

/* Splits "sys:event" into @system (a buffer) and the event part; NULL event for "sys". */
static int split_spec(const char *spec, char *system, size_t system_len, const char **ret_event)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);

	if (len >= system_len)
		return -EINVAL;
	memcpy(system, spec, len);
	system[len] = '\0';
	*ret_event = colon ? colon + 1 : NULL;
	return 0;
}

int xc_event_set_add_defaults(struct xc_event_set *s, const char *events_dir,
			      struct xc_event_set *missing)
{
	int added = 0;

	for (size_t i = 0; i < ARRAY_SIZE(default_events); i++) {
		char system[NAME_MAX_LEN + 1];
		const char *event;
		size_t before = s->n;
		int r;

		r = split_spec(default_events[i], system, sizeof(system), &event);
		if (r < 0)
			return r;
		r = add_matching(s, events_dir, system, event);
		if (r < 0 && r != -ENOENT)
			return r;
		if (r <= 0 && missing) {
			r = set_add(missing, system, event);
			if (r < 0)
				return r;
		}
		added += s->n - before;
	}
	return added;
}

int xc_event_set_add_spec(struct xc_event_set *s, const char *events_dir, const char *spec)
{
	char system[NAME_MAX_LEN + 1];
	const char *event;
	size_t before = s->n;
	int r;

	if (xc_event_spec_check(spec) < 0 || split_spec(spec, system, sizeof(system), &event) < 0)
		return -EINVAL;
	if (!strcmp(system, "ftrace"))
		return -EPERM;
	r = add_matching(s, events_dir, system, event);
	if (r == 0 || r == -ENOTDIR)
		return -ENOENT;
	if (r < 0)
		return r;
	return s->n - before;
}

char *xc_event_set_join(const struct xc_event_set *s)
{
	size_t len = 1, off = 0;
	char *out;

	for (size_t i = 0; i < s->n; i++)
		len += strlen(s->ids[i].system) + strlen(s->ids[i].event) + 2;
	out = malloc(len);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < s->n; i++)
		off += snprintf(out + off, len - off, "%s%s:%s", i ? "," : "", s->ids[i].system,
				s->ids[i].event);
	return out;
}
