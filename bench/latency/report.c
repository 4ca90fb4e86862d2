/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.c - the campaign table in text and JSON, and summary.txt/.json.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "report.h"
#include "results.h"

static const char *policy_label(const struct lat_res_system *s)
{
	if (lat_res_real_time(s))
		return "SCHED_FIFO";
	if (strcmp(s->policy, "other") == 0)
		return "SCHED_OTHER: not real-time";
	return "unknown policy";
}

static int name_width(const struct lat_results *r)
{
	size_t w = strlen("System");

	for (size_t i = 0; i < r->n_systems; i++)
		if (strlen(r->systems[i].name) > w)
			w = strlen(r->systems[i].name);
	return (int)w;
}

/* One table row; @cpu is "all" or a CPU number. Returns true when the
 * percentile column needed the overflow mark. */
static bool text_row(FILE *f, int w, const struct lat_res_system *s, const char *cpu, int r,
		     const struct lat_stats *st)
{
	char p999[32];

	if (r < 0) {
		fprintf(f, "%-*s  %-4s  %10s  %s\n", w, s->name, cpu, "0",
			s->missing ? "no results (see below)" : "no samples");
		return false;
	}
	snprintf(p999, sizeof(p999), "%llu%s", (unsigned long long)st->p999_us,
		 st->p999_overflow ? "*" : "");
	fprintf(f, "%-*s  %-4s  %10llu  %8llu  %8.2f  %8llu  %10s  %9llu  %s\n", w, s->name, cpu,
		(unsigned long long)st->samples, (unsigned long long)st->min_us, st->avg_us,
		(unsigned long long)st->max_us, p999, (unsigned long long)st->overflows,
		policy_label(s));
	return st->p999_overflow;
}

static int text_cpu_rows(FILE *f, int w, const struct lat_res_system *s, bool *overflow)
{
	_cleanup_free_ unsigned *cpus = NULL;
	int n = lat_res_cpus(s, &cpus);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		struct lat_stats st;
		char cpu[16];
		int r = lat_stats_cpu(s, cpus[i], &st);

		if (r == -ENOMEM)
			return r;
		snprintf(cpu, sizeof(cpu), "%u", cpus[i]);
		*overflow |= text_row(f, w, s, cpu, r, &st);
	}
	return 0;
}

static void text_campaign(FILE *f, const struct lat_results *r)
{
	const struct lat_campaign *c = &r->campaign;

	fprintf(f,
		"Campaign %s: started %s, %llu s, interval %llu us, priority %llu, "
		"load %s, histogram %llu us",
		r->dir, c->started ? c->started : "-", (unsigned long long)c->duration_s,
		(unsigned long long)c->interval_us, (unsigned long long)c->priority,
		c->load ? c->load : "-", (unsigned long long)c->histogram_us);
	if (c->break_us)
		fprintf(f, ", break at %llu us", (unsigned long long)c->break_us);
	fputs("\n\n", f);
}

static void text_notes(FILE *f, const struct lat_results *r, bool overflow)
{
	const struct lat_spike *sp = r->spike;

	if (overflow)
		fprintf(f, "* p99.9 above the histogram range (%llu us): the max is shown.\n",
			(unsigned long long)r->campaign.histogram_us);
	for (size_t i = 0; i < r->n_systems; i++) {
		const struct lat_res_system *s = &r->systems[i];

		if (s->missing)
			fprintf(f, "%s: no results: %s\n", s->name, s->missing);
		if (strcmp(s->policy, "other") == 0)
			fprintf(f, "%s: not real-time (SCHED_OTHER)%s%s\n", s->name,
				s->rt_note ? ": " : "", s->rt_note ? s->rt_note : "");
		else if (!lat_res_real_time(s) && !s->missing)
			fprintf(f, "%s: scheduling policy unknown (no policy in its facts)\n",
				s->name);
	}
	if (sp)
		fprintf(f,
			"Spike: %llu us on %s CPU %llu (thread %llu); recording %s, merged %s, "
			"explained in %s\n",
			(unsigned long long)sp->latency_us, sp->system ? sp->system : "?",
			(unsigned long long)sp->cpu, (unsigned long long)sp->thread,
			sp->dump ? sp->dump : "-", sp->merged ? sp->merged : "-",
			sp->explain ? sp->explain : "-");
}

int lat_report_text(FILE *f, const struct lat_results *r, bool per_cpu)
{
	int w = name_width(r), ret;
	bool overflow = false;

	text_campaign(f, r);
	fprintf(f, "%-*s  %-4s  %10s  %8s  %8s  %8s  %10s  %9s  %s\n", w, "System", "CPU",
		"Samples", "Min (us)", "Avg (us)", "Max (us)", "P99.9 (us)", "Overflows", "Policy");
	for (size_t i = 0; i < r->n_systems; i++) {
		const struct lat_res_system *s = &r->systems[i];
		struct lat_stats st;

		ret = lat_stats_system(s, &st);
		if (ret == -ENOMEM)
			return ret;
		overflow |= text_row(f, w, s, "all", ret, &st);
		if (per_cpu && (ret = text_cpu_rows(f, w, s, &overflow)) < 0)
			return ret;
	}
	fputc('\n', f);
	text_notes(f, r, overflow);
	return ferror(f) ? -EIO : 0;
}

