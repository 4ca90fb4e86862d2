/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compare-out.c - a comparison as text, JSON and JUnit XML.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "json.h"

/* "all" or the CPU number. */
static const char *cpu_name(const struct lat_check *k, char *buf, size_t len)
{
	if (k->cpu < 0)
		return "all";
	snprintf(buf, len, "%d", k->cpu);
	return buf;
}

/* A latency as shown: avg with two decimals, the integer metrics without;
 * @mark appends '*' to a p99.9 above the histogram range. */
static const char *us(const struct lat_check *k, double v, bool mark, char *buf, size_t len)
{
	snprintf(buf, len, "%.*f%s", k->metric == LAT_METRIC_AVG ? 2 : 0, v,
		 mark && k->above_histogram ? "*" : "");
	return buf;
}

static size_t name_width(const struct lat_comparison *c)
{
	size_t w = strlen("System");

	for (size_t i = 0; i < c->n_checks; i++)
		if (strlen(c->checks[i].system) > w)
			w = strlen(c->checks[i].system);
	return w;
}

int lat_compare_text(FILE *f, const struct lat_comparison *c, const char *base, const char *cur)
{
	int w = (int)name_width(c);
	bool above = false;

	fprintf(f, "Comparing %s against the baseline %s\n\n", cur, base);
	fprintf(f, "%-*s  %-4s  %-6s  %10s  %10s  %10s  %s\n", w, "System", "CPU", "Metric",
		"Base (us)", "New (us)", "Limit (us)", "Verdict");
	for (size_t i = 0; i < c->n_checks; i++) {
		const struct lat_check *k = &c->checks[i];
		char cb[16], bb[32], nb[32];

		fprintf(f, "%-*s  %-4s  %-6s  %10s  %10s  %10.2f  %s\n", w, k->system,
			cpu_name(k, cb, sizeof(cb)), lat_metric_name(k->metric),
			us(k, k->base_us, false, bb, sizeof(bb)),
			us(k, k->new_us, true, nb, sizeof(nb)), k->limit_us,
			k->regressed ? "REGRESSION" : "pass");
		above |= k->above_histogram;
	}
	fputc('\n', f);
	if (above)
		fputs("* p99.9 above the histogram range on one side: the max is used instead.\n",
		      f);
	for (size_t i = 0; i < c->n_notes; i++)
		fprintf(f, "Note: %s\n", c->notes[i]);
	if (c->n_regressed)
		fprintf(f, "Verdict: REGRESSION in %zu of %zu checks\n", c->n_regressed,
			c->n_checks);
	else
		fprintf(f, "Verdict: pass (%zu checks)\n", c->n_checks);
	return ferror(f) ? -EIO : 0;
}

int lat_compare_json(FILE *f, const struct lat_comparison *c, const char *base, const char *cur)
{
	fputs("{\n  \"base\": ", f);
	lat_json_put_string(f, base);
	fputs(",\n  \"new\": ", f);
	lat_json_put_string(f, cur);
	fprintf(f, ",\n  \"verdict\": \"%s\",\n  \"regressions\": %zu,\n  \"checks\": [",
		c->n_regressed ? "regression" : "pass", c->n_regressed);
	for (size_t i = 0; i < c->n_checks; i++) {
		const struct lat_check *k = &c->checks[i];

		fputs(i ? ",\n    {\"system\": " : "\n    {\"system\": ", f);
		lat_json_put_string(f, k->system);
		fprintf(f, ", \"cpu\": ");
		if (k->cpu < 0)
			fputs("\"all\"", f);
		else
			fprintf(f, "%d", k->cpu);
		fprintf(f,
			", \"metric\": \"%s\", \"base_us\": %.2f, \"new_us\": %.2f, "
			"\"limit_us\": %.2f, \"above_histogram\": %s, \"regressed\": %s}",
			lat_metric_name(k->metric), k->base_us, k->new_us, k->limit_us,
			k->above_histogram ? "true" : "false", k->regressed ? "true" : "false");
	}
	fputs("\n  ],\n  \"notes\": [", f);
	for (size_t i = 0; i < c->n_notes; i++) {
		fputs(i ? ", " : "", f);
		lat_json_put_string(f, c->notes[i]);
	}
	fputs("]\n}\n", f);
	return ferror(f) ? -EIO : 0;
}

/* @s escaped for an XML attribute or text. */
static void put_xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

static void junit_case(FILE *f, const struct lat_check *k)
{
	char cb[16], msg[256], bb[32], nb[32];

	fputs("    <testcase classname=\"kvmrt-latency.", f);
	put_xml(f, k->system);
	fprintf(f, "\" name=\"cpu %s %s\" time=\"0\"", cpu_name(k, cb, sizeof(cb)),
		lat_metric_name(k->metric));
	if (!k->regressed) {
		fputs("/>\n", f);
		return;
	}
	snprintf(msg, sizeof(msg), "%s %s us above the limit %.2f us (baseline %s us)%s",
		 lat_metric_name(k->metric), us(k, k->new_us, false, nb, sizeof(nb)), k->limit_us,
		 us(k, k->base_us, false, bb, sizeof(bb)),
		 k->above_histogram ? "; above the histogram range, max used" : "");
	fputs(">\n      <failure type=\"regression\" message=\"", f);
	put_xml(f, msg);
	fputs("\"/>\n    </testcase>\n", f);
}

/* The notes about @system ("SYSTEM: ..."), with @others those about no
 * system of the checks, as the suite's <system-out>. */
static void junit_notes(FILE *f, const struct lat_comparison *c, const char *system, bool others)
{
	size_t len = strlen(system);
	bool open = false;

	for (size_t i = 0; i < c->n_notes; i++) {
		const char *n = c->notes[i];
		bool mine = strncmp(n, system, len) == 0 && n[len] == ':';
		bool about_check = false;

		for (size_t k = 0; !mine && others && k < c->n_checks; k++)
			about_check |=
			    strncmp(n, c->checks[k].system, strlen(c->checks[k].system)) == 0 &&
			    n[strlen(c->checks[k].system)] == ':';
		if (!mine && !(others && !about_check))
			continue;
		fputs(open ? "\n" : "    <system-out>", f);
		put_xml(f, n);
		open = true;
	}
	if (open)
		fputs("</system-out>\n", f);
}

/* One <testsuite> per system; checks of a system are contiguous. */
int lat_compare_junit(FILE *f, const struct lat_comparison *c, const char *base, const char *cur)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f,
		"<testsuites name=\"kvmrt-latency compare\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"0\">\n",
		c->n_checks, c->n_regressed);
	for (size_t i = 0, end; i < c->n_checks; i = end) {
		size_t failures = 0;

		for (end = i;
		     end < c->n_checks && !strcmp(c->checks[end].system, c->checks[i].system);
		     end++)
			failures += c->checks[end].regressed;
		fputs("  <testsuite name=\"kvmrt-latency.", f);
		put_xml(f, c->checks[i].system);
		fprintf(f,
			"\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" "
			"time=\"0\">\n",
			end - i, failures);
		fputs("    <properties><property name=\"baseline\" value=\"", f);
		put_xml(f, base);
		fputs("\"/><property name=\"new\" value=\"", f);
		put_xml(f, cur);
		fputs("\"/></properties>\n", f);
		for (size_t k = i; k < end; k++)
			junit_case(f, &c->checks[k]);
		junit_notes(f, c, c->checks[i].system, i == 0);
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	return ferror(f) ? -EIO : 0;
}
