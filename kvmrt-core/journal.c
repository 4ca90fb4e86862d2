/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * journal.c - the host tuning journal on disk (docs/host-tuning.md): one line
 * per change, written and fsync'd before the change is made, with a checksum
 * so a torn or damaged line is recognised and reported instead of undone.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "kvmrt-private.h"
#include "tuning-private.h"

#define JOURNAL_NAME "journal"
#define JOURNAL_TMP "journal.tmp"
#define JOURNAL_LOCK "lock"
#define JOURNAL_HEADER "kvmrt-journal 1"
#define JOURNAL_MAX (64u << 20)
#define JOURNAL_FIELDS 8

static const char *const kind_names[J_KIND_COUNT] = {
    [J_VM] = "vm",
    [J_SET] = "set",
    [J_CONTROL] = "control",
    [J_MKDIR] = "mkdir",
    [J_CPUS_UNION] = "cpus-union",
    [J_MASK_MINUS] = "mask-minus",
    [J_IRQ] = "irq",
    [J_TASK] = "task",
    [J_OFFLINE] = "offline",
    [J_PROCS] = "procs",
};

const char *journal_kind_name(enum journal_kind k)
{
	return k < J_KIND_COUNT ? kind_names[k] : "?";
}

int journal_kind_parse(const char *name)
{
	for (unsigned k = 0; k < J_KIND_COUNT; k++)
		if (!strcmp(name, kind_names[k]))
			return (int)k;
	return -EINVAL;
}

/* FNV-1a: enough to tell a torn or edited line from a whole one. */
static uint32_t line_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void entry_done(struct journal_entry *e)
{
	free(e->step);
	free(e->key);
	free(e->before);
	free(e->after);
	free(e->aux);
	memset(e, 0, sizeof(*e));
}

