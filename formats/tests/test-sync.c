/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ping pairs and the clock fit: exact geometry gives the exact answer,
 * contradictions are flagged, the committed fixtures pair up, and hostile
 * marker texts and truncated events never pair (nor read out of bounds).
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
#include "xtrace.h"

#define T0 1741944413000000000ull

/*
 * Pairs of a guest @offset ns ahead and @drift_ppb fast at T0, markers at
 * least @before/@after ns away (exactly that for every tenth pair).
 */
static void make_pairs(struct xt_sync_pair *p, size_t n, int64_t offset, int64_t drift_ppb,
		       uint64_t before, uint64_t after)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t h = T0 + i * 7000000ull + (i * 7919) % 3000;
		int64_t g = (int64_t)h + offset + (int64_t)(h - T0) * drift_ppb / 1000000000;
		uint64_t late = i % 10 ? (i * 31) % 400 : 0, early = i % 10 ? (i * 17) % 400 : 0;

		p[i] = (struct xt_sync_pair){
			.guest = 1, .host = 0, .cookie = 7, .seq = i,
			.guest_before = (uint64_t)g - before - late,
			.guest_after = (uint64_t)g + after + early,
			.host_tod = h,
		};
	}
}

static void fit_finds_the_centre(void **state)
{
	struct xt_sync_pair p[300];
	struct xt_sync_fit f;
	struct xt_tod_adjust adj;
	double truth;

	make_pairs(p, 300, 3200000, 15000, 1500, 1500);
	assert_int_equal(xt_sync_fit(p, 300, 1, &f), 0);
	assert_int_equal(f.pairs, 300);
	assert_int_equal(f.host, 0);
	assert_true(f.feasible);
	assert_int_equal(f.inversions, 0);
	truth = 3200000 + 15e-6 * (double)(f.ref_tod - T0);
	assert_true(f.offset_ns > truth - 20 && f.offset_ns < truth + 20);
	assert_true(f.drift_ppm > 14.95 && f.drift_ppm < 15.05);
	assert_true(f.offset_bound_ns >= 2900 && f.offset_bound_ns <= 3010);
	/* the correction brings the guest's times onto the host's */
	xt_sync_fit_adjust(&f, &adj);
	for (size_t i = 0; i < 300; i++) {
		uint64_t b = xt_tod_adjust_apply(&adj, p[i].guest_before);
		uint64_t a = xt_tod_adjust_apply(&adj, p[i].guest_after);

		assert_true(b <= p[i].host_tod && p[i].host_tod <= a);
	}
	assert_int_equal(xt_sync_inversions(p, 300, 1, &adj), 0);
	/* without the correction the guest is 3.2 ms late for every pair */
	adj = (struct xt_tod_adjust){};
	assert_int_equal(xt_sync_inversions(p, 300, 1, &adj), 300);
}

static void contradicting_pairs_are_flagged(void **state)
{
	struct xt_sync_pair p[40];
	struct xt_sync_fit f;

	make_pairs(p, 40, 0, 0, 100, 100);
	/* one pair says the guest is 1 ms ahead, the others that it is on time */
	p[20].guest_before += 1000000;
	p[20].guest_after += 1000000;
	assert_int_equal(xt_sync_fit(p, 40, 1, &f), 0);
	assert_false(f.feasible);
	assert_true(f.inversions >= 1);
}

static void single_pair_and_no_pair(void **state)
{
	struct xt_sync_pair p[1];
	struct xt_sync_fit f;

	make_pairs(p, 1, -5000, 0, 200, 200);
	assert_int_equal(xt_sync_fit(p, 1, 1, &f), 0);
	assert_true(f.offset_ns > -5300 && f.offset_ns < -4700);
	assert_int_equal(f.inversions, 0);
	assert_int_equal(xt_sync_fit(p, 1, 2, &f), -ENODATA);
	assert_int_equal(xt_sync_fit(NULL, 0, 1, &f), -ENODATA);
}

static struct xt_source *open_fixtures(void)
{
	_cleanup_free_ char *host = NULL, *vm1 = NULL;
	const char *root = getenv("KVMRT_SOURCE_ROOT");
	struct xt_source *src;
	char why[256];

