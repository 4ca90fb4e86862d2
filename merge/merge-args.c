/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge-params.h"

#define MAX_OFFSET_NS (1000000000ll * 86400 * 366) /* a year */
#define MAX_DRIFT_PPM_X1000 (XT_MAX_DRIFT_PPB - 1)

void merge_print_help(void)
{
	printf("Usage: xtrace-multi-merge [OPTIONS] -o DIR [INPUT-OPTIONS] INPUT...\n"
	       "Merge the xtrace dumps of a host and its guests (or earlier merged\n"
	       "directories) into one multi-merge directory ordered by time of day.\n"
	       "\n"
	       "  -o, --output DIR     merged directory to create\n"
	       "  -t, --clock CLOCK    timestamp clock of the result: only 'tod' can be\n"
	       "                       compared across systems (default tod)\n"
	       "      --sync MODE      gs: fit each guest's offset and drift from its\n"
	       "                       guest-services ping pairs (the default when there\n"
	       "                       are any); none: keep every system's own TOD\n"
	       "      --sync-report    print, per guest, the pairs used, the offset, the\n"
	       "                       drift, the bound width and causal inversions left\n"
	       "      --intersect      keep only the span where every CPU of every system\n"
	       "                       has data\n"
	       "  -f, --force          reuse a non-empty output directory\n"
	       "  -q, --quiet          no progress, no summary line\n"
	       "  -h, --help           show this help\n"
	       "  -V, --version        show the version\n"
	       "\n"
	       "Input options apply to the INPUT that follows them:\n"
	       "      --name NAME      show the input's system as NAME\n"
	       "      --offset NS      add NS nanoseconds (may be negative) to its times\n"
	       "      --drift PPM      correct its clock's rate by PPM parts per million\n"
	       "                       (up to 3 decimals), counted from its first event\n"
	       "\n"
	       "Example: xtrace-multi-merge -o merged xtrace-host \\\n"
	       "                 --name vm1 --offset -3200000 xtrace-vm\n"
	       "\n"
	       "Exit status: 0 merged, 1 an input could not be read or placed on time of\n"
	       "day, or the output could not be written, 2 usage error.\n");
}

/*
 * A signed decimal with at most @decimals digits after a point, scaled by
 * 10^@decimals, within [-max, max]. 0 or -EINVAL.
 */
