/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compare.c - the checks of a run against its baseline (compare.h).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "compare.h"
#include "results.h"

DEFINE_POINTER_CLEANUP(struct lat_comparison, lat_comparison_free)

int lat_limit_parse(const char *s, struct lat_limit *ret)
{
	struct lat_limit l = {};
	char *end;

	if (!s[0] || !((s[0] >= '0' && s[0] <= '9') || s[0] == '.'))
		return -EINVAL;
	errno = 0;
	l.value = strtod(s, &end);
	if (errno || !isfinite(l.value) || l.value < 0 || l.value > 1000000)
		return -EINVAL;
	if (strcmp(end, "us") == 0)
		l.absolute = true;
	else if (strcmp(end, "%") != 0 && end[0])
		return -EINVAL;
	*ret = l;
	return 0;
}

const char *lat_metric_name(enum lat_metric m)
{
	static const char *const names[] = {"max", "p99.9", "avg"};

	return (unsigned)m < LAT_METRIC_COUNT ? names[m] : "?";
}

static int add_note(struct lat_comparison *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int add_note(struct lat_comparison *c, const char *fmt, ...)
{
	char **nn = reallocarray(c->notes, c->n_notes + 1, sizeof(*nn));
	va_list ap;
	int r;

	if (!nn)
		return -ENOMEM;
	c->notes = nn;
	va_start(ap, fmt);
	r = vasprintf(&c->notes[c->n_notes], fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	c->n_notes++;
	return 0;
}

static double metric(const struct lat_stats *st, enum lat_metric m)
{
	return m == LAT_METRIC_MAX    ? (double)st->max_us
	       : m == LAT_METRIC_P999 ? (double)st->p999_us
				      : st->avg_us;
}

/* The three checks of one system (@cpu -1) or CPU. */
static int add_checks(struct lat_comparison *c, const char *system, int cpu,
		      const struct lat_stats *b, const struct lat_stats *n,
		      const struct lat_limit *limits)
{
	struct lat_check *nc = reallocarray(c->checks, c->n_checks + LAT_METRIC_COUNT, sizeof(*nc));

	if (!nc)
		return -ENOMEM;
	c->checks = nc;
	for (int m = 0; m < LAT_METRIC_COUNT; m++) {
		struct lat_check *k = &c->checks[c->n_checks];
		double base = metric(b, m);

		*k = (struct lat_check){.cpu = cpu, .metric = m, .base_us = base};
		k->new_us = metric(n, m);
		k->limit_us =
		    base + (limits[m].absolute ? limits[m].value : base * limits[m].value / 100);
		k->above_histogram = m == LAT_METRIC_P999 && (b->p999_overflow || n->p999_overflow);
		k->regressed = k->new_us > k->limit_us;
		k->system = strdup(system);
		if (!k->system)
			return -ENOMEM;
		c->n_checks++;
		c->n_regressed += k->regressed;
	}
	return 0;
}

static int unusable(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int unusable(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Stats of @s (all CPUs when @cpu < 0) in @dir, or a message. */
static int stats_of(const char *dir, const struct lat_res_system *s, int cpu, struct lat_stats *ret,
		    char *why, size_t why_len)
{
	int r = cpu < 0 ? lat_stats_system(s, ret) : lat_stats_cpu(s, (unsigned)cpu, ret);

	if (r == -ENODATA && cpu < 0)
		return unusable(why, why_len, "%s/%s/cyclictest.json: no samples", dir, s->name);
	if (r == -ENODATA)
		return unusable(why, why_len, "%s/%s/cyclictest.json: no samples on CPU %d", dir,
				s->name, cpu);
	return r;
}

static int compare_cpu(struct lat_comparison *c, const struct lat_results *base,
		       const struct lat_results *cur, const struct lat_res_system *bs,
		       const struct lat_res_system *ns, int cpu, const struct lat_limit *limits,
		       char *why, size_t why_len)
{
	struct lat_stats b, n;
	int r = stats_of(base->dir, bs, cpu, &b, why, why_len);

	if (r == 0)
		r = stats_of(cur->dir, ns, cpu, &n, why, why_len);
	return r < 0 ? r : add_checks(c, bs->name, cpu, &b, &n, limits);
}

static bool has_cpu(const unsigned *cpus, int n, unsigned cpu)
{
	for (int i = 0; i < n; i++)
		if (cpus[i] == cpu)
			return true;
	return false;
}

/* Every CPU of @bs must be in @ns; CPUs only in @ns are noted. */
static int compare_system(struct lat_comparison *c, const struct lat_results *base,
			  const struct lat_results *cur, const struct lat_res_system *bs,
			  const struct lat_res_system *ns, const struct lat_limit *limits,
			  char *why, size_t why_len)
{
	_cleanup_free_ unsigned *bc = NULL, *nc = NULL;
	int nb = lat_res_cpus(bs, &bc), nn = nb < 0 ? nb : lat_res_cpus(ns, &nc), r;

	if (nn < 0)
		return nn;
	for (int i = 0; i < nb; i++)
		if (!has_cpu(nc, nn, bc[i]))
			return unusable(why, why_len,
					"%s/%s/cyclictest.json: CPU %u of the baseline was not "
					"measured",
					cur->dir, ns->name, bc[i]);
	r = nb == nn ? 0
		     : add_note(c, "%s: %d CPUs measured, %d in the baseline", ns->name, nn, nb);
	if (r == 0)
		r = compare_cpu(c, base, cur, bs, ns, -1, limits, why, why_len);
	for (int i = 0; r == 0 && i < nb; i++)
		r = compare_cpu(c, base, cur, bs, ns, (int)bc[i], limits, why, why_len);
	return r;
}

static int system_notes(struct lat_comparison *c, const struct lat_res_system *bs,
			const struct lat_res_system *ns)
{
	if (lat_res_real_time(bs) && !lat_res_real_time(ns))
		return add_note(c, "%s: measured without SCHED_FIFO (policy %s), the baseline with",
				ns->name, ns->policy);
	if (!lat_res_real_time(bs) && lat_res_real_time(ns))
		return add_note(c, "%s: the baseline was measured without SCHED_FIFO (policy %s)",
				bs->name, bs->policy);
	return 0;
}

static int compare_all(struct lat_comparison *c, const struct lat_results *base,
		       const struct lat_results *cur, const struct lat_limit *limits, char *why,
		       size_t why_len)
{
	int r = 0;

	if (base->campaign.histogram_us != cur->campaign.histogram_us)
		r = add_note(c, "histogram ranges differ: %llu us in the baseline, %llu us now",
			     (unsigned long long)base->campaign.histogram_us,
			     (unsigned long long)cur->campaign.histogram_us);
	for (size_t i = 0; r == 0 && i < base->n_systems; i++) {
		const struct lat_res_system *bs = &base->systems[i];
		const struct lat_res_system *ns = lat_results_system(cur, bs->name);

		if (!ns)
			return unusable(why, why_len,
					"%s/campaign: system '%s' of the baseline %s is missing",
					cur->dir, bs->name, base->dir);
		r = system_notes(c, bs, ns);
		if (r == 0)
			r = compare_system(c, base, cur, bs, ns, limits, why, why_len);
	}
	for (size_t i = 0; r == 0 && i < cur->n_systems; i++)
		if (!lat_results_system(base, cur->systems[i].name))
			r = add_note(c, "%s: not in the baseline, not checked",
				     cur->systems[i].name);
	return r;
}

int lat_compare(const struct lat_results *base, const struct lat_results *cur,
		const struct lat_limit *limits, struct lat_comparison **ret, char *why,
		size_t why_len)
{
	_cleanup_(lat_comparison_freep) struct lat_comparison *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	r = compare_all(c, base, cur, limits, why, why_len);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c);
	return 0;
}

void lat_comparison_free(struct lat_comparison *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_checks; i++)
		free(c->checks[i].system);
	for (size_t i = 0; i < c->n_notes; i++)
		free(c->notes[i]);
	free(c->checks);
	free(c->notes);
	free(c);
}
