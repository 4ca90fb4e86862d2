/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-main.c - `kvmrt-latency run`: parse, run the campaign, write the
 * summary, map the result to an exit code.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "latency-run.h"
#include "report.h"
#include "run-campaign.h"
#include "run-params.h"
#include "tool.h"

static volatile sig_atomic_t stop_requests;

static void on_signal(int sig)
{
	(void)sig;
	if (stop_requests < 2)
		stop_requests++;
}

/* SIGINT, SIGTERM, SIGHUP end the campaign in order (no SA_RESTART: waits wake up). */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int lat_run_main(int argc, char **argv)
{
	struct lat_run_params p;
	char why[512], self[4096];
	ssize_t n;
	int status;

	if (lat_run_parse_args(argc, argv, &p, why, sizeof(why)) < 0) {
		tool_error(0, "run: %s", why);
		return EXIT_TOOL_USAGE;
	}
	if (p.help) {
		lat_run_usage(stdout);
		return EXIT_TOOL_OK;
	}
	if (p.version) {
		tool_print_version();
		return EXIT_TOOL_OK;
	}
	/* This binary measures the local system where SCHED_FIFO is refused. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		p.self_exe = self;
	}
	catch_signals();
	status = lat_campaign_run(&p, &stop_requests);
	if (status < 0)
		return EXIT_TOOL_FAILURE;
	if (lat_report_write_summary(p.output, why, sizeof(why)) < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_FAILURE;
	}
	fprintf(stderr, "%s: results in %s (summary.txt)\n", tool_name(), p.output);
	return status;
}
