/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A trace-cmd trace.dat input (written by the fixture generator from the
 * same pages as its "host" dump) merges with an xtrace dump in correct
 * order: its events come out exactly as the dump's, interleaved with the
 * other system's by time of day. Skipped, saying why, without libtracecmd.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-exec.h"
#include "xtrace.h"

#define MERGE "merge/xtrace-multi-merge"
#define GEN "fixtures/xtrace-fixture-gen"

struct seen {
	uint64_t tod;
	uint32_t system, cpu, kind, size;
	uint64_t hash; /* of the event bytes */
};

static uint64_t hash_bytes(const void *data, uint32_t size)
{
	const uint8_t *p = data;
	uint64_t h = 1469598103934665603ull;

	for (uint32_t i = 0; i < size; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static size_t read_all(const char *path, struct seen **ret)
{
	const char *paths[] = { path };
	struct xt_source *src;
	struct xt_event ev;
	size_t n = 0, cap = 4096;
	struct seen *v = malloc(cap * sizeof(*v));
	char why[256];

	assert_non_null(v);
	if (xt_source_open(paths, 1, NULL, NULL, why, sizeof(why), &src) < 0)
		fail_msg("%s", why);
	while (xt_source_next(src, &ev) > 0) {
		if (n == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		v[n++] = (struct seen){ ev.tod, ev.system, ev.cpu, ev.kind, ev.size,
					ev.kind == XT_EVENT_RECORD ? hash_bytes(ev.data, ev.size)
								   : ev.lost };
	}
	xt_source_free(src);
	*ret = v;
	return n;
}

/* The check; false when this build cannot read trace.dat files (the reason printed). */
static bool merges_in_order(void)
{
	_cleanup_free_ char *tmp = test_mkdtemp(), *dat = NULL, *host = NULL, *out = NULL;
	_cleanup_free_ char *vm1 = test_source_path("fixtures/dumps/vm1");
	_cleanup_free_ struct seen *merged = NULL, *want_host = NULL, *want_vm = NULL;
	size_t n, nh, nv, ih = 0, iv = 0;
	struct test_output o;

	assert_non_null(tmp);
	assert_true(asprintf(&dat, "%s/host.dat", tmp) > 0);
	assert_true(asprintf(&host, "%s/host", tmp) > 0);
	assert_true(asprintf(&out, "%s/merged", tmp) > 0);
	assert_int_equal(test_exec((char *[]){ GEN, "-o", tmp, "--scenario", "large", "--events",
					       "40000", "--tracedat", dat, NULL }, &o), 0);
	assert_int_equal(o.status, 0);
	test_output_free(&o);

	assert_int_equal(test_exec((char *[]){ MERGE, "-q", "-o", out, dat, vm1, NULL }, &o), 0);
	if (o.status != 0 && strstr(o.err, "libtracecmd")) {
		print_message("skipped: %s", o.err);
		test_output_free(&o);
		test_rm_rf(tmp);
		return false;
	}
	assert_int_equal(o.status, 0);
	test_output_free(&o);

	n = read_all(out, &merged);
	nh = read_all(host, &want_host);
	nv = read_all(vm1, &want_vm);
	assert_int_equal(n, nh + nv);
	for (size_t i = 0; i < n; i++) {
		const struct seen *m = &merged[i];
		struct seen *want = m->system == 0 ? &want_host[ih++] : &want_vm[iv++];

		if (i)
			assert_true(merged[i - 1].tod <= m->tod);
		assert_true(m->system <= 1);
		assert_true(m->tod == want->tod);
		assert_int_equal(m->cpu, want->cpu);
		assert_int_equal(m->kind, want->kind);
		assert_int_equal(m->size, want->size);
		assert_true(m->hash == want->hash);
	}
	assert_int_equal(ih, nh);
	assert_int_equal(iv, nv);
	/* the two systems really interleave */
	assert_true(merged[0].system != merged[n - 1].system || nv == 0 || nh == 0 ||
		    merged[n / 2].system != merged[0].system);
	test_rm_rf(tmp);
	return true;
}

static void tracedat_merges_in_order_with_a_dump(void **state)
{
	if (!merges_in_order())
		skip(); /* nothing is held here: skip() does not return */
}

/* A damaged trace.dat is refused with the file named, and leaves no temporary directory. */
static void damaged_tracedat_is_refused(void **state)
{
	_cleanup_free_ char *tmp = test_mkdtemp(), *dat = NULL, *out = NULL, *cmd = NULL;
	_cleanup_free_ char *scratch = NULL, *old_tmpdir = NULL;
	struct test_output o;

	assert_non_null(tmp);
	assert_true(asprintf(&scratch, "%s/scratch", tmp) > 0);
	assert_int_equal(mkdir(scratch, 0700), 0);
	old_tmpdir = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	setenv("TMPDIR", scratch, 1);
	assert_true(asprintf(&dat, "%s/cut.dat", tmp) > 0);
	assert_true(asprintf(&out, "%s/merged", tmp) > 0);
	/* the magic and version, then nothing */
	assert_true(asprintf(&cmd, "printf '\\027\\010Dtracing6\\000\\000\\010' > '%s'", dat) > 0);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(test_exec((char *[]){ MERGE, "-q", "-o", out, dat, NULL }, &o), 0);
	assert_int_equal(o.status, 1);
	assert_non_null(strstr(o.err, dat));
	test_output_free(&o);
	if (old_tmpdir)
		setenv("TMPDIR", old_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	assert_int_equal(rmdir(scratch), 0); /* empty: the temporary dump directory is gone */
	test_rm_rf(tmp);
}

int main(void)
{
	test_asan_slow_unwind();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tracedat_merges_in_order_with_a_dump),
		cmocka_unit_test(damaged_tracedat_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
