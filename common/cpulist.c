/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cpulist.h"

#include <errno.h>
#include <stdio.h>

/* A decimal CPU number below @limit at *s, advancing *s past it. */
static int parse_cpu(const char **s, unsigned limit, unsigned *ret)
{
	unsigned long v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return -EBADMSG;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v >= limit)
			return -ERANGE;
	}
	*s = p;
	*ret = (unsigned)v;
	return 0;
}

int cpulist_parse(const char *s, unsigned limit, bool *set, unsigned *ret_count)
{
	unsigned count = 0;
	int r;

	while (*s == ' ')
		s++;
	while (*s && *s != '\n') {
		unsigned lo, hi;

		r = parse_cpu(&s, limit, &lo);
		if (r < 0)
			return r;
		hi = lo;
		if (*s == '-') {
			s++;
			r = parse_cpu(&s, limit, &hi);
			if (r < 0)
				return r;
			if (hi < lo)
				return -EBADMSG;
		}
		if (*s == ',' && s[1] && s[1] != '\n')
			s++;
		else if (*s && *s != '\n')
			return -EBADMSG;
		for (unsigned c = lo; set && c <= hi; c++)
			set[c] = true;
		if (hi + 1 > count)
			count = hi + 1;
	}
	*ret_count = count;
	return 0;
}

int cpulist_format(const bool *set, unsigned n, char *buf, size_t len)
{
	size_t pos = 0;

	if (len == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	for (unsigned c = 0; c < n; c++) {
		unsigned hi = c;
		int w;

		if (!set[c])
			continue;
		while (hi + 1 < n && set[hi + 1])
			hi++;
		if (hi == c)
			w = snprintf(buf + pos, len - pos, "%s%u", pos ? "," : "", c);
		else
			w = snprintf(buf + pos, len - pos, "%s%u-%u", pos ? "," : "", c, hi);
		if (w < 0 || (size_t)w >= len - pos)
			return -ENOBUFS;
		pos += (size_t)w;
		c = hi;
	}
	return (int)pos;
}
