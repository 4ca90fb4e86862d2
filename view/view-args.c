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

#include "cleanup.h"
#include "tool.h"

enum {
	OPT_FIELDS = 'F',
	OPT_TIME = 't',
	OPT_RAW = 'R',
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_FORMAT = 'f',
	OPT_HOST = 'H',
	OPT_CPU = 'c',
	OPT_EVENT = 'e',
	OPT_PID = 'p',
	OPT_COMM = 'C',
	OPT_STATS = 's',
	OPT_FROM = 0x100,
	OPT_TO,
	OPT_STRICT,
	OPT_EXPLAIN,
	OPT_WINDOW,
	OPT_EXPORT,
};

static const struct option long_options[] = {
	{ "fields", required_argument, NULL, OPT_FIELDS },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "event", required_argument, NULL, OPT_EVENT },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "explain", required_argument, NULL, OPT_EXPLAIN },
	{ "around", required_argument, NULL, OPT_EXPLAIN },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static const char short_options[] = ":F:t:Rf:H:c:e:p:C:shV";

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
	       "  -f, --format FMT   text (default), raw (as --raw), json (JSON lines, every\n"
	       "                     field typed), csv (a header, then one row per event)\n"
	       "\n"
	       "Filters (comma lists; globs where names are matched):\n"
	       "  -H, --host LIST    systems by host name\n"
	       "  -c, --cpu LIST     CPUs, such as 0-3,8\n"
	       "  -e, --event LIST   events by display name (KVM_EXIT_VM_PID), ftrace name\n"
	       "                     (kvm_exit) or system:name (kvm:kvm_exit)\n"
	       "  -p, --pid LIST     events whose common_pid is listed\n"
	       "  -C, --comm LIST    events whose common_pid has one of these command names\n"
	       "      --from T       start at T: SECONDS.NS since the epoch, +SECONDS after the\n"
	       "                     first event, or #N: the Nth event (from 0)\n"
	       "      --to T         stop after T (#N: before the Nth event)\n"
	       "\n"
	       "Analysis and exports:\n"
	       "  -s, --stats        counts per system and event, losses, KVM exit reasons,\n"
	       "                     time in guest per vCPU thread, hypercall round trips,\n"
	       "                     guest-services ping pairs (--format json: one object)\n"
	       "      --explain T    (or --around T) what the host did on the CPUs running the\n"
	       "                     guest's vCPUs around the guest-side moment T\n"
	       "      --window NS    half width of the --explain window (default 100000)\n"
	       "      --export perfetto FILE  Chrome trace-event JSON for ui.perfetto.dev\n"
	       "      --export tracedat FILE  trace-cmd trace.dat v6, one file per system\n"
	       "                     (FILE, or FILE.HOST for each of several systems)\n"
	       "      --strict       exit 3 when an input lost events\n"
	       "  -h, --help         show this help and exit\n"
	       "  -V, --version      show the version and exit\n"
	       "\n"
	       "Exit status: 0 success, 1 failure (unreadable input, write error), 2 usage,\n"
	       "3 with --strict: events were lost.\n";
}

int xv_format_parse(const char *s, enum xv_format *ret)
{
	static const char *const names[] = {
		[XV_FORMAT_TEXT] = "text",
		[XV_FORMAT_RAW] = "raw",
		[XV_FORMAT_JSON] = "json",
		[XV_FORMAT_CSV] = "csv",
	};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*ret = (enum xv_format)i;
			return 0;
		}
	}
	return -EINVAL;
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

static int parse_at(const char *opt, const char *arg, struct xv_at *ret, char *why,
		    size_t why_len)
{
	if (xv_at_parse(arg, ret) < 0)
		return usage_error(why, why_len,
				   "%s: '%.40s' is not a moment (SECONDS.NS, +SECONDS or #COUNT)",
				   opt, arg);
	return 0;
}

/* --export KIND FILE: FILE is the next argument. */
static int parse_export(int argc, char **argv, struct xv_params *p, char *why, size_t why_len)
{
	if (!strcmp(optarg, "perfetto"))
		p->mode = XV_MODE_PERFETTO;
	else if (!strcmp(optarg, "tracedat"))
		p->mode = XV_MODE_TRACEDAT;
	else
		return usage_error(why, why_len,
				   "--export: unknown kind '%.32s' (valid: perfetto, tracedat)",
				   optarg);
	if (optind >= argc)
		return usage_error(why, why_len, "--export %s needs a FILE", optarg);
	p->export_path = argv[optind++];
	return 0;
}

