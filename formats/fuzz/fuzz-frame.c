/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-frame.c - feeds bytes to the frame reader as a data file. Every
 * frame it returns and every damage it reports must lie inside the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "xt-frame.h"

/* Payload bytes are summed into it so that every byte returned is read. */
static volatile unsigned sink;

struct fuzz_frame {
	size_t size;
	unsigned torn;
};

static void check_diag(const struct xt_diag *d, void *userdata)
{
	struct fuzz_frame *f = userdata;

	if (d->offset > f->size || !d->detail || !d->path)
		abort();
	if (d->kind == XT_DIAG_TORN_TAIL && ++f->torn > 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct fuzz_frame f = { .size = size };
	const struct xt_frame_header *h;
	struct xt_frame_reader *r;
	const void *payload;
	unsigned sum = 0;

	if (fd < 0) {
		fd = memfd_create("fuzz-frame", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (xt_frame_reader_open(path, 5, check_diag, &f, &r) < 0)
		abort();
	while (xt_frame_reader_next(r, &h, &payload) == 1) {
		if (xt_frame_reader_offset(r) + XT_FRAME_HEADER_SIZE + h->comp_size > size ||
		    h->raw_size > XT_FRAME_MAX_RAW)
			abort();
		for (uint32_t i = 0; i < h->raw_size; i++)
			sum += ((const uint8_t *)payload)[i];
	}
	xt_frame_reader_free(r);
	sink = sum;
	return 0;
}
