/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config-edit.c - what kvmrt-edit-config does to the text between editor
 * runs: check it (parse and validate), and append the findings as comment
 * lines the next save drops again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmrt-cleanup.h"
#include "kvmrt-private.h"

#define NOTE "# kvmrt-edit-config: "

int kvmrt_edit_check(const char *text, const char *path, const struct kvmrt_topology *t,
		     char **ret_report)
{
	_cleanup_(kvmrt_config_freep) struct kvmrt_config *c = NULL;
	struct kvmrt_diags d = {};
	char why[1024], *report = NULL;
	size_t len = 0;
	FILE *f;
	int r = kvmrt_config_parse(text, strlen(text), path, &c, why, sizeof(why));

	if (r == -ENOMEM)
		return r;
	f = open_memstream(&report, &len);
	if (!f)
		return -ENOMEM;
	if (r < 0) {
		fprintf(f, "error: %s\n", why);
		r = 1;
	} else {
		r = kvmrt_validate(c, t, 0, &d);
		for (unsigned i = 0; r >= 0 && i < d.nr; i++)
			fprintf(f, "%s:%u: %s: %s [%s]\n", path, d.d[i].line,
				kvmrt_severity_name(d.d[i].severity), d.d[i].message, d.d[i].rule);
		kvmrt_diags_done(&d);
	}
	if (fclose(f) != 0 || r < 0) {
		free(report);
		return r < 0 ? r : -ENOMEM;
	}
	*ret_report = report;
	return r;
}

int kvmrt_edit_strip(const char *text, char **ret)
{
	char *out = malloc(strlen(text) + 1), *o = out;

	if (!out)
		return -ENOMEM;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (strncmp(p, NOTE, strlen(NOTE)) != 0) {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	*o = '\0';
	/* drop the blank line the notes were appended after */
	while (o - out >= 2 && o[-1] == '\n' && o[-2] == '\n')
		*--o = '\0';
	*ret = out;
	return 0;
}

int kvmrt_edit_annotate(const char *text, const char *report, char **ret)
{
	_cleanup_free_ char *plain = NULL;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	int r = kvmrt_edit_strip(text, &plain);

	if (r < 0)
		return r;
	f = open_memstream(&out, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "%s%s\n" NOTE "the configuration has errors: fix them and save (these lines "
		   "go away; save it unchanged to give up)\n",
		plain, *plain && plain[strlen(plain) - 1] != '\n' ? "\n" : "");
	for (const char *p = report; *p;) {
		const char *nl = strchr(p, '\n');
		int n = (int)(nl ? nl - p : (long)strlen(p));

		fprintf(f, NOTE "%.*s\n", n, p);
		p += n + (nl != NULL);
	}
	if (fclose(f) != 0) {
		free(out);
		return -ENOMEM;
	}
	*ret = out;
	return 0;
}
