/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-journal.c - bytes into the host tuning journal parser: every line is
 * an entry or a damage message, and every entry formats to a line that parses
 * back to the same entry.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tuning-private.h"

static bool same_entry(const struct journal_entry *a, const struct journal_entry *b)
{
	return a->seq == b->seq && !strcmp(a->uuid, b->uuid) && a->kind == b->kind &&
	       !strcmp(a->step, b->step) && !strcmp(a->key, b->key) &&
	       !strcmp(a->before, b->before) && !strcmp(a->after, b->after) &&
	       !strcmp(a->aux, b->aux);
}

/* @e formatted and parsed again (after a header) is @e. */
static void check_roundtrip(const struct journal_entry *e)
{
	struct journal back = {.dir_fd = -1, .lock_fd = -1, .path = strdup("back")};
	char *line, *text;

	if (!back.path || journal_entry_line(e, &line) < 0)
		abort();
	if (asprintf(&text, "kvmrt-journal 1\n%s", line) < 0 ||
	    journal_parse(&back, text, strlen(text)) < 0 || back.nr != 1 || back.nr_damage ||
	    !same_entry(e, &back.e[0]))
		abort();
	free(text);
	free(line);
	journal_close(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal j = {.dir_fd = -1, .lock_fd = -1, .path = strdup("fuzz")};
	unsigned lines = 0;

	if (!j.path)
		return 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (journal_parse(&j, (const char *)data, size) == 0) {
		/* The header line is neither; a torn tail is one more damaged line. */
		if (j.nr + j.nr_damage > lines + 1)
			abort();
		for (unsigned i = 0; i < j.nr; i++)
			check_roundtrip(&j.e[i]);
	}
	journal_close(&j);
	return 0;
}
