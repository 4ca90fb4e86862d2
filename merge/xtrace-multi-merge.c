/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xtrace-multi-merge: merge host and guest dumps into one time-ordered directory. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "merge-params.h"
#include "tool.h"

static void show_progress(uint64_t events, void *ud)
{
	fprintf(stderr, "\r%s: %llu events merged", tool_name(), (unsigned long long)events);
}

static void show_report(const char *line, void *ud)
{
	printf("%s\n", line);
}

static void show_warning(const char *path, const char *what, void *ud)
{
	tool_warn("%s/%s", path, what);
}

static int run(const struct merge_params *p)
{
	const bool tty = isatty(STDERR_FILENO);
	const struct merge_callbacks cb = {
		.progress = tty && !p->quiet ? show_progress : NULL,
		.warn = show_warning,
		.report = show_report,
	};
	struct merge_result res;
	char why[512];
	int r;

	r = merge_run(p, &cb, NULL, &res, why, sizeof(why));
	if (cb.progress)
		fputc('\r', stderr);
	if (r < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_FAILURE;
	}
	if (!p->quiet)
		fprintf(stderr, "%s: merged %llu events of %u systems into %s%s\n", tool_name(),
			(unsigned long long)res.events, res.systems, p->output,
			res.lost ? " (some inputs lost events: see xtrace-view)" : "");
	return EXIT_TOOL_OK;
}

int main(int argc, char **argv)
{
	struct merge_params p;
	char why[512];
	int r;

	tool_set_name(argv[0]);
	r = merge_parse_args(argc, argv, &p, why, sizeof(why));
	if (r == -ENOMEM) {
		tool_error(r, "parsing the command line");
		return EXIT_TOOL_FAILURE;
	}
	if (r < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_USAGE;
	}
	if (p.help)
		merge_print_help();
	else if (p.version)
		tool_print_version();
	r = p.help || p.version ? EXIT_TOOL_OK : run(&p);
	merge_params_free(&p);
	return r;
}
