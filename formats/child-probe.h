/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * child-probe.h - running a step that may crash on hostile input in a
 * child process first (private to libxtrace).
 *
 * libtraceevent's print-format parser crashes (NULL dereferences, division
 * by zero) on malformed texts that pass every lexical check; dump formats
 * are untrusted. The reader therefore parses them once in a child: the step
 * reports what it is about to do through xt_probe_progress(), and when the
 * child dies the parent learns the last thing it was doing.
 */
#ifndef XT_CHILD_PROBE_H
#define XT_CHILD_PROBE_H

#include <stdbool.h>

#define XT_PROBE_LABEL_MAX 256

struct xt_probe_report {
	bool crashed;                   /* the child died by a signal or exited non-zero */
	int signal;                     /* the signal, 0 when it exited */
	char last[XT_PROBE_LABEL_MAX];  /* the last label reported before, or "" */
};

/* The step to probe; @progress_fd goes to xt_probe_progress(). */
typedef void (*xt_probe_fn)(void *arg, int progress_fd);

/*
 * Runs @fn(@arg) in a forked child and waits for it. Returns 0 with *ret
 * filled, or a negative errno when no child could be run.
 */
int xt_probe_in_child(xt_probe_fn fn, void *arg, struct xt_probe_report *ret);

/* Reports @label as the step now starting (no-op when @fd < 0). */
void xt_probe_progress(int fd, const char *label);

#endif
