/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report-cmd.c - kvmrt-latency report DIR [--per-cpu] [--json] [--plot PREFIX|--no-plot].
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "latency-cli.h"
#include "plot.h"
#include "report.h"
#include "results.h"
#include "tool.h"

static void usage(void)
{
	printf("Usage: %s report [OPTIONS] DIR\n"
	       "Print the table of a results directory (min/avg/max/p99.9 per system) and\n"
	       "draw its latency histograms into DIR/histogram.svg and DIR/histogram.png.\n\n"
	       "Options:\n"
	       "  -c, --per-cpu        one more row per measured CPU\n"
	       "  -j, --json           print JSON instead of the text table\n"
	       "  -p, --plot PREFIX    draw PREFIX.svg and PREFIX.png (script PREFIX.gp)\n"
	       "  -n, --no-plot        draw nothing\n"
	       "  -h, --help           show this help\n"
	       "  -V, --version        show the version\n\n"
	       "Environment: KVMRT_GNUPLOT names the gnuplot program (default gnuplot).\n"
	       "Exit status: 0 success, 1 failure (unreadable results, gnuplot missing or\n"
	       "failed), 2 usage.\n",
	       tool_name());
}

static int report_option(void *params, int c, const char *arg, char *why, size_t why_len)
{
	struct lat_report_params *p = params;

	(void)why;
	(void)why_len;
	switch (c) {
	case 'c':
		p->per_cpu = true;
		break;
	case 'j':
		p->json = true;
		break;
	case 'p':
		p->plot_prefix = arg;
		break;
	default: /* 'n' */
		p->no_plot = true;
		break;
	}
	return 0;
}

int lat_report_parse_args(int argc, char **argv, struct lat_report_params *p, char *why,
			  size_t why_len)
{
	static const struct option opts[] = {
	    {"per-cpu", no_argument, NULL, 'c'},
	    {"json", no_argument, NULL, 'j'},
	    {"plot", required_argument, NULL, 'p'},
	    {"no-plot", no_argument, NULL, 'n'},
	    LAT_CLI_HELP_VERSION,
	};
	static const struct lat_cli_spec spec = {"report", "cjp:nhV", opts, report_option};
	int r;

	*p = (struct lat_report_params){};
	r = lat_cli_getopt(&spec, argc, argv, p, &p->help, &p->version, why, why_len);
	if (r != 0)
		return r < 0 ? r : 0;
	if (p->plot_prefix && p->no_plot)
		return tool_why(why, why_len, "report: --plot and --no-plot exclude each other");
	if (p->plot_prefix && !p->plot_prefix[0])
		return tool_why(why, why_len, "report: --plot needs a file name prefix");
	if (argc - optind != 1)
		return tool_why(why, why_len,
				"report: expected one results directory (see --help)");
	p->dir = argv[optind];
	return 0;
}

static int draw(const struct lat_report_params *p, const struct lat_results *r)
{
	_cleanup_free_ char *prefix = NULL;
	const char *gnuplot = getenv("KVMRT_GNUPLOT");
	char why[512];
	int ret;

	if (asprintf(&prefix, "%s/histogram", p->dir) < 0)
		return tool_error(-ENOMEM, "report");
	ret = lat_plot_write(r, p->plot_prefix ? p->plot_prefix : prefix,
			     gnuplot && gnuplot[0] ? gnuplot : "gnuplot", why, sizeof(why));
	if (ret < 0)
		tool_error(0, "%s", why);
	return ret;
}

int lat_report_main(int argc, char **argv)
{
	_cleanup_(lat_results_freep) struct lat_results *r = NULL;
	struct lat_report_params p;
	char why[512];
	int ret;

	ret = lat_report_parse_args(argc, argv, &p, why, sizeof(why));
	ret = lat_cli_early_exit(ret, why, p.help, p.version, usage);
	if (ret >= 0)
		return ret;
	if (lat_cli_load(p.dir, LAT_RESULTS_PARTIAL, &r) < 0)
		return EXIT_TOOL_FAILURE;
	ret = p.json ? lat_report_json(stdout, r) : lat_report_text(stdout, r, p.per_cpu);
	if (ret < 0 || fflush(stdout) != 0) {
		tool_error(ret < 0 ? ret : -errno, "report: standard output");
		return EXIT_TOOL_FAILURE;
	}
	if (!p.no_plot && draw(&p, r) < 0)
		return EXIT_TOOL_FAILURE;
	return EXIT_TOOL_OK;
}
