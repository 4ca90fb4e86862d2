/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * results.c - reading a results directory (campaign, each system's facts and
 * cyclictest JSON, the spike) into struct lat_results.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "json.h"
#include "kv.h"
#include "results.h"
#include "tool.h"

static void kv_donep(struct lat_kv_file *f)
{
	lat_kv_file_done(f);
}

/* Prefixes @why (a message about @rel under @dir) with the file's path. */
static int in_file(int r, const char *dir, const char *rel, char *why, size_t why_len)
{
	_cleanup_free_ char *msg = strdup(why);

	if (r == -ENOMEM)
		return r;
	snprintf(why, why_len, "%s/%s: %s", dir, rel, msg ? msg : "");
	return r;
}

static int read_text(int dirfd, const char *dir, const char *rel, size_t max, char **ret,
		     size_t *ret_len, char *why, size_t why_len)
{
	int r = read_file_at(dirfd, rel, max, ret, ret_len);

	if (r == -ENOENT)
		snprintf(why, why_len, "%s/%s: missing", dir, rel);
	else if (r == -EFBIG)
		snprintf(why, why_len, "%s/%s: larger than %zu bytes", dir, rel, max);
	else if (r < 0)
		snprintf(why, why_len, "%s/%s: cannot read: %s", dir, rel, strerror(-r));
	return r == -EFBIG ? -E2BIG : r;
}

static int read_kv(int dirfd, const char *dir, const char *rel, struct lat_kv_file *ret, char *why,
		   size_t why_len)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = read_text(dirfd, dir, rel, LAT_KV_MAX_FILE, &text, &len, why, why_len);

	if (r < 0)
		return r;
	r = lat_kv_parse(text, len, ret, why, why_len);
	return r < 0 ? in_file(r, dir, rel, why, why_len) : 0;
}

/* Optional numeric key: 0 when absent. */
static int kv_u64(const struct lat_kv_file *f, const char *key, uint64_t max, uint64_t *ret,
		  char *why, size_t why_len)
{
	const char *v = lat_kv_get(f, key);

	*ret = 0;
	if (v && tool_parse_u64(v, 0, max, ret) < 0) {
		snprintf(why, why_len, "%s = '%.40s' is not a number in [0, %llu]", key, v,
			 (unsigned long long)max);
		return -EINVAL;
	}
	return 0;
}

static int kv_strdup(const struct lat_kv_file *f, const char *key, char **ret)
{
	const char *v = lat_kv_get(f, key);

	*ret = NULL;
	if (!v || !v[0])
		return 0;
	*ret = strdup(v);
	return *ret ? 0 : -ENOMEM;
}

/* A system name is a directory name of printable ASCII, without '/'. */
static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	for (const char *c = s; *c; c++)
		if (*c <= ' ' || *c > '~' || *c == '/')
			return false;
	return n > 0 && n <= LAT_RES_MAX_NAME && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int campaign_systems(struct lat_results *res, const char *list, char *why, size_t why_len)
{
	_cleanup_free_ char *copy = strdup(list);
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	res->systems = calloc(LAT_RES_MAX_SYSTEMS, sizeof(*res->systems));
	if (!res->systems)
		return -ENOMEM;
	for (char *n = strtok_r(copy, " \t", &save); n; n = strtok_r(NULL, " \t", &save)) {
		if (!valid_name(n) || lat_results_system(res, n)) {
			snprintf(why, why_len, "systems: '%.40s' is not a new directory name", n);
			return -EINVAL;
		}
		if (res->n_systems == LAT_RES_MAX_SYSTEMS) {
			snprintf(why, why_len, "systems: more than %u", LAT_RES_MAX_SYSTEMS);
			return -E2BIG;
		}
		res->systems[res->n_systems].name = strdup(n);
		if (!res->systems[res->n_systems++].name)
			return -ENOMEM;
	}
	if (res->n_systems == 0) {
		snprintf(why, why_len, "systems: empty (expected system names)");
		return -EINVAL;
	}
	return 0;
}

