/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tool.h - what every kvmrt command-line tool shares: one-line error
 * reporting at the tool boundary and checked number parsing.
 */
#ifndef KVMRT_TOOL_H
#define KVMRT_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes shared by all tools (documented in each man page). */
enum {
	EXIT_TOOL_OK = 0,
	EXIT_TOOL_FAILURE = 1, /* the work failed (I/O, corrupt input, kernel refused) */
	EXIT_TOOL_USAGE = 2,   /* bad command line */
};

/* Sets the program name used as the prefix of every message. */
void tool_set_name(const char *name);
const char *tool_name(void);

/*
 * Prints "NAME: MESSAGE" to stderr. A negative errno in @err appends
 * ": strerror(-err)". Returns @err so that callers can `return tool_error(r, ...)`.
 */
int tool_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tool_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "NAME VERSION" to stdout. */
void tool_print_version(void);

/*
 * Formats the reason for a usage error into @why (@why_len bytes, truncated)
 * and returns -EINVAL, so that argument parsers can `return tool_why(...)`.
 */
int tool_why(char *why, size_t why_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Parses a whole decimal (or 0x hex) unsigned number in [min, max].
 * Returns 0 and writes *ret, or -EINVAL (not a number) / -ERANGE.
 */
int tool_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *ret);

#endif
