/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-render.c - feeds untrusted record bytes to the renderers, with the
 * kernel's real event formats (fixtures/formats).
 *
 * Input: one flags byte, then records, each a length byte and that many
 * bytes (255: a lost-events marker instead). Flags: bit 0 --raw, bits 1-2
 * the time mode, bit 3 a tiny output buffer, bit 4 a counting trace clock.
 * Each record is copied to a buffer of exactly its size so that a read
 * past it is caught by the sanitizers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xtrace.h>

#include "formats-load.h"
#include "fuzz.h"
#include "xview.h"

static const char all_fields[] = "time,host,cpu,event,arg,pid,comm,name";

static struct tep_handle *formats(void)
{
	static struct tep_handle *tep;

	if (!tep && vt_formats_load(VIEW_FORMATS_DIR, &tep) < 0)
		abort();
	return tep;
}

static void render(struct xv_view *v, const uint8_t *p, size_t len, uint64_t n)
{
	struct xt_event ev = { .tod = n * 1000, .ts = n * 999, .cpu = (uint32_t)(n % 3) };
	uint8_t *copy = len ? malloc(len) : NULL;
	int r;

	if (len && !copy)
		return;
	if (len)
		memcpy(copy, p, len);
	ev.data = copy;
	ev.size = (uint32_t)len;
	r = xv_view_event(v, &ev);
	if (r < 0 && r != -ENOMEM)
		abort();
	free(copy);
}

static void render_all(struct xv_view *v, const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	uint64_t n = 0;

	while (p < end) {
		size_t len = *p++;

		if (len == 255) {
			struct xt_event lost = { .tod = n * 1000, .kind = XT_EVENT_LOST,
						 .cpu = (uint32_t)(n % 3), .lost = n };

			if (xv_view_event(v, &lost) < 0)
				abort();
		} else {
			if (len > (size_t)(end - p))
				len = (size_t)(end - p);
			render(v, p, len, n);
			p += len;
		}
		n++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xv_view_opts opts = { 0 };
	struct tep_handle *tep = formats();
	struct xv_view *v;
	int fd;

	if (size < 1)
		return 0;
	opts.raw = data[0] & 1;
	opts.time = (enum xv_time_mode)((data[0] >> 1 & 3) % 3);
	opts.out_cap = data[0] & 8 ? XV_OUT_MIN_CAP : 0;
	if (xv_fields_parse(all_fields, &opts.fields, NULL, 0) < 0)
		abort();
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || xv_view_new(&opts, fd, &v) < 0)
		abort();
	if (xv_view_add_system(v, tep, "fuzz", "x86_64", data[0] & 16 ? "x86-tsc" : "tai") < 0)
		abort();
	render_all(v, data + 1, size - 1);
	if (xv_view_flush(v) < 0)
		abort();
	xv_view_free(v);
	close(fd);
	return 0;
}