static int campaign_fields(struct lat_results *res, const struct lat_kv_file *f, char *why,
			   size_t why_len)
{
	struct lat_campaign *c = &res->campaign;
	const char *version = lat_kv_get(f, "version"), *systems = lat_kv_get(f, "systems");
	int r;

	if (!version || strcmp(version, "1") != 0) {
		snprintf(why, why_len, "version = %.20s (expected 1)",
			 version ? version : "(none)");
		return -EINVAL;
	}
	if (!lat_kv_get(f, "histogram_us")) {
		snprintf(why, why_len, "no histogram_us (cyclictest's -h value)");
		return -EINVAL;
	}
	r = kv_u64(f, "histogram_us", LAT_RES_MAX_HISTOGRAM_US, &c->histogram_us, why, why_len);
	if (r == 0 && c->histogram_us == 0) {
		snprintf(why, why_len, "histogram_us = 0 (expected 1 to %u)",
			 LAT_RES_MAX_HISTOGRAM_US);
		r = -EINVAL;
	}
	if (r == 0)
		r = kv_u64(f, "duration_s", UINT32_MAX, &c->duration_s, why, why_len);
	if (r == 0)
		r = kv_u64(f, "interval_us", UINT32_MAX, &c->interval_us, why, why_len);
	if (r == 0)
		r = kv_u64(f, "priority", 99, &c->priority, why, why_len);
	if (r == 0)
		r = kv_u64(f, "break_us", UINT32_MAX, &c->break_us, why, why_len);
	if (r == 0)
		r = kv_strdup(f, "started", &c->started);
	if (r == 0)
		r = kv_strdup(f, "load", &c->load);
	if (r == 0 && !systems) {
		snprintf(why, why_len, "no systems (expected system names)");
		r = -EINVAL;
	}
	return r < 0 ? r : campaign_systems(res, systems, why, why_len);
}

static int load_facts(int dirfd, const char *dir, struct lat_res_system *s, char *why,
		      size_t why_len)
{
	_cleanup_(kv_donep) struct lat_kv_file f = {};
	_cleanup_free_ char *rel = NULL;
	const char *policy;
	int r;

	if (asprintf(&rel, "%s/facts", s->name) < 0)
		return -ENOMEM;
	r = read_kv(dirfd, dir, rel, &f, why, why_len);
	if (r < 0)
		return r;
	policy = lat_kv_get(&f, "policy");
	if (policy && strcmp(policy, "fifo") != 0 && strcmp(policy, "other") != 0) {
		snprintf(why, why_len, "%s/%s: policy = '%.20s' (expected fifo or other)", dir, rel,
			 policy);
		return -EINVAL;
	}
	s->policy = strdup(policy ? policy : "unknown");
	if (!s->policy)
		return -ENOMEM;
	r = kv_strdup(&f, "rt_note", &s->rt_note);
	if (r == 0)
		r = kv_strdup(&f, "kernel", &s->kernel);
	if (r == 0)
		r = kv_strdup(&f, "target", &s->target);
	return r;
}

static int load_system(int dirfd, const char *dir, uint64_t histogram_us, struct lat_res_system *s,
		       char *why, size_t why_len)
{
	_cleanup_free_ char *rel = NULL, *text = NULL;
	size_t len;
	int r;

	r = load_facts(dirfd, dir, s, why, why_len);
	if (r < 0)
		return r;
	if (asprintf(&rel, "%s/cyclictest.json", s->name) < 0)
		return -ENOMEM;
	r = read_text(dirfd, dir, rel, LAT_JSON_MAX_INPUT, &text, &len, why, why_len);
	if (r < 0)
		return r;
	r = lat_cyclictest_parse(text, len, histogram_us, s, why, why_len);
	return r < 0 ? in_file(r, dir, rel, why, why_len) : 0;
}

