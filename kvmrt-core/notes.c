/* SPDX-License-Identifier: GPL-2.0-or-later */
/* notes.c - what host tuning did, could not do, or wants the user to know. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "kvmrt-host.h"
#include "kvmrt-private.h"

int kvmrt_notes_vadd(struct kvmrt_notes *n, enum kvmrt_severity sev, const char *fmt, va_list ap)
{
	struct kvmrt_note *nn = kvmrt_array_grow(n->n, n->nr, &n->cap, sizeof(*nn), 16);
	char *msg;

	if (!nn)
		return -ENOMEM;
	n->n = nn;
	if (vasprintf(&msg, fmt, ap) < 0)
		return -ENOMEM;
	n->n[n->nr].severity = sev;
	n->n[n->nr++].message = msg;
	return 0;
}

int kvmrt_notes_add(struct kvmrt_notes *n, enum kvmrt_severity sev, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = kvmrt_notes_vadd(n, sev, fmt, ap);
	va_end(ap);
	return r;
}

void kvmrt_notes_done(struct kvmrt_notes *n)
{
	for (unsigned i = 0; i < n->nr; i++)
		free(n->n[i].message);
	free(n->n);
	n->n = NULL;
	n->nr = n->cap = 0;
}
