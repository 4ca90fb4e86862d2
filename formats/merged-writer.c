/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merged-writer.c - writes a multi-merge directory: the systems' metadata
 * and formats under systems/I/, and one time-ordered record stream.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fileio.h"
#include "dump-private.h"
#include "meta.h"
#include "merged-record.h"
#include "xt-merged.h"

#define MERGED_FRAME_BYTES (1u << 20)
#define MERGED_ZSTD_LEVEL -1
#define MERGED_QUEUE_FRAMES 1 /* one frame waits while the one before is compressed */

struct xt_merged_writer {
	struct xt_dump_writer *dir; /* the directory, its metadata and copied files */
	int stream_fd;
	struct xt_frame_writer *stream;
	struct merged_encoder enc;
	size_t frame_used; /* raw bytes of the frame being filled */
	unsigned nr_systems;
	uint64_t nr_records;
};

int xt_merged_writer_create(const char *dir, unsigned flags, struct xt_merged_writer **ret)
{
	struct xt_merged_writer *w = calloc(1, sizeof(*w));
	_cleanup_free_ char *path = NULL;
	int r;

	if (!w)
		return -ENOMEM;
	w->stream_fd = -1;
	r = xt_dump_writer_create(dir, flags, &w->dir);
	if (r < 0)
		goto fail;
	r = xt_dump_writer_set(w->dir, XT_META_FORMAT, "xtrace-merged");
	if (r >= 0)
		r = xt_dump_writer_set(w->dir, XT_META_VERSION, "%d", XT_FORMAT_VERSION);
	if (r >= 0)
		r = xt_dump_writer_set(w->dir, MERGED_VERSION_KEY, "%u", MERGED_VERSION_WRITTEN);
	if (r < 0)
		goto fail;
	if (asprintf(&path, "%s/%s", dir, XT_MERGED_STREAM_FILE) < 0) {
		r = -ENOMEM;
		goto fail;
	}
	w->stream_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->stream_fd < 0) {
		r = -errno;
		goto fail;
	}
	r = xt_frame_writer_new(w->stream_fd, XT_FRAME_CPU_MERGED, MERGED_FRAME_BYTES,
				MERGED_ZSTD_LEVEL, &w->stream);
	if (r < 0)
		goto fail;
	/* compression overlaps the merge; without a thread it runs inline */
	(void)xt_frame_writer_set_async(w->stream, MERGED_QUEUE_FRAMES);
	*ret = w;
	return 0;
fail:
	xt_merged_writer_free(w);
	return r;
}

/* Copies the metadata of a system, with its host line replaced when @host is set. */
static int copy_meta(struct xt_merged_writer *w, const char *src, const char *dst,
		     const char *host)
{
	_cleanup_free_ char *text = NULL, *out = NULL;
	size_t len = 0, used = 0;
	int r = read_file_at(AT_FDCWD, src, XT_META_MAX_FILE, &text, &len);

	if (r < 0)
		return r;
	if (!host)
		return xt_dump_writer_write_file(w->dir, dst, text, len);
	out = malloc(len + strlen(host) + 32);
	if (!out)
		return -ENOMEM;
	for (char *line = text, *next; *line; line = next) {
		size_t key_len = strcspn(line, " \t=\n");
		char *eol = strchr(line, '\n');

		next = eol ? eol + 1 : line + strlen(line);
		if (key_len == strlen(XT_META_HOST) && !strncmp(line, XT_META_HOST, key_len))
			continue;
		memcpy(out + used, line, next - line);
		used += next - line;
	}
	used += sprintf(out + used, "%s = %s\n", XT_META_HOST, host);
	return xt_dump_writer_write_file(w->dir, dst, out, used);
}

static bool is_cpu_data_file(const char *name)
{
	size_t len = strlen(name);

	return !strncmp(name, "cpu", 3) && len > 7 && !strcmp(name + len - 4, ".xtd");
}

