/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * affinity-tool.h - irq-affinity, task-affinity and cpustat: their options
 * (parsed purely: tests feed argv arrays), aligned tables or JSON, and what
 * each tool does.
 */
#ifndef KVMRT_AFFINITY_TOOL_H
#define KVMRT_AFFINITY_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "kvmrt-host.h"

enum affinity_tool {
	AFFINITY_IRQ,     /* irq-affinity */
	AFFINITY_TASK,    /* task-affinity */
	AFFINITY_CPUSTAT, /* cpustat */
};

struct affinity_params {
	enum affinity_tool tool;
	const char *sysroot;      /* --sysroot DIR, NULL = this host */
	const char *journal;      /* cpustat --journal DIR, NULL = KVMRT_JOURNAL_DIR */
	const char *config;       /* cpustat -f FILE: names of the VMs (default KVMRT_DEFAULT_CONFIG) */
	bool have_cpus;           /* --cpus given */
	struct kvmrt_ids cpus;    /* --cpus LIST */
	bool have_set;            /* --set FROM:TO given */
	struct kvmrt_ids from, to;
	pid_t pid;                /* task-affinity --pid, 0 = every process */
	bool managed, unmanaged;  /* irq-affinity: only managed / only unmanaged IRQs */
	bool threads;             /* task-affinity: every thread */
	bool dry_run, json;
	bool help, version;
};

/*
 * Parses argv for @tool into *ret (free with affinity_params_done()).
 * Returns 0 or -EINVAL with the reason in @why.
 */
int affinity_parse_args(enum affinity_tool tool, int argc, char **argv,
			struct affinity_params *ret, char *why, size_t why_len);
void affinity_params_done(struct affinity_params *p);
void affinity_print_help(enum affinity_tool tool);

/* Runs the tool: parse, --help/--version, the work. Returns the exit code. */
int affinity_tool_main(enum affinity_tool tool, int argc, char **argv);

/* ---- Tables (affinity-table.c) ---- */

enum table_type {
	TABLE_STRING,
	TABLE_NUMBER, /* JSON number */
	TABLE_BOOL,   /* "yes"/"no" in text, true/false in JSON */
	TABLE_LIST,   /* a CPU list; "" is an empty list */
};

struct table_column {
	const char *head; /* text heading ("EFFECTIVE") */
	const char *key;  /* JSON key ("effective") */
	enum table_type type;
};

/* Rows of cells ("-" = nothing to show, null in JSON). */
struct table {
	const struct table_column *cols;
	unsigned nr_cols, nr_rows, cap;
	char **cells; /* nr_rows * nr_cols */
};

void table_init(struct table *t, const struct table_column *cols, unsigned nr_cols);
void table_done(struct table *t);
/* Appends a row of nr_cols cells (copied). Returns 0 or -ENOMEM. */
int table_add_row(struct table *t, const char *const *cells);
/* Writes the table with aligned columns, or as a JSON array of objects. Returns 0 or -EIO. */
int table_print(const struct table *t, bool json, FILE *f);
/*
 * Prints @t to stdout unless @r (the result of filling it) is negative, reports
 * failures naming @what, frees @t. Returns the exit code.
 */
int table_emit(struct table *t, int r, bool json, const char *what);
/* Replaces control characters in @s (a name a process chose) with '?', for a terminal. */
void table_sanitize(char *s);
/* "yes", "no", or "-" when not @known. */
const char *table_yes_no(bool v, bool known);

/* ---- The tools (affinity-irq.c, affinity-task.c, affinity-cpus.c) ---- */

/*
 * What the tool prints and does, with the host under @s. Each reports its own
 * failures (one line) and returns the exit code.
 */
int irq_affinity_run(const struct affinity_params *p, const struct kvmrt_sysroot *s);
int task_affinity_run(const struct affinity_params *p, const struct kvmrt_sysroot *s);
int cpustat_run(const struct affinity_params *p, const struct kvmrt_sysroot *s);

/*
 * The affinity --set FROM:TO gives a thing now on @cur (which intersects
 * FROM): @cur without FROM, plus TO. Returns 0 or -ENOMEM; *ret is
 * initialised by this call.
 */
int affinity_moved(const struct kvmrt_ids *cur, const struct kvmrt_ids *from,
		   const struct kvmrt_ids *to, struct kvmrt_ids *ret);

#endif