/* @sep, then "@key": the string @value or null. */
static void json_field(FILE *f, const char *sep, const char *key, const char *value)
{
	fprintf(f, "%s\"%s\": ", sep, key);
	if (value)
		lat_json_put_string(f, value);
	else
		fputs("null", f);
}

static void json_stats(FILE *f, int r, const struct lat_stats *st)
{
	if (r < 0) {
		fputs("\"samples\": 0", f);
		return;
	}
	fprintf(f,
		"\"samples\": %llu, \"min_us\": %llu, \"avg_us\": %.2f, \"max_us\": %llu, "
		"\"p999_us\": %llu, \"p999_above_histogram\": %s, \"overflows\": %llu",
		(unsigned long long)st->samples, (unsigned long long)st->min_us, st->avg_us,
		(unsigned long long)st->max_us, (unsigned long long)st->p999_us,
		st->p999_overflow ? "true" : "false", (unsigned long long)st->overflows);
}

static int json_cpus(FILE *f, const struct lat_res_system *s)
{
	_cleanup_free_ unsigned *cpus = NULL;
	int n = lat_res_cpus(s, &cpus);

	if (n < 0)
		return n;
	fputs(", \"cpus\": [", f);
	for (int i = 0; i < n; i++) {
		struct lat_stats st;
		int r = lat_stats_cpu(s, cpus[i], &st);

		if (r == -ENOMEM)
			return r;
		fprintf(f, "%s\n      {\"cpu\": %u, ", i ? "," : "", cpus[i]);
		json_stats(f, r, &st);
		fputc('}', f);
	}
	fputs("]", f);
	return 0;
}

static int json_system(FILE *f, const struct lat_res_system *s)
{
	struct lat_stats st;
	int r = lat_stats_system(s, &st);

	if (r == -ENOMEM)
		return r;
	json_field(f, "    {", "name", s->name);
	json_field(f, ", ", "policy", s->policy);
	fprintf(f, ", \"real_time\": %s", lat_res_real_time(s) ? "true" : "false");
	json_field(f, ", ", "rt_note", s->rt_note);
	json_field(f, ", ", "kernel", s->kernel);
	json_field(f, ", ", "missing", s->missing);
	fputs(", ", f);
	json_stats(f, r, &st);
	r = json_cpus(f, s);
	fputs("}", f);
	return r;
}

static void json_campaign(FILE *f, const struct lat_results *r)
{
	const struct lat_campaign *c = &r->campaign;

	json_field(f, "{\n  ", "dir", r->dir);
	json_field(f, ",\n  \"campaign\": {", "started", c->started);
	fprintf(f,
		", \"duration_s\": %llu, \"interval_us\": %llu, \"priority\": %llu, "
		"\"histogram_us\": %llu, \"break_us\": %llu",
		(unsigned long long)c->duration_s, (unsigned long long)c->interval_us,
		(unsigned long long)c->priority, (unsigned long long)c->histogram_us,
		(unsigned long long)c->break_us);
	json_field(f, ", ", "load", c->load);
	fputs("},\n", f);
}

static void json_spike(FILE *f, const struct lat_spike *sp)
{
	fputs("  \"spike\": ", f);
	if (!sp) {
		fputs("null\n", f);
		return;
	}
	json_field(f, "{", "system", sp->system);
	fprintf(f, ", \"cpu\": %llu, \"thread\": %llu, \"latency_us\": %llu",
		(unsigned long long)sp->cpu, (unsigned long long)sp->thread,
		(unsigned long long)sp->latency_us);
	json_field(f, ", ", "dump", sp->dump);
	json_field(f, ", ", "merged", sp->merged);
	json_field(f, ", ", "explain", sp->explain);
	fputs("}\n", f);
}

int lat_report_json(FILE *f, const struct lat_results *r)
{
	int ret;

	json_campaign(f, r);
	fputs("  \"systems\": [\n", f);
	for (size_t i = 0; i < r->n_systems; i++) {
		ret = json_system(f, &r->systems[i]);
		if (ret < 0)
			return ret;
		fputs(i + 1 < r->n_systems ? ",\n" : "\n", f);
	}
	fputs("  ],\n", f);
	json_spike(f, r->spike);
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}

/* Writes DIR/@name through a temporary file and a rename. */
static int write_summary(const struct lat_results *r, const char *name, bool json, char *why,
			 size_t why_len)
{
	_cleanup_free_ char *path = NULL, *tmp = NULL;
	FILE *f;
	int ret;

	if (asprintf(&path, "%s/%s", r->dir, name) < 0 || asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	f = fopen(tmp, "we");
	if (!f) {
		ret = -errno;
		snprintf(why, why_len, "%s: cannot create: %s", tmp, strerror(-ret));
		return ret;
	}
	ret = json ? lat_report_json(f, r) : lat_report_text(f, r, true);
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	if (ret < 0) {
		unlink(tmp);
		snprintf(why, why_len, "%s: cannot write: %s", path, strerror(-ret));
	}
	return ret;
}

int lat_report_write_summary(const char *dir, char *why, size_t why_len)
{
	_cleanup_(lat_results_freep) struct lat_results *r = NULL;
	int ret = lat_results_load(dir, LAT_RESULTS_PARTIAL, &r, why, why_len);

	if (ret < 0)
		return ret;
	ret = write_summary(r, "summary.txt", false, why, why_len);
	return ret < 0 ? ret : write_summary(r, "summary.json", true, why, why_len);
}
