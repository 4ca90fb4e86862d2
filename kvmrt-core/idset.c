/* SPDX-License-Identifier: GPL-2.0-or-later */
/* idset.c - sets of CPU or NUMA node numbers, and the plain ID-set syntax. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cpulist.h"
#include "kvmrt-private.h"

static unsigned words(unsigned nbits)
{
	return (nbits + 63) / 64;
}

int kvmrt_ids_init(struct kvmrt_ids *s, unsigned nbits)
{
	uint64_t *w = calloc(words(nbits) ? words(nbits) : 1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	s->nbits = nbits;
	s->w = w;
	return 0;
}

void kvmrt_ids_done(struct kvmrt_ids *s)
{
	free(s->w);
	s->w = NULL;
	s->nbits = 0;
}

int kvmrt_ids_copy(struct kvmrt_ids *dst, const struct kvmrt_ids *src)
{
	int r = kvmrt_ids_init(dst, src->nbits);

	if (r == 0)
		memcpy(dst->w, src->w, words(src->nbits) * sizeof(uint64_t));
	return r;
}

unsigned kvmrt_ids_count(const struct kvmrt_ids *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < words(s->nbits); i++)
		n += (unsigned)__builtin_popcountll(s->w[i]);
	return n;
}

int kvmrt_ids_next(const struct kvmrt_ids *s, unsigned from)
{
	for (unsigned i = from / 64; i < words(s->nbits); i++) {
		uint64_t w = s->w[i];

		if (i == from / 64)
			w &= ~UINT64_C(0) << (from % 64);
		if (w)
			return (int)(i * 64 + (unsigned)__builtin_ctzll(w));
	}
	return -1;
}

static unsigned common_words(const struct kvmrt_ids *a, const struct kvmrt_ids *b)
{
	unsigned wa = words(a->nbits), wb = words(b->nbits);

	return wa < wb ? wa : wb;
}

/* Whether words of @s from @from on are all zero. */
static bool zero_from(const struct kvmrt_ids *s, unsigned from)
{
	for (unsigned i = from; i < words(s->nbits); i++)
		if (s->w[i])
			return false;
	return true;
}

bool kvmrt_ids_intersects(const struct kvmrt_ids *a, const struct kvmrt_ids *b)
{
	for (unsigned i = 0; i < common_words(a, b); i++)
		if (a->w[i] & b->w[i])
			return true;
	return false;
}

bool kvmrt_ids_subset(const struct kvmrt_ids *a, const struct kvmrt_ids *b)
{
	unsigned n = common_words(a, b);

	for (unsigned i = 0; i < n; i++)
		if (a->w[i] & ~b->w[i])
			return false;
	return zero_from(a, n);
}

bool kvmrt_ids_equal(const struct kvmrt_ids *a, const struct kvmrt_ids *b)
{
	return kvmrt_ids_subset(a, b) && kvmrt_ids_subset(b, a);
}

void kvmrt_ids_or(struct kvmrt_ids *dst, const struct kvmrt_ids *src)
{
	unsigned n = common_words(dst, src);

	for (unsigned i = 0; i < n; i++)
		dst->w[i] |= src->w[i];
	if (n && dst->nbits % 64)
		dst->w[words(dst->nbits) - 1] &= ~(~UINT64_C(0) << (dst->nbits % 64));
}

void kvmrt_ids_andnot(struct kvmrt_ids *dst, const struct kvmrt_ids *src)
{
	for (unsigned i = 0; i < common_words(dst, src); i++)
		dst->w[i] &= ~src->w[i];
}

char *kvmrt_strip_blanks(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			*o++ = *s;
	*o = '\0';
	return out;
}

int kvmrt_idset_parse(const char *s, unsigned limit, struct kvmrt_ids *ret, char *why,
		      size_t why_len)
{
	_cleanup_free_ char *plain = kvmrt_strip_blanks(s);
	_cleanup_free_ bool *set = NULL;
	struct kvmrt_ids ids;
	unsigned count;
	int r;

	if (!plain)
		return -ENOMEM;
	if (strchr(plain, '\n')) {
		snprintf(why, why_len, "'%s' spans several lines", s);
		return -EINVAL;
	}
	r = cpulist_parse(plain, limit, NULL, &count);
	if (r == -ERANGE) {
		snprintf(why, why_len, "'%s': numbers must be below %u", s, limit);
		return r;
	}
	if (r < 0) {
		snprintf(why, why_len, "'%s' is not an ID-set such as 0,2,4-7", s);
		return -EINVAL;
	}
	set = calloc(count ? count : 1, sizeof(*set));
	if (!set || kvmrt_ids_init(&ids, count) < 0)
		return -ENOMEM;
	cpulist_parse(plain, limit, set, &count);
	for (unsigned i = 0; i < count; i++)
		if (set[i])
			kvmrt_ids_add(&ids, i);
	*ret = ids;
	return 0;
}

int kvmrt_ids_format(const struct kvmrt_ids *s, char **ret)
{
	_cleanup_free_ bool *set = calloc(s->nbits ? s->nbits : 1, sizeof(*set));
	/* worst case: "n," for every other ID, each up to 6 bytes */
	size_t len = (size_t)s->nbits * 4 + 16;
	char *buf;

	if (!set)
		return -ENOMEM;
	for (unsigned i = 0; i < s->nbits; i++)
		set[i] = kvmrt_ids_test(s, i);
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	if (cpulist_format(set, s->nbits, buf, len) < 0) {
		free(buf);
		return -ENOBUFS;
	}
	*ret = buf;
	return 0;
}
