/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-latency - cyclictest campaigns on the host and guests, their table,
 * histograms and verdicts against a baseline (SPEC B, kvmrt-latency(1)).
 */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "latency-cli.h"
#include "latency-run.h"
#include "measure.h"
#include "tool.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
    {"run", lat_run_main},
    {"report", lat_report_main},
    {"compare", lat_compare_main},
    {"measure", lat_measure_main},
};

static void usage(void)
{
	printf("Usage: %s COMMAND [OPTIONS] [ARGS]\n"
	       "Latency regression runs with cyclictest.\n\n"
	       "Commands:\n"
	       "  run       measure the host and guests, write a results directory\n"
	       "  report    print a results directory's table, draw its histograms\n"
	       "  compare   verdicts of a results directory against a baseline\n"
	       "  measure   SCHED_OTHER fallback measurer (NOT real-time), used by run where\n"
	       "            SCHED_FIFO is refused\n\n"
	       "`%s COMMAND --help` describes each command.\n\n"
	       "Options:\n"
	       "  -h, --help     show this help\n"
	       "  -V, --version  show the version\n",
	       tool_name(), tool_name());
}

int main(int argc, char **argv)
{
	tool_set_name("kvmrt-latency");
	if (argc < 2) {
		tool_error(0, "no command given (see --help)");
		return EXIT_TOOL_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage();
		return EXIT_TOOL_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		tool_print_version();
		return EXIT_TOOL_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	tool_error(0, "unknown command '%s' (expected run, report, compare or measure)", argv[1]);
	return EXIT_TOOL_USAGE;
}
