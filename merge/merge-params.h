/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merge-params.h - what xtrace-multi-merge was asked to do, and doing it.
 */
#ifndef XMERGE_PARAMS_H
#define XMERGE_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "xtrace.h"

enum merge_sync {
	MERGE_SYNC_AUTO = 0, /* gs when guest-services ping pairs exist, else none */
	MERGE_SYNC_GS,       /* --sync gs */
	MERGE_SYNC_NONE,     /* --sync none: raw TOD (plus --offset/--drift) */
};

struct merge_params {
	const char *output;             /* -o DIR */
	struct xt_source_input *inputs; /* owned; their strings are borrowed from argv */
	unsigned nr_inputs;
	enum merge_sync sync;
	bool sync_report;               /* --sync-report */
	bool intersect;                 /* --intersect */
	bool force;                     /* --force: reuse a non-empty output directory */
	bool quiet;                     /* -q */
	bool help, version;
};

/*
 * Parses argv into *ret (pure: no I/O). --offset, --drift and --name apply
 * to the input that follows them. Returns 0, -ENOMEM, or -EINVAL with a
 * one-line reason in @why for usage errors. On success free *ret with
 * merge_params_free().
 */
int merge_parse_args(int argc, char **argv, struct merge_params *ret, char *why, size_t why_len);

/* Frees what merge_parse_args() allocated. Accepts a zeroed struct. */
void merge_params_free(struct merge_params *p);

/* Prints the usage text to stdout. */
void merge_print_help(void);

struct merge_result {
	uint64_t events;  /* events written */
	uint64_t lost;    /* lost-event markers carried over */
	unsigned systems; /* systems merged */
	uint64_t first_tod, last_tod; /* span written (--intersect: the common span) */
};

/* What merge_run() reports on the way; each may be NULL. */
struct merge_callbacks {
	void (*progress)(uint64_t events, void *ud);               /* events written so far */
	void (*warn)(const char *path, const char *what, void *ud); /* damage read past */
	void (*report)(const char *line, void *ud);                 /* --sync-report lines */
};

/*
 * Merges the inputs into the output directory, reporting through @cb (with
 * @ud). On failure returns a negative errno with a one-line reason naming the
 * path at fault in @why.
 */
int merge_run(const struct merge_params *p, const struct merge_callbacks *cb, void *ud,
	      struct merge_result *ret, char *why, size_t why_len);

#endif
