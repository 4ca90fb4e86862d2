/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view-args.c - the command line of xtrace-view, parsed without side effects.
 */
#include "xview.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum {
	OPT_FIELDS = 'F',
	OPT_TIME = 't',
	OPT_RAW = 'R',
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
};

static const struct option long_options[] = {
	{ "fields", required_argument, NULL, OPT_FIELDS },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static const char short_options[] = ":F:t:RhV";

const char *xv_usage(void)
{
	return "Usage: xtrace-view [OPTIONS] DIR...\n"
	       "Prints the events of xtrace dumps and merged directories in time order,\n"
	       "one line each: SECONDS.NANOSECONDS HOST CPU EVENT [ARG].\n"
	       "\n"
	       "  -F, --fields LIST  fields to show, comma separated, in this order:\n"
	       "                     time,host,cpu,event,arg,pid,comm,name\n"
	       "                     (default time,host,cpu,event,arg;\n"
	       "                     with --raw time,host,cpu,comm,pid,name,arg)\n"
	       "  -t, --time MODE    rel: seconds since the first event (default),\n"
	       "                     tod: seconds since the epoch, raw: trace-clock timestamp\n"
	       "  -R, --raw          every field of every record as name=value, clock\n"
	       "                     anchors included, no derived events\n"
	       "  -h, --help         show this help and exit\n"
	       "  -V, --version      show the version and exit\n"
	       "\n"
	       "Exit status: 0 success, 1 failure (unreadable input, write error), 2 usage.\n";
}

__attribute__((format(printf, 3, 4))) static int usage_error(char *why, size_t why_len,
							    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The option getopt stopped at: a long one as written, a short one as -X. */
static const char *option_text(char **argv, char *shortname)
{
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;

	if (arg && arg[0] == '-' && arg[1] == '-')
		return arg;
	shortname[1] = optopt ? (char)optopt : '?';
	return shortname;
}

int xv_parse_args(int argc, char **argv, struct xv_params *ret, char *why, size_t why_len)
{
	struct xv_params p = { .time = XV_TIME_REL };
	const char *fields = NULL;
	char optname[3] = "-?";
	int c, r;

	optind = 0; /* GNU getopt: rescan from argv[1] with fresh state */
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		switch (c) {
		case OPT_FIELDS:
			fields = optarg;
			break;
		case OPT_TIME:
			if (xv_time_mode_parse(optarg, &p.time) < 0)
				return usage_error(why, why_len,
						   "--time: unknown mode '%s' (valid: rel, tod, raw)",
						   optarg);
			break;
		case OPT_RAW:
			p.raw = true;
			break;
		case OPT_HELP:
			p.help = true;
			break;
		case OPT_VERSION:
			p.version = true;
			break;
		case ':':
			return usage_error(why, why_len, "option %s needs an argument",
					   option_text(argv, optname));
		default:
			return usage_error(why, why_len, "unknown option %s (see --help)",
					   option_text(argv, optname));
		}
	}
	if (fields) {
		r = xv_fields_parse(fields, &p.fields, why, why_len);
		if (r < 0)
			return r;
	} else {
		xv_fields_default(p.raw, &p.fields);
	}
	p.dirs = (const char *const *)argv + optind;
	p.n_dirs = (unsigned)(argc - optind);
	if (p.n_dirs == 0 && !p.help && !p.version)
		return usage_error(why, why_len, "%s", "no directory given (see --help)");
	*ret = p;
	return 0;
}
