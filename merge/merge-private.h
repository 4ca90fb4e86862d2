/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merge-private.h - the parts of merge_run() in files of their own.
 */
#ifndef XMERGE_PRIVATE_H
#define XMERGE_PRIVATE_H

#include "merge-params.h"

/*
 * Reads @src (just opened) for guest-services ping pairs, fits each guest's
 * clock and writes the corrections into @in (the inputs @src was opened
 * from), except for inputs whose correction was given by hand or that
 * hold several systems. Reports each fit through cb->report when asked.
 * Returns 1 when a correction was set (reopen the inputs), 0 when none was,
 * or a negative errno with a reason in @why.
 */
int merge_sync(const struct merge_params *p, struct xt_source *src, struct xt_source_input *in,
	       const struct merge_callbacks *cb, void *ud, char *why, size_t why_len);

#endif
