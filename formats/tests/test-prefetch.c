/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading ahead (xt_source_prefetch): a source read ahead gives the very
 * same events as one read inline, also across seeks; damage met while
 * reading ahead is reported once per frame, in the caller's thread.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-util.h"
#include "xtrace.h"

#define CPUS 3
#define PER_CPU 20000
#define STEP 1000

struct fixture {
	char *tmp;
	char *dump;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	/* small frames: many frames per CPU to read ahead */
	const struct test_dump_spec spec = { "pf", CPUS, PER_CPU, TEST_TAI_OFFSET + 5000, STEP,
					     16 * TEST_PAGE_SIZE };

	f->tmp = test_tmpdir();
	f->dump = test_path(f->tmp, "dump");
	test_write_dump(f->dump, &spec);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_rmtree(f->tmp);
	free(f->tmp);
	free(f->dump);
	free(f);
	return 0;
}

/* Diags collected, each checked to come from the thread that reads the source. */
struct thread_diags {
	pthread_t reader;
	struct test_diags diags;
};

static void diag_in_reader(const struct xt_diag *d, void *userdata)
{
	struct thread_diags *t = userdata;

	assert_true(pthread_equal(pthread_self(), t->reader));
	test_diag_collect(d, &t->diags);
}

/* Opens @dir, read ahead when @ahead, positioned at @tod when not 0. */
static struct xt_source *open_at(const char *dir, bool ahead, uint64_t tod,
				 struct thread_diags *t)
{
	const char *paths[] = { dir };
	struct xt_source *s;
	char why[256];

	t->reader = pthread_self();
	assert_int_equal(xt_source_open(paths, 1, diag_in_reader, t, why, sizeof(why), &s), 0);
	if (ahead)
		assert_int_equal(xt_source_prefetch(s), 0);
	if (tod)
		assert_int_equal(xt_source_seek(s, tod), 0);
	return s;
}

static void read_ahead_gives_the_same_events(void **state)
{
	struct fixture *f = *state;
	struct thread_diags ti = {}, ta = {};
	struct xt_source *inline_src = open_at(f->dump, false, 0, &ti);
	struct xt_source *ahead = open_at(f->dump, true, 0, &ta);

	assert_int_equal(test_assert_same_events(inline_src, ahead), CPUS * PER_CPU);
	assert_int_equal(ta.diags.n, 0);
	xt_source_free(inline_src);
	xt_source_free(ahead);
}

static void seeks_drop_what_was_read_ahead(void **state)
{
	struct fixture *f = *state;
	uint64_t start = 5000, mid = start + (PER_CPU / 2) * (uint64_t)STEP;
	struct thread_diags ti = {}, ta = {};
	struct xt_source *inline_src = open_at(f->dump, false, mid, &ti);
	struct xt_source *ahead = open_at(f->dump, true, 0, &ta);
	struct xt_event ev;

	/* read ahead well past the middle, then go back to it */
	for (unsigned i = 0; i < CPUS * PER_CPU * 3 / 4; i++)
		assert_int_equal(xt_source_next(ahead, &ev), 1);
	assert_int_equal(xt_source_seek(ahead, mid), 0);
	assert_true(test_assert_same_events(inline_src, ahead) >= CPUS * PER_CPU / 2 - CPUS);
	xt_source_free(inline_src);
	xt_source_free(ahead);
}

static void damage_read_ahead_is_reported_in_the_readers_thread(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *dir = test_path(f->tmp, "damaged");
	_cleanup_free_ char *cpu1 = NULL;
	struct thread_diags ti = {}, ta = {};
	struct xt_source *inline_src, *ahead;
	unsigned broken = 0;
	uint8_t *data;
	size_t len;
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", f->dump, dir);
	assert_int_equal(system(cmd), 0);
	cpu1 = test_path(dir, "cpu1.xtd");
	data = test_read(cpu1, &len);
	/* break the payload of two frames in the second half of the file */
	for (size_t pos = len / 2; pos + 64 < len && broken < 2; pos++) {
		if (!memcmp(data + pos, "XTF1", 4)) {
			data[pos + 60] ^= 0xff;
			broken++;
			pos += 64;
		}
	}
	assert_int_equal(broken, 2);
	test_write(cpu1, data, len);
	free(data);

	inline_src = open_at(dir, false, 0, &ti);
	ahead = open_at(dir, true, 0, &ta);
	test_assert_same_events(inline_src, ahead);
	assert_int_equal(test_diag_count(&ta.diags, XT_DIAG_CORRUPT_FRAME), 2);
	assert_int_equal(test_diag_count(&ti.diags, XT_DIAG_CORRUPT_FRAME), 2);
	xt_source_free(inline_src);
	xt_source_free(ahead);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_ahead_gives_the_same_events),
		cmocka_unit_test(seeks_drop_what_was_read_ahead),
		cmocka_unit_test(damage_read_ahead_is_reported_in_the_readers_thread),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
