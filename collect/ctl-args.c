/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-args.c - xtrace-ctl's command line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "ctl.h"
#include "xcollect.h"

void ctl_print_help(void)
{
	printf("Usage: xtrace-ctl [--session PID] COMMAND...\n"
	       "Control running xtrace-run recordings; several commands run in order.\n"
	       "\n"
	       "Commands:\n"
	       "  flush    write out what the ring buffers hold now (overwrite mode) and\n"
	       "           keep recording\n"
	       "  pause    stop tracing for now\n"
	       "  resume   trace again after pause\n"
	       "  stop     end the recording (its COMMAND gets SIGTERM, the dump completes)\n"
	       "  status   list the running recordings\n"
	       "  cleanup  remove what killed recordings left (tracefs instances, sockets)\n"
	       "\n"
	       "  -s, --session PID   the recording to control (default: XTRACE_SESSION of\n"
	       "                      the environment, else the only running one)\n"
	       "  -h, --help          show this help\n"
	       "  -V, --version       show the version\n"
	       "\n"
	       "Sockets live in " XC_CONTROL_DIR " (root only).\n"
	       "Exit status: 0 done, 1 a command failed, 2 usage error.\n");
}

int ctl_parse_args(int argc, char **argv, struct ctl_params *ret, char *why, size_t why_len)
{
	static const struct option options[] = {
		{ "session", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	struct ctl_params p = {};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+s:hV", options, NULL)) != -1) {
		switch (c) {
		case 's':
			p.session = optarg;
			break;
		case 'h':
		case 'V':
			p.help = c == 'h';
			p.version = c == 'V';
			*ret = p;
			return 0;
		default:
			snprintf(why, why_len, "unknown option or missing value: '%s' (see --help)",
				 argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind >= argc) {
		snprintf(why, why_len, "no command: give flush, pause, resume, stop, status or "
			 "cleanup");
		return -EINVAL;
	}
	p.commands = argv + optind;
	p.nr_commands = argc - optind;
	*ret = p;
	return 0;
}
