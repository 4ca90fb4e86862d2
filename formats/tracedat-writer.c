/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tracedat-writer.c - trace-cmd's trace.dat version 6 around ring-buffer
 * pages.
 *
 * Layout, all numbers little-endian: magic, "6", endianness, long size,
 * page size; header_page and header_event; the ftrace formats; the other
 * formats by system; kallsyms; printk formats (empty); saved cmdlines; CPU
 * count; options (the trace clock); "flyrecord" with each CPU's data offset
 * and size, then the clock again as trace-cmd writes it; page-aligned data.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xt-tracedat.h"

#define OPTION_DONE 0u
#define OPTION_TRACECLOCK 4u
#define OPTION_UNAME 5u
#define MAX_UNAME 1024u
#define MAX_CLOCK 32u

struct cpu_data {
	uint64_t offset;
	uint64_t size;
};

struct xt_tracedat {
	FILE *out;
	uint32_t page_size;
	unsigned ncpus;
	int cur;        /* CPU being written, -1 before the first */
	uint64_t table; /* file offset of the flyrecord CPU table */
	struct cpu_data cpus[XT_TRACEDAT_MAX_CPUS];
};

static void put_bytes(FILE *out, const void *p, size_t len)
{
	fwrite(p, 1, len, out);
}

static void put_le(FILE *out, uint64_t v, unsigned bytes)
{
	uint8_t b[8];

	for (unsigned i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put_bytes(out, b, bytes);
}

static void put_str0(FILE *out, const char *s)
{
	put_bytes(out, s, strlen(s) + 1);
}

/* A u64 size, then the bytes. */
static void put_sized(FILE *out, const char *s, size_t len)
{
	put_le(out, len, 8);
	put_bytes(out, s, len);
}

static bool is_ftrace(const struct xt_tracedat_format *f)
{
	return !strcmp(f->system, "ftrace");
}

/* Whether format @i is the first of its system. */
static bool first_of_system(const struct xt_tracedat_info *info, unsigned i)
{
	for (unsigned j = 0; j < i; j++)
		if (!strcmp(info->formats[j].system, info->formats[i].system))
			return false;
	return true;
}

static uint32_t system_count(const struct xt_tracedat_info *info, const char *system)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < info->n_formats; i++)
		n += !strcmp(info->formats[i].system, system);
	return n;
}

static void put_system(FILE *out, const struct xt_tracedat_info *info, const char *system)
{
	for (unsigned i = 0; i < info->n_formats; i++)
		if (!strcmp(info->formats[i].system, system))
			put_sized(out, info->formats[i].text, info->formats[i].len);
}

static void put_formats(FILE *out, const struct xt_tracedat_info *info)
{
	uint32_t nsystems = 0;

	for (unsigned i = 0; i < info->n_formats; i++)
		nsystems += !is_ftrace(&info->formats[i]) && first_of_system(info, i);
	put_le(out, system_count(info, "ftrace"), 4);
	put_system(out, info, "ftrace");
	put_le(out, nsystems, 4);
	for (unsigned i = 0; i < info->n_formats; i++) {
		const char *system = info->formats[i].system;

		if (is_ftrace(&info->formats[i]) || !first_of_system(info, i))
			continue;
		put_str0(out, system);
		put_le(out, system_count(info, system), 4);
		put_system(out, info, system);
	}
}

static void put_header(struct xt_tracedat *td, const struct xt_tracedat_info *info)
{
	static const uint8_t magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	const char *kallsyms = info->kallsyms ? info->kallsyms : "";
	const char *cmdlines = info->cmdlines ? info->cmdlines : "";
	FILE *out = td->out;
	char clock_opt[MAX_CLOCK + 3];

	put_bytes(out, magic, sizeof(magic));
	put_str0(out, "6");
	put_bytes(out, "\0\x08", 2); /* little endian, 8-byte longs */
	put_le(out, info->page_size, 4);

	put_bytes(out, "header_page", 12);
	put_sized(out, info->header_page, info->header_page_len);
	put_bytes(out, "header_event", 13);
	put_sized(out, info->header_event, info->header_event_len);

	put_formats(out, info);

	put_le(out, strlen(kallsyms), 4);
	put_bytes(out, kallsyms, strlen(kallsyms));
	put_le(out, 0, 4); /* printk formats */
	put_sized(out, cmdlines, strlen(cmdlines));

	put_le(out, td->ncpus, 4);
	put_bytes(out, "options  ", 10);
	snprintf(clock_opt, sizeof(clock_opt), "[%s]", info->clock);
	put_le(out, OPTION_TRACECLOCK, 2);
	put_le(out, strlen(clock_opt) + 1, 4);
	put_str0(out, clock_opt);
	if (info->uname) {
		put_le(out, OPTION_UNAME, 2);
		put_le(out, strlen(info->uname) + 1, 4);
		put_str0(out, info->uname);
	}
	put_le(out, OPTION_DONE, 2);

	put_bytes(out, "flyrecord", 10);
	td->table = (uint64_t)ftello(out);
	for (unsigned cpu = 0; cpu < td->ncpus; cpu++) {
		put_le(out, 0, 8);
		put_le(out, 0, 8);
	}
	/* with the clock option, readers expect the clock text after the table */
	put_sized(out, clock_opt, strlen(clock_opt));
}

