/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * adopt.c - kvmrt_tuning_adopt(): the QEMU process of a tuned rt VM moved from
 * libvirt's cgroup into the kvmrt cgroup whose cpuset isolates its CPUs,
 * journaled with the cgroup it was in so undo moves it back
 * (docs/host-tuning.md). On a fixture tree the kernel's part of the move is
 * played on the tree's files: the cgroup.procs of both cgroups and
 * proc/PID/cgroup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "tuning-private.h"

/* Whether the comma-separated list [@p, @end) holds @word. */
static bool list_has(const char *p, const char *end, const char *word)
{
	size_t len = strlen(word);

	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;

		if ((size_t)(stop - p) == len && !strncmp(p, word, len))
			return true;
		p = stop + 1;
	}
	return false;
}

/*
 * The path of the hierarchy's line in the /proc/PID/cgroup text @text: the v2
 * line ("0::/path") for @controller "", else the v1 line listing @controller.
 * -ENODATA when there is none, -EINVAL for a path leaving the hierarchy.
 */
static int cgroup_path(const char *text, const char *controller, const char **ret,
		       size_t *ret_len)
{
	for (const char *line = text; *line;) {
		const char *nl = strchrnul(line, '\n');
		const char *c1 = memchr(line, ':', (size_t)(nl - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1)) : NULL;
		bool match = c2 && (*controller ? list_has(c1 + 1, c2, controller)
						: c1 == line + 1 && *line == '0' && c2 == c1 + 1);

		if (match) {
			size_t len = (size_t)(nl - c2 - 1);

			if (!len || c2[1] != '/' || memmem(c2 + 1, len, "/..", 3) ||
			    memchr(c2 + 1, '\0', len))
				return -EINVAL;
			*ret = c2 + 1;
			*ret_len = len;
			return 0;
		}
		line = *nl ? nl + 1 : nl;
	}
	return -ENODATA;
}

/* The directory (relative to the sysroot) of the cgroup at @path under @root. */
static int cgroup_dir(const char *root, const char *path, size_t len, char **ret)
{
	if (len == 1)
		return (*ret = strdup(root)) ? 0 : -ENOMEM;
	return asprintf(ret, "%s%.*s", root, (int)len, path) < 0 ? -ENOMEM : 0;
}

/* The list of numbers @text with @pid removed, or inserted in order when @add. */
static int edit_pids(const char *text, long pid, bool add, char **ret)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return -ENOMEM;
	for (const char *line = text; *line;) {
		const char *nl = strchrnul(line, '\n');
		long v = strtol(line, NULL, 10);

		if (add && v > pid) {
			fprintf(f, "%ld\n", pid);
			add = false;
		}
		if (v != pid)
			fprintf(f, "%.*s\n", (int)(nl - line), line);
		line = *nl ? nl + 1 : nl;
	}
	if (add)
		fprintf(f, "%ld\n", pid);
	if (fclose(f) != 0) {
		free(out);
		return -ENOMEM;
	}
	*ret = out;
	return 0;
}

/* The fixture's cgroup.procs of @dir with @pid added or removed (a missing file is left). */
static int fixture_procs(const struct kvmrt_sysroot *s, const char *dir, long pid, bool add)
{
	_cleanup_free_ char *path = NULL, *text = NULL, *edited = NULL;
	int r;

	if (asprintf(&path, "%s/cgroup.procs", dir) < 0)
		return -ENOMEM;
	r = kvmrt_sysroot_read(s, path, &text, &(size_t){0});
	if (r == -ENOENT && !add)
		return 0;
	if (r == 0)
		r = edit_pids(text, pid, add, &edited);
	return r < 0 ? r : kvmrt_sysroot_write(s, path, edited);
}

/* What the kernel does on a fixture tree when @pid is written to @to's cgroup.procs. */
static int fixture_move(const struct kvmrt_sysroot *s, long pid, const char *root,
			const char *controller, const char *to)
{
	_cleanup_free_ char *key = NULL, *text = NULL, *from = NULL, *edited = NULL;
	const char *path;
	size_t len;
	int r;

	if (asprintf(&key, "proc/%ld/cgroup", pid) < 0)
		return -ENOMEM;
	r = kvmrt_sysroot_read(s, key, &text, &(size_t){0});
	if (r == 0)
		r = cgroup_path(text, controller, &path, &len);
	if (r == 0)
		r = cgroup_dir(root, path, len, &from);
	if (r < 0)
		return r == -ENOENT ? -ESRCH : r;
	if (!strcmp(from, to))
		return 0;
	r = fixture_procs(s, from, pid, false);
	if (r == 0)
		r = fixture_procs(s, to, pid, true);
	if (r == 0 && asprintf(&edited, "%.*s/%s%s", (int)(path - text), text,
			       to[strlen(root)] ? to + strlen(root) + 1 : "", path + len) < 0)
		r = -ENOMEM;
	return r < 0 ? r : kvmrt_sysroot_write(s, key, edited);
}

/* Moves process @pid into the cgroup @to of the hierarchy rooted at @root. */
static int move_process(const struct kvmrt_sysroot *s, long pid, const char *root,
			const char *controller, const char *to)
{
	_cleanup_free_ char *procs = NULL;
	char value[24];

	if (!s->live)
		return fixture_move(s, pid, root, controller, to);
	if (asprintf(&procs, "%s/cgroup.procs", to) < 0)
		return -ENOMEM;
	snprintf(value, sizeof(value), "%ld", pid);
	return kvmrt_sysroot_write(s, procs, value);
}

