/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Merged record layouts: layout 2 records encoded frame by frame decode to
 * the same events (any TOD, raw ts, system, CPU, kind); layout 1 records
 * still decode; hostile frames (cut anywhere, bad varints, sizes, systems,
 * kinds) are refused with a reason and never read outside the frame.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "merged-record.h"
#include "meta.h"

#define NR_SYSTEMS 3
#define FRAME_CAP 4096

/* Encodes @n events as one frame into @out; returns its length. */
static size_t encode_frame(struct merged_encoder *e, const struct xt_event *evs, size_t n,
			   uint8_t *out)
{
	size_t len = 0;

	merged_encoder_frame(e, evs[0].tod);
	for (size_t i = 0; i < n; i++) {
		const void *payload = evs[i].kind == XT_EVENT_LOST ? (const void *)&evs[i].lost
								    : evs[i].data;
		uint32_t size = evs[i].kind == XT_EVENT_LOST ? sizeof(uint64_t) : evs[i].size;

		len += merged_encode_head(e, &evs[i], size, out + len);
		memcpy(out + len, payload, size);
		len += size;
		merged_encoder_commit(e, &evs[i]);
		assert_true(len < FRAME_CAP - MERGED_HEAD_MAX - 64);
	}
	return len;
}

static void new_encoder(struct merged_encoder *e)
{
	*e = (struct merged_encoder){};
	for (unsigned i = 0; i < NR_SYSTEMS; i++)
		assert_int_equal(merged_encoder_add_system(e), 0);
}

static void assert_same_event(const struct xt_event *a, const struct xt_event *b)
{
	assert_int_equal(a->tod, b->tod);
	assert_int_equal(a->ts, b->ts);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->system, b->system);
	assert_int_equal(a->cpu, b->cpu);
	if (a->kind == XT_EVENT_LOST) {
		assert_int_equal(a->lost, b->lost);
		return;
	}
	assert_int_equal(a->size, b->size);
	assert_memory_equal(a->data, b->data, a->size);
}

/* Decodes the frame @buf and checks it holds @evs exactly. */
static void assert_frame_holds(const uint8_t *buf, size_t len, const struct xt_event *evs,
			       size_t n)
{
	struct merged_decoder d;
	struct xt_event ev;
	const char *why = NULL;

	assert_int_equal(merged_decoder_init(&d, 2, NR_SYSTEMS), 0);
	merged_decoder_frame(&d, buf, len, evs[0].tod);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(merged_decoder_next(&d, &ev, &why), 1);
		assert_same_event(&ev, &evs[i]);
	}
	assert_int_equal(merged_decoder_next(&d, &ev, &why), 0);
	merged_decoder_fini(&d);
}

static const uint8_t payload_a[28] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
static const uint8_t payload_b[200] = { 0xff, 0xee, [199] = 0x11 };

/* Events that exercise every field: repeats, changes, big and backwards deltas. */
static const struct xt_event sample[] = {
	{ .tod = 1700000000000000000ull, .ts = 5000, .data = payload_a, .size = 28, .system = 0,
	  .cpu = 0 },
	{ .tod = 1700000000000000000ull, .ts = 5000, .data = payload_a, .size = 28, .system = 0,
	  .cpu = 0 },
	{ .tod = 1700000000000000007ull, .ts = 1ull << 63, .data = payload_b, .size = 200,
	  .system = 2, .cpu = 4000000000u },
	{ .tod = 1700000000000000050ull, .ts = 5050, .kind = XT_EVENT_LOST,
	  .lost = XT_LOST_UNKNOWN, .system = 0, .cpu = 1 },
	{ .tod = 1700000000000000040ull, .ts = 5041, .data = payload_a, .size = 0, .system = 0,
	  .cpu = 1 },
	{ .tod = UINT64_MAX, .ts = 0, .data = payload_a, .size = 3, .system = 1, .cpu = 7 },
	{ .tod = 0, .ts = UINT64_MAX, .kind = XT_EVENT_LOST, .lost = 12, .system = 1, .cpu = 7 },
};

#define NR_SAMPLE (sizeof(sample) / sizeof(sample[0]))

static void layout2_round_trips_every_field(void **state)
{
	struct merged_encoder e;
	uint8_t buf[FRAME_CAP];
	size_t len;

	new_encoder(&e);
	len = encode_frame(&e, sample, NR_SAMPLE, buf);
	assert_frame_holds(buf, len, sample, NR_SAMPLE);
	merged_encoder_fini(&e);
}

