/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meta.c - the xtrace.meta "key = value" file: parse, look up, write
 * atomically; CPU lists as stored in it.
 *
 * Keys are kept in insertion order in an array and found through an
 * open-addressing hash of their indices, so that a hostile file of 10000
 * keys parses in linear time.
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
#include "fileio.h"
#include "meta.h"
#include "xt-dump.h"

struct meta_entry {
	char *key;
	char *value;
};

struct xt_meta {
	struct meta_entry *entries;
	size_t n, cap;
	uint32_t *slots; /* index + 1 into entries, 0 = empty */
	size_t nslots;   /* power of two, at least twice n */
};

void xt_why(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (!why || why_len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
}

int xt_meta_new(struct xt_meta **ret)
{
	struct xt_meta *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	*ret = m;
	return 0;
}

void xt_meta_free(struct xt_meta *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->entries[i].key);
		free(m->entries[i].value);
	}
	free(m->entries);
	free(m->slots);
	free(m);
}

static uint32_t key_hash(const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h;
}

/* The slot holding @key, or the empty slot where it would go. */
static size_t find_slot(const struct xt_meta *m, const char *key)
{
	size_t mask = m->nslots - 1;
	size_t i = key_hash(key) & mask;

	while (m->slots[i] && strcmp(m->entries[m->slots[i] - 1].key, key) != 0)
		i = (i + 1) & mask;
	return i;
}

static int rehash(struct xt_meta *m, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
	for (size_t i = 0; i < m->n; i++)
		m->slots[find_slot(m, m->entries[i].key)] = (uint32_t)i + 1;
	return 0;
}

const char *xt_meta_get(const struct xt_meta *m, const char *key)
{
	size_t slot;

	if (m->n == 0)
		return NULL;
	slot = find_slot(m, key);
	return m->slots[slot] ? m->entries[m->slots[slot] - 1].value : NULL;
}

size_t xt_meta_count(const struct xt_meta *m)
{
	return m->n;
}

const char *xt_meta_key(const struct xt_meta *m, size_t i)
{
	return i < m->n ? m->entries[i].key : NULL;
}

const char *xt_meta_value(const struct xt_meta *m, size_t i)
{
	return i < m->n ? m->entries[i].value : NULL;
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The first byte of [s, s + len) that may not appear in a value, or NULL. */
static const char *find_control(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return s + i;
	}
	return NULL;
}

bool xt_meta_key_valid(const char *key)
{
	size_t len = strlen(key);

	if (len == 0 || len > XT_META_MAX_LINE - 3)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_key_char(key[i]))
			return false;
	return true;
}

/* Adds or replaces; @key and @value (of @vlen bytes) are already checked. */
static int meta_put(struct xt_meta *m, const char *key, const char *value, size_t vlen)
{
	_cleanup_free_ char *v = strndup(value, vlen);
	struct meta_entry *e;
	size_t slot;
	int r;

	if (!v)
		return -ENOMEM;
	if (m->n > 0) {
		slot = find_slot(m, key);
		if (m->slots[slot]) {
			e = &m->entries[m->slots[slot] - 1];
			free(e->value);
			e->value = TAKE_PTR(v);
			return 0;
		}
	}
	if (m->n >= XT_META_MAX_KEYS)
		return -E2BIG;
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 16;

		e = realloc(m->entries, ncap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		m->entries = e;
		m->cap = ncap;
	}
	if ((m->n + 1) * 2 > m->nslots) {
		r = rehash(m, m->nslots ? m->nslots * 2 : 32);
		if (r < 0)
			return r;
	}
	e = &m->entries[m->n];
	e->key = strdup(key);
	if (!e->key)
		return -ENOMEM;
	e->value = TAKE_PTR(v);
	m->slots[find_slot(m, key)] = (uint32_t)++m->n;
	return 0;
}

