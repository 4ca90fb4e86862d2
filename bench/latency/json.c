/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.c - the strict, bounded JSON reader of json.h (recursive descent over
 * a length-delimited buffer; nesting is capped so recursion is bounded).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"

struct parser {
	const char *p;
	const char *end;
	const char *line_start;
	unsigned line;
	unsigned flags;
	char *why;
	size_t why_len;
};

static int fail(struct parser *ps, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, int err, const char *fmt, ...)
{
	size_t col = (size_t)(ps->p - ps->line_start) + 1;
	int n;
	va_list ap;

	n = snprintf(ps->why, ps->why_len, "line %u column %zu: ", ps->line, col);
	if (n >= 0 && (size_t)n < ps->why_len) {
		va_start(ap, fmt);
		vsnprintf(ps->why + n, ps->why_len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* What the byte at the cursor is, for "expected X, found Y" messages. */
static const char *found(const struct parser *ps, char *buf, size_t len)
{
	unsigned char c;

	if (ps->p >= ps->end)
		return "end of input";
	c = (unsigned char)*ps->p;
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02x", c);
	return buf;
}

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end) {
		char c = *ps->p;

		if (c == '\n') {
			ps->line++;
			ps->line_start = ps->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		ps->p++;
	}
}

static bool take(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return false;
	ps->p += n;
	return true;
}

/* Appends @c to the growing buffer *@buf (length *@n, capacity *@cap). */
static int buf_put(char **buf, size_t *n, size_t *cap, char c)
{
	if (*n + 1 >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		char *nb = realloc(*buf, ncap);

		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*cap = ncap;
	}
	(*buf)[(*n)++] = c;
	return 0;
}

static int put_utf8(char **buf, size_t *n, size_t *cap, uint32_t cp)
{
	char out[4];
	size_t k;
	int r = 0;

	if (cp < 0x80) {
		out[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	for (size_t i = 0; i < k && r == 0; i++)
		r = buf_put(buf, n, cap, out[i]);
	return r;
}

static int hex4(struct parser *ps, uint32_t *ret)
{
	uint32_t v = 0;

	if (ps->end - ps->p < 4)
		return fail(ps, -EINVAL, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = *ps->p;
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return fail(ps, -EINVAL, "bad hex digit in \\u escape");
		v = v << 4 | (uint32_t)d;
		ps->p++;
	}
	*ret = v;
	return 0;
}

/* After "\u": one code point, joining a surrogate pair. */
static int unicode_escape(struct parser *ps, uint32_t *ret)
{
	uint32_t hi, lo;
	int r = hex4(ps, &hi);

	if (r < 0)
		return r;
	if (hi == 0)
		return fail(ps, -EINVAL, "\\u0000 (NUL) inside a string");
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail(ps, -EINVAL, "lone low surrogate \\u%04x", hi);
	if (hi < 0xd800 || hi > 0xdbff) {
		*ret = hi;
		return 0;
	}
	if (!take(ps, "\\u"))
		return fail(ps, -EINVAL, "high surrogate \\u%04x without its low half", hi);
	r = hex4(ps, &lo);
	if (r < 0)
		return r;
	if (lo < 0xdc00 || lo > 0xdfff)
		return fail(ps, -EINVAL, "high surrogate \\u%04x without its low half", hi);
	*ret = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* Length of the valid UTF-8 sequence at the cursor, or 0. */
static size_t utf8_len(const struct parser *ps)
{
	const unsigned char *s = (const unsigned char *)ps->p;
	size_t avail = (size_t)(ps->end - ps->p), n;
	uint32_t cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static int escape(struct parser *ps, char **buf, size_t *n, size_t *cap)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	uint32_t cp = 0;
	int r;

	if (ps->p >= ps->end)
		return fail(ps, -EINVAL, "truncated escape");
	k = *ps->p ? strchr(from, *ps->p) : NULL;
	ps->p++;
	if (k)
		return buf_put(buf, n, cap, to[k - from]);
	if (ps->p[-1] != 'u') {
		ps->p--;
		return fail(ps, -EINVAL, "unknown escape '\\%c'", *ps->p);
	}
	r = unicode_escape(ps, &cp);
	return r < 0 ? r : put_utf8(buf, n, cap, cp);
}

/* At the opening quote: the unescaped string in *ret (free() it). */
static int parse_string(struct parser *ps, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	ps->p++;
	for (;;) {
		unsigned char c;

		if (ps->p >= ps->end)
			return fail(ps, -EINVAL, "unterminated string");
		if (n > LAT_JSON_MAX_STRING)
			return fail(ps, -E2BIG, "string longer than %u bytes", LAT_JSON_MAX_STRING);
		c = (unsigned char)*ps->p;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(ps, -EINVAL, "control byte 0x%02x inside a string", c);
		if (c == '\\') {
			ps->p++;
			r = escape(ps, &buf, &n, &cap);
		} else if (c < 0x80) {
			r = buf_put(&buf, &n, &cap, (char)c);
			ps->p++;
		} else {
			size_t k = utf8_len(ps);

			if (k == 0)
				return fail(ps, -EINVAL, "invalid UTF-8 inside a string");
			for (size_t i = 0; i < k && r == 0; i++)
				r = buf_put(&buf, &n, &cap, *ps->p++);
		}
		if (r < 0)
			return r;
	}
	ps->p++;
	r = buf_put(&buf, &n, &cap, '\0');
	if (r < 0)
		return r;
	*ret = TAKE_PTR(buf);
	return 0;
}

static bool is_digit(const struct parser *ps)
{
	return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static bool nan_token(struct parser *ps, struct lat_json *v)
{
	bool neg = false;

	if (!(ps->flags & LAT_JSON_ALLOW_NAN))
		return false;
	if (ps->p < ps->end && *ps->p == '-') {
		neg = true;
		ps->p++;
	}
	if (take(ps, "nan")) {
		v->number = NAN;
	} else if (take(ps, "inf")) {
		v->number = neg ? -INFINITY : INFINITY;
	} else {
		if (neg)
			ps->p--;
		return false;
	}
	v->type = LAT_JSON_NUMBER;
	return true;
}

/* Skips a run of digits; false when there is none. */
static bool digits(struct parser *ps)
{
	if (!is_digit(ps))
		return false;
	while (is_digit(ps))
		ps->p++;
	return true;
}

/* Moves over one number (RFC 8259 grammar); *ret_integral when it has
 * neither fraction nor exponent. */
static int scan_number(struct parser *ps, bool *ret_integral)
{
	if (*ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0' && ps->p + 1 < ps->end && ps->p[1] >= '0' &&
	    ps->p[1] <= '9')
		return fail(ps, -EINVAL, "leading zero in a number");
	if (!digits(ps))
		return fail(ps, -EINVAL, "expected a digit");
	*ret_integral = true;
	if (ps->p < ps->end && *ps->p == '.') {
		*ret_integral = false;
		ps->p++;
		if (!digits(ps))
			return fail(ps, -EINVAL, "expected a digit after '.'");
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		*ret_integral = false;
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!digits(ps))
			return fail(ps, -EINVAL, "expected a digit in the exponent");
	}
	return 0;
}

static int parse_number(struct parser *ps, struct lat_json *v)
{
	const char *start = ps->p;
	char text[LAT_JSON_MAX_NUMBER + 1], *e;
	bool integral;
	size_t len;
	int r;

	if (nan_token(ps, v))
		return 0;
	r = scan_number(ps, &integral);
	if (r < 0)
		return r;
	len = (size_t)(ps->p - start);
	ps->p = start; /* errors below point at the number */
	if (len > LAT_JSON_MAX_NUMBER)
		return fail(ps, -E2BIG, "number longer than %u characters", LAT_JSON_MAX_NUMBER);
	memcpy(text, start, len);
	text[len] = '\0';
	errno = 0;
	if (integral) {
		v->integer = strtoll(text, &e, 10);
		v->number = (double)v->integer;
		v->is_int = true;
	} else {
		v->number = strtod(text, &e);
	}
	if (errno == ERANGE && (integral || v->number != 0))
		return fail(ps, -ERANGE, "number %s out of range", text);
	v->type = LAT_JSON_NUMBER;
	ps->p += len;
	return 0;
}

static int parse_value(struct parser *ps, struct lat_json *v, unsigned depth);

/* Grows *@arr (elements of @size bytes) so that index *@n fits. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *na;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	na = reallocarray(*arr, ncap, size);
	if (!na)
		return -ENOMEM;
	memset((char *)na + *cap * size, 0, (ncap - *cap) * size);
	*arr = na;
	*cap = ncap;
	return 0;
}

/* Skips blanks and expects one of @seps (",]" or ",}"); returns it. */
static int separator(struct parser *ps, const char *seps, const char *what)
{
	char buf[16];

	skip_space(ps);
	if (ps->p < ps->end && *ps->p && strchr(seps, *ps->p))
		return *ps->p++;
	return fail(ps, -EINVAL, "expected ',' or '%c' in %s, found %s", seps[1], what,
		    found(ps, buf, sizeof(buf)));
}

static int parse_array(struct parser *ps, struct lat_json *v, unsigned depth)
{
	size_t cap = 0;
	int r;

	v->type = LAT_JSON_ARRAY;
	ps->p++;
	skip_space(ps);
	if (take(ps, "]"))
		return 0;
	for (;;) {
		if (v->n >= LAT_JSON_MAX_ITEMS)
			return fail(ps, -E2BIG, "more than %u array items", LAT_JSON_MAX_ITEMS);
		r = grow((void **)&v->items, &cap, v->n, sizeof(*v->items));
		if (r < 0)
			return r;
		r = parse_value(ps, &v->items[v->n++], depth + 1);
		if (r < 0)
			return r;
		r = separator(ps, ",]", "an array");
		if (r < 0 || r == ']')
			return r < 0 ? r : 0;
	}
}

static int parse_member(struct parser *ps, struct lat_json_member *m, unsigned depth)
{
	char buf[16];
	int r;

	skip_space(ps);
	if (ps->p >= ps->end || *ps->p != '"')
		return fail(ps, -EINVAL, "expected a quoted key, found %s",
			    found(ps, buf, sizeof(buf)));
	r = parse_string(ps, &m->key);
	if (r < 0)
		return r;
	skip_space(ps);
	if (!take(ps, ":"))
		return fail(ps, -EINVAL, "expected ':' after key \"%.40s\", found %s", m->key,
			    found(ps, buf, sizeof(buf)));
	return parse_value(ps, &m->value, depth + 1);
}

static int parse_object(struct parser *ps, struct lat_json *v, unsigned depth)
{
	size_t cap = 0;
	int r;

	v->type = LAT_JSON_OBJECT;
	ps->p++;
	skip_space(ps);
	if (take(ps, "}"))
		return 0;
	for (;;) {
		if (v->n >= LAT_JSON_MAX_ITEMS)
			return fail(ps, -E2BIG, "more than %u object members", LAT_JSON_MAX_ITEMS);
		r = grow((void **)&v->members, &cap, v->n, sizeof(*v->members));
		if (r < 0)
			return r;
		r = parse_member(ps, &v->members[v->n++], depth);
		if (r < 0)
			return r;
		r = separator(ps, ",}", "an object");
		if (r < 0 || r == '}')
			return r < 0 ? r : 0;
	}
}

static int parse_value(struct parser *ps, struct lat_json *v, unsigned depth)
{
	char buf[16];
	char c;

	skip_space(ps);
	v->line = ps->line;
	if (depth >= LAT_JSON_MAX_DEPTH)
		return fail(ps, -E2BIG, "nested deeper than %u levels", LAT_JSON_MAX_DEPTH);
	if (ps->p >= ps->end)
		return fail(ps, -EINVAL, "expected a value, found end of input");
	c = *ps->p;
	if (c == '{')
		return parse_object(ps, v, depth);
	if (c == '[')
		return parse_array(ps, v, depth);
	if (c == '"') {
		v->type = LAT_JSON_STRING;
		return parse_string(ps, &v->string);
	}
	if (c == '-' || (c >= '0' && c <= '9') || ((c == 'n' || c == 'i') && nan_token(ps, v)))
		return v->type == LAT_JSON_NUMBER ? 0 : parse_number(ps, v);
	if (take(ps, "true") || take(ps, "false")) {
		v->type = LAT_JSON_BOOL;
		v->boolean = c == 't';
		return 0;
	}
	if (take(ps, "null")) {
		v->type = LAT_JSON_NULL;
		return 0;
	}
	return fail(ps, -EINVAL, "expected a value, found %s", found(ps, buf, sizeof(buf)));
}

static void value_done(struct lat_json *v)
{
	for (size_t i = 0; v->items && i < v->n; i++)
		value_done(&v->items[i]);
	for (size_t i = 0; v->members && i < v->n; i++) {
		free(v->members[i].key);
		value_done(&v->members[i].value);
	}
	free(v->items);
	free(v->members);
	free(v->string);
}

void lat_json_free(struct lat_json *root)
{
	if (!root)
		return;
	value_done(root);
	free(root);
}

int lat_json_parse(const char *text, size_t len, unsigned flags, struct lat_json **ret_root,
		   char *why, size_t why_len)
{
	struct parser ps = {
	    .p = text,
	    .end = text + len,
	    .line_start = text,
	    .line = 1,
	    .flags = flags,
	    .why = why,
	    .why_len = why_len,
	};
	struct lat_json *root;
	char buf[16];
	int r;

	if (len > LAT_JSON_MAX_INPUT)
		return fail(&ps, -E2BIG, "document larger than %u bytes", LAT_JSON_MAX_INPUT);
	root = calloc(1, sizeof(*root));
	if (!root)
		return -ENOMEM;
	r = parse_value(&ps, root, 0);
	if (r == 0) {
		skip_space(&ps);
		if (ps.p < ps.end)
			r = fail(&ps, -EINVAL, "unexpected %s after the document",
				 found(&ps, buf, sizeof(buf)));
	}
	if (r < 0) {
		lat_json_free(root);
		return r;
	}
	*ret_root = root;
	return 0;
}

const struct lat_json *lat_json_get(const struct lat_json *obj, const char *key)
{
	if (!obj || obj->type != LAT_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->members[i].key, key) == 0)
			return &obj->members[i].value;
	return NULL;
}

int lat_json_u64(const struct lat_json *v, uint64_t *ret)
{
	if (!v || v->type != LAT_JSON_NUMBER || !v->is_int || v->integer < 0)
		return -EINVAL;
	*ret = (uint64_t)v->integer;
	return 0;
}

const char *lat_json_type_name(enum lat_json_type type)
{
	static const char *const names[] = {
	    [LAT_JSON_NULL] = "null",	    [LAT_JSON_BOOL] = "a boolean",
	    [LAT_JSON_NUMBER] = "a number", [LAT_JSON_STRING] = "a string",
	    [LAT_JSON_ARRAY] = "an array",  [LAT_JSON_OBJECT] = "an object",
	};

	return (unsigned)type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

void lat_json_put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
