/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tool.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *program_name = "kvmrt";

void tool_set_name(const char *name)
{
	const char *slash = strrchr(name, '/');

	program_name = slash ? slash + 1 : name;
}

const char *tool_name(void)
{
	return program_name;
}

static void vreport(const char *kind, int err, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", program_name, kind);
	vfprintf(stderr, fmt, ap);
	if (err < 0)
		fprintf(stderr, ": %s", strerror(-err));
	fputc('\n', stderr);
}

int tool_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", err, fmt, ap);
	va_end(ap);
	return err;
}

void tool_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", 0, fmt, ap);
	va_end(ap);
}

void tool_print_version(void)
{
	printf("%s %s\n", program_name, KVMRT_VERSION);
}

int tool_why(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int tool_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}
