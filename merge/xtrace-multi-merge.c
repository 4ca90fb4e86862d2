/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xtrace-multi-merge: merge host and guest dumps into one time-ordered directory. */
#include <stdio.h>
#include <unistd.h>

#include "merge-params.h"
#include "tool.h"

static void show_progress(uint64_t events, void *ud)
{
	fprintf(stderr, "\r%s: %llu events merged", tool_name(), (unsigned long long)events);
}

static void show_warning(const char *path, const char *what, void *ud)
{
	tool_warn("%s/%s", path, what);
}

int main(int argc, char **argv)
{
	struct merge_params p;
	struct merge_result res;
	char why[512];
	bool tty = isatty(STDERR_FILENO);
	int r;

	tool_set_name(argv[0]);
	if (merge_parse_args(argc, argv, &p, why, sizeof(why)) < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_USAGE;
	}
	if (p.help) {
		merge_print_help();
		return EXIT_TOOL_OK;
	}
	if (p.version) {
		tool_print_version();
		return EXIT_TOOL_OK;
	}
	const struct merge_callbacks cb = {
		.progress = tty && !p.quiet ? show_progress : NULL,
		.warn = show_warning,
	};

	r = merge_run(&p, &cb, NULL, &res, why, sizeof(why));
	if (tty && !p.quiet)
		fputc('\r', stderr);
	if (r < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_FAILURE;
	}
	if (!p.quiet)
		fprintf(stderr, "%s: merged %llu events of %u systems into %s%s\n", tool_name(),
			(unsigned long long)res.events, res.systems, p.output,
			res.lost ? " (some inputs lost events: see xtrace-view)" : "");
	return EXIT_TOOL_OK;
}
