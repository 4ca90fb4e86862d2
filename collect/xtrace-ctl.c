/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xtrace-ctl - control running xtrace-run recordings: a thin main
 * dispatching each command word from a table, in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <tracefs/tracefs.h>

#include "cleanup.h"
#include "ctl.h"
#include "tool.h"

static const struct {
	const char *name;
	int (*fn)(struct ctl_context *c);
} commands[] = {
	{ "flush", ctl_flush },
	{ "pause", ctl_pause },
	{ "resume", ctl_resume },
	{ "stop", ctl_stop },
	{ "status", ctl_status },
	{ "cleanup", ctl_cleanup },
};

static int find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return (int)i;
	return -1;
}

int main(int argc, char **argv)
{
	struct ctl_params p;
	struct ctl_context c = { .params = &p };
	char why[512];

	tool_set_name(argv[0]);
	if (ctl_parse_args(argc, argv, &p, why, sizeof(why)) < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_USAGE;
	}
	if (p.help || p.version) {
		if (p.help)
			ctl_print_help();
		else
			tool_print_version();
		return EXIT_TOOL_OK;
	}
	/* Every word is checked before anything is done. */
	for (int i = 0; i < p.nr_commands; i++)
		if (find_command(p.commands[i].name) < 0) {
			tool_error(0, "'%s': unknown command; use flush, pause, resume, stop, "
				   "status or cleanup", p.commands[i].name);
			return EXIT_TOOL_USAGE;
		}
	tep_set_loglevel(TEP_LOG_NONE);
	tracefs_set_loglevel(TEP_LOG_NONE);
	c.env_session = getenv("XTRACE_SESSION");
	for (int i = 0; i < p.nr_commands; i++) {
		int r;

		c.command = &p.commands[i];
		r = commands[find_command(c.command->name)].fn(&c);

		if (r != EXIT_TOOL_OK)
			return r;
	}
	return EXIT_TOOL_OK;
}
