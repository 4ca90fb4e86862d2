/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merge-params.h - what xtrace-multi-merge was asked to do, and doing it.
 */
#ifndef XMERGE_PARAMS_H
#define XMERGE_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

struct merge_params {
	const char *output;         /* -o DIR */
	const char *const *inputs;  /* dump or merged directories, borrowed from argv */
	unsigned nr_inputs;
	bool force;                 /* --force: reuse a non-empty output directory */
	bool quiet;                 /* -q */
	bool help, version;
};

/*
 * Parses argv into *ret (pure: no I/O). Returns 0, or -EINVAL with a one-line
 * reason in @why for usage errors.
 */
int merge_parse_args(int argc, char **argv, struct merge_params *ret, char *why, size_t why_len);

/* Prints the usage text to stdout. */
void merge_print_help(void);

struct merge_result {
	uint64_t events;  /* events written */
	uint64_t lost;    /* lost-event markers carried over */
	unsigned systems; /* systems merged */
};

/* What merge_run() reports on the way; each may be NULL. */
struct merge_callbacks {
	void (*progress)(uint64_t events, void *ud);               /* events written so far */
	void (*warn)(const char *path, const char *what, void *ud); /* damage read past */
};

/*
 * Merges the inputs into the output directory, reporting through @cb (with
 * @ud). On failure returns a negative errno with a one-line reason naming the
 * path at fault in @why.
 */
int merge_run(const struct merge_params *p, const struct merge_callbacks *cb, void *ud,
	      struct merge_result *ret, char *why, size_t why_len);

#endif
