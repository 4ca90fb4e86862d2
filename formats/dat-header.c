/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dat-header.c - reads the header of a trace-cmd trace.dat version 6, up to
 * the CPU table: every count and size comes from the file and is checked
 * against what is left of it before use.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "dat-private.h"
#include "frame-private.h"

#define OPTION_DONE 0u
#define OPTION_TRACECLOCK 4u
#define OPTION_UNAME 5u

static const uint8_t magic[10] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

struct cursor {
	const uint8_t *p;
	size_t left;
	const char *what; /* the part being read, for the reason */
	bool bad;
};

static const uint8_t *take(struct cursor *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->bad || n > c->left) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

static uint64_t take_le(struct cursor *c, unsigned size)
{
	const uint8_t *p = take(c, size);

	if (!p)
		return 0;
	return size == 8 ? xt_get_le64(p) : size == 4 ? xt_get_le32(p) : (uint64_t)p[0] | p[1] << 8;
}

/* A text whose length precedes it in @size_bytes bytes. */
static struct dat_text take_text(struct cursor *c, unsigned size_bytes)
{
	uint64_t len = take_le(c, size_bytes);
	const uint8_t *p = len <= c->left ? take(c, (size_t)len) : take(c, SIZE_MAX);

	return p ? (struct dat_text){ (const char *)p, (size_t)len } : (struct dat_text){};
}

/* A NUL-terminated string within the buffer. */
static struct dat_text take_str(struct cursor *c)
{
	const uint8_t *end = c->bad ? NULL : memchr(c->p, 0, c->left);
	struct dat_text t;

	if (!end) {
		c->bad = true;
		return (struct dat_text){};
	}
	t = (struct dat_text){ (const char *)c->p, (size_t)(end - c->p) };
	take(c, t.len + 1);
	return t;
}

static bool take_tag(struct cursor *c, const char *tag, size_t len)
{
	const uint8_t *p = take(c, len);

	return p && !memcmp(p, tag, len);
}

static void add_formats(struct cursor *c, struct dat_header *h, struct dat_text system)
{
	uint64_t count = take_le(c, 4);

	if (count > XT_DAT_MAX_FORMATS - h->n_formats) {
		c->bad = true;
		return;
	}
	for (uint64_t i = 0; i < count && !c->bad; i++) {
		struct dat_text text = take_text(c, 8);

		if (!c->bad)
			h->formats[h->n_formats++] = (struct dat_format){ system, text };
	}
}

static void read_formats(struct cursor *c, struct dat_header *h)
{
	uint64_t systems;

	c->what = "ftrace event formats";
	add_formats(c, h, (struct dat_text){ "ftrace", 6 });
	c->what = "event systems";
	systems = take_le(c, 4);
	for (uint64_t i = 0; i < systems && !c->bad; i++) {
		struct dat_text name = take_str(c);

		add_formats(c, h, name);
	}
}

/* The clock in brackets of a TRACECLOCK option ("local [tai] ..."), else the whole text. */
static void set_clock(struct dat_header *h, const uint8_t *p, size_t len)
{
	const char *text = (const char *)p;
	const char *open = memchr(text, '[', len), *close;
	size_t n;

	if (open && (close = memchr(open, ']', len - (size_t)(open - text)))) {
		text = open + 1;
		n = (size_t)(close - text);
	} else {
		n = strnlen(text, len);
	}
	if (n >= sizeof(h->clock))
		n = sizeof(h->clock) - 1;
	memcpy(h->clock, text, n);
	h->clock[n] = '\0';
}

/* Copies @len bytes at @p into @out (@cap bytes) as a string of printable characters only. */
static void copy_word(char *out, size_t cap, const char *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 1 < cap; i++)
		if (p[i] > ' ' && p[i] < 0x7f)
			out[n++] = p[i];
	out[n] = '\0';
}

/*
 * The UNAME option: "sysname nodename release version machine", where the
 * version holds spaces of its own; machine is the last word. Anything short
 * of five words leaves the fields empty.
 */
