/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kv.h - "key = value" files of a results directory (campaign, facts,
 * spike): one pair a line, blank lines and '#' comments allowed, the value
 * is everything after the first '=' with surrounding blanks removed.
 */
#ifndef LAT_KV_H
#define LAT_KV_H

#include <stddef.h>

#define LAT_KV_MAX_FILE (1u << 20) /* bytes */
#define LAT_KV_MAX_PAIRS 256

struct lat_kv {
	char *key;
	char *value;
	unsigned line;
};

struct lat_kv_file {
	struct lat_kv *pairs;
	size_t n;
};

/*
 * Parses @text (@len bytes). On failure @why says "line N: what is wrong"
 * (NUL byte, no '=', empty key, duplicate key, too many pairs). Returns 0 or
 * -EINVAL, -E2BIG, -ENOMEM. Release with lat_kv_file_done().
 */
int lat_kv_parse(const char *text, size_t len, struct lat_kv_file *ret, char *why, size_t why_len);

/* The value of @key (borrowed), or NULL. */
const char *lat_kv_get(const struct lat_kv_file *f, const char *key);

void lat_kv_file_done(struct lat_kv_file *f);

#endif
