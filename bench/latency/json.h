/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - a small strict JSON reader (RFC 8259) for cyclictest's --json
 * output, and the string quoting every JSON/XML writer of kvmrt-latency uses.
 *
 * Keys are taken as written: cyclictest writes "cmdline:" with the colon
 * inside the quotes, and that is the key. Everything read is bounded: nesting
 * depth, string length, number text length and container sizes. Parse errors
 * name the line and column.
 */
#ifndef LAT_JSON_H
#define LAT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cleanup.h"
#include <stdio.h>

#define LAT_JSON_MAX_DEPTH 64
#define LAT_JSON_MAX_STRING (1u << 20) /* bytes after unescaping */
#define LAT_JSON_MAX_NUMBER 64	       /* characters of one number */
#define LAT_JSON_MAX_ITEMS (1u << 22)  /* members of one object or array */
#define LAT_JSON_MAX_INPUT (64u << 20) /* bytes of one document */

/* Accept the tokens nan, -nan, inf and -inf as numbers (cyclictest prints
 * "avg": -nan for a thread that never ran). */
#define LAT_JSON_ALLOW_NAN 0x1u

enum lat_json_type {
	LAT_JSON_NULL,
	LAT_JSON_BOOL,
	LAT_JSON_NUMBER,
	LAT_JSON_STRING,
	LAT_JSON_ARRAY,
	LAT_JSON_OBJECT,
};

struct lat_json_member;

struct lat_json {
	enum lat_json_type type;
	unsigned line;	 /* line where the value starts (1-based) */
	bool boolean;	 /* LAT_JSON_BOOL */
	bool is_int;	 /* LAT_JSON_NUMBER written as an integer (fits int64_t) */
	int64_t integer; /* when is_int */
	double number;	 /* every LAT_JSON_NUMBER */
	char *string;	 /* LAT_JSON_STRING, NUL-terminated, no NUL inside */
	size_t n;	 /* items of an array, members of an object */
	struct lat_json *items;
	struct lat_json_member *members; /* in document order */
};

struct lat_json_member {
	char *key;
	struct lat_json value;
};

/*
 * Parses the whole of @text (@len bytes, NUL bytes included: they are an
 * error) with @flags (LAT_JSON_*). On success *ret_root must be freed with
 * lat_json_free(). On failure @why says "line L column C: what is wrong".
 * Returns 0, -EINVAL (syntax), -E2BIG (a limit above), -ERANGE (a number
 * beyond double or int64 range) or -ENOMEM.
 */
int lat_json_parse(const char *text, size_t len, unsigned flags, struct lat_json **ret_root,
		   char *why, size_t why_len);

/* Frees a tree from lat_json_parse(); NULL is fine. */
void lat_json_free(struct lat_json *root);
DEFINE_POINTER_CLEANUP(struct lat_json, lat_json_free)

/* The first member named @key of object @obj (borrowed), or NULL when @obj
 * is not an object or has no such member. */
const struct lat_json *lat_json_get(const struct lat_json *obj, const char *key);

/* A non-negative integer value: 0 and *ret, or -EINVAL (wrong type). */
int lat_json_u64(const struct lat_json *v, uint64_t *ret);

/* The name of a type ("object", "number", ...) for messages. */
const char *lat_json_type_name(enum lat_json_type type);

/* Writes @s as a quoted JSON string to @f (control characters escaped). */
void lat_json_put_string(FILE *f, const char *s);

#endif
