/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-args.c - xtrace-ctl's command line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cpulist.h"
#include "ctl.h"
#include "xcollect.h"

void ctl_print_help(void)
{
	printf("Usage: xtrace-ctl [--session PID] COMMAND...\n"
	       "Control running xtrace-run recordings; several commands run in order.\n"
	       "\n"
	       "Commands:\n"
	       "  flush [--cpus LIST]\n"
	       "           write out what the ring buffers hold now (of the CPUs of LIST,\n"
	       "           e.g. 0,2-3; default all) and keep recording\n"
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

/* "--cpus LIST" or "--cpus=LIST" at argv[*i] after a flush: the list into @cmd. */
static int parse_cpus(int argc, char **argv, int *i, struct ctl_command *cmd, char *why,
		      size_t why_len)
{
	const char *word = argv[*i], *list;
	unsigned count;
	int r;

	if (!strncmp(word, "--cpus=", 7)) {
		list = word + 7;
	} else if (*i + 1 < argc) {
		list = argv[++*i];
	} else {
		snprintf(why, why_len, "%s: needs a CPU list such as 0,2-3", word);
		return -EINVAL;
	}
	if (!cmd || strcmp(cmd->name, "flush")) {
		snprintf(why, why_len, "%s: only flush takes a CPU list", word);
		return -EINVAL;
	}
	r = cpulist_parse(list, XC_REQUEST_CPUS_MAX, NULL, &count);
	if (r == -ERANGE) {
		snprintf(why, why_len, "--cpus '%s': CPUs are numbered below %u", list,
			 XC_REQUEST_CPUS_MAX);
		return -EINVAL;
	}
	if (r < 0 || count == 0 || strpbrk(list, " \n")) {
		snprintf(why, why_len, "--cpus '%s': not a CPU list (such as 0,2-3)", list);
		return -EINVAL;
	}
	cmd->cpus = list;
	return 0;
}

/* The command words from argv[@first] on, each with its options. */
static int parse_commands(int argc, char **argv, int first, struct ctl_params *p, char *why,
			  size_t why_len)
{
	for (int i = first; i < argc; i++) {
		const char *word = argv[i];
		struct ctl_command *last = p->nr_commands ? &p->commands[p->nr_commands - 1] : NULL;
		int r;

		if (!strcmp(word, "--cpus") || !strncmp(word, "--cpus=", 7) || !strcmp(word, "-c")) {
			r = parse_cpus(argc, argv, &i, last, why, why_len);
			if (r < 0)
				return r;
			continue;
		}
		if (word[0] == '-') {
			snprintf(why, why_len, "unknown option '%s' (see --help)", word);
			return -EINVAL;
		}
		if (p->nr_commands == CTL_COMMANDS_MAX) {
			snprintf(why, why_len, "more than %d commands in one call", CTL_COMMANDS_MAX);
			return -EINVAL;
		}
		p->commands[p->nr_commands++] = (struct ctl_command){ .name = word };
	}
	return 0;
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
	int c, r;

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
	r = parse_commands(argc, argv, optind, &p, why, why_len);
	if (r < 0)
		return r;
	if (p.nr_commands == 0) {
		snprintf(why, why_len, "no command: give flush, pause, resume, stop, status or "
			 "cleanup");
		return -EINVAL;
	}
	*ret = p;
	return 0;
}
