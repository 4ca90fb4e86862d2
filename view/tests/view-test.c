/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "view-test.h"

#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>
#include <traceevent/event-parse.h>

#include "formats-load.h"

struct tep_handle *vt_tep_load(void)
{
	const char *root = getenv("KVMRT_SOURCE_ROOT");
	struct tep_handle *tep = NULL;
	char dir[PATH_MAX];

	assert_non_null(root);
	snprintf(dir, sizeof(dir), "%s/fixtures/formats", root);
	assert_int_equal(vt_formats_load(dir, &tep), 0);
	return tep;
}

static struct tep_format_field *field_of(struct vt_rec *r, const char *name)
{
	struct tep_format_field *f = tep_find_any_field(r->event, name);

	assert_non_null(f);
	return f;
}

void vt_rec_init(struct vt_rec *r, struct tep_handle *tep, const char *sys, const char *name,
		 int pid)
{
	struct tep_format_field *f;

	memset(r, 0, sizeof(*r));
	r->event = tep_find_event_by_name(tep, sys, name);
	assert_non_null(r->event);
	for (f = r->event->format.fields; f; f = f->next)
		if ((uint32_t)(f->offset + f->size) > r->size)
			r->size = f->offset + f->size;
	r->size = r->size < 8 ? 8 : r->size;
	vt_rec_set(r, "common_type", (uint64_t)r->event->id);
	vt_rec_set(r, "common_pid", (uint64_t)pid);
}

void vt_rec_set(struct vt_rec *r, const char *field, uint64_t v)
{
	struct tep_format_field *f = field_of(r, field);

	assert_true(f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8);
	/* Little endian, like the formats' machine. */
	memcpy(r->b + f->offset, &v, f->size);
}

void vt_rec_set_bytes(struct vt_rec *r, const char *field, const void *p, size_t len)
{
	struct tep_format_field *f = field_of(r, field);

	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		uint32_t loc = (uint32_t)(len << 16) | r->size;

		assert_true(r->size + len <= sizeof(r->b));
		memcpy(r->b + f->offset, &loc, 4);
		memcpy(r->b + r->size, p, len);
		r->size += (uint32_t)len;
	} else if (f->size == 0) {
		assert_true(f->offset + len <= sizeof(r->b));
		memcpy(r->b + f->offset, p, len);
		r->size = f->offset + (uint32_t)len;
	} else {
		assert_true(len <= (size_t)f->size);
		memcpy(r->b + f->offset, p, len);
	}
}

void vt_rec_set_str(struct vt_rec *r, const char *field, const char *s)
{
	vt_rec_set_bytes(r, field, s, strlen(s) + 1);
}

void vt_view_open(struct vt_view *t, struct tep_handle *tep, const struct xv_view_opts *opts)
{
	t->fd = memfd_create("xtrace-view-test", MFD_CLOEXEC);
	assert_true(t->fd >= 0);
	t->text = NULL;
	assert_int_equal(xv_view_new(opts, t->fd, &t->view), 0);
	assert_int_equal(xv_view_add_system(t->view, tep, "host", "x86_64", "tai"), 0);
}

int vt_view_bytes(struct vt_view *t, const void *data, uint32_t size, uint32_t cpu, uint64_t tod)
{
	const struct xt_event ev = {
		.tod = tod, .ts = tod, .data = data, .size = size,
		.kind = XT_EVENT_RECORD, .system = 0, .cpu = cpu,
	};

	return xv_view_event(t->view, &ev);
}

void vt_view_event(struct vt_view *t, const struct vt_rec *r, uint32_t cpu, uint64_t tod)
{
	assert_int_equal(vt_view_bytes(t, r->b, r->size, cpu, tod), 0);
}

char *vt_read_fd(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *s;

	assert_true(end >= 0);
	s = calloc(1, (size_t)end + 1);
	assert_non_null(s);
	assert_int_equal(pread(fd, s, (size_t)end, 0), end);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return s;
}

const char *vt_view_take(struct vt_view *t)
{
	assert_int_equal(xv_view_flush(t->view), 0);
	free(t->text);
	t->text = vt_read_fd(t->fd);
	return t->text;
}

void vt_view_close(struct vt_view *t)
{
	xv_view_free(t->view);
	free(t->text);
	close(t->fd);
}

const char *vt_render_one(struct vt_view *t, const struct vt_rec *r)
{
	vt_view_event(t, r, 0, 1000);
	return vt_view_take(t);
}

int vt_ctx_setup(void **state, const char *fields, bool raw)
{
	struct vt_ctx *c = calloc(1, sizeof(*c));
	struct xv_view_opts opts = { .time = XV_TIME_REL, .raw = raw };

	assert_non_null(c);
	c->tep = vt_tep_load();
	if (fields)
		assert_int_equal(xv_fields_parse(fields, &opts.fields, NULL, 0), 0);
	else
		xv_fields_default(raw, &opts.fields);
	vt_view_open(&c->v, c->tep, &opts);
	*state = c;
	return 0;
}

int vt_ctx_teardown(void **state)
{
	struct vt_ctx *c = *state;

	vt_view_close(&c->v);
	tep_free(c->tep);
	free(c);
	return 0;
}

const char *vt_ctx_one(struct vt_ctx *c, const char *sys, const char *name, const char *field,
		       uint64_t v)
{
	vt_rec_init(&c->r, c->tep, sys, name, 4711);
	vt_rec_set(&c->r, field, v);
	return vt_render_one(&c->v, &c->r);
}

char *vt_read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

size_t vt_prefix_lines(const char *text, unsigned lines)
{
	const char *p = text;

	if (!lines)
		return strlen(text);
	while (lines-- && (p = strchr(p, '\n')))
		p++;
	return p ? (size_t)(p - text) : strlen(text);
}

void vt_view_python(const char *args, const char *script, struct test_output *ret)
{
	char *host = test_source_path("fixtures/dumps/host");
	char *vm1 = test_source_path("fixtures/dumps/vm1");
	char *argv[] = { "/bin/sh", "-c", NULL, NULL };

	assert_null(strchr(script, '\''));
	assert_true(asprintf(&argv[2],
			     "\"$KVMRT_BUILD_ROOT/view/xtrace-view\" %s '%s' '%s' | python3 -c '%s'",
			     args, host, vm1, script) > 0);
	assert_int_equal(test_exec(argv, ret), 0);
	if (ret->status)
		fail_msg("python3: %s", ret->err);
	free(argv[2]);
	free(host);
	free(vm1);
}
