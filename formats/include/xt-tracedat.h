/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xt-tracedat.h - writing trace-cmd's trace.dat version 6 (man 5
 * trace-cmd.dat.v6) around ring-buffer pages, so that `trace-cmd report`
 * and KernelShark read them: the fixture generator's trace.dat and
 * `xtrace-view --export tracedat`.
 */
#ifndef XT_TRACEDAT_H
#define XT_TRACEDAT_H

#include <stddef.h>
#include <stdint.h>

/* One event format text (the tracefs "format" file) and its system. */
struct xt_tracedat_format {
	const char *system; /* "ftrace", "sched", ... */
	const char *text;
	size_t len;
};

/* What the header of the file says. Texts are borrowed during xt_tracedat_create(). */
struct xt_tracedat_info {
	uint32_t page_size;
	unsigned ncpus; /* 1..XT_TRACEDAT_MAX_CPUS */
	const char *clock; /* trace clock name, at most 32 bytes */
	const char *header_page;
	size_t header_page_len;
	const char *header_event;
	size_t header_event_len;
	/* Written ftrace first, then by system in order of first appearance. */
	const struct xt_tracedat_format *formats;
	unsigned n_formats;
	const char *kallsyms; /* may be NULL */
	const char *cmdlines; /* saved_cmdlines text, may be NULL */
	/* The UNAME option, "sysname nodename release version machine" (trace-cmd
	 * report --uname shows it; inputs take host, kernel and arch from it); may be NULL. */
	const char *uname;
};

#define XT_TRACEDAT_MAX_CPUS 256u

struct xt_tracedat;

/*
 * Creates @path and writes the header. CPU data follows with
 * xt_tracedat_cpu_begin() for CPUs in ascending order, pages with
 * xt_tracedat_page(). Returns 0, -EINVAL (bad info) or a negative errno of
 * the file. Free with xt_tracedat_free() (after xt_tracedat_close() to keep
 * the file).
 */
int xt_tracedat_create(const char *path, const struct xt_tracedat_info *info,
		       struct xt_tracedat **ret);

/* Starts the data of @cpu (page-aligned). -EINVAL when out of order or range. */
int xt_tracedat_cpu_begin(struct xt_tracedat *td, unsigned cpu);

/* Appends one page (page_size bytes) of the current CPU. */
int xt_tracedat_page(struct xt_tracedat *td, const void *page);

/* Writes the CPU offset table and closes the file. Returns 0 or -EIO. */
int xt_tracedat_close(struct xt_tracedat *td);

void xt_tracedat_free(struct xt_tracedat *td);

#endif
