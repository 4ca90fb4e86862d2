/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meta.h - the xtrace.meta "key = value" file (private to libxtrace).
 *
 * Syntax: one "key = value" per line; keys are [a-z0-9_.]+, values are
 * trimmed of blanks and hold no control character but tab; blank lines and
 * lines starting with '#' are ignored. A line holds at most
 * XT_META_MAX_LINE bytes, a file at most XT_META_MAX_KEYS keys, each key
 * once. Keys keep the order they were first set in.
 *
 * Functions that can fail on bad input take a @why buffer (@why_len bytes,
 * may be 0) and write a one-line reason into it: "xtrace.meta:12: ...".
 */
#ifndef XT_META_H
#define XT_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XT_META_MAX_LINE 4096u
#define XT_META_MAX_KEYS 10000u
#define XT_META_MAX_FILE (16u << 20)
#define XT_MAX_CPUS 8192u

struct xt_meta;

/* An empty set of keys. Free with xt_meta_free(). */
int xt_meta_new(struct xt_meta **ret);
void xt_meta_free(struct xt_meta *m);

/* Whether @key is a well-formed key ([a-z0-9_.]+, short enough for a line). */
bool xt_meta_key_valid(const char *key);

/*
 * Sets @key to @value (copied, trimmed of blanks), replacing an earlier
 * value in place. -EINVAL for a malformed key or a value holding a control
 * character, -E2BIG when the line would be too long or there are too many
 * keys. Returns 0 or a negative errno.
 */
int xt_meta_set(struct xt_meta *m, const char *key, const char *value);

/* Value of @key or NULL. Borrowed: valid until @key is set again or @m is freed. */
const char *xt_meta_get(const struct xt_meta *m, const char *key);

/* Number of keys, and key/value @i in insertion order (borrowed). */
size_t xt_meta_count(const struct xt_meta *m);
const char *xt_meta_key(const struct xt_meta *m, size_t i);
const char *xt_meta_value(const struct xt_meta *m, size_t i);

/*
 * Numeric values: 0 and *ret filled, -ENOENT when the key is absent,
 * -EBADMSG when the value is not a whole decimal number in range (the
 * reason, naming @name and the key, goes to @why).
 */
int xt_meta_get_u64(const struct xt_meta *m, const char *key, const char *name, char *why,
		    size_t why_len, uint64_t *ret);
int xt_meta_get_s64(const struct xt_meta *m, const char *key, const char *name, char *why,
		    size_t why_len, int64_t *ret);

/*
 * Parses @len bytes of @buf (need not be NUL-terminated) as a metadata
 * file named @name in reasons. -EBADMSG on a malformed line, -ENOMEM.
 * Free the result with xt_meta_free().
 */
int xt_meta_parse(const char *buf, size_t len, const char *name, char *why, size_t why_len,
		  struct xt_meta **ret);

/*
 * Checks the "version" key: -EBADMSG when missing or not a positive
 * number, -EPROTONOSUPPORT when newer than XT_FORMAT_VERSION.
 */
int xt_meta_check_version(const struct xt_meta *m, const char *name, char *why, size_t why_len);

/*
 * Reads @relpath under @dirfd, parses it and checks its version. -ENOENT
 * when the file is missing, else as xt_meta_parse() and
 * xt_meta_check_version(). Reasons name @relpath.
 */
int xt_meta_load(int dirfd, const char *relpath, char *why, size_t why_len,
		 struct xt_meta **ret);

/*
 * Writes @m as @relpath under @dirfd atomically: a temporary file
 * "@relpath.tmp" is written, fsync'ed and renamed over @relpath, then the
 * directory is fsync'ed. Returns 0 or a negative errno.
 */
int xt_meta_save(const struct xt_meta *m, int dirfd, const char *relpath);


/*
 * Parses the decimal digits at *@p (at least one) into *ret, at most @max,
 * and advances *@p past them. -EINVAL when no digit, -ERANGE above @max.
 */
int xt_parse_decimal(const char **p, uint64_t max, uint64_t *ret);

/* Writes a printf-formatted reason into @why (@why_len bytes; nothing when 0). */
void xt_why(char *why, size_t why_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
