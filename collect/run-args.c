/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-args.c - xtrace-run's command line.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "cpulist.h"
#include "run-params.h"
#include "tool.h"

#define BUFFER_KB_MIN 4ull
#define BUFFER_KB_MAX (4ull << 20) /* 4 GiB per CPU */

/* Long-only options. */
enum {
	OPT_FORCE = 0x100,
	OPT_NO_DEFAULT,
	OPT_TOP_LEVEL,
	OPT_STOP_ON_TRIGGER,
	OPT_GS_FLUSH,
	OPT_NO_GS_FLUSH,
	OPT_READER_PRIO,
};

void run_print_help(void)
{
	printf("Usage: xtrace-run [OPTIONS] [--] COMMAND [ARG]...\n"
	       "Record ftrace events of this system into a dump directory while COMMAND\n"
	       "runs; stop when it exits and exit with its status.\n"
	       "\n"
	       "  -o, --output DIR        dump directory (default " XRUN_DEFAULT_OUTPUT ")\n"
	       "      --force             reuse a non-empty output directory\n"
	       "  -m, --mode MODE         stream (default: everything to disk) or overwrite\n"
	       "                          (flight recorder: written at flushes and the end)\n"
	       "  -t, --clock CLOCK       tod (default), local, mono, boot or tsc; every\n"
	       "                          dump records how to place it on time of day\n"
	       "  -e, --event SYS[:EVENT] record these events too (EVENT may be a glob);\n"
	       "                          repeat as needed\n"
	       "      --no-default        record only the -e events (and markers)\n"
	       "  -f, --filter EXPR       ftrace filter for the events of the -e before it\n"
	       "  -b, --buffer-kb KB      per-CPU ring buffer size (default: the kernel's)\n"
	       "  -C, --cpus CPULIST      record only these CPUs (e.g. 0,2-3)\n"
	       "      --top-level         record in the top-level buffer (for tools that\n"
	       "                          stop it, like cyclictest -b); restored at the end\n"
	       "      --stop-on-trigger   end when tracing_on goes 0 (default: flush, re-arm)\n"
	       "      --gs-flush          arm the guest-services flush trigger (default when\n"
	       "                          kvm:kvm_hypercall is recorded); --no-gs-flush: never\n"
	       "      --reader-prio PRIO  SCHED_FIFO priority of the per-CPU readers (default\n"
	       "                          1, the lowest: they yield to every RT task above);\n"
	       "                          0: SCHED_OTHER at nice -10 (may lose events under\n"
	       "                          load); refused real-time falls back to that too\n"
	       "  -q, --quiet             no summary line\n"
	       "  -v, --verbose           say which default events this kernel lacks\n"
	       "  -h, --help              show this help\n"
	       "  -V, --version           show the version\n"
	       "\n"
	       "COMMAND sees XTRACE_SESSION and XTRACE_OUTPUT in its environment; xtrace-ctl\n"
	       "flushes, pauses, resumes, stops and lists running recordings.\n"
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

/* -f applies to the -e just before it. */
static int add_filter(struct run_params *p, const char *expr, char *why, size_t why_len)
{
	if (p->nr_specs == 0) {
		snprintf(why, why_len, "-f '%s': give it after the -e it filters, e.g. "
			 "-e sched:sched_switch -f 'prev_pid != 0'", expr);
		return -EINVAL;
	}
	if (p->filters[p->nr_specs - 1]) {
		snprintf(why, why_len, "-f '%s': -e %s already has a filter; join them with &&",
			 expr, p->specs[p->nr_specs - 1]);
		return -EINVAL;
	}
	if (!*expr) {
		snprintf(why, why_len, "-f: empty filter");
		return -EINVAL;
	}
	p->filters[p->nr_specs - 1] = expr;
	return 0;
}

/* Syntax only: which CPUs exist is the recorder's business. */
static int check_cpus(struct run_params *p, const char *list, char *why, size_t why_len)
{
	bool set[CPU_SETSIZE];
	unsigned count;

	if (cpulist_parse(list, CPU_SETSIZE, set, &count) < 0 || count == 0) {
		snprintf(why, why_len, "-C '%s': expected a CPU list such as 0,2-3", list);
		return -EINVAL;
	}
	p->cpus = list;
	return 0;
}

static int parse_option(struct run_params *p, int c, const char *arg, char *why, size_t why_len)
{
	uint64_t prio;

	switch (c) {
	case 'o':
		if (!*arg) {
			snprintf(why, why_len, "-o: empty directory name");
			return -EINVAL;
		}
		p->output = arg;
		return 0;
	case OPT_FORCE:
		p->force = true;
		return 0;
	case 'm':
		if (xc_mode_parse(arg, &p->mode) < 0) {
			snprintf(why, why_len, "-m '%s': unknown mode; use stream or overwrite", arg);
			return -EINVAL;
		}
		return 0;
	case 'f':
		return add_filter(p, arg, why, why_len);
	case 'C':
		return check_cpus(p, arg, why, why_len);
	case OPT_NO_DEFAULT:
		p->no_default = true;
		return 0;
	case OPT_TOP_LEVEL:
		p->top_level = true;
		return 0;
	case OPT_STOP_ON_TRIGGER:
		p->stop_on_trigger = true;
		return 0;
	case OPT_GS_FLUSH:
	case OPT_NO_GS_FLUSH:
		p->gs_flush = c == OPT_GS_FLUSH;
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
	case OPT_READER_PRIO:
		if (tool_parse_u64(arg, 0, 99, &prio) < 0) {
			snprintf(why, why_len, "--reader-prio '%s': expected 0 (SCHED_OTHER) or a "
				 "SCHED_FIFO priority from 1 to 99", arg);
			return -EINVAL;
		}
		p->reader_fifo = (unsigned)prio;
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
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "mode", required_argument, NULL, 'm' },
		{ "clock", required_argument, NULL, 't' },
		{ "event", required_argument, NULL, 'e' },
		{ "no-default", no_argument, NULL, OPT_NO_DEFAULT },
		{ "filter", required_argument, NULL, 'f' },
		{ "buffer-kb", required_argument, NULL, 'b' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "top-level", no_argument, NULL, OPT_TOP_LEVEL },
		{ "stop-on-trigger", no_argument, NULL, OPT_STOP_ON_TRIGGER },
		{ "gs-flush", no_argument, NULL, OPT_GS_FLUSH },
		{ "no-gs-flush", no_argument, NULL, OPT_NO_GS_FLUSH },
		{ "reader-prio", required_argument, NULL, OPT_READER_PRIO },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	struct run_params p = { .output = XRUN_DEFAULT_OUTPUT, .clock = XC_CLOCK_TOD,
				.gs_flush = -1, .reader_fifo = XC_READER_FIFO_DEFAULT };
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:m:t:e:f:b:C:qvhV", options, NULL)) != -1) {
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