/* Copies the tree @src/@rel to systems/@sys/@rel, leaving out per-CPU data files. */
static int copy_system_tree(struct xt_merged_writer *w, const char *src, const char *rel,
			    unsigned sys, const char *host)
{
	_cleanup_free_ char *dir_path = NULL;
	DIR *dir;
	struct dirent *de;
	int r = 0;

	if (asprintf(&dir_path, "%s%s%s", src, *rel ? "/" : "", rel) < 0)
		return -ENOMEM;
	dir = opendir(dir_path);
	if (!dir)
		return -errno;
	while (r >= 0 && (de = readdir(dir))) {
		_cleanup_free_ char *from = NULL, *child = NULL, *to = NULL;
		struct stat st;

		if (de->d_name[0] == '.' || is_cpu_data_file(de->d_name))
			continue;
		if (asprintf(&from, "%s/%s", dir_path, de->d_name) < 0 ||
		    asprintf(&child, "%s%s%s", rel, *rel ? "/" : "", de->d_name) < 0 ||
		    asprintf(&to, "systems/%u/%s", sys, child) < 0) {
			r = -ENOMEM;
			break;
		}
		if (stat(from, &st) < 0)
			r = -errno;
		else if (S_ISDIR(st.st_mode))
			r = copy_system_tree(w, src, child, sys, host);
		else if (!strcmp(child, XT_META_FILE))
			r = copy_meta(w, from, to, host);
		else if (S_ISREG(st.st_mode))
			r = xt_dump_writer_copy_file(w->dir, to, from);
	}
	closedir(dir);
	return r;
}

int xt_merged_writer_add_system(struct xt_merged_writer *w, const struct xt_dump *system,
				const char *host)
{
	unsigned sys = w->nr_systems;
	char key[32];
	int r = merged_encoder_add_system(&w->enc); /* a spare slot if the rest fails */

	if (r >= 0)
		r = copy_system_tree(w, xt_dump_path(system), "", sys, host);
	if (r < 0)
		return r;
	r = xt_dump_writer_set(w->dir, "systems", "%u", sys + 1);
	snprintf(key, sizeof(key), "system.%u.host", sys);
	if (r >= 0)
		r = xt_dump_writer_set(w->dir, key, "%s", host ? host : xt_dump_host(system));
	if (r < 0)
		return r;
	w->nr_systems++;
	return 0;
}

int xt_merged_writer_set(struct xt_merged_writer *w, const char *key, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = xt_dump_writer_setv(w->dir, key, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * Encodes the head of @ev's record into @head, starting a frame when the
 * record does not fit in the frame being filled: the frame writer's frame
 * size is the same, so it never starts one on its own. The head's length
 * goes to *ret_len. 0 or a negative errno.
 */
static int encode_head(struct xt_merged_writer *w, const struct xt_event *ev, uint32_t size,
		       uint8_t head[MERGED_HEAD_MAX], size_t *ret_len)
{
	size_t n = merged_encode_head(&w->enc, ev, size, head);
	int r;

	if (w->frame_used && w->frame_used + n + size > MERGED_FRAME_BYTES) {
		r = xt_frame_writer_seal(w->stream);
		if (r < 0)
			return r;
		w->frame_used = 0;
	}
	if (!w->frame_used) {
		merged_encoder_frame(&w->enc, ev->tod);
		n = merged_encode_head(&w->enc, ev, size, head);
	}
	*ret_len = n;
	return 0;
}

int xt_merged_writer_append(struct xt_merged_writer *w, const struct xt_event *ev)
{
	const void *payload = ev->data;
	uint32_t size = ev->size;
	uint8_t head[MERGED_HEAD_MAX];
	unsigned char *at;
	size_t n;
	int r;

	if (ev->system >= w->nr_systems)
		return -EINVAL;
	if (ev->kind == XT_EVENT_LOST) {
		payload = &ev->lost;
		size = sizeof(ev->lost);
	}
	if (size > MERGED_RECORD_MAX_PAYLOAD)
		return -E2BIG;
	r = encode_head(w, ev, size, head, &n);
	if (r < 0)
		return r;
	r = xt_frame_writer_unit(w->stream, n + size, ev->tod, ev->tod, (void **)&at);
	if (r < 0)
		return r;
	/* the event's bytes are copied once, straight into the frame buffer */
	memcpy(at, head, n);
	memcpy(at + n, payload, size);
	merged_encoder_commit(&w->enc, ev);
	w->frame_used += n + size;
	w->nr_records++;
	return 0;
}

int xt_merged_writer_close(struct xt_merged_writer *w)
{
	int r = xt_frame_writer_flush(w->stream);

	if (r >= 0)
		r = xt_dump_writer_set(w->dir, "records", "%llu",
				       (unsigned long long)w->nr_records);
	if (r >= 0)
		r = xt_dump_writer_close(w->dir);
	return r;
}

void xt_merged_writer_free(struct xt_merged_writer *w)
{
	if (!w)
		return;
	xt_frame_writer_free(w->stream);
	closep(&w->stream_fd);
	xt_dump_writer_free(w->dir);
	merged_encoder_fini(&w->enc);
	free(w);
}
