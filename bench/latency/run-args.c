/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-args.c - the command line of `kvmrt-latency run` (pure: fills a
 * struct lat_run_params, prints nothing).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cpulist.h"
#include "run-params.h"
#include "tool.h"

enum {
	OPT_CPUS = 0x100,
	OPT_LOAD,
	OPT_TRACE,
	OPT_BREAK,
	OPT_SSH_CONFIG,
	OPT_REMOTE_PATH,
	OPT_HELP,
};

void lat_run_usage(FILE *out)
{
	fprintf(out,
		"Usage: kvmrt-latency run -o DIR [OPTIONS] [SYSTEM...]\n"
		"Runs cyclictest on every SYSTEM at once and collects the results in DIR.\n"
		"\n"
		"SYSTEM is [NAME=]local (this machine, named \"host\" by default) or\n"
		"[NAME=]ssh:[USER@]HOST (a guest reached with ssh, named HOST by default);\n"
		"without SYSTEM: local. On a guest CPU 0 (housekeeping) is not measured.\n"
		"\n"
		"  -o, --output DIR        results directory (created; must not exist or be empty)\n"
		"  -D, --duration TIME     how long to measure: 90, 90s, 15m, 2h, 1d (default 60s)\n"
		"  -p, --priority PRIO     SCHED_FIFO priority of the measuring threads (default 80)\n"
		"  -i, --interval US       wake-up interval in microseconds (default 1000)\n"
		"  -h, --histogram MAXUS   histogram up to MAXUS microseconds (default 1000)\n"
		"      --cpus LIST         measure these CPUs on every system (default: all; on\n"
		"                          a guest all but CPU 0)\n"
		"      --load KIND         none (default), stress (stress-ng CPU, I/O and VM\n"
		"                          workers on every system) or hackbench (in a loop)\n"
		"      --trace             record every system with xtrace-run (flight recorder)\n"
		"                          into DIR/trace/ and merge the recordings\n"
		"      --break US          stop at the first latency above US microseconds\n"
		"                          (cyclictest -b --tracemark; implies --trace): every\n"
		"                          recording is frozen, merged, explained in DIR/spike\n"
		"      --ssh-config FILE   ssh/scp configuration file (-F FILE)\n"
		"      --remote-path DIRS  prepended to PATH on ssh systems (where cyclictest,\n"
		"                          xtrace-run and xtrace-ctl are)\n"
		"      --help              show this help\n"
		"  -V, --version           show the version\n"
		"\n"
		"Needs root (or CAP_SYS_NICE) on every system; when SCHED_FIFO is refused the\n"
		"run falls back to --policy other, labelled as not real-time.\n"
		"Exit status: 0 done, 1 a system could not be measured, 2 usage.\n");
}

const char *lat_load_name(enum lat_load load)
{
	switch (load) {
	case LAT_LOAD_STRESS:
		return "stress";
	case LAT_LOAD_HACKBENCH:
		return "hackbench";
	default:
		return "none";
	}
}

int lat_parse_duration(const char *s, uint64_t *ret_s)
{
	static const struct {
		char suffix;
		uint64_t scale;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	char num[32];
	size_t len = strlen(s);
	uint64_t scale = 1, v;

	if (len == 0 || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len + 1);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (num[len - 1] == units[i].suffix) {
			num[--len] = '\0';
			scale = units[i].scale;
			break;
		}
	}
	if (tool_parse_u64(num, 1, LAT_MAX_DURATION_S / scale, &v) < 0)
		return -EINVAL;
	*ret_s = v * scale;
	return 0;
}

static int number(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *ret,
		  char *why, size_t why_len)
{
	if (tool_parse_u64(arg, min, max, ret) < 0)
		return tool_why(why, why_len, "%s '%s': expected a number from %llu to %llu", opt,
				arg, (unsigned long long)min, (unsigned long long)max);
	return 0;
}

static int parse_load(const char *arg, enum lat_load *ret, char *why, size_t why_len)
{
	static const enum lat_load all[] = { LAT_LOAD_NONE, LAT_LOAD_STRESS, LAT_LOAD_HACKBENCH };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(arg, lat_load_name(all[i]))) {
			*ret = all[i];
			return 0;
		}
	}
	return tool_why(why, why_len, "--load '%s': expected none, stress or hackbench", arg);
}

bool lat_cpus_valid(const char *s)
{
	unsigned count;

	return cpulist_parse(s, LAT_CPUS_MAX, NULL, &count) == 0 && count > 0;
}

static int parse_cpus(const char *arg, char *why, size_t why_len)
{
	if (!lat_cpus_valid(arg))
		return tool_why(why, why_len, "--cpus '%s': expected a CPU list such as 1-3,5",
				arg);
	return 0;
}

static int parse_option(int c, const char *arg, struct lat_run_params *p, char *why,
			size_t why_len)
{
	switch (c) {
	case 'o':
		p->output = arg;
		return 0;
	case 'D':
		if (lat_parse_duration(arg, &p->duration_s) == 0)
			return 0;
		return tool_why(why, why_len,
				"-D '%s': expected a duration such as 90, 90s, 15m, 2h, 1d "
				"(at most 7d)",
				arg);
	case 'p':
		return number("-p", arg, 1, 99, &p->priority, why, why_len);
	case 'i':
		return number("-i", arg, 50, 1000000, &p->interval_us, why, why_len);
	case 'h':
		return number("-h", arg, 1, 1000000, &p->histogram_us, why, why_len);
	case OPT_CPUS:
		p->cpus = arg;
		return parse_cpus(arg, why, why_len);
	case OPT_LOAD:
		return parse_load(arg, &p->load, why, why_len);
	case OPT_TRACE:
		p->trace = true;
		return 0;
	case OPT_BREAK:
		p->trace = true;
		return number("--break", arg, 1, 10000000, &p->break_us, why, why_len);
	case OPT_SSH_CONFIG:
		p->ssh_config = arg;
		return 0;
	case OPT_REMOTE_PATH:
		p->remote_path = arg;
		return 0;
	case OPT_HELP:
		p->help = true;
		return 0;
	case 'V':
		p->version = true;
		return 0;
	default:
		return tool_why(why, why_len, "unknown option or missing value (see --help)");
	}
}

int lat_run_parse_args(int argc, char **argv, struct lat_run_params *p, char *why,
		       size_t why_len)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'D' },
		{ "priority", required_argument, NULL, 'p' },
		{ "interval", required_argument, NULL, 'i' },
		{ "histogram", required_argument, NULL, 'h' },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "load", required_argument, NULL, OPT_LOAD },
		{ "trace", no_argument, NULL, OPT_TRACE },
		{ "break", required_argument, NULL, OPT_BREAK },
		{ "ssh-config", required_argument, NULL, OPT_SSH_CONFIG },
		{ "remote-path", required_argument, NULL, OPT_REMOTE_PATH },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	int c, r;

	*p = (struct lat_run_params){
		.duration_s = 60, .priority = 80, .interval_us = 1000, .histogram_us = 1000,
	};
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:D:p:i:h:V", longopts, NULL)) != -1) {
		r = parse_option(c, optarg, p, why, why_len);
		if (r < 0)
			return r;
	}
	if (p->help || p->version)
		return 0;
	if (!p->output || !*p->output)
		return tool_why(why, why_len, "no results directory: give -o DIR");
	for (int i = optind; i < argc; i++) {
		r = lat_system_add(p, argv[i], why, why_len);
		if (r < 0)
			return r;
	}
	if (p->nr_systems == 0)
		return lat_system_add(p, "local", why, why_len);
	return 0;
}