	assert_non_null(root);
	assert_true(asprintf(&host, "%s/fixtures/dumps/host", root) > 0);
	assert_true(asprintf(&vm1, "%s/fixtures/dumps/vm1", root) > 0);
	if (xt_source_open((const char *[]){ host, vm1 }, 2, NULL, NULL, why, sizeof(why),
			   &src) < 0)
		fail_msg("%s", why);
	return src;
}

static void fixtures_pair_up(void **state)
{
	struct xt_source *src = open_fixtures();
	struct xt_sync_collector *c;
	const struct xt_sync_pair *pairs;
	struct xt_event ev;
	size_t unmatched;
	int n;

	assert_int_equal(xt_sync_collector_new(src, &c), 0);
	assert_true(xt_sync_collector_can_pair(c));
	while (xt_source_next(src, &ev) > 0)
		assert_int_equal(xt_sync_collector_add(c, &ev), 0);
	n = xt_sync_collector_pairs(c, &pairs, &unmatched);
	assert_int_equal(n, 40);
	assert_int_equal(unmatched, 0);
	for (int i = 0; i < n; i++) {
		assert_int_equal(pairs[i].guest, 1);
		assert_int_equal(pairs[i].host, 0);
		assert_true(pairs[i].cookie == 0x5eed1000 || pairs[i].cookie == 0x5eed1001);
		assert_true(pairs[i].guest_before < pairs[i].guest_after);
		if (i)
			assert_true(pairs[i - 1].host_tod <= pairs[i].host_tod);
	}
	xt_sync_collector_free(c);
	xt_source_free(src);
}

/* An ftrace:print (id 5 in the fixtures' formats: buf at 16) of vm1 holding @text. */
static struct xt_event print_event(uint8_t *buf, size_t cap, const char *text, uint64_t tod)
{
	size_t len = strlen(text);

	assert_true(16 + len <= cap);
	memset(buf, 0, 16);
	buf[0] = 5;
	memcpy(buf + 16, text, len);
	return (struct xt_event){ .tod = tod, .data = buf, .size = (uint32_t)(16 + len),
				  .kind = XT_EVENT_RECORD, .system = 1 };
}

/* A source without a single ping: no pairs, nothing unmatched (and no qsort of a NULL list). */
static void nothing_collected_gives_no_pairs(void **state)
{
	struct xt_source *src = open_fixtures();
	struct xt_sync_collector *c;
	const struct xt_sync_pair *pairs;
	size_t unmatched = 7;

	assert_int_equal(xt_sync_collector_new(src, &c), 0);
	assert_int_equal(xt_sync_collector_pairs(c, &pairs, &unmatched), 0);
	assert_int_equal(unmatched, 0);
	xt_sync_collector_free(c);
	xt_source_free(src);
}

static void hostile_markers_never_pair(void **state)
{
	static const char *const texts[] = {
		"KVMRT_GS_PING_GUEST cookie=0xzz seq=1 tod=5",
		"KVMRT_GS_PING_GUEST cookie=0x11111111111111111 seq=1 tod=5",
		"KVMRT_GS_PING_GUEST cookie=0x1 seq=999999999999999999999 tod=5",
		"KVMRT_GS_PING_GUEST cookie=0x1 tod=5",
		"KVMRT_GS_PING_GUEST seq=1",
		"KVMRT_GS_PING_GUEST cookie=0x seq= tod=",
		"KVMRT_GS_PING_GUEST",
		"KVMRT_GS_PING_GUESTcookie=0x1 seq=1",
		"kvmrt_gs_ping_guest cookie=0x1 seq=1",
	};
	struct xt_source *src = open_fixtures();
	struct xt_sync_collector *c;
	const struct xt_sync_pair *pairs;
	uint8_t buf[256], call[48] = { 114 };
	struct xt_event ev;
	size_t unmatched;

	assert_int_equal(xt_sync_collector_new(src, &c), 0);
	for (unsigned i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ev = print_event(buf, sizeof(buf), texts[i], 100 + i);
		assert_int_equal(xt_sync_collector_add(c, &ev), 0);
		assert_int_equal(xt_sync_collector_add(c, &ev), 0);
	}
	/* cut events: shorter than the fields they should hold */
	for (uint32_t size = 0; size < 48; size += 5) {
		ev = print_event(buf, sizeof(buf), "KVMRT_GS_PING_GUEST cookie=0x1 seq=1", 1);
		ev.size = size < ev.size ? size : ev.size;
		assert_int_equal(xt_sync_collector_add(c, &ev), 0);
		ev = (struct xt_event){ .data = call, .size = size, .system = 0 };
		assert_int_equal(xt_sync_collector_add(c, &ev), 0);
	}
	/* a system the source does not have, a lost-events record */
	ev = print_event(buf, sizeof(buf), "KVMRT_GS_PING_GUEST cookie=0x2 seq=2", 1);
	ev.system = 9;
	assert_int_equal(xt_sync_collector_add(c, &ev), 0);
	ev = (struct xt_event){ .kind = XT_EVENT_LOST, .system = 1 };
	assert_int_equal(xt_sync_collector_add(c, &ev), 0);
	assert_int_equal(xt_sync_collector_pairs(c, &pairs, &unmatched), 0);
	xt_sync_collector_free(c);
	xt_source_free(src);
}

