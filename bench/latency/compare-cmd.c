/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compare-cmd.c - kvmrt-latency compare BASE NEW [--max-regress L] [--p999-regress L]
 * [--avg-regress L] [--format text|json|junit] [-o FILE].
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "latency-cli.h"
#include "results.h"
#include "tool.h"

DEFINE_POINTER_CLEANUP(struct lat_comparison, lat_comparison_free)

static void usage(void)
{
	printf("Usage: %s compare [OPTIONS] BASE NEW\n"
	       "Compare the results directory NEW with the baseline BASE, per system and CPU,\n"
	       "on max, p99.9 (from the histograms) and avg. A check fails when\n"
	       "NEW > BASE + LIMIT; LIMIT is PCT or PCT%% of BASE, or USus microseconds.\n\n"
	       "Options:\n"
	       "  -m, --max-regress LIMIT    limit on max (default 25%%)\n"
	       "  -p, --p999-regress LIMIT   limit on p99.9 (default 10%%)\n"
	       "  -a, --avg-regress LIMIT    limit on avg (default 10%%)\n"
	       "  -f, --format FORMAT        text (default), json or junit\n"
	       "  -o, --output FILE          write the report to FILE\n"
	       "  -h, --help                 show this help\n"
	       "  -V, --version              show the version\n\n"
	       "Exit status: 0 pass, 1 regression, 2 unusable input (missing system or CPU,\n"
	       "corrupt file) or usage.\n",
	       tool_name());
}

static int set_limit(struct lat_compare_params *p, enum lat_metric m, const char *opt,
		     const char *arg, char *why, size_t why_len)
{
	if (lat_limit_parse(arg, &p->limits[m]) < 0)
		return tool_why(why, why_len,
				"compare: %s '%s' is not a limit (PCT, PCT%% or USus, at most "
				"1000000)",
				opt, arg);
	return 0;
}

static int set_format(struct lat_compare_params *p, const char *arg, char *why, size_t why_len)
{
	static const char *const names[] = {"text", "json", "junit"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(arg, names[i]) == 0) {
			p->format = (enum lat_format)i;
			return 0;
		}
	return tool_why(why, why_len, "compare: --format '%s' (expected text, json or junit)", arg);
}

static int compare_option(void *params, int c, const char *arg, char *why, size_t why_len)
{
	struct lat_compare_params *p = params;

	switch (c) {
	case 'm':
		return set_limit(p, LAT_METRIC_MAX, "--max-regress", arg, why, why_len);
	case 'p':
		return set_limit(p, LAT_METRIC_P999, "--p999-regress", arg, why, why_len);
	case 'a':
		return set_limit(p, LAT_METRIC_AVG, "--avg-regress", arg, why, why_len);
	case 'f':
		return set_format(p, arg, why, why_len);
	default: /* 'o' */
		p->output = arg;
		return 0;
	}
}

int lat_compare_parse_args(int argc, char **argv, struct lat_compare_params *p, char *why,
			   size_t why_len)
{
	static const struct option opts[] = {
	    {"max-regress", required_argument, NULL, 'm'},
	    {"p999-regress", required_argument, NULL, 'p'},
	    {"avg-regress", required_argument, NULL, 'a'},
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    LAT_CLI_HELP_VERSION,
	};
	static const struct lat_cli_spec spec = {"compare", "m:p:a:f:o:hV", opts, compare_option};
	int r;

	*p = (struct lat_compare_params){.limits = LAT_DEFAULT_LIMITS};
	r = lat_cli_getopt(&spec, argc, argv, p, &p->help, &p->version, why, why_len);
	if (r != 0)
		return r < 0 ? r : 0;
	if (argc - optind != 2)
		return tool_why(why, why_len,
				"compare: expected BASE and NEW directories (see --help)");
	p->base = argv[optind];
	p->cur = argv[optind + 1];
	return 0;
}

static int write_report(const struct lat_compare_params *p, const struct lat_comparison *c)
{
	static int (*const out[])(FILE *, const struct lat_comparison *, const char *,
				  const char *) = {lat_compare_text, lat_compare_json,
						   lat_compare_junit};
	FILE *f = p->output ? fopen(p->output, "we") : stdout;
	int r;

	if (!f)
		return tool_error(-errno, "%s: cannot create", p->output);
	r = out[p->format](f, c, p->base, p->cur);
	if (f != stdout && fclose(f) != 0 && r == 0)
		r = -errno;
	else if (f == stdout && fflush(f) != 0 && r == 0)
		r = -errno;
	if (r < 0)
		return tool_error(r, "%s: cannot write the report",
				  p->output ? p->output : "standard output");
	return 0;
}

int lat_compare_main(int argc, char **argv)
{
	_cleanup_(lat_results_freep) struct lat_results *base = NULL, *cur = NULL;
	_cleanup_(lat_comparison_freep) struct lat_comparison *c = NULL;
	struct lat_compare_params p;
	char why[512];
	int r;

	r = lat_compare_parse_args(argc, argv, &p, why, sizeof(why));
	r = lat_cli_early_exit(r, why, p.help, p.version, usage);
	if (r >= 0)
		return r;
	if (lat_cli_load(p.base, 0, &base) < 0 || lat_cli_load(p.cur, 0, &cur) < 0)
		return LAT_EXIT_UNUSABLE;
	r = lat_compare(base, cur, p.limits, &c, why, sizeof(why));
	if (r < 0) {
		tool_error(r == -ENOMEM ? r : 0, "%s", r == -ENOMEM ? "compare" : why);
		return LAT_EXIT_UNUSABLE;
	}
	if (write_report(&p, c) < 0)
		return LAT_EXIT_UNUSABLE;
	return c->n_regressed ? LAT_EXIT_REGRESSION : LAT_EXIT_PASS;
}