static void layout2_frames_decode_alone_and_stay_compact(void **state)
{
	struct merged_encoder e;
	uint8_t first[FRAME_CAP], second[FRAME_CAP];
	struct xt_event evs[64];
	size_t len;

	for (unsigned i = 0; i < 64; i++)
		evs[i] = (struct xt_event){ .tod = 1700000000000000000ull + 40 * i,
					    .ts = 123456789 + 40 * i, .data = payload_a,
					    .size = 28, .system = i % 2, .cpu = i % 4 };
	new_encoder(&e);
	encode_frame(&e, evs, 32, first);
	len = encode_frame(&e, evs + 32, 32, second);
	/* the second frame does not lean on the first */
	assert_frame_holds(second, len, evs + 32, 32);
	/* past the first record: 1 byte of time, head, system, CPU and clock each */
	assert_true(len <= 32 * (28 + 5) + 16);
	merged_encoder_fini(&e);
}

/* Decodes @len bytes of @buf until it ends; returns the records and the last result. */
static size_t decode_all(unsigned version, const uint8_t *buf, size_t len, int *ret_last,
			 const char **ret_why)
{
	struct merged_decoder d;
	struct xt_event ev;
	size_t n = 0;
	int r;

	assert_int_equal(merged_decoder_init(&d, version, NR_SYSTEMS), 0);
	merged_decoder_frame(&d, buf, len, 1000);
	while ((r = merged_decoder_next(&d, &ev, ret_why)) > 0) {
		const uint8_t *p = ev.data;

		/* every byte handed out lies in the frame */
		if (ev.kind == XT_EVENT_RECORD && ev.size)
			assert_true(p >= buf && p + ev.size <= buf + len);
		assert_true(ev.system < NR_SYSTEMS);
		n++;
	}
	*ret_last = r;
	merged_decoder_fini(&d);
	return n;
}

static void cut_frames_are_refused_inside_their_bounds(void **state)
{
	struct merged_encoder e;
	uint8_t buf[FRAME_CAP];
	size_t len;

	new_encoder(&e);
	len = encode_frame(&e, sample, NR_SAMPLE, buf);
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan sees any overread */
		const char *why = NULL;
		int last;
		size_t n;

		memcpy(copy, buf, cut);
		n = decode_all(2, copy, cut, &last, &why);
		assert_true(n < NR_SAMPLE);
		if (last < 0)
			assert_non_null(why);
		free(copy);
	}
	merged_encoder_fini(&e);
}

struct hostile {
	uint8_t bytes[24];
	size_t len;
	const char *why; /* a word of the expected reason */
};