static void set_uname(struct dat_header *h, const uint8_t *p, size_t len)
{
	const char *text = (const char *)p, *end, *w[3], *last;
	size_t n = strnlen(text, len);

	end = text + n;
	w[0] = memchr(text, ' ', n);
	w[1] = w[0] ? memchr(w[0] + 1, ' ', (size_t)(end - w[0] - 1)) : NULL;
	w[2] = w[1] ? memchr(w[1] + 1, ' ', (size_t)(end - w[1] - 1)) : NULL;
	last = w[2] ? memrchr(w[2] + 1, ' ', (size_t)(end - w[2] - 1)) : NULL;
	if (!last)
		return;
	copy_word(h->nodename, sizeof(h->nodename), w[0] + 1, (size_t)(w[1] - w[0] - 1));
	copy_word(h->release, sizeof(h->release), w[1] + 1, (size_t)(w[2] - w[1] - 1));
	copy_word(h->machine, sizeof(h->machine), last + 1, (size_t)(end - last - 1));
}

static void read_options(struct cursor *c, struct dat_header *h)
{
	c->what = "options";
	if (!take_tag(c, "options  ", 10))
		return;
	for (unsigned i = 0; i < 4096 && !c->bad; i++) {
		uint64_t id = take_le(c, 2), size;
		const uint8_t *data;

		if (c->bad || id == OPTION_DONE)
			return;
		size = take_le(c, 4);
		data = take(c, size <= c->left ? (size_t)size : SIZE_MAX);
		if (data && id == OPTION_TRACECLOCK)
			set_clock(h, data, (size_t)size);
		if (data && id == OPTION_UNAME)
			set_uname(h, data, (size_t)size);
	}
	c->bad = true;
}

int xt_dat_header_parse(const void *buf, size_t len, struct dat_header *ret, char *why,
			size_t why_len)
{
	struct cursor c = { buf, len, "magic", false };
	struct dat_header h = {};
	const uint8_t *endian_long;
	struct dat_text version;

	if (!take_tag(&c, (const char *)magic, sizeof(magic))) {
		snprintf(why, why_len, "not a trace.dat (no tracing magic)");
		return -EBADMSG;
	}
	version = take_str(&c);
	endian_long = take(&c, 2);
	if (!endian_long || version.len != 1 || version.data[0] != '6' || endian_long[0] != 0) {
		snprintf(why, why_len, "only little-endian trace.dat version 6 is read "
			 "(convert with trace-cmd convert --file-version 6)");
		return -EPROTONOSUPPORT;
	}
	h.long_size = endian_long[1];
	h.page_size = (uint32_t)take_le(&c, 4);
	h.formats = calloc(XT_DAT_MAX_FORMATS, sizeof(*h.formats));
	if (!h.formats)
		return -ENOMEM;
	c.what = "header_page";
	if (take_tag(&c, "header_page", 12))
		h.header_page = take_text(&c, 8);
	c.what = "header_event";
	if (take_tag(&c, "header_event", 13))
		h.header_event = take_text(&c, 8);
	read_formats(&c, &h);
	c.what = "kallsyms, printk formats or cmdlines";
	h.kallsyms = take_text(&c, 4);
	h.printk = take_text(&c, 4);
	h.cmdlines = take_text(&c, 8);
	c.what = "CPU count";
	h.cpus = (unsigned)take_le(&c, 4);
	if (!c.bad)
		read_options(&c, &h);
	if (!c.bad && (h.cpus == 0 || h.cpus > XT_DAT_MAX_CPUS || (h.long_size != 4 &&
		       h.long_size != 8) || h.page_size < 64 || h.page_size > (1u << 24)))
		c.bad = true;
	if (c.bad) {
		snprintf(why, why_len, "trace.dat header damaged or cut in its %s", c.what);
		free(h.formats);
		return -EBADMSG;
	}
	*ret = h;
	return 0;
}

bool xt_dat_is_tracedat(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	uint8_t head[sizeof(magic)];

	return fd >= 0 && read(fd, head, sizeof(head)) == (ssize_t)sizeof(head) &&
	       !memcmp(head, magic, sizeof(magic));
}
