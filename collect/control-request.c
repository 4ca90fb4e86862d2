/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control-request.c - the request lines of the control protocol, both ways:
 * "NAME [KEY=VALUE]..." in printable ASCII, words separated by blanks. Only
 * flush takes an argument, "cpus=LIST" (a kernel-style CPU list). A line
 * read from the socket is untrusted: every byte, word and number is checked
 * here before the recorder sees the request.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cpulist.h"
#include "xcollect.h"

#define WORD_SHOWN 32 /* bytes of an offending word quoted in @why */

static const char *const request_names[] = {
	[XC_REQUEST_FLUSH] = "flush",
	[XC_REQUEST_PAUSE] = "pause",
	[XC_REQUEST_RESUME] = "resume",
	[XC_REQUEST_STOP] = "stop",
	[XC_REQUEST_STATUS] = "status",
};

const char *xc_request_name(enum xc_request_kind kind)
{
	return (size_t)kind < ARRAY_SIZE(request_names) ? request_names[kind] : "?";
}

static int refuse(char *why, size_t why_len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int refuse(char *why, size_t why_len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return err;
}

/* The next blank-separated word of @line[*at..@len): its start and length (0 at the end). */
static size_t next_word(const char *line, size_t len, size_t *at, const char **ret)
{
	size_t start = *at, end;

	while (start < len && (line[start] == ' ' || line[start] == '\t'))
		start++;
	for (end = start; end < len && line[end] != ' ' && line[end] != '\t'; end++)
		;
	*at = end;
	*ret = line + start;
	return end - start;
}

static int parse_kind(const char *word, size_t n, enum xc_request_kind *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(request_names); i++)
		if (strlen(request_names[i]) == n && !memcmp(word, request_names[i], n)) {
			*ret = i;
			return 0;
		}
	return -EOPNOTSUPP;
}

/* "cpus=LIST" of a flush: the CPUs into @req. */
static int parse_cpus(const char *value, size_t n, struct xc_request *req, char *why,
		      size_t why_len)
{
	char list[XC_CONTROL_LINE_MAX];
	unsigned count;
	int r;

	if (req->nr_cpus)
		return refuse(why, why_len, -EINVAL, "cpus= given twice");
	if (n == 0 || n >= sizeof(list))
		return refuse(why, why_len, -EINVAL, "cpus= needs a CPU list such as 0-3,8");
	memcpy(list, value, n);
	list[n] = '\0';
	r = cpulist_parse(list, XC_REQUEST_CPUS_MAX, req->cpus, &count);
	if (r == -ERANGE)
		return refuse(why, why_len, -ERANGE, "cpus=%.*s: CPUs are numbered below %u",
			      WORD_SHOWN, list, XC_REQUEST_CPUS_MAX);
	if (r < 0 || count == 0)
		return refuse(why, why_len, -EINVAL, "cpus=%.*s: not a CPU list (such as 0-3,8)",
			      WORD_SHOWN, list);
	req->nr_cpus = count;
	return 0;
}

/* One KEY=VALUE word after the request name. */
static int parse_argument(const char *word, size_t n, struct xc_request *req, char *why,
			  size_t why_len)
{
	const char *eq = memchr(word, '=', n);

	if (req->kind != XC_REQUEST_FLUSH)
		return refuse(why, why_len, -EINVAL, "%s takes no argument (got '%.*s')",
			      xc_request_name(req->kind), (int)(n < WORD_SHOWN ? n : WORD_SHOWN),
			      word);
	if (eq && eq - word == 4 && !memcmp(word, "cpus", 4))
		return parse_cpus(eq + 1, n - 5, req, why, why_len);
	return refuse(why, why_len, -EINVAL, "flush: unknown argument '%.*s' (only cpus=LIST)",
		      (int)(n < WORD_SHOWN ? n : WORD_SHOWN), word);
}

int xc_request_parse(const char *line, size_t len, struct xc_request *ret, char *why,
		     size_t why_len)
{
	struct xc_request req;
	const char *word;
	size_t at = 0, n;
	int r;

	if (len > XC_CONTROL_LINE_MAX - 1)
		return refuse(why, why_len, -E2BIG, "request of %zu bytes: at most %u", len,
			      XC_CONTROL_LINE_MAX - 1);
	for (size_t i = 0; i < len; i++)
		if ((line[i] < ' ' || line[i] > '~') && line[i] != '\t')
			return refuse(why, why_len, -EBADMSG,
				      "byte 0x%02x at offset %zu: requests are printable text",
				      (unsigned char)line[i], i);
	n = next_word(line, len, &at, &word);
	if (n == 0)
		return refuse(why, why_len, -EINVAL, "empty request");
	memset(&req, 0, sizeof(req));
	if (parse_kind(word, n, &req.kind) < 0)
		return refuse(why, why_len, -EOPNOTSUPP,
			      "'%.*s': unknown request (flush, pause, resume, stop, status)",
			      (int)(n < WORD_SHOWN ? n : WORD_SHOWN), word);
	while ((n = next_word(line, len, &at, &word)) > 0) {
		r = parse_argument(word, n, &req, why, why_len);
		if (r < 0)
			return r;
	}
	*ret = req;
	return 0;
}

int xc_request_format(const struct xc_request *req, char *buf, size_t len)
{
	const char *name = xc_request_name(req->kind);
	char cpus[XC_CONTROL_LINE_MAX];
	int n, r;

	if (req->kind != XC_REQUEST_FLUSH || req->nr_cpus == 0) {
		n = snprintf(buf, len, "%s", name);
		return n < 0 || (size_t)n >= len ? -ENOBUFS : n;
	}
	r = cpulist_format(req->cpus, req->nr_cpus, cpus, sizeof(cpus));
	if (r < 0)
		return r;
	n = snprintf(buf, len, "%s cpus=%s", name, cpus);
	return n < 0 || (size_t)n >= len || (size_t)n > XC_CONTROL_LINE_MAX - 1 ? -ENOBUFS : n;
}
