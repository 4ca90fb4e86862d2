/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-args.c - xtrace-run's command line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "run-params.h"
#include "tool.h"

#define BUFFER_KB_MIN 4ull
#define BUFFER_KB_MAX (4ull << 20) /* 4 GiB per CPU */

void run_print_help(void)
{
	printf("Usage: xtrace-run [OPTIONS] [--] COMMAND [ARG]...\n"
	       "Record ftrace events of this system into a dump directory while COMMAND\n"
	       "runs; stop when it exits and exit with its status.\n"
	       "\n"
	       "  -o, --output DIR        dump directory (default " XRUN_DEFAULT_OUTPUT ")\n"
	       "      --force             reuse a non-empty output directory\n"
	       "  -t, --clock CLOCK       tod (default), local, mono, boot or tsc; every\n"
	       "                          dump records how to place it on time of day\n"
	       "  -e, --event SYS[:EVENT] record these events too (EVENT may be a glob);\n"
	       "                          repeat as needed\n"
	       "  -b, --buffer-kb KB      per-CPU ring buffer size (default: the kernel's)\n"
	       "  -q, --quiet             no summary line\n"
	       "  -v, --verbose           say which default events this kernel lacks\n"
	       "  -h, --help              show this help\n"
	       "  -V, --version           show the version\n"
	       "\n"
	       "COMMAND sees XTRACE_SESSION and XTRACE_OUTPUT in its environment.\n"
	       "Exit status: COMMAND's (128 + signal if it was killed), 1 when recording\n"
	       "failed, 2 usage error, 127 COMMAND not found.\n");
}

static int add_spec(struct run_params *p, const char *spec, char *why, size_t why_len)
{
	if (xc_event_spec_check(spec) < 0) {
		snprintf(why, why_len,
			 "-e '%s': expected SYSTEM or SYSTEM:EVENT (letters, digits, '_'; "
			 "EVENT may use * and ?)", spec);
		return -EINVAL;
	}
	if (p->nr_specs >= XRUN_MAX_SPECS) {
		snprintf(why, why_len, "-e '%s': more than %u -e options; name whole systems instead",
			 spec, XRUN_MAX_SPECS);
		return -EINVAL;
	}
	p->specs[p->nr_specs++] = spec;
	return 0;
}

static int parse_option(struct run_params *p, int c, const char *arg, char *why, size_t why_len)
{
	switch (c) {
	case 'o':
		if (!*arg) {
			snprintf(why, why_len, "-o: empty directory name");
			return -EINVAL;
		}
		p->output = arg;
		return 0;
	case 'F':
		p->force = true;
		return 0;
	case 't':
		if (xc_clock_parse(arg, &p->clock) < 0) {
			snprintf(why, why_len, "-t '%s': unknown clock; use tod, local, mono, boot or tsc",
				 arg);
			return -EINVAL;
		}
		return 0;
	case 'e':
		return add_spec(p, arg, why, why_len);
	case 'b':
		if (tool_parse_u64(arg, BUFFER_KB_MIN, BUFFER_KB_MAX, &p->buffer_kb) < 0) {
			snprintf(why, why_len, "-b '%s': expected a size in KiB from %llu to %llu", arg,
				 BUFFER_KB_MIN, BUFFER_KB_MAX);
			return -EINVAL;
		}
		return 0;
	case 'q':
		p->quiet = true;
		return 0;
	case 'v':
		p->verbose = true;
		return 0;
	default:
		return -EINVAL;
	}
}

int run_parse_args(int argc, char **argv, struct run_params *ret, char *why, size_t why_len)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "clock", required_argument, NULL, 't' },
		{ "event", required_argument, NULL, 'e' },
		{ "buffer-kb", required_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	struct run_params p = { .output = XRUN_DEFAULT_OUTPUT, .clock = XC_CLOCK_TOD };
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:t:e:b:qvhV", options, NULL)) != -1) {
		if (c == 'h' || c == 'V') {
			p.help = c == 'h';
			p.version = c == 'V';
			*ret = p;
			return 0;
		}
		if (c == '?' || c == ':') {
			snprintf(why, why_len, "unknown option or missing value: '%s' (see --help)",
				 argv[optind - 1]);
			return -EINVAL;
		}
		r = parse_option(&p, c, optarg, why, why_len);
		if (r < 0)
			return r;
	}
	if (optind >= argc) {
		snprintf(why, why_len, "no COMMAND to run: give it after the options, e.g. "
			 "'xtrace-run -- sleep 10'");
		return -EINVAL;
	}
	p.command = argv + optind;
	*ret = p;
	return 0;
}