static const struct hostile hostile_v2[] = {
	/* dtod, head (size 4, source), system 3 of 3 */
	{ { 0, 4 << 2 | 1, 3, 0, 0, 1, 2, 3, 4 }, 9, "system" },
	/* first record without its system and CPU */
	{ { 0, 4 << 2, 0, 1, 2, 3, 4 }, 7, "first" },
	/* size beyond the frame */
	{ { 0, 0x80 | 1, 0x40, 0, 0, 0 }, 6, "size" },
	/* size beyond any event: 2^21 */
	{ { 0, 0x81, 0x80, 0x80, 0x04, 0, 0, 0 }, 8, "size" },
	/* a varint of 11 bytes */
	{ { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, 11, "header" },
	/* a 10-byte varint past 64 bits */
	{ { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02 }, 10, "header" },
	/* a lost-events record of 4 bytes */
	{ { 0, 4 << 2 | 3, 0, 0, 0, 1, 2, 3, 4 }, 9, "lost" },
	/* a CPU past 32 bits */
	{ { 0, 0 << 2 | 1, 0, 0x80, 0x80, 0x80, 0x80, 0x10, 0 }, 9, "CPU" },
};

static void hostile_layout2_records_are_refused_with_a_reason(void **state)
{
	for (size_t i = 0; i < sizeof(hostile_v2) / sizeof(hostile_v2[0]); i++) {
		const struct hostile *h = &hostile_v2[i];
		uint8_t *copy = malloc(h->len);
		const char *why = NULL;
		int last;

		memcpy(copy, h->bytes, h->len);
		assert_int_equal(decode_all(2, copy, h->len, &last, &why), 0);
		assert_int_equal(last, -EBADMSG);
		assert_non_null(why);
		assert_non_null(strstr(why, h->why));
		free(copy);
	}
}

static void layout1_records_still_decode_and_are_checked(void **state)
{
	struct merged_record_v1 rec = { .tod = 77, .ts = 66, .system = 2, .cpu = 5, .size = 5 };
	struct merged_decoder d;
	uint8_t buf[2 * (sizeof(rec) + 8)] = {};
	struct xt_event ev;
	const char *why = NULL;
	uint64_t lost = 9;

	memcpy(buf, &rec, sizeof(rec));
	memcpy(buf + sizeof(rec), "hello", 5);
	rec = (struct merged_record_v1){ .tod = 78, .ts = 67, .kind = XT_EVENT_LOST, .size = 8 };
	memcpy(buf + sizeof(rec) + 8, &rec, sizeof(rec));
	memcpy(buf + 2 * sizeof(rec) + 8, &lost, sizeof(lost));
	assert_int_equal(merged_decoder_init(&d, 1, NR_SYSTEMS), 0);
	merged_decoder_frame(&d, buf, sizeof(buf), 77);
	assert_int_equal(merged_decoder_next(&d, &ev, &why), 1);
	assert_int_equal(ev.tod, 77);
	assert_int_equal(ev.ts, 66);
	assert_int_equal(ev.system, 2);
	assert_int_equal(ev.cpu, 5);
	assert_int_equal(ev.size, 5);
	assert_memory_equal(ev.data, "hello", 5);
	assert_int_equal(merged_decoder_next(&d, &ev, &why), 1);
	assert_int_equal(ev.kind, XT_EVENT_LOST);
	assert_int_equal(ev.lost, 9);
	assert_int_equal(merged_decoder_next(&d, &ev, &why), 0);

	/* a size past the frame, then an unknown kind */
	rec = (struct merged_record_v1){ .size = 100 };
	memcpy(buf, &rec, sizeof(rec));
	merged_decoder_frame(&d, buf, sizeof(buf), 0);
	assert_int_equal(merged_decoder_next(&d, &ev, &why), -EBADMSG);
	assert_non_null(strstr(why, "size"));
	rec = (struct merged_record_v1){ .kind = 5 };
	memcpy(buf, &rec, sizeof(rec));
	merged_decoder_frame(&d, buf, sizeof(buf), 0);
	assert_int_equal(merged_decoder_next(&d, &ev, &why), -EBADMSG);
	assert_non_null(strstr(why, "kind"));
	merged_decoder_fini(&d);
}

/* merged_meta_version() of a metadata text. */
static int version_of(const char *text, unsigned *ret)
{
	struct xt_meta *m;
	char why[256] = "";
	int r;

	assert_int_equal(xt_meta_parse(text, strlen(text), "xtrace.meta", why, sizeof(why), &m),
			 0);
	r = merged_meta_version(m, "xtrace.meta", why, sizeof(why), ret);
	if (r < 0)
		assert_non_null(strstr(why, MERGED_VERSION_KEY));
	xt_meta_free(m);
	return r;
}

static void the_layout_comes_from_the_metadata(void **state)
{
	struct merged_decoder d;
	unsigned v = 0;

	assert_int_equal(version_of("version = 1\n", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(version_of("version = 1\nmerged_version = 2\n", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(version_of("version = 1\nmerged_version = 3\n", &v), -EPROTONOSUPPORT);
	assert_int_equal(version_of("version = 1\nmerged_version = 0\n", &v), -EBADMSG);
	assert_int_equal(version_of("version = 1\nmerged_version = two\n", &v), -EBADMSG);
	assert_int_equal(merged_decoder_init(&d, 3, 1), -EPROTONOSUPPORT);
	merged_decoder_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout2_round_trips_every_field),
		cmocka_unit_test(layout2_frames_decode_alone_and_stay_compact),
		cmocka_unit_test(cut_frames_are_refused_inside_their_bounds),
		cmocka_unit_test(hostile_layout2_records_are_refused_with_a_reason),
		cmocka_unit_test(layout1_records_still_decode_and_are_checked),
		cmocka_unit_test(the_layout_comes_from_the_metadata),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