/* Fields are separated by spaces: blanks, controls, '%' and bytes >= 0x7f become %XX; "" is "-". */
static void escape(FILE *f, const char *s)
{
	if (!*s || !strcmp(s, "-")) {
		fputs(*s ? "%2D" : "-", f);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f || *p == '%')
			fprintf(f, "%%%02X", *p);
		else
			fputc(*p, f);
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes @s in place. Returns 0 or -EINVAL (bad escape, or an escaped NUL). */
static int unescape(char *s)
{
	char *out = s;

	if (!strcmp(s, "-")) {
		*s = '\0';
		return 0;
	}
	for (char *p = s; *p; p++) {
		int hi, lo;

		if (*p != '%') {
			*out++ = *p;
			continue;
		}
		hi = hexval(p[1]);
		lo = hi < 0 ? -1 : hexval(p[2]);
		if (lo < 0 || (hi == 0 && lo == 0))
			return -EINVAL;
		*out++ = (char)(hi << 4 | lo);
		p += 2;
	}
	*out = '\0';
	return 0;
}

/* The line of @e without its checksum and newline (free() it). */
static char *format_body(const struct journal_entry *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "%lu %s %s ", e->seq, e->uuid, journal_kind_name(e->kind));
	escape(f, e->step);
	fputc(' ', f);
	escape(f, e->key);
	fputc(' ', f);
	escape(f, e->before);
	fputc(' ', f);
	escape(f, e->after);
	fputc(' ', f);
	escape(f, e->aux);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int journal_entry_line(const struct journal_entry *e, char **ret)
{
	_cleanup_free_ char *body = format_body(e);

	if (!body || asprintf(ret, "%08" PRIx32 " %s\n", line_hash(body, strlen(body)), body) < 0)
		return -ENOMEM;
	return 0;
}

static int format_line(FILE *f, const struct journal_entry *e)
{
	_cleanup_free_ char *line = NULL;
	int r = journal_entry_line(e, &line);

	if (r == 0)
		fputs(line, f);
	return r;
}

/* Whether the key names something under the sysroot: relative, without ".." parts. */
static bool key_inside(const char *key)
{
	if (!*key || *key == '/')
		return false;
	for (const char *p = key; p; p = strchr(p, '/'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
			return false;
	return true;
}

/* Parses one line (modified in place) into @e. Returns 0 or -EINVAL with @why. */
static int parse_line(char *line, struct journal_entry *e, const char **why)
{
	char *field[JOURNAL_FIELDS + 1], *save = NULL, *end;
	char *body = strchr(line, ' ');
	unsigned n = 0;
	int kind;

	for (unsigned i = 0; body && i < 8; i++)
		if (!isxdigit((unsigned char)line[i]))
			body = NULL;
	if (!body || body - line != 8 ||
	    strtoul(line, &end, 16) != line_hash(body + 1, strlen(body + 1)) || end != body) {
		*why = "checksum does not match (torn or edited)";
		return -EINVAL;
	}
	for (char *tok = strtok_r(body + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (n == JOURNAL_FIELDS) {
			n++;
			break;
		}
		field[n++] = tok;
	}
	if (n != JOURNAL_FIELDS) {
		*why = "wrong number of fields";
		return -EINVAL;
	}
	errno = 0;
	e->seq = strtoul(field[0], &end, 10);
	kind = journal_kind_parse(field[2]);
	if (*end || errno || kvmrt_uuid_parse(field[1], e->uuid) < 0 || kind < 0) {
		*why = "bad sequence number, UUID or kind";
		return -EINVAL;
	}
	e->kind = (enum journal_kind)kind;
	for (unsigned i = 3; i < JOURNAL_FIELDS; i++)
		if (unescape(field[i]) < 0) {
			*why = "bad escape";
			return -EINVAL;
		}
	if (!key_inside(field[4])) {
		*why = "the key leaves the sysroot";
		return -EINVAL;
	}
	e->step = strdup(field[3]);
	e->key = strdup(field[4]);
	e->before = strdup(field[5]);
	e->after = strdup(field[6]);
	e->aux = strdup(field[7]);
	if (!e->step || !e->key || !e->before || !e->after || !e->aux) {
		entry_done(e);
		return -ENOMEM;
	}
	return 0;
}

static int push_damage(struct journal *j, unsigned line, const char *what)
{
	char **nd = reallocarray(j->damage, j->nr_damage + 1, sizeof(*nd));

	if (!nd)
		return -ENOMEM;
	j->damage = nd;
	if (asprintf(&nd[j->nr_damage], "%s:%u: %s; entry skipped", j->path, line, what) < 0)
		return -ENOMEM;
	j->nr_damage++;
	return 0;
}

static int push_entry(struct journal *j, struct journal_entry *e)
{
	struct journal_entry *ne = kvmrt_array_grow(j->e, j->nr, &j->cap, sizeof(*ne), 32);

	if (!ne)
		return -ENOMEM;
	j->e = ne;
	j->e[j->nr++] = *e;
	if (e->seq >= j->next_seq)
		j->next_seq = e->seq + 1;
	memset(e, 0, sizeof(*e));
	return 0;
}

/* One line of @len bytes (without its newline), numbered @lineno. */
static int parse_one(struct journal *j, const char *text, size_t len, unsigned lineno)
{
	_cleanup_free_ char *line = NULL;
	struct journal_entry e = {0};
	const char *why = NULL;
	int r;

	if (memchr(text, '\0', len))
		return push_damage(j, lineno, "NUL byte in the line");
	line = strndup(text, len);
	if (!line)
		return -ENOMEM;
	if (lineno == 1)
		return strcmp(line, JOURNAL_HEADER)
			   ? push_damage(j, 1, "not a kvmrt journal header")
			   : 0;
	r = parse_line(line, &e, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return push_damage(j, lineno, why);
	r = push_entry(j, &e);
	if (r < 0)
		entry_done(&e);
	return r;
}

int journal_parse(struct journal *j, const char *text, size_t len)
{
	unsigned lineno = 0;
	size_t off = 0;
	int r = 0;

	while (off < len && r == 0) {
		const char *nl = memchr(text + off, '\n', len - off);

		lineno++;
		if (!nl)
			return push_damage(j, lineno, "torn entry (no end of line)");
		r = parse_one(j, text + off, (size_t)(nl - text - off), lineno);
		off = (size_t)(nl - text) + 1;
	}
	return r;
}

static int read_journal(struct journal *j)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = read_file_at(j->dir_fd, JOURNAL_NAME, JOURNAL_MAX, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	return journal_parse(j, text, len);
}

int journal_open(const char *dir, struct journal *ret, char *why, size_t why_len)
{
	struct journal j = {.dir_fd = -1, .lock_fd = -1, .next_seq = 1};
	const char *step = "create";
	int r;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		goto fail_errno;
	step = "open";
	j.dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (j.dir_fd < 0)
		goto fail_errno;
	step = "lock";
	j.lock_fd = openat(j.dir_fd, JOURNAL_LOCK, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (j.lock_fd < 0 || flock(j.lock_fd, LOCK_EX) < 0)
		goto fail_errno;
	if (asprintf(&j.path, "%s/%s", dir, JOURNAL_NAME) < 0) {
		j.path = NULL;
		r = -ENOMEM;
		goto fail;
	}
	step = "read";
	r = read_journal(&j);
	if (r < 0)
		goto fail;
	*ret = j;
	return 0;
fail_errno:
	r = -errno;
fail:
	snprintf(why, why_len, "journal %s: cannot %s: %s (it must be a writable directory)", dir,
		 step, strerror(-r));
	journal_close(&j);
	return r;
}

void journal_close(struct journal *j)
{
	for (unsigned i = 0; i < j->nr; i++)
		entry_done(&j->e[i]);
	free(j->e);
	for (unsigned i = 0; i < j->nr_damage; i++)
		free(j->damage[i]);
	free(j->damage);
	free(j->path);
	if (j->lock_fd >= 0)
		close(j->lock_fd);
	if (j->dir_fd >= 0)
		close(j->dir_fd);
	memset(j, 0, sizeof(*j));
	j->dir_fd = j->lock_fd = -1;
}

/* Whether the file under @fd is empty, and whether it ends without a newline (a torn line). */
static int file_tail(int fd, bool *ret_empty, bool *ret_torn)
{
	struct stat st;
	char c;

	if (fstat(fd, &st) < 0)
		return -errno;
	*ret_empty = st.st_size == 0;
	*ret_torn = false;
	if (st.st_size > 0) {
		if (pread(fd, &c, 1, st.st_size - 1) != 1)
			return -EIO;
		*ret_torn = c != '\n';
	}
	return 0;
}

static int write_synced(int fd, const char *text, size_t len)
{
	int r = write_all(fd, text, len);

	if (r < 0)
		return r;
	return fsync(fd) < 0 ? -errno : 0;
}

static int copy_entry(struct journal_entry *dst, const struct journal_entry *src)
{
	*dst = *src;
	dst->step = strdup(src->step);
	dst->key = strdup(src->key);
	dst->before = strdup(src->before);
	dst->after = strdup(src->after);
	dst->aux = strdup(src->aux ? src->aux : "");
	if (!dst->step || !dst->key || !dst->before || !dst->after || !dst->aux) {
		entry_done(dst);
		return -ENOMEM;
	}
	return 0;
}

int journal_append(struct journal *j, const struct journal_entry *src)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	struct journal_entry e;
	bool empty = false, torn = false;
	size_t len = 0;
	FILE *f;
	int r;

	r = copy_entry(&e, src);
	if (r < 0)
		return r;
	e.seq = j->next_seq;
	fd = openat(j->dir_fd, JOURNAL_NAME, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	r = fd < 0 ? -errno : file_tail(fd, &empty, &torn);
	f = r < 0 ? NULL : open_memstream(&text, &len);
	if (r == 0 && !f)
		r = -ENOMEM;
	if (r == 0) {
		/* A torn last line stays a line of its own, reported as damaged. */
		fputs(empty ? JOURNAL_HEADER "\n" : torn ? "\n" : "", f);
		r = format_line(f, &e);
		if (fclose(f) != 0 && r == 0)
			r = -ENOMEM;
	}
	if (r == 0)
		r = write_synced(fd, text, len);
	if (r == 0 && empty && fsync(j->dir_fd) < 0)
		r = -errno;
	if (r == 0)
		r = push_entry(j, &e);
	if (r < 0)
		entry_done(&e);
	return r;
}

static bool same_key(const struct journal_entry *a, const struct journal_entry *b)
{
	return a->kind == b->kind && !strcmp(a->key, b->key);
}

/* Gives the first remaining entry of each key @uuid touched first the original value. */
static int hand_over_originals(struct journal *j, const char *uuid)
{
	for (unsigned i = 0; i < j->nr; i++) {
		struct journal_entry *e = &j->e[i];
		bool first = true;

		if (strcmp(e->uuid, uuid))
			continue;
		for (unsigned k = 0; k < i && first; k++)
			first = !same_key(&j->e[k], e);
		for (unsigned k = i + 1; first && k < j->nr; k++) {
			struct journal_entry *o = &j->e[k];

			if (strcmp(o->uuid, uuid) && same_key(o, e)) {
				char *b = strdup(e->before);

				if (!b)
					return -ENOMEM;
				free(o->before);
				o->before = b;
				break;
			}
		}
	}
	return 0;
}

static int write_all_entries(struct journal *j, const char *uuid, char **ret, size_t *ret_len)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r = 0;

	if (!f)
		return -ENOMEM;
	fputs(JOURNAL_HEADER "\n", f);
	for (unsigned i = 0; i < j->nr && r == 0; i++)
		if (strcmp(j->e[i].uuid, uuid))
			r = format_line(f, &j->e[i]);
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(text);
		return r;
	}
	*ret = text;
	*ret_len = len;
	return 0;
}

int journal_drop_vm(struct journal *j, const char *uuid)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	unsigned kept = 0;
	size_t len;
	int r;

	r = hand_over_originals(j, uuid);
	if (r == 0)
		r = write_all_entries(j, uuid, &text, &len);
	if (r < 0)
		return r;
	fd = openat(j->dir_fd, JOURNAL_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	if (fd < 0)
		return -errno;
	r = write_synced(fd, text, len);
	if (r == 0 && renameat(j->dir_fd, JOURNAL_TMP, j->dir_fd, JOURNAL_NAME) < 0)
		r = -errno;
	if (r == 0 && fsync(j->dir_fd) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(j->dir_fd, JOURNAL_TMP, 0);
		return r;
	}
	for (unsigned i = 0; i < j->nr; i++) {
		if (!strcmp(j->e[i].uuid, uuid))
			entry_done(&j->e[i]);
		else
			j->e[kept++] = j->e[i];
	}
	j->nr = kept;
	for (unsigned i = 0; i < j->nr_damage; i++)
		free(j->damage[i]);
	j->nr_damage = 0;
	return 0;
}

const struct journal_entry *journal_vm_record(const struct journal *j, const char *uuid)
{
	for (unsigned i = j->nr; i-- > 0;)
		if (j->e[i].kind == J_VM && !strcmp(j->e[i].uuid, uuid))
			return &j->e[i];
	return NULL;
}

void journal_add_cpus(struct kvmrt_ids *set, const char *list)
{
	struct kvmrt_ids ids;
	char why[128];

	if (kvmrt_idset_parse(list, KVMRT_MAX_IDS, &ids, why, sizeof(why)) < 0)
		return;
	kvmrt_ids_or(set, &ids);
	kvmrt_ids_done(&ids);
}