static bool info_valid(const struct xt_tracedat_info *info)
{
	if (info->ncpus == 0 || info->ncpus > XT_TRACEDAT_MAX_CPUS || !info->clock ||
	    strlen(info->clock) > MAX_CLOCK || info->page_size < 64 ||
	    (info->page_size & (info->page_size - 1)) || !info->header_page ||
	    !info->header_event || (info->n_formats && !info->formats) ||
	    (info->uname && strlen(info->uname) > MAX_UNAME))
		return false;
	for (unsigned i = 0; i < info->n_formats; i++)
		if (!info->formats[i].system || !info->formats[i].text)
			return false;
	return true;
}

int xt_tracedat_create(const char *path, const struct xt_tracedat_info *info,
		       struct xt_tracedat **ret)
{
	struct xt_tracedat *td;

	if (!info_valid(info))
		return -EINVAL;
	td = calloc(1, sizeof(*td));
	if (!td)
		return -ENOMEM;
	td->ncpus = info->ncpus;
	td->page_size = info->page_size;
	td->cur = -1;
	td->out = fopen(path, "we");
	if (!td->out) {
		int r = -errno;

		xt_tracedat_free(td);
		return r;
	}
	put_header(td, info);
	if (ferror(td->out)) {
		xt_tracedat_free(td);
		return -EIO;
	}
	*ret = td;
	return 0;
}

static int pad_to_page(struct xt_tracedat *td)
{
	static const uint8_t zeros[4096];
	off_t at = ftello(td->out);
	size_t pad;

	if (at < 0)
		return -errno;
	pad = at % td->page_size ? td->page_size - (size_t)(at % td->page_size) : 0;
	while (pad > 0) {
		size_t n = pad < sizeof(zeros) ? pad : sizeof(zeros);

		put_bytes(td->out, zeros, n);
		pad -= n;
	}
	return ferror(td->out) ? -EIO : 0;
}

int xt_tracedat_cpu_begin(struct xt_tracedat *td, unsigned cpu)
{
	int r;

	if (cpu >= td->ncpus || (int)cpu <= td->cur)
		return -EINVAL;
	r = pad_to_page(td);
	if (r < 0)
		return r;
	td->cur = (int)cpu;
	td->cpus[cpu].offset = (uint64_t)ftello(td->out);
	return 0;
}

int xt_tracedat_page(struct xt_tracedat *td, const void *page)
{
	if (td->cur < 0)
		return -EINVAL;
	if (fwrite(page, 1, td->page_size, td->out) != td->page_size)
		return -EIO;
	td->cpus[td->cur].size += td->page_size;
	return 0;
}

int xt_tracedat_close(struct xt_tracedat *td)
{
	uint8_t table[XT_TRACEDAT_MAX_CPUS * 16];
	FILE *out = td->out;
	int r = 0;

	for (unsigned cpu = 0; cpu < td->ncpus; cpu++) {
		for (unsigned i = 0; i < 8; i++) {
			table[cpu * 16 + i] = (uint8_t)(td->cpus[cpu].offset >> (8 * i));
			table[cpu * 16 + 8 + i] = (uint8_t)(td->cpus[cpu].size >> (8 * i));
		}
	}
	td->out = NULL;
	if (fflush(out) || ferror(out))
		r = -EIO;
	else if (pwrite(fileno(out), table, td->ncpus * 16u, (off_t)td->table) !=
		 (ssize_t)(td->ncpus * 16u))
		r = -EIO;
	if (fclose(out) && r == 0)
		r = -EIO;
	return r;
}

void xt_tracedat_free(struct xt_tracedat *td)
{
	if (!td)
		return;
	if (td->out)
		fclose(td->out);
	free(td);
}