int adopt_restore(const struct kvmrt_sysroot *s, const struct journal_entry *e, const char *orig)
{
	_cleanup_free_ char *root = strdup(e->after), *from = NULL;
	char *slash = root ? strrchr(root, '/') : NULL;
	const char *path;
	long pid;
	size_t len;
	int n = 0, r;

	if (!root)
		return -ENOMEM;
	/* The journal says where: only ever a kvmrt cgroup of a hierarchy under sys/fs/cgroup. */
	if (!slash || strcmp(slash + 1, KVMRT_CGROUP) || strncmp(root, "sys/fs/cgroup", 13) ||
	    strstr(root, "..") || (*e->aux && strcmp(e->aux, "cpuset")) ||
	    sscanf(e->key, "proc/%ld/cgroup%n", &pid, &n) != 1 || e->key[n] || pid <= 0)
		return -EINVAL;
	*slash = '\0';
	r = cgroup_path(orig, e->aux, &path, &len);
	if (r == 0)
		r = cgroup_dir(root, path, len, &from);
	if (r == 0)
		r = move_process(s, pid, root, e->aux, from);
	/* The fixture's proc/PID/cgroup as it was, byte for byte. */
	if (r == 0 && !s->live)
		r = kvmrt_sysroot_write(s, e->key, orig);
	return r;
}

static bool vanished(int r)
{
	return r == -ENOENT || r == -ESRCH;
}

/* Journals and makes the move of @pid (whose proc/PID/cgroup, @key, holds @before) into @to. */
static int adopt_move(struct tuning_ctx *c, long pid, const char *key, const char *before,
		      const char *root, const char *controller, const char *to)
{
	const char *label = kvmrt_sysroot_label(c->t->s);
	int r, made;

	r = tuning_journal(c, J_PROCS, "adopt", key, before, to, controller);
	if (r < 0)
		return r;
	made = move_process(c->t->s, pid, root, controller, to);
	tuning_made(c);
	if (vanished(made))
		return tuning_note(c, KVMRT_WARNING, "VM %s: QEMU pid %ld exited before it could "
				   "be moved into %s/%s", c->uuid, pid, label, to);
	if (made < 0)
		return tuning_note(c, KVMRT_ERROR,
				   "VM %s: moving QEMU pid %ld into %s/%s/cgroup.procs: %s; its "
				   "threads stay in libvirt's cgroup, which no longer has the "
				   "isolated CPUs", c->uuid, pid, label, to, strerror(-made));
	return tuning_note(c, 0, "VM %s: QEMU pid %ld moved into %s/%s", c->uuid, pid, label, to);
}

/* Adopts @pid into the kvmrt cgroup under @root once the cgroup exists. */
static int adopt_into(struct tuning_ctx *c, long pid, const char *root, const char *controller)
{
	_cleanup_free_ char *to = NULL, *procs = NULL, *key = NULL, *text = NULL, *from = NULL;
	const char *label = kvmrt_sysroot_label(c->t->s), *path;
	size_t len;
	int r;

	if (asprintf(&to, "%s/" KVMRT_CGROUP, root) < 0 || asprintf(&procs, "%s/cgroup.procs", to) < 0 ||
	    asprintf(&key, "proc/%ld/cgroup", pid) < 0)
		return -ENOMEM;
	if (!kvmrt_sysroot_exists(c->t->s, procs))
		return tuning_note(c, KVMRT_WARNING, "VM %s: no cgroup %s/%s (isolation failed, "
				   "see above): QEMU pid %ld stays in libvirt's cgroup",
				   c->uuid, label, to, pid);
	r = kvmrt_sysroot_read(c->t->s, key, &text, &(size_t){0});
	if (vanished(r))
		return tuning_note(c, KVMRT_WARNING, "VM %s: no %s/%s: QEMU pid %ld has exited "
				   "(or runs outside this sysroot); nothing moved", c->uuid, label,
				   key, pid);
	if (r == 0)
		r = cgroup_path(text, controller, &path, &len);
	if (r == 0)
		r = cgroup_dir(root, path, len, &from);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return tuning_note(c, KVMRT_ERROR, "VM %s: %s/%s: no usable %s%s cgroup line (%s); "
				   "QEMU pid %ld not moved", c->uuid, label, key,
				   *controller ? controller : "v2", *controller ? " v1" : "",
				   strerror(-r), pid);
	if (!strcmp(from, to))
		return 0; /* adopted already */
	return adopt_move(c, pid, key, text, root, controller, to);
}

int kvmrt_tuning_adopt(struct kvmrt_tuning *t, const char *uuid, pid_t qemu_pid,
		       struct kvmrt_notes *notes)
{
	struct tuning_ctx c = {.t = t, .notes = notes};
	const char *controller;
	const char *root;
	char id[37];
	int r;

	if (kvmrt_uuid_parse(uuid, id) < 0 || qemu_pid <= 0)
		return -EINVAL;
	c.uuid = id;
	if (!journal_vm_record(&t->j, id))
		return -ENOENT;
	root = isolation_cgroup_root(t->s, &controller);
	if (!root)
		r = tuning_note(&c, 0, "VM %s: no cpuset cgroup to isolate with: QEMU pid %d "
				"stays in its cgroup", c.uuid, (int)qemu_pid);
	else
		r = adopt_into(&c, (long)qemu_pid, root, controller);
	return r < 0 ? r : c.errors;
}