static int parse_fixed(const char *s, unsigned decimals, int64_t max, int64_t *ret)
{
	bool neg = *s == '-';
	int64_t v = 0;
	unsigned frac = 0;
	bool point = false, digits = false;

	if (*s == '-' || *s == '+')
		s++;
	for (; *s; s++) {
		if (*s == '.' && !point && decimals) {
			point = true;
			continue;
		}
		if (*s < '0' || *s > '9' || (point && frac == decimals))
			return -EINVAL;
		if (v > (max - (*s - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (*s - '0');
		frac += point;
		digits = true;
	}
	for (; frac < decimals; frac++) {
		if (v > max / 10)
			return -EINVAL;
		v *= 10;
	}
	if (!digits)
		return -EINVAL;
	*ret = neg ? -v : v;
	return 0;
}

enum {
	OPT_SYNC = 0x100,
	OPT_SYNC_REPORT,
	OPT_INTERSECT,
	OPT_NAME,
	OPT_OFFSET,
	OPT_DRIFT,
};

/* The options of the input to come. */
struct pending {
	struct xt_source_input in;
	const char *given; /* the last input option seen, for the message when no input follows */
};

/* 1 when parsing is over (--help, --version), 0 to go on, -EINVAL. @arg: the option as given. */
static int parse_option(int c, const char *arg, struct merge_params *p, struct pending *next,
			char *why, size_t why_len)
{
	switch (c) {
	case 'o':
		p->output = optarg;
		return 0;
	case 't':
		if (!strcmp(optarg, "tod"))
			return 0;
		snprintf(why, why_len,
			 "-t %s: only the time-of-day clock 'tod' can be merged across systems "
			 "(raw clocks of different machines cannot be compared)",
			 optarg);
		return -EINVAL;
	case OPT_SYNC:
		if (!strcmp(optarg, "gs") || !strcmp(optarg, "none")) {
			p->sync = optarg[0] == 'g' ? MERGE_SYNC_GS : MERGE_SYNC_NONE;
			return 0;
		}
		snprintf(why, why_len, "--sync %s: expected 'gs' or 'none'", optarg);
		return -EINVAL;
	case OPT_SYNC_REPORT:
		p->sync_report = true;
		return 0;
	case OPT_INTERSECT:
		p->intersect = true;
		return 0;
	case OPT_NAME:
		next->in.name = optarg;
		next->given = "--name";
		return 0;
	case OPT_OFFSET:
		next->given = "--offset";
		if (parse_fixed(optarg, 0, MAX_OFFSET_NS, &next->in.adjust.offset_ns) == 0)
			return 0;
		snprintf(why, why_len, "--offset '%s': expected nanoseconds, e.g. -3200000",
			 optarg);
		return -EINVAL;
	case OPT_DRIFT:
		next->given = "--drift";
		if (parse_fixed(optarg, 3, MAX_DRIFT_PPM_X1000, &next->in.adjust.drift_ppb) == 0)
			return 0;
		snprintf(why, why_len,
			 "--drift '%s': expected parts per million with up to 3 decimals, "
			 "e.g. -15 or 2.5, below 10000",
			 optarg);
		return -EINVAL;
	case 'f':
		p->force = true;
		return 0;
	case 'q':
		p->quiet = true;
		return 0;
	case 'h':
		p->help = true;
		return 1;
	case 'V':
		p->version = true;
		return 1;
	default:
		snprintf(why, why_len, "unknown option or missing value: '%s' (see --help)",
			 arg);
		return -EINVAL;
	}
}

void merge_params_free(struct merge_params *p)
{
	free(p->inputs);
	p->inputs = NULL;
	p->nr_inputs = 0;
}

int merge_parse_args(int argc, char **argv, struct merge_params *ret, char *why, size_t why_len)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "clock", required_argument, NULL, 't' },
		{ "sync", required_argument, NULL, OPT_SYNC },
		{ "sync-report", no_argument, NULL, OPT_SYNC_REPORT },
		{ "intersect", no_argument, NULL, OPT_INTERSECT },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "offset", required_argument, NULL, OPT_OFFSET },
		{ "drift", required_argument, NULL, OPT_DRIFT },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	struct merge_params p = {};
	struct pending next = {};
	bool only_inputs = false;
	int r = 0;

	p.inputs = calloc(argc > 0 ? argc : 1, sizeof(*p.inputs));
	if (!p.inputs)
		return -ENOMEM;
	optind = 0;
	opterr = 0;
	while (r == 0 && optind < argc) {
		/* options up to the next input ("+": getopt stops there), then the input */
		int c = only_inputs ? -1 : getopt_long(argc, argv, "+o:t:fqhV", options, NULL);

		if (c != -1) {
			r = parse_option(c, argv[optind - 1], &p, &next, why, why_len);
			continue;
		}
		if (optind >= argc)
			break;
		only_inputs = only_inputs || !strcmp(argv[optind - 1], "--");
		next.in.path = argv[optind++];
		p.inputs[p.nr_inputs++] = next.in;
		next = (struct pending){};
	}
	if (r == 0 && !p.output) {
		snprintf(why, why_len, "no output directory: give -o DIR");
		r = -EINVAL;
	}
	if (r == 0 && next.given) {
		snprintf(why, why_len, "%s applies to the input that follows it, and none does",
			 next.given);
		r = -EINVAL;
	}
	if (r == 0 && p.nr_inputs == 0) {
		snprintf(why, why_len, "no input: give the dump directories to merge");
		r = -EINVAL;
	}
	if (r < 0 && !p.help && !p.version) {
		merge_params_free(&p);
		return r;
	}
	*ret = p;
	return 0;
}
