/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "merge-params.h"

void merge_print_help(void)
{
	printf("Usage: xtrace-multi-merge [OPTIONS] -o DIR INPUT...\n"
	       "Merge the xtrace dumps of a host and its guests (or earlier merged\n"
	       "directories) into one multi-merge directory ordered by time of day.\n"
	       "\n"
	       "  -o, --output DIR   merged directory to create\n"
	       "  -t, --clock CLOCK  timestamp clock of the result: only 'tod' can be\n"
	       "                     compared across systems (default tod)\n"
	       "  -f, --force        reuse a non-empty output directory\n"
	       "  -q, --quiet        no summary line\n"
	       "  -h, --help         show this help\n"
	       "  -V, --version      show the version\n"
	       "\n"
	       "Exit status: 0 merged, 1 an input could not be read or placed on time of\n"
	       "day, or the output could not be written, 2 usage error.\n");
}

int merge_parse_args(int argc, char **argv, struct merge_params *ret, char *why, size_t why_len)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "clock", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	struct merge_params p = {};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:t:fqhV", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			p.output = optarg;
			break;
		case 't':
			if (strcmp(optarg, "tod")) {
				snprintf(why, why_len,
					 "-t %s: only the time-of-day clock 'tod' can be merged across "
					 "systems (raw clocks of different machines cannot be compared)",
					 optarg);
				return -EINVAL;
			}
			break;
		case 'f':
			p.force = true;
			break;
		case 'q':
			p.quiet = true;
			break;
		case 'h':
			p.help = true;
			*ret = p;
			return 0;
		case 'V':
			p.version = true;
			*ret = p;
			return 0;
		default:
			snprintf(why, why_len, "unknown option or missing value: '%s' (see --help)",
				 argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (!p.output) {
		snprintf(why, why_len, "no output directory: give -o DIR");
		return -EINVAL;
	}
	if (optind >= argc) {
		snprintf(why, why_len, "no input: give the dump directories to merge");
		return -EINVAL;
	}
	p.inputs = (const char *const *)argv + optind;
	p.nr_inputs = argc - optind;
	*ret = p;
	return 0;
}
