/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-cli.h - the kvmrt-gs command line: arguments parsed into a list of
 * steps (parse_args is pure), run in order against a guest-services context.
 */
#ifndef GS_CLI_H
#define GS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gs-internal.h"

/* Exit codes of kvmrt-gs (documented in kvmrt-gs(1)). */
enum {
	GS_EXIT_OK = 0,
	GS_EXIT_FAILURE = 1, /* anything else went wrong */
	GS_EXIT_USAGE = 2,   /* bad command line */
	GS_EXIT_ABSENT = 3,  /* no KVM hypervisor (-ENODEV) */
	GS_EXIT_DENIED = 4,  /* not enabled in the guest or not permitted by the host (-EPERM) */
};

enum gs_cmd {
	GS_CMD_AVAILABLE,
	GS_CMD_PING_AVAILABLE,
	GS_CMD_PING,
	GS_CMD_LOG_MSG_AVAILABLE,
	GS_CMD_LOG_MSG,
	GS_CMD_FLUSH_AVAILABLE,
	GS_CMD_FLUSH,
	GS_CMD_LOG_DATA_AVAILABLE,
	GS_CMD_LOG_DATA,
};

struct gs_step {
	enum gs_cmd cmd;
	unsigned long number; /* ping COOKIE, xtrace_flush SCOPE */
	uint8_t *data;	      /* log_msg MESSAGE, xtrace_log_data DATA (decoded) */
	size_t len;
};

struct gs_params {
	struct gs_step *steps;
	size_t n_steps;
	bool verbose;
	bool help;
	bool version;
};

/*
 * Fills *p from @argv (pure: no I/O). Returns 0, or -EINVAL with a one-line
 * reason in @why naming the argument at fault. Free with gs_params_done().
 */
int gs_parse_args(int argc, char **argv, struct gs_params *p, char *why, size_t why_len);
void gs_params_done(struct gs_params *p);

/* Runs every step in order, stops at the first failure: returns a GS_EXIT_* code. */
int gs_run(struct gs_ctx *c, const struct gs_params *p);

/* The exit code for a negative errno from a call. */
int gs_exit_code(int err);

/*
 * Decodes a MESSAGE/DATA argument of @len bytes: text, "0x" hex, or text with
 * \xNN and \\ escapes, into @out (@cap bytes). 0 and *ret_len, -EINVAL
 * (malformed or empty) or -E2BIG (more than @cap bytes).
 */
int gs_bytes_parse(const char *s, size_t len, uint8_t *out, size_t cap, size_t *ret_len);

#endif
