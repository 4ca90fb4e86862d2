/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view-test.h - what the view tests share: the kernel's real event formats
 * (fixtures/formats) parsed by libtraceevent, records built byte by byte
 * against them, and a view rendering into a memory file.
 */
#ifndef VIEW_TEST_H
#define VIEW_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xtrace.h>

#include "test-exec.h"
#include "xview.h"

struct tep_handle;
struct tep_event;

/* Every format of fixtures/formats, with their real ids. Asserts on failure. */
struct tep_handle *vt_tep_load(void);

struct vt_rec {
	struct tep_event *event;
	uint32_t size;
	uint8_t b[1024];
};

/* A record of @sys:@name with its fixed fields zeroed and common_pid = @pid. */
void vt_rec_init(struct vt_rec *r, struct tep_handle *tep, const char *sys, const char *name,
		 int pid);
/* Writes number @v into field @field (its size from the format). */
void vt_rec_set(struct vt_rec *r, const char *field, uint64_t v);
/* Writes @len bytes into a char array, a __data_loc field (appended) or a tail array. */
void vt_rec_set_bytes(struct vt_rec *r, const char *field, const void *p, size_t len);
/* Same with a NUL-terminated string, NUL included. */
void vt_rec_set_str(struct vt_rec *r, const char *field, const char *s);

/* A view writing into a memory file, with one system "host" (x86_64, tai) on @tep. */
struct vt_view {
	struct xv_view *view;
	int fd;
	char *text; /* last vt_view_take() */
};

void vt_view_open(struct vt_view *t, struct tep_handle *tep, const struct xv_view_opts *opts);
/* Renders @r on @cpu at @tod ns; asserts success. */
void vt_view_event(struct vt_view *t, const struct vt_rec *r, uint32_t cpu, uint64_t tod);
/* Renders raw bytes (hostile records); returns xv_view_event()'s result. */
int vt_view_bytes(struct vt_view *t, const void *data, uint32_t size, uint32_t cpu, uint64_t tod);
/* Flushes and returns everything written since the last take (owned by @t). */
const char *vt_view_take(struct vt_view *t);
void vt_view_close(struct vt_view *t);

/* Renders one record alone (fields event,arg) and returns its lines, owned by @t. */
const char *vt_render_one(struct vt_view *t, const struct vt_rec *r);

/* The state most tests share: the formats, one view, one record being built. */
struct vt_ctx {
	struct tep_handle *tep;
	struct vt_view v;
	struct vt_rec r;
};

/* cmocka group setup: a vt_ctx whose view shows @fields (NULL: the default). */
int vt_ctx_setup(void **state, const char *fields, bool raw);
int vt_ctx_teardown(void **state);

/* Builds @sys:@name (pid 4711) with @field = @v and renders it alone. */
const char *vt_ctx_one(struct vt_ctx *c, const char *sys, const char *name, const char *field,
		       uint64_t v);

/* The text of @path (at most 1 MiB), NUL-terminated. Must be freed. */
char *vt_read_text(const char *path);

/* Bytes of the first @lines lines of @text (0: all of it). */
size_t vt_prefix_lines(const char *text, unsigned lines);

/*
 * Runs `xtrace-view ARGS host vm1 | python3 -c SCRIPT` on the committed
 * fixtures (ARGS as shell words, SCRIPT without single quotes) and fills @ret.
 */
void vt_view_python(const char *args, const char *script, struct test_output *ret);

/* Reads a whole file descriptor from offset 0 and empties it. Must be freed. */
char *vt_read_fd(int fd);

#endif
