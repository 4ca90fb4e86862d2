/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trace-format.c - the facts a reader thread needs about this kernel's
 * ring-buffer pages (commit size, sub-buffer size) and markers (ftrace:print
 * id and layout), read from the format files.
 *
 * Only a few "field:DECL; offset:N; size:N;" lines and the "ID: N" line are
 * needed, so they are parsed here, strictly: libtraceevent's full parser
 * is not made for hostile text (fuzzing crashed it), and these texts may
 * come from a copied dump as well as from the kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "xcollect.h"

#define PAGE_SIZE_MIN 256u
#define PAGE_SIZE_MAX (8u << 20)
#define FORMAT_TEXT_MAX (1u << 20)
#define NUMBER_MAX (1u << 24)

struct field {
	unsigned offset;
	unsigned size;
};

/* A NUL-terminated copy of untrusted text; NULL when empty, huge or holding a NUL. */
static char *text_dup(const char *text, size_t len)
{
	char *s;

	if (len == 0 || len > FORMAT_TEXT_MAX || memchr(text, '\0', len))
		return NULL;
	s = malloc(len + 1);
	if (!s)
		return NULL;
	memcpy(s, text, len);
	s[len] = '\0';
	return s;
}

/* Parses "KEY:DIGITS;" at @s (after optional blanks). */
static int parse_number(const char *s, const char *key, unsigned *ret)
{
	size_t klen = strlen(key);
	unsigned long v = 0;

	s += strspn(s, " \t");
	if (strncmp(s, key, klen))
		return -EBADMSG;
	s += klen;
	if (*s < '0' || *s > '9')
		return -EBADMSG;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > NUMBER_MAX)
			return -EBADMSG;
	}
	if (*s != ';')
		return -EBADMSG;
	*ret = v;
	return 0;
}

/* Whether the declaration @decl (up to @end) declares @name, possibly as an array. */
static bool declares(const char *decl, const char *end, const char *name)
{
	size_t len = strlen(name);
	const char *bracket = memchr(decl, '[', end - decl);

	if (bracket)
		end = bracket;
	while (end > decl && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if ((size_t)(end - decl) < len || memcmp(end - len, name, len))
		return false;
	/* The whole identifier, not the tail of a longer one. */
	return end - len == decl || end[-len - 1] == ' ' || end[-len - 1] == '\t' ||
	       end[-len - 1] == '*';
}

/* One line "field:DECL;\toffset:N;\tsize:N;..." declaring @name. */
static int parse_field(const char *line, const char *name, struct field *ret)
{
	const char *decl, *semi;
	struct field f;

	line += strspn(line, " \t");
	if (strncmp(line, "field:", 6))
		return -ENOENT;
	decl = line + 6;
	semi = strchr(decl, ';');
	if (!semi || !declares(decl, semi, name))
		return -ENOENT;
	if (parse_number(semi + 1, "offset:", &f.offset) < 0)
		return -EBADMSG;
	semi = strchr(semi + 1, ';');
	if (parse_number(semi + 1, "size:", &f.size) < 0)
		return -EBADMSG;
	*ret = f;
	return 0;
}

/* The field @name of the NUL-terminated format @text: 0, -ENOENT or -EBADMSG. */
static int find_field(const char *text, const char *name, struct field *ret)
{
	for (const char *line = text; line && *line; line = strchr(line, '\n')) {
		int r;

		line += *line == '\n';
		r = parse_field(line, name, ret);
		if (r != -ENOENT)
			return r;
	}
	return -ENOENT;
}

/* The "ID: N" line: the event's common_type. */
static int find_id(const char *text, unsigned *ret)
{
	const char *line = strncmp(text, "ID: ", 4) ? strstr(text, "\nID: ") : text;
	unsigned long v = 0;
	const char *digits, *s;

	if (!line)
		return -EBADMSG;
	digits = line + (*line == '\n') + 4;
	for (s = digits; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > 0xffff)
			return -EBADMSG;
	}
	if (s == digits || (*s != '\n' && *s != '\0'))
		return -EBADMSG;
	*ret = v;
	return 0;
}

static int parse_page(const char *text, size_t len, struct xc_trace_format *f)
{
	_cleanup_free_ char *s = text_dup(text, len);
	struct field commit, data;

	if (!s || find_field(s, "commit", &commit) < 0 || find_field(s, "data", &data) < 0)
		return -EBADMSG;
	if (commit.size != 4 && commit.size != 8)
		return -EBADMSG;
	if (data.offset != 8 + commit.size || data.offset + data.size < PAGE_SIZE_MIN ||
	    data.offset + data.size > PAGE_SIZE_MAX)
		return -EBADMSG;
	f->long_size = commit.size;
	f->page_size = data.offset + data.size;
	return 0;
}

static int parse_print(const char *text, size_t len, struct xc_trace_format *f)
{
	_cleanup_free_ char *s = text_dup(text, len);
	struct field buf, pid;
	unsigned id;

	if (!s || !strstr(s, "name: print\n") || find_id(s, &id) < 0 ||
	    find_field(s, "buf", &buf) < 0 || find_field(s, "common_pid", &pid) < 0)
		return -EBADMSG;
	if (pid.size != 4 || buf.offset >= f->page_size || pid.offset + 4 > f->page_size)
		return -EBADMSG;
	f->print_id = id;
	f->print_buf_offset = buf.offset;
	f->common_pid_offset = pid.offset;
	return 0;
}

int xc_trace_format_parse(const char *header_page, size_t header_len, const char *print_format,
			  size_t print_len, struct xc_trace_format *ret)
{
	struct xc_trace_format f = { .print_id = -1 };
	int r;

	r = parse_page(header_page, header_len, &f);
	if (r >= 0 && print_format)
		r = parse_print(print_format, print_len, &f);
	if (r < 0)
		return r;
	*ret = f;
	return 0;
}
