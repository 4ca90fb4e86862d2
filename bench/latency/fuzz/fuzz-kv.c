/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-kv.c - bytes into the "key = value" reader of the results directory
 * files: every pair read has a non-empty key without blanks, keys are
 * unique, and no value starts or ends with a blank.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kv.h"

static void check_pair(const struct lat_kv_file *f, size_t i)
{
	const struct lat_kv *p = &f->pairs[i];
	size_t n = strlen(p->value);

	if (!p->key[0] || strpbrk(p->key, " \t\r=\n") || lat_kv_get(f, p->key) != p->value)
		abort();
	if (n && (strchr(" \t\r", p->value[0]) || strchr(" \t\r", p->value[n - 1])))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lat_kv_file f;
	char why[256];

	if (lat_kv_parse((const char *)data, size, &f, why, sizeof(why)) == 0) {
		for (size_t i = 0; i < f.n; i++)
			check_pair(&f, i);
		lat_kv_file_done(&f);
	}
	return 0;
}