/* The options that take a value; 1 when @c is not one of them. */
static int parse_value(int c, int argc, char **argv, struct xv_params *p, char *why,
		       size_t why_len)
{
	switch (c) {
	case OPT_TIME:
		if (xv_time_mode_parse(optarg, &p->time) < 0)
			return usage_error(why, why_len,
					   "--time: unknown mode '%s' (valid: rel, tod, raw)", optarg);
		return 0;
	case OPT_FORMAT:
		if (xv_format_parse(optarg, &p->format) < 0)
			return usage_error(why, why_len,
					   "--format: unknown format '%.32s' (valid: text, raw, json, csv)",
					   optarg);
		return 0;
	case OPT_HOST:
		p->filter.host = optarg;
		return 0;
	case OPT_CPU:
		p->filter.cpu = optarg;
		return 0;
	case OPT_EVENT:
		p->filter.event = optarg;
		return 0;
	case OPT_PID:
		p->filter.pid = optarg;
		return 0;
	case OPT_COMM:
		p->filter.comm = optarg;
		return 0;
	case OPT_FROM:
		return parse_at("--from", optarg, &p->filter.from, why, why_len);
	case OPT_TO:
		return parse_at("--to", optarg, &p->filter.to, why, why_len);
	case OPT_EXPLAIN:
		p->mode = XV_MODE_EXPLAIN;
		return parse_at("--explain", optarg, &p->explain, why, why_len);
	case OPT_WINDOW:
		if (tool_parse_u64(optarg, 1, UINT64_MAX / 4, &p->window_ns) < 0)
			return usage_error(why, why_len, "--window: '%.32s' is not a count of ns",
					   optarg);
		return 0;
	case OPT_EXPORT:
		return parse_export(argc, argv, p, why, why_len);
	default:
		return 1;
	}
}

static int check(struct xv_params *p, const char *fields, char *why, size_t why_len)
{
	int r;

	if (fields) {
		r = xv_fields_parse(fields, &p->fields, why, why_len);
		if (r < 0)
			return r;
	} else {
		xv_fields_default(p->raw || p->format == XV_FORMAT_RAW, &p->fields);
	}
	if (p->mode == XV_MODE_EXPLAIN && p->explain.kind == XV_AT_COUNT)
		return usage_error(why, why_len, "%s",
				   "--explain: give a time (SECONDS.NS or +SECONDS), not #COUNT");
	r = xv_filter_check(&p->filter, why, why_len);
	if (r < 0)
		return r;
	if (p->mode == XV_MODE_STATS && p->format != XV_FORMAT_TEXT &&
	    p->format != XV_FORMAT_JSON)
		return usage_error(why, why_len, "%s", "--stats: --format text or json only");
	if (p->mode == XV_MODE_EXPLAIN && p->format == XV_FORMAT_CSV)
		return usage_error(why, why_len, "%s", "--explain: --format text, raw or json only");
	return 0;
}

int xv_parse_args(int argc, char **argv, struct xv_params *ret, char *why, size_t why_len)
{
	struct xv_params p = { .time = XV_TIME_REL, .window_ns = XV_WINDOW_DEFAULT_NS };
	const char *fields = NULL;
	char optname[3] = "-?";
	int c, r;

	optind = 0; /* GNU getopt: rescan from argv[1] with fresh state */
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		r = parse_value(c, argc, argv, &p, why, why_len);
		if (r <= 0) {
			if (r < 0)
				return r;
			continue;
		}
		switch (c) {
		case OPT_FIELDS:
			fields = optarg;
			break;
		case OPT_RAW:
			p.raw = true;
			break;
		case OPT_STATS:
			p.mode = XV_MODE_STATS;
			break;
		case OPT_STRICT:
			p.strict = true;
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
	r = check(&p, fields, why, why_len);
	if (r < 0)
		return r;
	p.dirs = (const char *const *)argv + optind;
	p.n_dirs = (unsigned)(argc - optind);
	if (p.n_dirs == 0 && !p.help && !p.version)
		return usage_error(why, why_len, "%s", "no directory given (see --help)");
	*ret = p;
	return 0;
}
