/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostcheck-print.c - the host check results as virt-host-validate-like lines, or as JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "kvmrt-hostcheck.h"

int kvmrt_hostchecks_print(FILE *f, const struct kvmrt_hostchecks *r, bool quiet)
{
	_cleanup_free_ char *cmdline = NULL;
	int width = 0;

	if (kvmrt_hostcheck_cmdline(r, &cmdline) < 0)
		return -ENOMEM;
	for (unsigned i = 0; i < r->nr; i++)
		if ((int)strlen(r->c[i].what) > width)
			width = (int)strlen(r->c[i].what);
	for (unsigned i = 0; i < r->nr; i++) {
		const struct kvmrt_hostcheck *k = &r->c[i];

		if (quiet && k->verdict == KVMRT_PASS)
			continue;
		fprintf(f, "Checking %-*s : %s", width, k->what, kvmrt_verdict_name(k->verdict));
		if (k->verdict != KVMRT_PASS)
			fprintf(f, " (%s)", k->hint ? k->hint : "");
		fputc('\n', f);
	}
	if (!quiet || cmdline[0])
		fprintf(f, "Kernel command line to add: %s\n", cmdline[0] ? cmdline : "nothing");
	return ferror(f) ? -EIO : 0;
}

/* Writes @s as a JSON string (null when NULL). */
static void json_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

int kvmrt_hostchecks_print_json(FILE *f, const struct kvmrt_hostchecks *r)
{
	_cleanup_free_ char *cmdline = NULL;

	if (kvmrt_hostcheck_cmdline(r, &cmdline) < 0)
		return -ENOMEM;
	fputs("{\"checks\": [", f);
	for (unsigned i = 0; i < r->nr; i++) {
		const struct kvmrt_hostcheck *k = &r->c[i];

		fprintf(f, "%s\n  {\"id\": ", i ? "," : "");
		json_string(f, k->id);
		fputs(", \"what\": ", f);
		json_string(f, k->what);
		fprintf(f, ", \"verdict\": \"%s\", \"hint\": ", kvmrt_verdict_name(k->verdict));
		json_string(f, k->hint);
		fputs(", \"param\": ", f);
		json_string(f, k->param);
		fputc('}', f);
	}
	fputs("\n], \"cmdline\": ", f);
	json_string(f, cmdline);
	fprintf(f, ", \"pass\": %u, \"warn\": %u, \"fail\": %u}\n",
		kvmrt_hostchecks_count(r, KVMRT_PASS), kvmrt_hostchecks_count(r, KVMRT_WARN),
		kvmrt_hostchecks_count(r, KVMRT_FAIL));
	return ferror(f) ? -EIO : 0;
}
