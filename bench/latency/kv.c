/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kv.c - the "key = value" reader of kv.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "kv.h"

static const char *blank = " \t\r";

/* A copy of [s, e) without leading and trailing blanks (free() it). */
static char *trimmed(const char *s, const char *e)
{
	while (s < e && strchr(blank, *s))
		s++;
	while (e > s && strchr(blank, e[-1]))
		e--;
	return strndup(s, (size_t)(e - s));
}

static int add_pair(struct lat_kv_file *f, const char *s, const char *e, unsigned line, char *why,
		    size_t why_len)
{
	const char *eq = memchr(s, '=', (size_t)(e - s));
	_cleanup_free_ char *key = NULL, *value = NULL;
	struct lat_kv *np;

	if (!eq) {
		snprintf(why, why_len, "line %u: no '=' (expected key = value)", line);
		return -EINVAL;
	}
	key = trimmed(s, eq);
	value = trimmed(eq + 1, e);
	if (!key || !value)
		return -ENOMEM;
	if (!key[0] || strpbrk(key, blank)) {
		snprintf(why, why_len, "line %u: bad key '%.40s'", line, key);
		return -EINVAL;
	}
	if (lat_kv_get(f, key)) {
		snprintf(why, why_len, "line %u: key '%.40s' given twice", line, key);
		return -EINVAL;
	}
	if (f->n >= LAT_KV_MAX_PAIRS) {
		snprintf(why, why_len, "line %u: more than %u keys", line, LAT_KV_MAX_PAIRS);
		return -E2BIG;
	}
	np = reallocarray(f->pairs, f->n + 1, sizeof(*np));
	if (!np)
		return -ENOMEM;
	f->pairs = np;
	f->pairs[f->n++] = (struct lat_kv){TAKE_PTR(key), TAKE_PTR(value), line};
	return 0;
}

int lat_kv_parse(const char *text, size_t len, struct lat_kv_file *ret, char *why, size_t why_len)
{
	struct lat_kv_file f = {};
	const char *s = text, *end = text + len, *nul;
	unsigned line = 1;
	int r = 0;

	if (len > LAT_KV_MAX_FILE) {
		snprintf(why, why_len, "larger than %u bytes", LAT_KV_MAX_FILE);
		return -E2BIG;
	}
	nul = memchr(text, '\0', len);
	if (nul) {
		for (const char *c = text; c < nul; c++)
			line += *c == '\n';
		snprintf(why, why_len, "line %u: NUL byte", line);
		return -EINVAL;
	}
	for (; r == 0 && s < end; line++) {
		const char *e = memchr(s, '\n', (size_t)(end - s)), *p = s;

		if (!e)
			e = end;
		while (p < e && strchr(blank, *p))
			p++;
		if (p < e && *p != '#')
			r = add_pair(&f, p, e, line, why, why_len);
		s = e + 1;
	}
	if (r < 0) {
		lat_kv_file_done(&f);
		return r;
	}
	*ret = f;
	return 0;
}

const char *lat_kv_get(const struct lat_kv_file *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->pairs[i].key, key) == 0)
			return f->pairs[i].value;
	return NULL;
}

void lat_kv_file_done(struct lat_kv_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->pairs[i].key);
		free(f->pairs[i].value);
	}
	free(f->pairs);
	*f = (struct lat_kv_file){};
}
