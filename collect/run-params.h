/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-params.h - what xtrace-run was asked to do.
 */
#ifndef XRUN_PARAMS_H
#define XRUN_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xcollect.h"

#define XRUN_DEFAULT_OUTPUT "xtrace-data"
#define XRUN_MAX_SPECS 256u

struct run_params {
	const char *output;                 /* -o DIR, XRUN_DEFAULT_OUTPUT when not given */
	bool force;                         /* --force */
	enum xc_clock clock;                /* -t */
	const char *specs[XRUN_MAX_SPECS];  /* -e SYSTEM[:EVENT], borrowed from argv */
	const char *filters[XRUN_MAX_SPECS]; /* -f EXPR after specs[i], or NULL */
	unsigned nr_specs;
	bool no_default;                    /* --no-default */
	enum xc_mode mode;                  /* -m stream|overwrite */
	uint64_t buffer_kb;                 /* -b KB, 0 = kernel default */
	const char *cpus;                   /* -C CPULIST, NULL = all; checked syntax */
	bool top_level;                     /* --top-level */
	bool stop_on_trigger;               /* --stop-on-trigger */
	int gs_flush;                       /* --gs-flush 1, --no-gs-flush 0, -1 = by events */
	unsigned reader_fifo;               /* --reader-prio, XC_READER_FIFO_DEFAULT */
	bool quiet;                         /* -q */
	bool verbose;                       /* -v */
	char *const *command;               /* COMMAND [ARG]..., NULL-terminated, borrowed from argv */
	bool help, version;
};

/*
 * Parses argv into *ret (pure: no I/O, nothing kept between calls). Options
 * end at "--" or at the first non-option, which starts COMMAND. Returns 0,
 * or -EINVAL with a one-line reason in @why for usage errors.
 */
int run_parse_args(int argc, char **argv, struct run_params *ret, char *why, size_t why_len);

/* Prints the usage text to stdout. */
void run_print_help(void);

#endif
