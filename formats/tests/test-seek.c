/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seeking a source by time of day: the events after a seek are exactly the
 * events a full scan yields from that TOD on, forward and backward, in dumps
 * and merged directories; frames wholly before the TOD are not decompressed.
 */
#include <errno.h>
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

#define CPUS 4u
#define PER_CPU 60000u
#define STEP 1000u
#define START (TEST_TAI_OFFSET + 5000000000ull) /* raw ts of the first event */
#define START_TOD (START - TEST_TAI_OFFSET)
#define END_TOD (START_TOD + (uint64_t)(PER_CPU - 1) * STEP + CPUS)

struct fixture {
	char *tmp;
	char *dump;   /* CPUS x PER_CPU events in small frames */
	char *other;  /* a second system, interleaved */
	char *merged; /* both, merged */
};

/* What a run of events looks like: how many, and a digest of their order and content. */
struct digest {
	uint64_t count;
	uint64_t hash;
	uint64_t first_tod;
};

static void digest_add(struct digest *d, const struct xt_event *ev)
{
	const uint8_t *p = ev->data;
	uint64_t h = d->hash ? d->hash : 1469598103934665603ull;

	if (!d->count)
		d->first_tod = ev->tod;
	d->count++;
	h = (h ^ ev->tod) * 1099511628211ull;
	h = (h ^ ((uint64_t)ev->system << 32 | ev->cpu)) * 1099511628211ull;
	for (uint32_t i = 0; i < ev->size; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	d->hash = h;
}

/* Digest of the rest of @src, events with TOD below @from left out. */
static struct digest drain(struct xt_source *src, uint64_t from)
{
	struct digest d = {};
	struct xt_event ev;
	int r;

	while ((r = xt_source_next(src, &ev)) > 0)
		if (ev.tod >= from)
			digest_add(&d, &ev);
	assert_int_equal(r, 0);
	return d;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const struct test_dump_spec a = { "alpha", CPUS, PER_CPU, START, STEP, 32768 };
	const struct test_dump_spec b = { "beta", 2, PER_CPU, START + 333, STEP, 32768 };

	f->tmp = test_tmpdir();
	f->dump = test_path(f->tmp, "a");
	f->other = test_path(f->tmp, "b");
	f->merged = test_path(f->tmp, "m");
	test_write_dump(f->dump, &a);
	test_write_dump(f->other, &b);
	test_merge_into(f->merged, (const char *[]){ f->dump, f->other }, 2, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_rmtree(f->tmp);
	free(f->tmp);
	free(f->dump);
	free(f->other);
	free(f->merged);
	free(f);
	return 0;
}

/* The TODs worth seeking to: before, at, between and after events, at both ends. */
static const uint64_t targets[] = {
	0,
	START_TOD,
	START_TOD + 1,
	START_TOD + 12345678,
	START_TOD + (PER_CPU / 2) * (uint64_t)STEP,
	START_TOD + (PER_CPU / 2) * (uint64_t)STEP + 2,
	END_TOD - 5 * STEP,
	END_TOD,
	END_TOD + 1,
	UINT64_MAX,
};

#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

/* Seeks @path (corrected by @adj) to each target in @order and compares with a full scan. */
static void adjusted_seeks_match_full_scan(const char *path, const struct xt_tod_adjust *adj,
					   const unsigned *order)
{
	const struct xt_source_input in = { .path = path, .adjust = *adj };
	struct xt_source *full, *sought;
	char why[256];

	assert_int_equal(xt_source_open_inputs(&in, 1, NULL, NULL, why, sizeof(why), &full), 0);
	assert_int_equal(xt_source_open_inputs(&in, 1, NULL, NULL, why, sizeof(why), &sought), 0);

	for (unsigned i = 0; i < NTARGETS; i++) {
		uint64_t t = targets[order[i]];
		struct digest want, got;

		assert_int_equal(xt_source_seek(full, 0), 0);
		want = drain(full, t);
		assert_int_equal(xt_source_seek(sought, t), 0);
		got = drain(sought, 0); /* nothing before t may come out */
		assert_int_equal(got.count, want.count);
		assert_true(got.hash == want.hash);
		if (got.count)
			assert_true(got.first_tod >= t);
	}
	xt_source_free(full);
	xt_source_free(sought);
}

static void seeks_match_full_scan(const char *path, const unsigned *order)
{
	const struct xt_tod_adjust none = {};

	adjusted_seeks_match_full_scan(path, &none, order);
}

static const unsigned forward[NTARGETS] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
static const unsigned backward[NTARGETS] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 };
static const unsigned mixed[NTARGETS] = { 4, 0, 7, 2, 9, 5, 1, 8, 3, 6 };

static void dump_seeks_match_full_scan(void **state)
{
	struct fixture *f = *state;

	seeks_match_full_scan(f->dump, forward);
	seeks_match_full_scan(f->dump, backward);
	seeks_match_full_scan(f->dump, mixed);
}

static void merged_seeks_match_full_scan(void **state)
{
	struct fixture *f = *state;

	seeks_match_full_scan(f->merged, forward);
	seeks_match_full_scan(f->merged, mixed);
}

/* A corrected input seeks in corrected time: offsets either way, drifts either way. */
static void corrected_inputs_seek_in_corrected_time(void **state)
{
	struct fixture *f = *state;
	const struct xt_tod_adjust adjs[] = {
		{ .offset_ns = -3200000 },
		{ .offset_ns = 7000, .drift_ppb = -15000 },
		{ .drift_ppb = 250000, .ref_tod = START_TOD + 40000000 },
		{ .offset_ns = -1, .drift_ppb = 9999999 },
	};

	for (unsigned i = 0; i < sizeof(adjs) / sizeof(adjs[0]); i++) {
		adjusted_seeks_match_full_scan(f->dump, &adjs[i], mixed);
		adjusted_seeks_match_full_scan(f->merged, &adjs[i], backward);
	}
}

static void mixed_inputs_seek_together(void **state)
{
	struct fixture *f = *state;
	const char *paths[] = { f->merged, f->dump };
	struct xt_source *src;
	struct digest all, from;
	uint64_t t = START_TOD + 3 * (PER_CPU / 4) * (uint64_t)STEP;
	char why[256];

	assert_int_equal(xt_source_open(paths, 2, NULL, NULL, why, sizeof(why), &src), 0);
	all = drain(src, t);
	assert_int_equal(xt_source_seek(src, t), 0);
	from = drain(src, 0);
	assert_int_equal(from.count, all.count);
	assert_true(from.hash == all.hash);
	xt_source_free(src);
}

/* Seeking three quarters in decompresses the last quarter of the frames, not the rest. */
static void seeking_skips_frames_before(void **state)
{
	struct fixture *f = *state;
	const char *paths[] = { f->merged, f->dump };
	uint64_t t = START_TOD + 3 * (PER_CPU / 4) * (uint64_t)STEP;
	uint64_t total, after_one, after_all;
	struct xt_source *src;
	struct xt_event ev;
	char why[256];
	unsigned streams = 1 + CPUS; /* the merged stream and the dump's CPUs */

	assert_int_equal(xt_source_open(paths, 2, NULL, NULL, why, sizeof(why), &src), 0);
	drain(src, 0);
	total = xt_source_frames_decompressed(src);
	xt_source_free(src);
	assert_true(total > 40 * streams); /* small frames: plenty to skip */

	assert_int_equal(xt_source_open(paths, 2, NULL, NULL, why, sizeof(why), &src), 0);
	/* opening primes each stream with its first frame */
	assert_int_equal(xt_source_frames_decompressed(src), streams);
	assert_int_equal(xt_source_seek(src, t), 0);
	assert_int_equal(xt_source_next(src, &ev), 1);
	assert_true(ev.tod >= t);
	after_one = xt_source_frames_decompressed(src);
	/* one frame per stream to find its first event at t, now and then the next one too */
	assert_true(after_one <= 3 * streams);
	drain(src, 0);
	after_all = xt_source_frames_decompressed(src);
	/* the last quarter of the frames, give or take one per stream at the edge */
	assert_true(after_all - streams <= total / 4 + 2 * streams);
	xt_source_free(src);
}

static void frame_reader_seek_reads_headers_only(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *path = test_path(f->dump, "cpu0.xtd");
	const struct xt_frame_header *h;
	struct xt_frame_reader *r;
	const void *payload;
	uint64_t first_ts[4] = {};
	unsigned n = 0;

	assert_int_equal(xt_frame_reader_open(path, 0, NULL, NULL, &r), 0);
	while (n < 4 && xt_frame_reader_next(r, &h, &payload) == 1)
		first_ts[n++] = h->first_ts;
	assert_int_equal(n, 4);
	assert_int_equal(xt_frame_reader_decompressed(r), 4);

	/* below the third frame's first_ts: the second frame may hold what comes at ts */
	assert_int_equal(xt_frame_reader_seek(r, first_ts[2] - 1), 0);
	assert_int_equal(xt_frame_reader_decompressed(r), 4);
	assert_int_equal(xt_frame_reader_next(r, &h, &payload), 1);
	assert_true(h->first_ts == first_ts[1]);
	/* at the third frame's first_ts exactly: still the second (equal ts may end it) */
	assert_int_equal(xt_frame_reader_seek(r, first_ts[2]), 0);
	assert_int_equal(xt_frame_reader_next(r, &h, &payload), 1);
	assert_true(h->first_ts == first_ts[1]);
	/* before everything: the first frame */
	assert_int_equal(xt_frame_reader_seek(r, 0), 0);
	assert_int_equal(xt_frame_reader_next(r, &h, &payload), 1);
	assert_true(h->first_ts == first_ts[0]);
	assert_int_equal(xt_frame_reader_decompressed(r), 7);
	xt_frame_reader_free(r);
}

/* A damaged frame stops the header index: seeks past it still find every event. */
static void seek_past_damage_reads_on(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *dir = test_path(f->tmp, "damaged");
	_cleanup_free_ char *cpu0 = NULL;
	char cmd[512];
	uint8_t *data;
	size_t len;
	struct test_diags diags = {};
	const char *paths[] = { dir };
	struct xt_source *full, *sought;
	struct digest want, got;
	uint64_t t = START_TOD + (PER_CPU / 2) * (uint64_t)STEP;
	char why[256];

	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", f->dump, dir);
	assert_int_equal(system(cmd), 0);
	cpu0 = test_path(dir, "cpu0.xtd");
	data = test_read(cpu0, &len);
	/* break the header CRC of a frame in the first quarter of the file */
	for (size_t pos = len / 8; pos + 4 < len; pos++) {
		if (!memcmp(data + pos, "XTF1", 4)) {
			data[pos + 30] ^= 0xff;
			break;
		}
	}
	test_write(cpu0, data, len);
	free(data);

	assert_int_equal(xt_source_open(paths, 1, test_diag_collect, &diags, why, sizeof(why),
					&full), 0);
	want = drain(full, t);
	assert_int_equal(xt_source_open(paths, 1, test_diag_collect, &diags, why, sizeof(why),
					&sought), 0);
	assert_int_equal(xt_source_seek(sought, t), 0);
	got = drain(sought, 0);
	assert_int_equal(got.count, want.count);
	assert_true(got.hash == want.hash);
	assert_true(test_diag_count(&diags, XT_DIAG_CORRUPT_FRAME) >= 1);
	xt_source_free(full);
	xt_source_free(sought);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dump_seeks_match_full_scan),
		cmocka_unit_test(merged_seeks_match_full_scan),
		cmocka_unit_test(corrected_inputs_seek_in_corrected_time),
		cmocka_unit_test(mixed_inputs_seek_together),
		cmocka_unit_test(seeking_skips_frames_before),
		cmocka_unit_test(frame_reader_seek_reads_headers_only),
		cmocka_unit_test(seek_past_damage_reads_on),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
