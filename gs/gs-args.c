/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-args.c - kvmrt-gs [OPTIONS] COMMAND [ARG] [COMMAND [ARG]]... (SPEC G2).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs-cli.h"
#include "tool.h"

static const struct {
	const char *name;
	enum gs_cmd cmd;
	const char *arg; /* NULL: takes no argument */
} commands[] = {
    {"available", GS_CMD_AVAILABLE, NULL},
    {"ping_available", GS_CMD_PING_AVAILABLE, NULL},
    {"ping", GS_CMD_PING, "COOKIE"},
    {"log_msg_available", GS_CMD_LOG_MSG_AVAILABLE, NULL},
    {"log_msg", GS_CMD_LOG_MSG, "MESSAGE"},
    {"xtrace_flush_available", GS_CMD_FLUSH_AVAILABLE, NULL},
    {"xtrace_flush", GS_CMD_FLUSH, "SCOPE"},
    {"xtrace_log_data_available", GS_CMD_LOG_DATA_AVAILABLE, NULL},
    {"xtrace_log_data", GS_CMD_LOG_DATA, "DATA"},
};

void gs_params_done(struct gs_params *p)
{
	for (size_t i = 0; i < p->n_steps; i++)
		free(p->steps[i].data);
	free(p->steps);
	*p = (struct gs_params){};
}

/* Fills @s from the command's argument @arg. */
static int step_arg(struct gs_step *s, const char *name, const char *arg, char *why, size_t why_len)
{
	uint64_t v;
	int r;

	switch (s->cmd) {
	case GS_CMD_PING:
	case GS_CMD_FLUSH:
		r = tool_parse_u64(
		    arg, 0, s->cmd == GS_CMD_FLUSH ? KVMRT_GS_SCOPE_CPU_ALL : UINT64_MAX, &v);
		if (r < 0)
			return tool_why(why, why_len, "%s: '%s' is not %s", name, arg,
				      s->cmd == GS_CMD_FLUSH ? "a scope (0, 1 or 2)"
							     : "an unsigned number");
		s->number = (unsigned long)v;
		return 0;
	default:
		s->data = malloc(KVMRT_GS_MAX_PAYLOAD);
		if (!s->data)
			return -ENOMEM;
		r = gs_bytes_parse(arg, strlen(arg), s->data, KVMRT_GS_MAX_PAYLOAD, &s->len);
		if (r == -E2BIG)
			return tool_why(why, why_len, "%s: more than %u bytes", name,
				      KVMRT_GS_MAX_PAYLOAD);
		if (r < 0)
			return tool_why(why, why_len,
				      "%s: '%.40s' is neither text nor hex (0x..., \\x..)", name,
				      arg);
		return 0;
	}
}

/* Parses the command at argv[*i] (and its argument) into @s. */
static int parse_command(int argc, char **argv, int *i, struct gs_step *s, char *why,
			 size_t why_len)
{
	const char *name = argv[*i];

	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		if (strcmp(name, commands[k].name))
			continue;
		*s = (struct gs_step){.cmd = commands[k].cmd};
		(*i)++;
		if (!commands[k].arg)
			return 0;
		if (*i >= argc)
			return tool_why(why, why_len, "%s: missing %s", name, commands[k].arg);
		return step_arg(s, name, argv[(*i)++], why, why_len);
	}
	return tool_why(why, why_len, "unknown command '%s' (see --help)", name);
}

int gs_parse_args(int argc, char **argv, struct gs_params *p, char *why, size_t why_len)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"verbose", no_argument, NULL, 'v'},
	    {},
	};
	int c, r = 0;

	*p = (struct gs_params){};
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hVv", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			p->help = true;
			return 0;
		case 'V':
			p->version = true;
			return 0;
		case 'v':
			p->verbose = true;
			break;
		default:
			return tool_why(why, why_len, "unknown option '%s' (see --help)",
				      argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return tool_why(why, why_len, "no command given (see --help)");
	/* each command takes at most two words: a bound on the steps */
	p->steps = calloc((size_t)(argc - optind), sizeof(*p->steps));
	if (!p->steps)
		return -ENOMEM;
	for (int i = optind; i < argc && r == 0;) {
		r = parse_command(argc, argv, &i, &p->steps[p->n_steps], why, why_len);
		if (r == 0 || p->steps[p->n_steps].data)
			p->n_steps++; /* keep it so that gs_params_done() frees its data */
	}
	if (r < 0)
		gs_params_done(p);
	return r;
}
