/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-meta.c - feeds bytes to the xtrace.meta parser, then to what readers
 * do with a parsed file: version check, numbers, CPU lists, re-setting
 * every key (which must accept what the parser accepted).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "cpulist.h"
#include "meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xt_meta *m, *copy;
	char why[256];
	uint64_t u;
	int64_t s;
	unsigned count;

	if (xt_meta_parse((const char *)data, size, "xtrace.meta", why, sizeof(why), &m) < 0) {
		if (!memchr(why, '\0', sizeof(why)))
			abort();
		return 0;
	}
	xt_meta_check_version(m, "xtrace.meta", why, sizeof(why));
	if (xt_meta_new(&copy) < 0)
		abort();
	for (size_t i = 0; i < xt_meta_count(m); i++) {
		const char *key = xt_meta_key(m, i), *value = xt_meta_value(m, i);

		if (xt_meta_get(m, key) != value || xt_meta_set(copy, key, value) < 0)
			abort();
		xt_meta_get_u64(m, key, "m", why, sizeof(why), &u);
		xt_meta_get_s64(m, key, "m", why, sizeof(why), &s);
		cpulist_parse(value, 64, NULL, &count);
	}
	if (xt_meta_count(copy) != xt_meta_count(m))
		abort();
	xt_meta_free(copy);
	xt_meta_free(m);
	return 0;
}
