/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config-write.c - writes kvmrt.cfg: the INI text, atomically, under a lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvmrt-cleanup.h"
#include "fileio.h"
#include "kvmrt-private.h"

/* "key = value", continuation lines indented under the value. */
static void put(FILE *f, enum kvmrt_attr a, const char *value)
{
	const char *key = kvmrt_attr_name(a);
	int indent = (int)strlen(key) + 3;

	fprintf(f, "%s =%s", key, *value ? " " : "");
	for (const char *s = value; *s; s++) {
		fputc(*s, f);
		if (*s == '\n')
			fprintf(f, "%*s", indent, "");
	}
	fputc('\n', f);
}

static const char *bool_text(bool b)
{
	return b ? "true" : "false";
}

/* Writes attribute @a of @vm as its line(s). */
static void put_attr(FILE *f, const struct kvmrt_vm *vm, enum kvmrt_attr a)
{
	char buf[48];

	switch (a) {
	case KVMRT_ATTR_NAME: put(f, a, vm->name ? vm->name : ""); break;
	case KVMRT_ATTR_TITLE: put(f, a, vm->title); break;
	case KVMRT_ATTR_DESCRIPTION: put(f, a, vm->description); break;
	case KVMRT_ATTR_NR_VCPUS:
		snprintf(buf, sizeof(buf), "%u", vm->nr_vcpus);
		put(f, a, buf);
		break;
	case KVMRT_ATTR_CPU_TOPOLOGY:
		if (vm->topology_auto)
			snprintf(buf, sizeof(buf), "auto");
		else
			snprintf(buf, sizeof(buf), "%u,%u,%u", vm->sockets, vm->cores, vm->threads);
		put(f, a, buf);
		break;
	case KVMRT_ATTR_CPUSET: put(f, a, vm->cpuset); break;
	case KVMRT_ATTR_RT: put(f, a, bool_text(vm->rt)); break;
	case KVMRT_ATTR_RT_MEMORY:
		put(f, a, vm->rt_memory == KVMRT_AUTO ? "auto" : bool_text(vm->rt_memory == KVMRT_ON));
		break;
	case KVMRT_ATTR_NUMATUNE: put(f, a, vm->numatune_auto ? "auto" : vm->numatune); break;
	case KVMRT_ATTR_HIDE_KVM: put(f, a, bool_text(vm->hide_kvm)); break;
	case KVMRT_ATTR_AUTOSTART: put(f, a, bool_text(vm->autostart)); break;
	case KVMRT_ATTR_DISABLED: put(f, a, bool_text(vm->disabled)); break;
	case KVMRT_ATTR_GUEST_SERVICES: put(f, a, bool_text(vm->guest_services)); break;
	case KVMRT_ATTR_COMMENTS: put(f, a, vm->comments); break;
	case KVMRT_ATTR_COUNT: break;
	}
}

static void put_vm(FILE *f, const struct kvmrt_vm *vm)
{
	fprintf(f, "[%s]\n", vm->uuid);
	for (int a = 0; a < KVMRT_ATTR_COUNT; a++)
		put_attr(f, vm, (enum kvmrt_attr)a);
}

/* The line(s) of attribute @a of @vm (free() it), or NULL when out of memory. */
static char *attr_text(const struct kvmrt_vm *vm, enum kvmrt_attr a)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	put_attr(f, vm, a);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int kvmrt_config_format(const struct kvmrt_config *c, char **ret)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return -ENOMEM;
	fprintf(f, "# kvmrt configuration: one [UUID] section per libvirt VM (see kvmrt.cfg(5)).\n"
		   "# Edit with kvmrt-edit-config, which validates and syncs with libvirt.\n");
	for (unsigned i = 0; i < c->nr_vms; i++) {
		fputc('\n', f);
		put_vm(f, &c->vms[i]);
	}
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	*ret = text;
	return 0;
}

/* What to do with the lines of the old text. */
struct edit_lines {
	const char **start; /* each line of the old text */
	size_t *len;
	char **replace;     /* new text for the line (NULL: keep) */
	bool *drop;
	char **insert;      /* text to add after the line */
	unsigned nr;
};

static void edit_lines_done(struct edit_lines *e)
{
	for (unsigned i = 0; i < e->nr; i++) {
		free(e->replace[i]);
		free(e->insert[i]);
	}
	free(e->start);
	free(e->len);
	free(e->replace);
	free(e->drop);
	free(e->insert);
}

static int edit_lines_init(struct edit_lines *e, const char *text)
{
	unsigned n = 1;

	for (const char *p = text; *p; p++)
		n += *p == '\n';
	*e = (struct edit_lines){};
	e->start = calloc(n, sizeof(*e->start));
	e->len = calloc(n, sizeof(*e->len));
	e->replace = calloc(n, sizeof(*e->replace));
	e->drop = calloc(n, sizeof(*e->drop));
	e->insert = calloc(n, sizeof(*e->insert));
	if (!e->start || !e->len || !e->replace || !e->drop || !e->insert)
		return -ENOMEM;
	for (const char *p = text; *p; e->nr++) {
		const char *nl = strchr(p, '\n');

		e->start[e->nr] = p;
		e->len[e->nr] = nl ? (size_t)(nl - p) : strlen(p);
		p += e->len[e->nr] + (nl != NULL);
	}
	return 0;
}

