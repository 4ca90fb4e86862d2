/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Time truth end to end: the fixture generator's sync scenario (vm1 3.2 ms
 * ahead and 15 ppm fast, 10,000 ping pairs) merged with --sync gs recovers
 * the injected offset within 100 ns and drift within 0.1 ppm, leaves no
 * causal inversion, and places every hypercall between its guest markers.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-exec.h"
#include "xtrace.h"

#define MERGE "merge/xtrace-multi-merge"
#define GEN "fixtures/xtrace-fixture-gen"

struct fixture {
	char *tmp, *host, *vm1, *out;
	struct test_output merge; /* the merge with --sync gs --sync-report */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct test_output o;

	f->tmp = test_mkdtemp();
	assert_non_null(f->tmp);
	assert_true(asprintf(&f->host, "%s/host", f->tmp) > 0);
	assert_true(asprintf(&f->vm1, "%s/vm1", f->tmp) > 0);
	assert_true(asprintf(&f->out, "%s/merged", f->tmp) > 0);
	assert_int_equal(test_exec((char *[]){ GEN, "-o", f->tmp, "--scenario", "sync", NULL },
				   &o), 0);
	if (o.status != 0)
		fail_msg("%s", o.err);
	test_output_free(&o);
	assert_int_equal(test_exec((char *[]){ MERGE, "-q", "--sync", "gs", "--sync-report", "-o",
					       f->out, f->host, f->vm1, NULL }, &f->merge), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_rm_rf(f->tmp);
	test_output_free(&f->merge);
	free(f->tmp);
	free(f->host);
	free(f->vm1);
	free(f->out);
	free(f);
	return 0;
}

/* The injected clock error of vm1, from its metadata. */
struct truth {
	int64_t offset_ns, drift_ppb;
	uint64_t ref_tod;
};

static struct truth read_truth(const char *vm1)
{
	struct xt_dump *d;
	struct truth t;

	assert_int_equal(xt_dump_open(vm1, &d), 0);
	assert_non_null(xt_dump_meta(d, "fixture_offset_ns"));
	t.offset_ns = strtoll(xt_dump_meta(d, "fixture_offset_ns"), NULL, 10);
	t.drift_ppb = strtoll(xt_dump_meta(d, "fixture_drift_ppb"), NULL, 10);
	t.ref_tod = strtoull(xt_dump_meta(d, "fixture_ref_tod_ns"), NULL, 10);
	xt_dump_free(d);
	return t;
}

static void fit_recovers_the_injected_clock_error(void **state)
{
	struct fixture *f = *state;
	struct truth t = read_truth(f->vm1);
	unsigned long long ref;
	size_t pairs, inversions;
	double offset, drift, at_truth_ref;
	const char *line;

	assert_int_equal(f->merge.status, 0);
	line = strstr(f->merge.out, "sync: vm1 against host: ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "sync: vm1 against host: pairs %zu, offset %lf ns, drift %lf "
				"ppm, bound %*f ns / %*f ppm, ref_tod %llu, causal inversions %zu",
				&pairs, &offset, &drift, &ref, &inversions), 5);
	print_message("%s", line);
	assert_int_equal(pairs, 10000);
	assert_int_equal(inversions, 0);
	/* the fit states the offset at its own reference: carry it to the injected one */
	at_truth_ref = offset + drift * 1e-6 * ((double)t.ref_tod - (double)ref);
	assert_true(at_truth_ref > t.offset_ns - 100.0 && at_truth_ref < t.offset_ns + 100.0);
	assert_true(drift > t.drift_ppb / 1000.0 - 0.1 && drift < t.drift_ppb / 1000.0 + 0.1);
	/* and at the fit's reference the truth is within 100 ns too */
	double truth_at_ref = t.offset_ns + t.drift_ppb * 1e-9 * ((double)ref - (double)t.ref_tod);

	assert_true(offset > truth_at_ref - 100.0 && offset < truth_at_ref + 100.0);
}

/* In the merged result every host hypercall of a ping lies between its guest markers. */
static void merged_pings_are_in_causal_order(void **state)
{
	struct fixture *f = *state;
	struct xt_sync_collector *c;
	const struct xt_sync_pair *pairs;
	const char *paths[] = { f->out };
	struct xt_source *src;
	struct xt_event ev;
	char why[256];
	int n;

	assert_int_equal(xt_source_open(paths, 1, NULL, NULL, why, sizeof(why), &src), 0);
	assert_int_equal(xt_sync_collector_new(src, &c), 0);
	while (xt_source_next(src, &ev) > 0)
		assert_int_equal(xt_sync_collector_add(c, &ev), 0);
	n = xt_sync_collector_pairs(c, &pairs, NULL);
	assert_int_equal(n, 10000);
	for (int i = 0; i < n; i++) {
		assert_true(pairs[i].guest_before <= pairs[i].host_tod);
		assert_true(pairs[i].host_tod <= pairs[i].guest_after);
	}
	xt_sync_collector_free(c);
	xt_source_free(src);
}

static void sync_none_keeps_raw_time_of_day(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *raw = NULL;
	struct test_output o;

	assert_true(asprintf(&raw, "%s/raw", f->tmp) > 0);
	assert_int_equal(test_exec((char *[]){ MERGE, "-q", "--sync", "none", "--sync-report",
					       "-o", raw, f->host, f->vm1, NULL }, &o), 0);
	assert_int_equal(o.status, 0);
	assert_null(strstr(o.out, "sync: vm1"));
	test_output_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fit_recovers_the_injected_clock_error),
		cmocka_unit_test(merged_pings_are_in_causal_order),
		cmocka_unit_test(sync_none_keeps_raw_time_of_day),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
