/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.c - what the kvmrt-latency subcommands share.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "latency-cli.h"
#include "results.h"
#include "tool.h"

int lat_cli_getopt(const struct lat_cli_spec *spec, int argc, char **argv, void *params, bool *help,
		   bool *version, char *why, size_t why_len)
{
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, spec->shortopts, spec->longopts, NULL)) != -1) {
		if (c == 'h' || c == 'V') {
			*(c == 'h' ? help : version) = true;
			return 1;
		}
		if (c == '?')
			return tool_why(why, why_len, "%s: bad option '%s' (see %s --help)",
					spec->name, argv[optind - 1], spec->name);
		r = spec->apply(params, c, optarg, why, why_len);
		if (r < 0)
			return r;
	}
	return 0;
}

int lat_cli_early_exit(int parse_r, const char *why, bool help, bool version, void (*usage)(void))
{
	if (parse_r < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_USAGE;
	}
	if (help)
		usage();
	else if (version)
		tool_print_version();
	return help || version ? EXIT_TOOL_OK : -1;
}

int lat_cli_load(const char *dir, unsigned flags, struct lat_results **ret)
{
	char why[512];
	int r = lat_results_load(dir, flags, ret, why, sizeof(why));

	if (r < 0)
		tool_error(r == -ENOMEM ? r : 0, "%s", r == -ENOMEM ? dir : why);
	return r;
}