static int load_spike(int dirfd, struct lat_results *res, char *why, size_t why_len)
{
	_cleanup_(kv_donep) struct lat_kv_file f = {};
	struct lat_spike *sp;
	int r = faccessat(dirfd, "spike", F_OK, 0);

	if (r < 0)
		return errno == ENOENT ? 0 : -errno;
	r = read_kv(dirfd, res->dir, "spike", &f, why, why_len);
	if (r < 0)
		return r;
	sp = res->spike = calloc(1, sizeof(*sp));
	if (!sp)
		return -ENOMEM;
	r = kv_u64(&f, "cpu", LAT_RES_MAX_CPU, &sp->cpu, why, why_len);
	if (r == 0)
		r = kv_u64(&f, "thread", LAT_RES_MAX_THREADS, &sp->thread, why, why_len);
	if (r == 0)
		r = kv_u64(&f, "latency_us", UINT32_MAX, &sp->latency_us, why, why_len);
	if (r == -EINVAL)
		return in_file(r, res->dir, "spike", why, why_len);
	if (r == 0)
		r = kv_strdup(&f, "system", &sp->system);
	if (r == 0)
		r = kv_strdup(&f, "dump", &sp->dump);
	if (r == 0)
		r = kv_strdup(&f, "merged", &sp->merged);
	if (r == 0)
		r = kv_strdup(&f, "explain", &sp->explain);
	return r;
}

/* A system whose results are absent: no threads, the reason kept. */
static int keep_missing(struct lat_res_system *s, const char *why)
{
	for (size_t i = 0; i < s->n_threads; i++)
		free(s->threads[i].buckets);
	free(s->threads);
	s->threads = NULL;
	s->n_threads = 0;
	s->missing = strdup(why);
	if (!s->policy)
		s->policy = strdup("unknown");
	return s->missing && s->policy ? 0 : -ENOMEM;
}

static int load_all(int dirfd, unsigned flags, struct lat_results *res, char *why, size_t why_len)
{
	_cleanup_(kv_donep) struct lat_kv_file f = {};
	int r = read_kv(dirfd, res->dir, "campaign", &f, why, why_len);

	if (r < 0)
		return r;
	r = campaign_fields(res, &f, why, why_len);
	if (r < 0)
		return in_file(r, res->dir, "campaign", why, why_len);
	for (size_t i = 0; i < res->n_systems; i++) {
		struct lat_res_system *s = &res->systems[i];

		r = load_system(dirfd, res->dir, res->campaign.histogram_us, s, why, why_len);
		if (r == -ENOENT && (flags & LAT_RESULTS_PARTIAL))
			r = keep_missing(s, why);
		if (r < 0)
			return r;
	}
	return load_spike(dirfd, res, why, why_len);
}

int lat_results_load(const char *dir, unsigned flags, struct lat_results **ret, char *why,
		     size_t why_len)
{
	_cleanup_(lat_results_freep) struct lat_results *res = calloc(1, sizeof(*res));
	_cleanup_close_ int dirfd = -1;
	int r;

	if (!res || !(res->dir = strdup(dir)))
		return -ENOMEM;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		r = -errno;
		snprintf(why, why_len, "%s: cannot open the results directory: %s", dir,
			 strerror(-r));
		return r;
	}
	r = load_all(dirfd, flags, res, why, why_len);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(res);
	return 0;
}

static void system_done(struct lat_res_system *s)
{
	for (size_t i = 0; i < s->n_threads; i++)
		free(s->threads[i].buckets);
	free(s->threads);
	free(s->name);
	free(s->policy);
	free(s->rt_note);
	free(s->kernel);
	free(s->target);
	free(s->missing);
}

void lat_results_free(struct lat_results *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_systems; i++)
		system_done(&r->systems[i]);
	free(r->systems);
	if (r->spike) {
		free(r->spike->system);
		free(r->spike->dump);
		free(r->spike->merged);
		free(r->spike->explain);
		free(r->spike);
	}
	free(r->campaign.started);
	free(r->campaign.load);
	free(r->dir);
	free(r);
}

const struct lat_res_system *lat_results_system(const struct lat_results *r, const char *name)
{
	for (size_t i = 0; i < r->n_systems; i++)
		if (r->systems[i].name && strcmp(r->systems[i].name, name) == 0)
			return &r->systems[i];
	return NULL;
}

bool lat_res_real_time(const struct lat_res_system *s)
{
	return s->policy && strcmp(s->policy, "fifo") == 0;
}
