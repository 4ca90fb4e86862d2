/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.c - what the kvmrt-latency subcommands share.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "latency-cli.h"
#include "results.h"
#include "tool.h"

int lat_why(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
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
