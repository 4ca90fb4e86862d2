/* SPDX-License-Identifier: GPL-2.0-or-later */
/* affinity-table.c - the tables of irq-affinity, task-affinity and cpustat: text or JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity-tool.h"
#include "cleanup.h"
#include "tool.h"

void table_init(struct table *t, const struct table_column *cols, unsigned nr_cols)
{
	*t = (struct table){ .cols = cols, .nr_cols = nr_cols };
}

void table_done(struct table *t)
{
	for (size_t i = 0; i < (size_t)t->nr_rows * t->nr_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nr_rows = t->cap = 0;
}

int table_add_row(struct table *t, const char *const *cells)
{
	char **row;

	if (t->nr_rows == t->cap) {
		unsigned cap = t->cap ? t->cap * 2 : 64;
		char **n = reallocarray(t->cells, (size_t)cap * t->nr_cols, sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->cells = n;
		t->cap = cap;
	}
	row = t->cells + (size_t)t->nr_rows * t->nr_cols;
	for (unsigned c = 0; c < t->nr_cols; c++) {
		row[c] = strdup(cells[c]);
		if (!row[c]) {
			while (c--)
				free(row[c]);
			return -ENOMEM;
		}
	}
	t->nr_rows++;
	return 0;
}

void table_sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

const char *table_yes_no(bool v, bool known)
{
	return !known ? "-" : v ? "yes" : "no";
}

static const char *cell(const struct table *t, unsigned row, unsigned col)
{
	const char *s = t->cells[(size_t)row * t->nr_cols + col];

	/* an empty CPU list shows as "-" in text */
	return *s ? s : "-";
}

static int print_text(const struct table *t, FILE *f)
{
	_cleanup_free_ size_t *width = calloc(t->nr_cols, sizeof(*width));

	if (!width)
		return -ENOMEM;
	for (unsigned c = 0; c < t->nr_cols; c++) {
		width[c] = strlen(t->cols[c].head);
		for (unsigned r = 0; r < t->nr_rows; r++)
			if (strlen(cell(t, r, c)) > width[c])
				width[c] = strlen(cell(t, r, c));
	}
	for (unsigned r = 0; r <= t->nr_rows; r++) {
		for (unsigned c = 0; c < t->nr_cols; c++) {
			const char *s = r ? cell(t, r - 1, c) : t->cols[c].head;
			bool last = c + 1 == t->nr_cols;
			int w = (int)width[c];

			if (t->cols[c].type == TABLE_NUMBER)
				fprintf(f, "%*s%s", w, s, last ? "" : "  ");
			else if (last)
				fputs(s, f);
			else
				fprintf(f, "%-*s  ", w, s);
		}
		fputc('\n', f);
	}
	return 0;
}

static void json_string(const char *s, FILE *f)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* A CPU list as a JSON array of numbers. */
static void json_list(const char *s, FILE *f)
{
	struct kvmrt_ids ids;
	char why[128];
	bool first = true;

	if (kvmrt_idset_parse(s, KVMRT_MAX_IDS, &ids, why, sizeof(why)) < 0) {
		json_string(s, f);
		return;
	}
	fputc('[', f);
	for (int id = kvmrt_ids_next(&ids, 0); id >= 0;
	     id = kvmrt_ids_next(&ids, (unsigned)id + 1)) {
		fprintf(f, "%s%d", first ? "" : ", ", id);
		first = false;
	}
	fputc(']', f);
	kvmrt_ids_done(&ids);
}

static void json_value(const struct table_column *col, const char *s, FILE *f)
{
	if (!strcmp(s, "-"))
		fputs("null", f);
	else if (col->type == TABLE_NUMBER)
		fputs(s, f);
	else if (col->type == TABLE_BOOL)
		fputs(!strcmp(s, "yes") ? "true" : "false", f);
	else if (col->type == TABLE_LIST)
		json_list(s, f);
	else
		json_string(s, f);
}

static void print_json(const struct table *t, FILE *f)
{
	fputs("[", f);
	for (unsigned r = 0; r < t->nr_rows; r++) {
		fputs(r ? ",\n  {" : "\n  {", f);
		for (unsigned c = 0; c < t->nr_cols; c++) {
			fprintf(f, "%s\"%s\": ", c ? ", " : "", t->cols[c].key);
			json_value(&t->cols[c], t->cells[(size_t)r * t->nr_cols + c], f);
		}
		fputs("}", f);
	}
	fputs(t->nr_rows ? "\n]\n" : "]\n", f);
}

int table_print(const struct table *t, bool json, FILE *f)
{
	if (json)
		print_json(t, f);
	else if (print_text(t, f) < 0)
		return -ENOMEM;
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}

int table_emit(struct table *t, int r, bool json, const char *what)
{
	if (r == 0 && table_print(t, json, stdout) < 0)
		r = tool_error(-EIO, "standard output");
	else if (r < 0)
		tool_error(r, "%s", what);
	table_done(t);
	return r < 0 ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
}
