/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-pages.c - feeds bytes as ring-buffer pages to a CPU stream: they are
 * stored as one valid frame of cpu0.xtd in a dump (made once per process,
 * 256-byte pages so that an input holds several) and decoded. Every event
 * returned must be readable to its last byte.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "xtrace.h"

#define PAGE 256u
#define MAX_PAGES 1024u

/* events/header_page of a 64-bit kernel (fixtures/formats/header_page). */
static const char header_page[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n";

struct fuzz_dump {
	char dir[64];
	char *cpu_path;
	struct xt_dump *d;
};

static volatile unsigned sink;
static struct fuzz_dump the_dump;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_dump(void)
{
	xt_dump_free(the_dump.d);
	free(the_dump.cpu_path);
	nftw(the_dump.dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

static struct fuzz_dump *dump_once(void)
{
	struct fuzz_dump *f = &the_dump;
	struct xt_dump_writer *w;
	struct xt_frame_writer *fw;

	if (f->d)
		return f;
	snprintf(f->dir, sizeof(f->dir), "/tmp/fuzz-pages-XXXXXX");
	if (!mkdtemp(f->dir) || xt_dump_writer_create(f->dir, XT_DUMP_FORCE, &w) < 0 ||
	    xt_dump_writer_set(w, XT_META_PAGE_SIZE, "%u", PAGE) < 0 ||
	    xt_dump_writer_set(w, XT_META_TRACE_CLOCK, "local") < 0 ||
	    xt_dump_writer_add_anchor(w, 0, 1000000000) < 0 ||
	    xt_dump_writer_write_file(w, "events/header_page", header_page,
				      sizeof(header_page) - 1) < 0 ||
	    xt_dump_writer_cpu(w, 0, &fw) < 0 || xt_dump_writer_close(w) < 0)
		abort();
	xt_dump_writer_free(w);
	if (xt_dump_open(f->dir, &f->d) < 0)
		abort();
	f->cpu_path = xt_dump_cpu_path(f->d, 0);
	if (!f->cpu_path)
		abort();
	atexit(remove_dump);
	return f;
}

/* cpu0.xtd := one frame holding @data cut into pages (the last one zero-padded). */
static void store_pages(struct fuzz_dump *f, const uint8_t *data, size_t size)
{
	static uint8_t page[PAGE];
	struct xt_frame_writer *fw;
	int fd = open(f->cpu_path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0 || xt_frame_writer_new(fd, 0, PAGE * MAX_PAGES, 1, &fw) < 0)
		abort();
	for (size_t off = 0; off < size && off / PAGE < MAX_PAGES; off += PAGE) {
		size_t len = size - off < PAGE ? size - off : PAGE;

		memset(page, 0, PAGE);
		memcpy(page, data + off, len);
		if (xt_frame_writer_append(fw, page, PAGE, 0, 0) < 0)
			abort();
	}
	if (xt_frame_writer_flush(fw) < 0)
		abort();
	xt_frame_writer_free(fw);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_dump *f = dump_once();
	struct xt_stream *s;
	struct xt_event ev;
	unsigned sum = 0;

	store_pages(f, data, size);
	if (xt_cpu_stream_new(f->d, 0, 0, NULL, NULL, &s) < 0)
		abort();
	while (xt_stream_next(s, &ev) == 1) {
		if (ev.kind == XT_EVENT_RECORD && (!ev.data || ev.size > PAGE))
			abort();
		for (uint32_t i = 0; i < ev.size; i++)
			sum += ((const uint8_t *)ev.data)[i];
	}
	xt_stream_free(s);
	sink = sum;
	return 0;
}
