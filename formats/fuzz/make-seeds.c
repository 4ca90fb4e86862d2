/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * make-seeds.c - writes the binary seeds of the fuzz corpus:
 *   make-seeds formats/fuzz/corpus
 * frame/: a valid 2-frame data file, the same cut inside its second frame,
 * and with a flipped header byte; pages/: 256-byte ring-buffer pages with
 * events, a missed-events mark and a time extend, and one with a bad commit;
 * merged/: frames of merged records in layout 2 (events of two systems and
 * a lost-events record) and layout 1, as fuzz-merged.c takes them.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "merged-record.h"
#include "xtrace.h"

#define PAGE 256u

static void put_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "make-seeds: %s: cannot write\n", path);
		exit(1);
	}
}

static void frame_seeds(const char *dir)
{
	char tmp[] = "/tmp/make-seeds-XXXXXX";
	static const char text[] = "sched_switch: prev_comm=bash prev_pid=1234 next_comm=swapper";
	struct xt_frame_writer *w;
	uint8_t buf[4096];
	uint64_t first;
	ssize_t len;
	int fd = mkstemp(tmp);

	if (fd < 0 || xt_frame_writer_new(fd, 0, 4096, 3, &w) < 0)
		exit(1);
	for (int i = 0; i < 2; i++) {
		if (xt_frame_writer_append(w, text, sizeof(text), 100 + i, 200 + i) < 0 ||
		    xt_frame_writer_append(w, text, sizeof(text) / 2, 300 + i, 400 + i) < 0 ||
		    xt_frame_writer_flush(w) < 0)
			exit(1);
		if (i == 0)
			first = xt_frame_writer_bytes(w);
	}
	xt_frame_writer_free(w);
	len = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	unlink(tmp);
	if (len <= 0)
		exit(1);
	put_file(dir, "frame/two-frames", buf, (size_t)len);
	put_file(dir, "frame/torn", buf, (size_t)(first + (uint64_t)len) / 2 + 20);
	buf[first + 20] ^= 0x01;
	put_file(dir, "frame/flipped-header", buf, (size_t)len);
}

static void page_seeds(const char *dir)
{
	struct xt_page_builder *b;
	uint8_t pages[2 * PAGE];
	uint8_t ev[40] = { 0x74, 0x01 }; /* common_type 372 */

	if (xt_page_builder_new(PAGE, &b) < 0)
		exit(1);
	for (unsigned i = 0; i < 3; i++)
		if (xt_page_builder_add(b, 1000 + i * 10, ev, 8 + i * 12) < 0)
			exit(1);
	memcpy(pages, xt_page_builder_page(b), PAGE);
	xt_page_builder_reset(b);
	xt_page_builder_set_missed(b, 42);
	if (xt_page_builder_add(b, 5000, ev, sizeof(ev)) < 0 ||
	    xt_page_builder_add(b, 5000 + (1ull << 30), ev, 4) < 0)
		exit(1);
	memcpy(pages + PAGE, xt_page_builder_page(b), PAGE);
	xt_page_builder_free(b);
	put_file(dir, "pages/events", pages, sizeof(pages));
	pages[8] = 0xff; /* commit beyond the page */
	pages[9] = 0x0f;
	put_file(dir, "pages/bad-commit", pages, PAGE);
}

static void merged_seeds(const char *dir)
{
	static const uint8_t ev[28] = { 0x74, 0x01, 0, 0, 0xd2, 0x04 };
	struct merged_record_v1 v1 = { .tod = 1000, .ts = 7, .system = 1, .cpu = 2, .size = 5 };
	struct merged_encoder e = {};
	uint8_t buf[512] = { 1, 2 }; /* layout 2, two systems */
	size_t len = 2;

	for (int i = 0; i < 2; i++)
		if (merged_encoder_add_system(&e) < 0)
			exit(1);
	merged_encoder_frame(&e, 1000);
	for (unsigned i = 0; i < 6; i++) {
		struct xt_event x = { .tod = 1000 + 30 * i, .ts = 77 + 30 * i, .data = ev,
				      .size = sizeof(ev), .system = i % 2, .cpu = i / 3 };

		if (i == 4)
			x = (struct xt_event){ .tod = 1120, .ts = 197, .kind = XT_EVENT_LOST,
					       .lost = 42, .system = 0, .cpu = 1 };
		len += merged_encode_head(&e, &x, x.kind ? 8 : sizeof(ev), buf + len);
		memcpy(buf + len, x.kind ? (const void *)&x.lost : ev, x.kind ? 8 : sizeof(ev));
		len += x.kind ? 8 : sizeof(ev);
		merged_encoder_commit(&e, &x);
	}
	merged_encoder_fini(&e);
	put_file(dir, "merged/layout2", buf, len);
	memset(buf, 0, sizeof(buf));
	buf[1] = 2; /* layout 1, two systems */
	memcpy(buf + 2, &v1, sizeof(v1));
	memcpy(buf + 2 + sizeof(v1), "hello", 5);
	put_file(dir, "merged/layout1", buf, 2 + sizeof(v1) + 8);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: make-seeds CORPUS_DIR\n");
		return 2;
	}
	frame_seeds(argv[1]);
	page_seeds(argv[1]);
	merged_seeds(argv[1]);
	return 0;
}
