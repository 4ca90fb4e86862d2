/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-gsd - the host daemon of guest services (SPEC G5, kvmrt-gsd(8)).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "gsd-run.h"
#include "tool.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void usage(void)
{
	printf("Usage: %s [OPTIONS]\n"
	       "Host side of guest services: logs guests' messages as 'kvmrt-gs[VM]: text' and\n"
	       "forwards their flush requests to the running xtrace sessions.\n\n"
	       "  -r, --rate N          log lines per VM per second (default %u)\n"
	       "      --flush-rate N    flushes forwarded per VM per second (default %u)\n"
	       "  -l, --max-len N       bytes of a message shown, longer ones cut (default %u)\n"
	       "  -o, --log-file FILE   write lines to FILE ('-': standard output), not syslog\n"
	       "  -R, --replay DIR      read a recorded dump instead of tracefs, then exit\n"
	       "      --xtrace-ctl PATH the xtrace-ctl to run for flushes (default: from PATH)\n"
	       "      --control-dir DIR xtrace session sockets (default %s)\n"
	       "      --session PID     forward flushes to this session only\n"
	       "      --proc-root DIR   read DIR/proc, DIR/run/libvirt to name VMs (default /)\n"
	       "      --poll-ms N       tracefs polling interval (default 100)\n"
	       "  -h, --help            show this help\n"
	       "  -V, --version         show the version\n\n"
	       "Exit status: 0 stopped cleanly, 1 failure, 2 usage.\n",
	       tool_name(), GSD_DEFAULT_RATE, GSD_DEFAULT_FLUSH_RATE, GSD_DEFAULT_MAX_LEN,
	       GSD_CONTROL_DIR);
}

static int run(const struct gsd_params *p, struct gsd_outputs *out)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct gsd_sink sink;
	struct gsd *g = NULL;
	char why[512] = "";
	int r;

	gsd_sink_init(&sink, out);
	r = gsd_new(&p->o, &sink, &g);
	if (r < 0)
		return tool_error(r, "cannot start");
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (p->replay)
		r = gsd_replay(g, p->replay, why, sizeof(why));
	else
		r = gsd_live(g, p->poll_ms, &stop, why, sizeof(why));
	gsd_free(g);
	if (r < 0)
		tool_error(r, "%s", why);
	return r;
}

int main(int argc, char **argv)
{
	struct gsd_params p;
	struct gsd_outputs out = {.params = &p};
	char why[256] = "";
	int r;

	tool_set_name("kvmrt-gsd");
	if (gsd_parse_args(argc, argv, &p, why, sizeof(why)) < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_USAGE;
	}
	if (p.help || p.version) {
		if (p.help)
			usage();
		else
			tool_print_version();
		return EXIT_TOOL_OK;
	}
	if (p.log_file && strcmp(p.log_file, "-")) {
		out.log = fopen(p.log_file, "ae");
		if (!out.log)
			return tool_error(-errno, "%s", p.log_file), EXIT_TOOL_FAILURE;
	} else if (p.log_file) {
		out.log = stdout;
	} else {
		openlog("kvmrt-gsd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
	r = run(&p, &out);
	if (out.log && out.log != stdout)
		fclose(out.log);
	return r < 0 ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
}
