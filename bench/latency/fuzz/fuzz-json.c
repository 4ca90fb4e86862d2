/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-json.c - bytes into the JSON reader (strict and with nan allowed) and
 * into the cyclictest document reader on top of it. A strict parse must
 * also succeed with nan allowed; a read system's histogram must add up.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "json.h"
#include "results.h"

static void check_system(const struct lat_res_system *s)
{
	for (size_t i = 0; i < s->n_threads; i++) {
		const struct lat_thread *t = &s->threads[i];
		uint64_t sum = t->overflows;

		for (size_t k = 0; k < t->n_buckets; k++)
			sum += t->buckets[k].count;
		if (sum != t->cycles)
			abort();
	}
}

static void free_system(struct lat_res_system *s)
{
	for (size_t i = 0; i < s->n_threads; i++)
		free(s->threads[i].buckets);
	free(s->threads);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lat_res_system s = {.name = "fuzz", .policy = "fifo"};
	struct lat_json *root = NULL;
	struct lat_stats st;
	char why[256];

	if (lat_json_parse((const char *)data, size, 0, &root, why, sizeof(why)) == 0) {
		lat_json_free(root);
		if (lat_json_parse((const char *)data, size, LAT_JSON_ALLOW_NAN, &root, why,
				   sizeof(why)) != 0)
			abort();
		lat_json_free(root);
	}
	if (lat_cyclictest_parse((const char *)data, size, 1000, &s, why, sizeof(why)) == 0) {
		check_system(&s);
		if (lat_stats_system(&s, &st) == 0 &&
		    (st.min_us > st.max_us || st.p999_us > st.max_us))
			abort();
	}
	free_system(&s);
	return 0;
}
