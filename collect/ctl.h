/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl.h - xtrace-ctl: its parameters and its commands, one file each
 * (ctl-<command>.c), dispatched from the table in xtrace-ctl.c.
 */
#ifndef XCTL_H
#define XCTL_H

#include <stdbool.h>
#include <sys/types.h>

#define CTL_COMMANDS_MAX 64 /* command words of one call */

/* One command word and its options. */
struct ctl_command {
	const char *name; /* borrowed from argv */
	const char *cpus; /* flush --cpus LIST (checked), NULL: every CPU */
};

struct ctl_params {
	const char *session; /* --session, NULL when not given */
	struct ctl_command commands[CTL_COMMANDS_MAX];
	int nr_commands;
	bool help, version;
};

/*
 * Parses argv (pure). Returns 0, or -EINVAL with a one-line reason in @why.
 * Command names are checked by the caller against its table; the options
 * of a command follow it (flush --cpus LIST).
 */
int ctl_parse_args(int argc, char **argv, struct ctl_params *ret, char *why, size_t why_len);

void ctl_print_help(void);

/* What the commands of one call share. */
struct ctl_context {
	const struct ctl_params *params;
	const char *env_session; /* XTRACE_SESSION, or NULL */
	pid_t session;           /* resolved on first use, 0 until then */
	const struct ctl_command *command; /* the one running */
};

/*
 * The session to talk to: --session, else XTRACE_SESSION, else the only
 * running one. Returns it, or a negative errno after printing why.
 */
int ctl_session(struct ctl_context *c);

/* Sends @request to the session and prints its reply; exit code 0 or 1. */
int ctl_send(struct ctl_context *c, const char *request);

int ctl_flush(struct ctl_context *c);
int ctl_pause(struct ctl_context *c);
int ctl_resume(struct ctl_context *c);
int ctl_stop(struct ctl_context *c);
int ctl_status(struct ctl_context *c);
int ctl_cleanup(struct ctl_context *c);

#endif
