/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsd-args.c - kvmrt-gsd [OPTIONS]: pure parsing into struct gsd_params.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gs-cli.h"
#include "gsd-run.h"
#include "tool.h"

#define MAX_RATE 100000u
#define DEFAULT_POLL_MS 100u

static int number(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *ret,
		  char *why, size_t why_len)
{
	if (tool_parse_u64(arg, min, max, ret) < 0)
		return tool_why(why, why_len, "--%s: '%s' is not a number in %llu..%llu", opt, arg,
			      (unsigned long long)min, (unsigned long long)max);
	return 0;
}

int gsd_parse_args(int argc, char **argv, struct gsd_params *p, char *why, size_t why_len)
{
	static const struct option opts[] = {
	    {"rate", required_argument, NULL, 'r'},
	    {"flush-rate", required_argument, NULL, 'F'},
	    {"max-len", required_argument, NULL, 'l'},
	    {"replay", required_argument, NULL, 'R'},
	    {"log-file", required_argument, NULL, 'o'},
	    {"xtrace-ctl", required_argument, NULL, 'x'},
	    {"control-dir", required_argument, NULL, 'd'},
	    {"session", required_argument, NULL, 's'},
	    {"proc-root", required_argument, NULL, 'P'},
	    {"poll-ms", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {},
	};
	uint64_t v;
	int c, r = 0;

	*p = (struct gsd_params){
	    .xtrace_ctl = "xtrace-ctl", .control_dir = GSD_CONTROL_DIR, .poll_ms = DEFAULT_POLL_MS};
	optind = 0;
	opterr = 0;
	while (r == 0 && (c = getopt_long(argc, argv, "r:l:o:R:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			r = number("rate", optarg, 1, MAX_RATE, &v, why, why_len);
			p->o.rate = (uint32_t)v;
			break;
		case 'F':
			r = number("flush-rate", optarg, 1, MAX_RATE, &v, why, why_len);
			p->o.flush_rate = (uint32_t)v;
			break;
		case 'l':
			r = number("max-len", optarg, 1, KVMRT_GS_MAX_PAYLOAD, &v, why, why_len);
			p->o.max_len = (uint32_t)v;
			break;
		case 'p':
			r = number("poll-ms", optarg, 1, 10000, &v, why, why_len);
			p->poll_ms = (unsigned)v;
			break;
		case 's':
			r = number("session", optarg, 1, INT32_MAX, &v, why, why_len);
			p->session = (long)v;
			break;
		case 'R':
			p->replay = optarg;
			break;
		case 'o':
			p->log_file = optarg;
			break;
		case 'x':
			p->xtrace_ctl = optarg;
			break;
		case 'd':
			p->control_dir = optarg;
			break;
		case 'P':
			p->o.proc_root = optarg;
			break;
		case 'h':
			p->help = true;
			return 0;
		case 'V':
			p->version = true;
			return 0;
		default:
			return tool_why(why, why_len,
				      "unknown option or missing value: '%s' (see --help)",
				      argv[optind - 1]);
		}
	}
	if (r == 0 && optind < argc)
		return tool_why(why, why_len, "unexpected argument '%s' (see --help)", argv[optind]);
	return r;
}