int xt_meta_set(struct xt_meta *m, const char *key, const char *value)
{
	size_t vlen;

	if (!xt_meta_key_valid(key))
		return -EINVAL;
	while (is_blank(*value))
		value++;
	vlen = strlen(value);
	while (vlen > 0 && is_blank(value[vlen - 1]))
		vlen--;
	if (find_control(value, vlen))
		return -EINVAL;
	if (strlen(key) + 3 + vlen > XT_META_MAX_LINE)
		return -E2BIG;
	return meta_put(m, key, value, vlen);
}

int xt_parse_decimal(const char **p, uint64_t max, uint64_t *ret)
{
	const char *s = *p;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*ret = v;
	return 0;
}

/*
 * The value of @key as a whole decimal number of at most @max, with a sign
 * when @allow_sign (*ret_neg says which).
 */
static int get_number(const struct xt_meta *m, const char *key, const char *name, char *why,
		      size_t why_len, bool allow_sign, uint64_t max, bool *ret_neg, uint64_t *ret)
{
	const char *s = xt_meta_get(m, key), *p;
	bool neg = false;
	uint64_t v;

	if (!s)
		return -ENOENT;
	p = s;
	if (allow_sign && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	if (xt_parse_decimal(&p, max, &v) < 0 || *p != '\0') {
		xt_why(why, why_len, "%s: %s = '%.40s' is not %s decimal number", name, key, s,
		       allow_sign ? "a signed" : "an unsigned");
		return -EBADMSG;
	}
	*ret_neg = neg;
	*ret = v;
	return 0;
}

int xt_meta_get_u64(const struct xt_meta *m, const char *key, const char *name, char *why,
		    size_t why_len, uint64_t *ret)
{
	bool neg;

	return get_number(m, key, name, why, why_len, false, UINT64_MAX, &neg, ret);
}

int xt_meta_get_s64(const struct xt_meta *m, const char *key, const char *name, char *why,
		    size_t why_len, int64_t *ret)
{
	uint64_t v;
	bool neg;
	/* INT64_MIN itself is not accepted: no offset or count comes near it */
	int r = get_number(m, key, name, why, why_len, true, INT64_MAX, &neg, &v);

	if (r == 0)
		*ret = neg ? -(int64_t)v : (int64_t)v;
	return r;
}

/* Parses the line [s, s + len) numbered @line_no. */
static int parse_line(struct xt_meta *m, const char *s, size_t len, const char *name,
		      unsigned line_no, char *why, size_t why_len)
{
	const char *eq, *ctl, *v;
	char key[XT_META_MAX_LINE + 1];
	size_t klen, vlen;
	int r;

	if (len > XT_META_MAX_LINE) {
		xt_why(why, why_len, "%s:%u: line longer than %u bytes", name, line_no,
		       XT_META_MAX_LINE);
		return -EBADMSG;
	}
	if (memchr(s, '\0', len)) {
		xt_why(why, why_len, "%s:%u: NUL byte in line", name, line_no);
		return -EBADMSG;
	}
	while (len > 0 && is_blank(*s))
		s++, len--;
	while (len > 0 && is_blank(s[len - 1]))
		len--;
	if (len == 0 || *s == '#')
		return 0;

	eq = memchr(s, '=', len);
	if (!eq) {
		xt_why(why, why_len, "%s:%u: no '=' (expected 'key = value')", name, line_no);
		return -EBADMSG;
	}
	klen = (size_t)(eq - s);
	while (klen > 0 && is_blank(s[klen - 1]))
		klen--;
	if (klen == 0) {
		xt_why(why, why_len, "%s:%u: empty key before '='", name, line_no);
		return -EBADMSG;
	}
	for (size_t i = 0; i < klen; i++) {
		if (!is_key_char(s[i])) {
			xt_why(why, why_len,
			       "%s:%u: byte 0x%02x at column %zu of the key is not in [a-z0-9_.]",
			       name, line_no, (unsigned char)s[i], i + 1);
			return -EBADMSG;
		}
	}
	memcpy(key, s, klen);
	key[klen] = '\0';

	v = eq + 1;
	vlen = len - (size_t)(v - s);
	while (vlen > 0 && is_blank(*v))
		v++, vlen--;
	ctl = find_control(v, vlen);
	if (ctl) {
		xt_why(why, why_len, "%s:%u: control byte 0x%02x in the value of %s", name,
		       line_no, (unsigned char)*ctl, key);
		return -EBADMSG;
	}
	if (xt_meta_get(m, key)) {
		xt_why(why, why_len, "%s:%u: key %s set twice", name, line_no, key);
		return -EBADMSG;
	}
	r = meta_put(m, key, v, vlen);
	if (r == -E2BIG) {
		xt_why(why, why_len, "%s:%u: more than %u keys", name, line_no, XT_META_MAX_KEYS);
		return -EBADMSG;
	}
	return r;
}

int xt_meta_parse(const char *buf, size_t len, const char *name, char *why, size_t why_len,
		  struct xt_meta **ret)
{
	struct xt_meta *m = NULL;
	unsigned line_no = 0;
	size_t pos = 0;
	int r;

	r = xt_meta_new(&m);
	if (r < 0)
		return r;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		r = parse_line(m, buf + pos, end - pos, name, ++line_no, why, why_len);
		if (r < 0) {
			xt_meta_free(m);
			return r;
		}
		pos = end + 1;
	}
	*ret = m;
	return 0;
}

