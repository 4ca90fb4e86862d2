/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpuset.c - the CPUSET syntax of kvmrt.cfg: CPU lists (through cpulist.h)
 * and n/c/d/p-prefixed NUMA node, core, die and package numbers, '~' for the
 * inverse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cpulist.h"
#include "kvmrt-private.h"

const char kvmrt_cpuset_forms[] =
	"a CPU list (0,1,16-19), NUMA nodes, cores, dies or packages prefixed with n, c, d or p "
	"(n1-n2, c3), mixed with commas, optionally preceded by ~ for the inverse (~n0), "
	"or empty for no CPU binding";

struct prefix {
	char letter;
	const char *what;
	size_t level; /* offset of the level in struct kvmrt_topology */
};

static const struct prefix prefixes[] = {
	{ 'n', "NUMA node", offsetof(struct kvmrt_topology, node) },
	{ 'c', "core", offsetof(struct kvmrt_topology, core) },
	{ 'd', "die", offsetof(struct kvmrt_topology, die) },
	{ 'p', "package", offsetof(struct kvmrt_topology, package) },
};

static const struct prefix *find_prefix(char c)
{
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (prefixes[i].letter == c)
			return &prefixes[i];
	return NULL;
}

/* A decimal number below KVMRT_MAX_IDS at *p, advancing *p. */
static int parse_number(const char **p, unsigned *ret)
{
	unsigned v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v >= KVMRT_MAX_IDS)
			return -EINVAL;
	}
	*p = s;
	*ret = v;
	return 0;
}

static int bad_item(const char *item, const char *what, char *why, size_t why_len)
{
	snprintf(why, why_len, "'%s': %s", item, what);
	return -EINVAL;
}

/* "n1", "n1-n2" or "n1-2": the objects lo..hi of a prefixed item. */
static int parse_prefixed(const char *item, unsigned *ret_lo, unsigned *ret_hi, char *why,
			  size_t why_len)
{
	const char *p = item + 1;
	unsigned lo, hi;

	if (parse_number(&p, &lo) < 0)
		return bad_item(item, "expects a number after the prefix (below 8192)", why,
				why_len);
	hi = lo;
	if (*p == '-') {
		p++;
		if (*p == item[0])
			p++;
		else if (*p >= 'a' && *p <= 'z')
			return bad_item(item, "a range cannot mix prefixes", why, why_len);
		if (parse_number(&p, &hi) < 0)
			return bad_item(item, "expects a number after '-'", why, why_len);
		if (hi < lo)
			return bad_item(item, "the range goes down", why, why_len);
	}
	if (*p)
		return bad_item(item, "unexpected characters after the number", why, why_len);
	*ret_lo = lo;
	*ret_hi = hi;
	return 0;
}

static int no_such(const char *item, const char *what, unsigned id, const struct kvmrt_ids *have,
		   char *why, size_t why_len)
{
	_cleanup_free_ char *list = NULL;

	kvmrt_ids_format(have, &list);
	snprintf(why, why_len, "'%s': %s %u does not exist (this host has %s %s)", item, what, id,
		 what, list ? list : "?");
	return -ENOENT;
}

static int add_prefixed(const char *item, const struct prefix *pf, unsigned lo, unsigned hi,
			const struct kvmrt_topology *t, struct kvmrt_ids *set, char *why,
			size_t why_len)
{
	const struct kvmrt_level *l = (const void *)((const char *)t + pf->level);

	for (unsigned id = lo; id <= hi; id++) {
		if (id >= l->nr || !l->cpus[id].w) {
			struct kvmrt_ids have;
			int r;

			if (kvmrt_ids_init(&have, l->nr) < 0)
				return -ENOMEM;
			for (unsigned i = 0; i < l->nr; i++)
				if (l->cpus[i].w)
					kvmrt_ids_add(&have, i);
			r = no_such(item, pf->what, id, &have, why, why_len);
			kvmrt_ids_done(&have);
			return r;
		}
		kvmrt_ids_or(set, &l->cpus[id]);
	}
	return 0;
}

