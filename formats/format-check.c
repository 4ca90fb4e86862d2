/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "format-check.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_NUMBER_DIGITS 7 /* offsets and sizes stay far below 10^7 */

struct cursor {
	const char *p, *end;
	unsigned line;
};

static bool take(struct cursor *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n))
		return false;
	c->p += n;
	return true;
}

static bool is_ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* Digits (at most @max_digits) up to a terminator; the value goes to *ret. */
static bool take_number(struct cursor *c, unsigned max_digits, unsigned long *ret)
{
	unsigned long v = 0;
	unsigned digits = 0;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		if (++digits > max_digits)
			return false;
		v = v * 10 + (unsigned long)(*c->p++ - '0');
	}
	*ret = v;
	return digits > 0;
}

static bool take_ident_line(struct cursor *c)
{
	const char *start = c->p;

	while (c->p < c->end && is_ident_char(*c->p))
		c->p++;
	return c->p > start && take(c, "\n");
}

/* DECL up to the ';' that ends it. */
static bool take_decl(struct cursor *c)
{
	bool in_brackets = false, named = false;

	for (; c->p < c->end && *c->p != ';'; c->p++) {
		char ch = *c->p;

		if (ch == '[') {
			if (in_brackets)
				return false;
			in_brackets = true;
		} else if (ch == ']') {
			if (!in_brackets)
				return false;
			in_brackets = false;
		} else if (is_ident_char(ch)) {
			named |= !in_brackets;
		} else if (in_brackets || (ch != ' ' && ch != '*')) {
			return false;
		}
	}
	return named && !in_brackets && take(c, ";");
}

static bool take_field_line(struct cursor *c)
{
	unsigned long v;

	return take(c, "\tfield:") && take_decl(c) && take(c, "\toffset:") &&
	       take_number(c, MAX_NUMBER_DIGITS, &v) && take(c, ";\tsize:") &&
	       take_number(c, MAX_NUMBER_DIGITS, &v) && take(c, ";\tsigned:") &&
	       (take(c, "0") || take(c, "1")) && take(c, ";\n");
}

/*
 * The print format: a string literal, then C-like arguments. Checked
 * lexically: literals closed, brackets balanced and properly nested, and
 * only characters that occur in kernel print formats outside literals.
 */
static bool take_print_fmt(struct cursor *c)
{
	char stack[64];
	unsigned depth = 0;

	if (c->p >= c->end || *c->p != '"')
		return false;
	while (c->p < c->end) {
		char ch = *c->p++;

		if (ch == '"' || ch == '\'') {
			while (c->p < c->end && *c->p != ch) {
				if (*c->p == '\\' && c->p + 1 < c->end)
					c->p++;
				c->p++;
			}
			if (c->p >= c->end)
				return false;
			c->p++;
		} else if (ch == '(' || ch == '[' || ch == '{') {
			if (depth == sizeof(stack))
				return false;
			stack[depth++] = ch == '(' ? ')' : ch == '[' ? ']' : '}';
		} else if (ch == ')' || ch == ']' || ch == '}') {
			if (depth == 0 || stack[--depth] != ch)
				return false;
		} else if (ch == '\n') {
			c->line++;
		} else if (ch == '\t' || ch == '#' || ch == '@' || ch == '$' || ch == '`' ||
			   ch == '\\') {
			return false;
		}
	}
	return depth == 0;
}

static int fail(const struct cursor *c, char *why, size_t why_len, const char *what)
{
	if (why_len)
		snprintf(why, why_len, "line %u: %s", c->line, what);
	return -EBADMSG;
}

int xt_event_format_check(const char *text, size_t len, char *why, size_t why_len)
{
	struct cursor c = { text, text + len, 1 };
	unsigned long id;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\n')
			c.line++;
		else if (ch != '\t' && (ch < 0x20 || ch > 0x7e))
			return fail(&c, why, why_len, "holds a byte that is not printable ASCII");
	}
	c.line = 1;
	if (!take(&c, "name: ") || !take_ident_line(&c))
		return fail(&c, why, why_len, "expected 'name: IDENTIFIER'");
	c.line++;
	if (!take(&c, "ID: ") || !take_number(&c, 5, &id) || id == 0 || id > 65535 ||
	    !take(&c, "\n"))
		return fail(&c, why, why_len, "expected 'ID: NUMBER' (1 to 65535)");
	c.line++;
	if (!take(&c, "format:\n"))
		return fail(&c, why, why_len, "expected 'format:'");
	for (c.line++; c.p < c.end; c.line++) {
		if (take(&c, "print fmt: ")) {
			if (!take_print_fmt(&c))
				return fail(&c, why, why_len,
					    "print fmt: unclosed literal or unbalanced brackets");
			return 0;
		}
		if (take(&c, "\n"))
			continue;
		if (!take_field_line(&c))
			return fail(&c, why, why_len,
				    "expected '\\tfield:DECL;\\toffset:N;\\tsize:N;\\tsigned:0|1;'");
	}
	return 0;
}
