/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * latency-cli.h - `kvmrt-latency report` and `kvmrt-latency compare`: their
 * options (parsed by pure functions that tests feed argv arrays) and their
 * entry points.
 */
#ifndef LAT_CLI_H
#define LAT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "compare.h"

/* Exit codes of compare (kvmrt-latency(1), EXIT STATUS). */
enum {
	LAT_EXIT_PASS = 0,
	LAT_EXIT_REGRESSION = 1,
	LAT_EXIT_UNUSABLE = 2, /* also a bad command line */
};

struct lat_report_params {
	const char *dir;
	bool per_cpu;
	bool json;
	bool no_plot;
	const char *plot_prefix; /* NULL: DIR/histogram */
	bool help, version;
};

enum lat_format { LAT_FORMAT_TEXT, LAT_FORMAT_JSON, LAT_FORMAT_JUNIT };

struct lat_compare_params {
	const char *base;
	const char *cur;
	struct lat_limit limits[LAT_METRIC_COUNT];
	enum lat_format format;
	const char *output; /* NULL: standard output */
	bool help, version;
};

/*
 * Parse `report`/`compare` arguments (argv[0] is the subcommand). Pure: the
 * strings in the params point into argv. Returns 0, or -EINVAL with @why set.
 */
int lat_report_parse_args(int argc, char **argv, struct lat_report_params *ret, char *why,
			  size_t why_len);
int lat_compare_parse_args(int argc, char **argv, struct lat_compare_params *ret, char *why,
			   size_t why_len);

struct option;

/* How a subcommand reads its options (see lat_cli_getopt()). */
struct lat_cli_spec {
	const char *name; /* the subcommand, named in the usage errors */
	const char *shortopts;
	const struct option *longopts; /* ending with LAT_CLI_HELP_VERSION */
	/* Applies option @c (never 'h' or 'V') with @arg: 0, or -EINVAL with @why set. */
	int (*apply)(void *params, int c, const char *arg, char *why, size_t why_len);
};

/* The last entries of every lat_cli_spec.longopts (shortopts end with "hV"). */
#define LAT_CLI_HELP_VERSION \
	{"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}, {}

/*
 * getopt_long over @argv (argv[0] is the subcommand) handing every option to
 * @spec->apply, but -h/--help and -V/--version, which set *@help or *@version
 * and end the parse. An unknown option or a missing value is a usage error
 * naming it. Returns 1 (help or version), 0 with optind at the first operand,
 * or a negative errno with @why set.
 */
int lat_cli_getopt(const struct lat_cli_spec *spec, int argc, char **argv, void *params, bool *help,
		   bool *version, char *why, size_t why_len);

struct lat_results;

/*
 * What every subcommand does first with its parse result @parse_r: print
 * @why (usage error), the help (@usage) or the version. Returns the exit
 * code when the subcommand is done, or -1 to go on.
 */
int lat_cli_early_exit(int parse_r, const char *why, bool help, bool version, void (*usage)(void));

/* lat_results_load() that prints its one-line error. Returns 0 or a negative errno. */
int lat_cli_load(const char *dir, unsigned flags, struct lat_results **ret);

/* The subcommands: return the process exit code. */
int lat_report_main(int argc, char **argv);
int lat_compare_main(int argc, char **argv);

#endif