/* Whether line @i continues the value above it (indented, not blank, not a comment). */
static bool continues(const struct edit_lines *e, unsigned i)
{
	size_t k = 0;

	if (i >= e->nr || e->len[i] == 0 || (e->start[i][0] != ' ' && e->start[i][0] != '\t'))
		return false;
	while (k < e->len[i] && (e->start[i][k] == ' ' || e->start[i][k] == '\t'))
		k++;
	return k < e->len[i] && e->start[i][k] != '#' && e->start[i][k] != ';';
}

/* Index of the last line of attribute @a at line index @i (its continuation lines). */
static unsigned attr_end(const struct edit_lines *e, unsigned i)
{
	while (continues(e, i + 1))
		i++;
	return i;
}

static int append_insert(struct edit_lines *e, unsigned i, const char *text)
{
	size_t had = e->insert[i] ? strlen(e->insert[i]) : 0;
	char *n = realloc(e->insert[i], had + strlen(text) + 1);

	if (!n)
		return -ENOMEM;
	strcpy(n + had, text);
	e->insert[i] = n;
	return 0;
}

/* Rewrites in @e the attributes of @vm that differ from @old (same VM as in the file). */
static int update_vm(struct edit_lines *e, const struct kvmrt_vm *old, const struct kvmrt_vm *vm)
{
	unsigned last = old->line - 1;
	int r = 0;

	for (int a = 0; a < KVMRT_ATTR_COUNT; a++)
		if (old->attr_line[a] && attr_end(e, old->attr_line[a] - 1) > last)
			last = attr_end(e, old->attr_line[a] - 1);
	for (int a = 0; r == 0 && a < KVMRT_ATTR_COUNT; a++) {
		_cleanup_free_ char *was = attr_text(old, (enum kvmrt_attr)a);
		char *now = attr_text(vm, (enum kvmrt_attr)a);
		unsigned i = old->attr_line[a] - 1;

		if (!was || !now) {
			free(now);
			return -ENOMEM;
		}
		if (!strcmp(was, now)) {
			free(now);
		} else if (old->attr_line[a]) {
			free(e->replace[i]);
			e->replace[i] = now;
			for (unsigned k = i + 1; k <= attr_end(e, i); k++)
				e->drop[k] = true;
		} else {
			r = append_insert(e, last, now);
			free(now);
		}
	}
	return r;
}

static int edit_lines_write(const struct edit_lines *e, FILE *f)
{
	for (unsigned i = 0; i < e->nr; i++) {
		if (e->replace[i])
			fputs(e->replace[i], f);
		else if (!e->drop[i])
			fprintf(f, "%.*s\n", (int)e->len[i], e->start[i]);
		if (e->insert[i])
			fputs(e->insert[i], f);
	}
	return ferror(f) ? -EIO : 0;
}

int kvmrt_config_update(const char *old_text, const struct kvmrt_config *c, char **ret)
{
	_cleanup_(kvmrt_config_freep) struct kvmrt_config *old = NULL;
	struct edit_lines e;
	char why[512], *text = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (kvmrt_config_parse(old_text, strlen(old_text), "", &old, why, sizeof(why)) < 0)
		return kvmrt_config_format(c, ret);
	r = edit_lines_init(&e, old_text);
	for (unsigned i = 0; r == 0 && i < c->nr_vms; i++) {
		int o = kvmrt_config_find(old, c->vms[i].uuid);

		if (o >= 0)
			r = update_vm(&e, &old->vms[o], &c->vms[i]);
	}
	f = r == 0 ? open_memstream(&text, &len) : NULL;
	if (f) {
		r = edit_lines_write(&e, f);
		for (unsigned i = 0; r == 0 && i < c->nr_vms; i++) {
			if (kvmrt_config_find(old, c->vms[i].uuid) < 0) {
				fputc('\n', f);
				put_vm(f, &c->vms[i]);
			}
		}
		if (fclose(f) != 0 && r == 0)
			r = -ENOMEM;
	}
	edit_lines_done(&e);
	if (r < 0 || !f) {
		free(text);
		return r < 0 ? r : -ENOMEM;
	}
	*ret = text;
	return 0;
}

int kvmrt_config_lock(const char *path)
{
	_cleanup_free_ char *lock = NULL;
	int fd;

	if (asprintf(&lock, "%s.lock", path) < 0)
		return -ENOMEM;
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int r = -errno;

			close(fd);
			return r;
		}
	}
	return fd;
}

int kvmrt_config_replace(const char *path, const char *text, char *why, size_t why_len)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(why, why_len, "%s: cannot create a temporary file beside it: %s", path,
			 strerror(-r));
		return r;
	}
	/* keep the mode of the file replaced (0644 for a new one) */
	fchmod(fd, stat(path, &st) == 0 ? st.st_mode & 07777 : 0644);
	r = write_all(fd, text, strlen(text));
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		snprintf(why, why_len, "%s: cannot write it: %s (the old file is unchanged)", path,
			 strerror(-r));
	}
	return r;
}