int xt_meta_check_version(const struct xt_meta *m, const char *name, char *why, size_t why_len)
{
	uint64_t version;
	int r;

	r = xt_meta_get_u64(m, XT_META_VERSION, name, why, why_len, &version);
	if (r == -ENOENT) {
		xt_why(why, why_len, "%s: no 'version' key: not an xtrace metadata file", name);
		return -EBADMSG;
	}
	if (r < 0)
		return r;
	if (version == 0) {
		xt_why(why, why_len, "%s: version 0 does not exist", name);
		return -EBADMSG;
	}
	if (version > XT_FORMAT_VERSION) {
		xt_why(why, why_len,
		       "%s: format version %llu is newer than this reader's (%d): "
		       "use a newer kvmrt",
		       name, (unsigned long long)version, XT_FORMAT_VERSION);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

int xt_meta_load(int dirfd, const char *relpath, char *why, size_t why_len,
		 struct xt_meta **ret)
{
	_cleanup_free_ char *buf = NULL;
	struct xt_meta *m;
	size_t len;
	int r;

	r = read_file_at(dirfd, relpath, XT_META_MAX_FILE, &buf, &len);
	if (r < 0) {
		xt_why(why, why_len, "%s: cannot read: %s", relpath, strerror(-r));
		return r;
	}
	r = xt_meta_parse(buf, len, relpath, why, why_len, &m);
	if (r < 0)
		return r;
	r = xt_meta_check_version(m, relpath, why, why_len);
	if (r < 0) {
		xt_meta_free(m);
		return r;
	}
	*ret = m;
	return 0;
}

static int meta_write(const struct xt_meta *m, int fd)
{
	_cleanup_fclose_ FILE *f = fdopen(fd, "w");
	int r;

	if (!f) {
		r = -errno;
		close(fd);
		return r;
	}
	fputs("# xtrace metadata: key = value (see docs/format.md)\n", f);
	for (size_t i = 0; i < m->n; i++)
		fprintf(f, "%s = %s\n", m->entries[i].key, m->entries[i].value);
	if (fflush(f) != 0 || ferror(f))
		return errno ? -errno : -EIO;
	if (fsync(fileno(f)) < 0)
		return -errno;
	r = fclose(TAKE_PTR(f));
	return r == 0 ? 0 : -errno;
}

int xt_meta_save(const struct xt_meta *m, int dirfd, const char *relpath)
{
	char tmp[PATH_MAX];
	int fd, r;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", relpath) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	r = meta_write(m, fd);
	if (r == 0 && renameat(dirfd, tmp, dirfd, relpath) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	/* the rename itself is durable only once the directory is */
	if (dirfd != AT_FDCWD && fsync(dirfd) < 0 && errno != EINVAL)
		return -errno;
	return 0;
}