/* Three markers of one ping, or two hypercalls, make the ping unusable. */
static void ambiguous_pings_are_left_out(void **state)
{
	struct xt_source *src = open_fixtures();
	struct xt_sync_collector *c;
	const struct xt_sync_pair *pairs;
	uint8_t buf[256], call[48] = { 114 };
	uint64_t regs[4] = { XT_SYNC_PING_NR, 0x9, 1, 0 };
	struct xt_event ev;
	size_t unmatched;

	memcpy(call + 8, regs, sizeof(regs));
	assert_int_equal(xt_sync_collector_new(src, &c), 0);
	for (int i = 0; i < 3; i++) {
		ev = print_event(buf, sizeof(buf), "KVMRT_GS_PING_GUEST cookie=0x9 seq=1 tod=1",
				 10 + i);
		assert_int_equal(xt_sync_collector_add(c, &ev), 0);
	}
	ev = (struct xt_event){ .tod = 11, .data = call, .size = sizeof(call), .system = 0 };
	assert_int_equal(xt_sync_collector_add(c, &ev), 0);
	/* seq 2: two markers, two hypercalls */
	regs[2] = 2;
	memcpy(call + 8, regs, sizeof(regs));
	for (int i = 0; i < 2; i++) {
		ev = print_event(buf, sizeof(buf), "KVMRT_GS_PING_GUEST cookie=0x9 seq=2 tod=1",
				 20 + 2 * i);
		assert_int_equal(xt_sync_collector_add(c, &ev), 0);
		ev = (struct xt_event){ .tod = 21, .data = call, .size = sizeof(call) };
		assert_int_equal(xt_sync_collector_add(c, &ev), 0);
	}
	/* seq 3: a good one */
	regs[2] = 3;
	memcpy(call + 8, regs, sizeof(regs));
	ev = print_event(buf, sizeof(buf), "KVMRT_GS_PING_GUEST cookie=0x9 seq=3 tod=1\n", 30);
	assert_int_equal(xt_sync_collector_add(c, &ev), 0);
	ev.tod = 32;
	assert_int_equal(xt_sync_collector_add(c, &ev), 0);
	ev = (struct xt_event){ .tod = 31, .data = call, .size = sizeof(call), .system = 0 };
	assert_int_equal(xt_sync_collector_add(c, &ev), 0);

	assert_int_equal(xt_sync_collector_pairs(c, &pairs, &unmatched), 1);
	assert_int_equal(pairs[0].seq, 3);
	assert_int_equal(pairs[0].guest_before, 30);
	assert_int_equal(pairs[0].host_tod, 31);
	assert_int_equal(pairs[0].guest_after, 32);
	assert_int_equal(unmatched, 3 + 1 + 2 + 2);
	xt_sync_collector_free(c);
	xt_source_free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fit_finds_the_centre),
		cmocka_unit_test(contradicting_pairs_are_flagged),
		cmocka_unit_test(single_pair_and_no_pair),
		cmocka_unit_test(fixtures_pair_up),
		cmocka_unit_test(nothing_collected_gives_no_pairs),
		cmocka_unit_test(hostile_markers_never_pair),
		cmocka_unit_test(ambiguous_pings_are_left_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
