/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-run-probe.c - bytes into what `kvmrt-latency run` reads from the
 * systems it measures (a guest writes them): the probe's "key = value"
 * answer, and cyclictest's break lines. An accepted probe names a work
 * directory that mktemp made; a break's CPU is the thread's place in the
 * measured CPU list (0-3 here) or unknown.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "run-params.h"

#define WORKDIR "/tmp/kvmrt-latency."

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct lat_probe p;
	struct lat_break b;
	char why[256];
	int r;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (lat_probe_parse(text, &p, why, sizeof(why)) == 0 &&
	    (strncmp(p.workdir, WORKDIR, strlen(WORKDIR)) || strlen(p.workdir) != strlen(WORKDIR) + 6 ||
	     strchr(p.workdir + strlen(WORKDIR), '/') || !p.online[0]))
		abort();
	r = lat_break_parse(text, "0-3", &b);
	if (r == 1 && (b.tid < 0 || b.cpu != (b.thread < 4 ? (int)b.thread : -1)))
		abort();
	if (r != 0 && r != 1 && r != -EBADMSG)
		abort();
	free(text);
	return 0;
}