/* A plain CPU or CPU range, parsed by cpulist_parse() into @scratch. */
static int add_cpus(const char *item, const struct kvmrt_topology *t, bool *scratch,
		    struct kvmrt_ids *set, char *why, size_t why_len)
{
	unsigned count;
	int r;

	r = cpulist_parse(item, KVMRT_MAX_IDS, NULL, &count);
	if (r == -ERANGE)
		return bad_item(item, "CPU numbers must be below 8192", why, why_len);
	if (r < 0)
		return bad_item(item, item[0] >= '0' && item[0] <= '9' && strchr(item, '-')
					      ? "not a CPU range (low-high, going up)"
					      : "not a CPU, a CPU range or an n/c/d/p-prefixed number",
				why, why_len);
	if (!t)
		return 0;
	memset(scratch, 0, KVMRT_MAX_IDS * sizeof(*scratch));
	cpulist_parse(item, KVMRT_MAX_IDS, scratch, &count);
	for (unsigned c = 0; c < count; c++) {
		if (!scratch[c])
			continue;
		if (!kvmrt_ids_test(&t->online, c)) {
			snprintf(why, why_len,
				 "'%s': CPU %u does not exist or is offline (use hwtopo to see the "
				 "CPUs)",
				 item, c);
			return -ENOENT;
		}
		kvmrt_ids_add(set, c);
	}
	return 0;
}

static int add_item(const char *item, const struct kvmrt_topology *t, bool *scratch,
		    struct kvmrt_ids *set, char *why, size_t why_len)
{
	const struct prefix *pf = find_prefix(item[0]);
	unsigned lo, hi;
	int r;

	if (!item[0])
		return bad_item(item, "empty item (two commas, or a comma at an end)", why,
				why_len);
	if (!pf)
		return add_cpus(item, t, scratch, set, why, why_len);
	r = parse_prefixed(item, &lo, &hi, why, why_len);
	if (r < 0 || !t)
		return r;
	return add_prefixed(item, pf, lo, hi, t, set, why, why_len);
}

int kvmrt_cpuset_parse(const char *s, const struct kvmrt_topology *t, struct kvmrt_ids *ret,
		       char *why, size_t why_len)
{
	_cleanup_free_ char *text = kvmrt_strip_blanks(s);
	_cleanup_free_ bool *scratch = NULL;
	struct kvmrt_ids set = {};
	char *p, *item, *save = NULL;
	bool inverse;
	int r = 0;

	if (!text)
		return -ENOMEM;
	inverse = text[0] == '~';
	p = text + inverse;
	if (inverse && !*p) {
		snprintf(why, why_len, "'~' needs a set after it (~n0 is every CPU outside node 0)");
		return -EINVAL;
	}
	if (strchr(p, '~')) {
		snprintf(why, why_len, "'%s': '~' may only start the whole set", s);
		return -EINVAL;
	}
	if (t && ((scratch = malloc(KVMRT_MAX_IDS * sizeof(*scratch))) == NULL ||
		  kvmrt_ids_init(&set, t->nr_cpus) < 0))
		return -ENOMEM;
	if (*p && (p[0] == ',' || p[strlen(p) - 1] == ','))
		r = bad_item(s, "starts or ends with a comma", why, why_len);
	else if (strstr(p, ",,"))
		r = bad_item(s, "empty item between two commas", why, why_len);
	for (item = strtok_r(p, ",", &save); r == 0 && item; item = strtok_r(NULL, ",", &save))
		r = add_item(item, t, scratch, &set, why, why_len);
	if (r < 0 || !t) {
		kvmrt_ids_done(&set);
		return r;
	}
	if (inverse) {
		struct kvmrt_ids inv;

		if (kvmrt_ids_copy(&inv, &t->online) < 0) {
			kvmrt_ids_done(&set);
			return -ENOMEM;
		}
		kvmrt_ids_andnot(&inv, &set);
		kvmrt_ids_done(&set);
		set = inv;
	}
	*ret = set;
	return 0;
}
