/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-gs-decode.c - the guest-services decoder (xt-gs.h): every GS
 * function in the committed fixtures (host hypercalls and guest markers,
 * matched by content), and hand-built calls: payloads chunked up to the
 * cap, two vCPUs interleaving messages with the same id, truncated and
 * broken sequences, hostile bytes, bounded memory.
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

#include "../gs/include/kvmrt_gs_abi.h"
#include "xt-gs.h"
#include "xtrace.h"

#define MAX_SEEN 4096

struct seen {
	struct xt_gs_event e[MAX_SEEN];
	uint8_t data[8][KVMRT_GS_MAX_PAYLOAD]; /* payloads of the first 8 events with data */
	char why[MAX_SEEN > 64 ? 64 : MAX_SEEN][256];
	unsigned n, n_data;
	unsigned count[XT_GS_PARTIAL + 1];
};

static void on_event(const struct xt_gs_event *e, void *userdata)
{
	struct seen *s = userdata;

	s->count[e->kind]++;
	if (s->n >= MAX_SEEN)
		return;
	s->e[s->n] = *e;
	s->e[s->n].data = NULL;
	if (e->data && s->n_data < 8) {
		memcpy(s->data[s->n_data], e->data, e->data_len);
		s->e[s->n].data = s->data[s->n_data++];
	}
	if (e->why && s->n < 64) {
		snprintf(s->why[s->n], sizeof(s->why[0]), "%s", e->why);
		s->e[s->n].why = s->why[s->n];
	}
	s->n++;
}

static struct seen *seen_new(void)
{
	struct seen *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	return s;
}

/* Decodes every event of the dump at fixtures/dumps/@name. */
static void decode_dump(const char *name, struct seen *s)
{
	const char *root = getenv("KVMRT_SOURCE_ROOT");
	char path[4096];
	struct xt_dump *d = NULL;
	struct xt_gs_decoder *dec = NULL;

	snprintf(path, sizeof(path), "%s/fixtures/dumps/%s", root ? root : ".", name);
	assert_int_equal(xt_dump_open(path, &d), 0);
	assert_int_equal(xt_gs_decoder_new(NULL, on_event, s, &dec), 0);
	for (unsigned cpu = 0; cpu < xt_dump_cpu_count(d); cpu++) {
		struct xt_stream *st = NULL;
		struct xt_event ev;

		if (!xt_dump_has_cpu(d, cpu))
			continue;
		assert_int_equal(xt_cpu_stream_new(d, cpu, 0, NULL, NULL, &st), 0);
		while (xt_stream_next(st, &ev) > 0)
			assert_true(xt_gs_decode_event(dec, xt_dump_tep(d), &ev) >= 0);
		xt_stream_free(st);
	}
	xt_gs_decoder_finish(dec);
	xt_gs_decoder_free(dec);
	xt_dump_free(d);
}

static const struct xt_gs_event *find(const struct seen *s, enum xt_gs_kind kind, unsigned nth)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->e[i].kind == kind && nth-- == 0)
			return &s->e[i];
	return NULL;
}

/* Every GS function of the fixtures, both sides, matching by content. */
static void test_fixtures(void **state)
{
	struct seen *host = seen_new(), *vm = seen_new();
	const struct xt_gs_event *hd, *gd;

	decode_dump("host", host);
	decode_dump("vm1", vm);
	assert_int_equal(host->count[XT_GS_MALFORMED] + host->count[XT_GS_PARTIAL], 0);
	assert_int_equal(vm->count[XT_GS_MALFORMED] + vm->count[XT_GS_PARTIAL], 0);
	assert_true(host->count[XT_GS_PING_HOST] > 10);
	/* the guest marks each ping before and after */
	assert_int_equal(vm->count[XT_GS_PING_GUEST], 2 * host->count[XT_GS_PING_HOST]);
	for (unsigned i = 0; i < host->count[XT_GS_PING_HOST]; i++) {
		const struct xt_gs_event *h = find(host, XT_GS_PING_HOST, i);
		bool matched = false;

		assert_true(h->tid == 4321 || h->tid == 4322);		    /* the vCPU threads */
		assert_int_equal(h->cookie, 0x5eed1000u + (h->tid - 4321)); /* one per vCPU */
		for (unsigned k = 0; k < vm->count[XT_GS_PING_GUEST] && !matched; k++) {
			const struct xt_gs_event *g = find(vm, XT_GS_PING_GUEST, k);

			matched = g->cookie == h->cookie && g->seq == h->seq &&
				  g->call_tod == h->call_tod;
		}
		assert_true(matched);
	}
	assert_int_equal(host->count[XT_GS_FLUSH_HOST], 1);
	assert_int_equal(find(host, XT_GS_FLUSH_HOST, 0)->scope, 1);
	assert_int_equal(vm->count[XT_GS_FLUSH_GUEST], 2);
	assert_int_equal(find(vm, XT_GS_FLUSH_GUEST, 0)->scope, 1);

	assert_int_equal(host->count[XT_GS_LOG_DATA_HOST], 1);
	assert_int_equal(vm->count[XT_GS_LOG_DATA_GUEST], 2);
	hd = find(host, XT_GS_LOG_DATA_HOST, 0);
	gd = find(vm, XT_GS_LOG_DATA_GUEST, 0);
	assert_int_equal(hd->id, gd->id);
	assert_int_equal(hd->len, gd->len);
	assert_int_equal(hd->data_len, hd->len);
	assert_true(hd->len > KVMRT_GS_CHUNK_BYTES); /* chunked */
	assert_memory_equal(hd->data, "cycle ", 6);
	assert_non_null(memmem(hd->data, hd->data_len, "us over budget", 14));
	free(host);
	free(vm);
}

struct rig {
	struct seen *s;
	struct xt_gs_decoder *d;
	uint64_t ts;
};

static int rig_setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct xt_gs_limits lim = {.max_pending = 4};

	r->s = seen_new();
	assert_int_equal(xt_gs_decoder_new(&lim, on_event, r->s, &r->d), 0);
	*state = r;
	return 0;
}

static int rig_teardown(void **state)
{
	struct rig *r = *state;

	xt_gs_decoder_free(r->d);
	free(r->s);
	free(r);
	return 0;
}

static void call(struct rig *r, uint32_t tid, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
		 uint64_t a3)
{
	struct xt_gs_call c = {
	    .ts = ++r->ts, .cpu = tid % 4, .tid = tid, .nr = nr, .a = {a0, a1, a2, a3}};

	assert_int_equal(xt_gs_decode_call(r->d, &c), 1);
}

static uint64_t word(const uint8_t *p, size_t len, size_t from)
{
	uint64_t w = 0;

	for (size_t i = 0; i < 8 && from + i < len; i++)
		w |= (uint64_t)p[from + i] << (8 * i);
	return w;
}

/* Chunk @k of message @id (@len bytes at @p) from thread @tid. */
static void chunk(struct rig *r, uint32_t tid, unsigned fn, uint32_t id, const uint8_t *p,
		  size_t len, unsigned k)
{
	size_t at = (size_t)k * KVMRT_GS_CHUNK_BYTES;

	call(r, tid, KVMRT_GS_NR(fn), KVMRT_GS_LOG_A0(id, len, k), word(p, len, at),
	     word(p, len, at + 8), word(p, len, at + 16));
}

static unsigned chunks_of(size_t len)
{
	return (unsigned)((len + KVMRT_GS_CHUNK_BYTES - 1) / KVMRT_GS_CHUNK_BYTES);
}

static void test_payload_up_to_cap(void **state)
{
	struct rig *r = *state;
	static uint8_t big[KVMRT_GS_MAX_PAYLOAD];
	const struct xt_gs_event *e;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 13 + 1);
	for (unsigned k = 0; k < chunks_of(sizeof(big)); k++)
		chunk(r, 100, KVMRT_GS_FN_LOG_DATA, 7, big, sizeof(big), k);
	assert_int_equal(r->s->n, 1);
	e = &r->s->e[0];
	assert_int_equal(e->kind, XT_GS_LOG_DATA_HOST);
	assert_int_equal(e->id, 7);
	assert_int_equal(e->data_len, sizeof(big));
	assert_memory_equal(e->data, big, sizeof(big));
	assert_int_equal(e->ts, r->ts); /* the last chunk's time */

	/* one byte over the cap: malformed, nothing kept */
	call(r, 100, KVMRT_GS_NR(KVMRT_GS_FN_LOG_DATA),
	     KVMRT_GS_LOG_A0(8, KVMRT_GS_MAX_PAYLOAD + 1, 0), 1, 2, 3);
	assert_int_equal(r->s->e[1].kind, XT_GS_MALFORMED);
	assert_non_null(strstr(r->s->e[1].why, "over the size cap"));
}

/* Two vCPU threads send messages with the same id, chunks interleaved. */
static void test_interleaved(void **state)
{
	struct rig *r = *state;
	const uint8_t a[] = "vCPU 0 says: the quick brown fox jumps over the lazy dog";
	const uint8_t b[] = "vCPU 1 says something else, longer than one chunk";

	for (unsigned k = 0; k < chunks_of(sizeof(a)); k++) {
		chunk(r, 4321, KVMRT_GS_FN_LOG_MSG, 1, a, sizeof(a), k);
		if (k < chunks_of(sizeof(b)))
			chunk(r, 4322, KVMRT_GS_FN_LOG_MSG, 1, b, sizeof(b), k);
	}
	assert_int_equal(r->s->n, 2);
	for (unsigned i = 0; i < 2; i++) {
		const struct xt_gs_event *e = &r->s->e[i];
		const uint8_t *want = e->tid == 4321 ? a : b;

		assert_int_equal(e->kind, XT_GS_LOG_MSG_HOST);
		assert_int_equal(e->data_len, e->tid == 4321 ? sizeof(a) : sizeof(b));
		assert_memory_equal(e->data, want, e->data_len);
	}
}

static void test_truncated(void **state)
{
	struct rig *r = *state;
	uint8_t msg[100];

	memset(msg, 'x', sizeof(msg));
	/* a chunk missing in the middle: partial, the rest swallowed quietly */
	chunk(r, 1, KVMRT_GS_FN_LOG_DATA, 3, msg, sizeof(msg), 0);
	chunk(r, 1, KVMRT_GS_FN_LOG_DATA, 3, msg, sizeof(msg), 2);
	chunk(r, 1, KVMRT_GS_FN_LOG_DATA, 3, msg, sizeof(msg), 3);
	chunk(r, 1, KVMRT_GS_FN_LOG_DATA, 3, msg, sizeof(msg), 4);
	assert_int_equal(r->s->n, 1);
	assert_int_equal(r->s->e[0].kind, XT_GS_PARTIAL);
	assert_int_equal(r->s->e[0].data_len, 24);
	assert_string_equal(r->s->e[0].why, "message 3: chunk missing after 1 of 5 chunks");

	/* a recording begun mid-message: reported once */
	chunk(r, 1, KVMRT_GS_FN_LOG_DATA, 4, msg, sizeof(msg), 3);
	chunk(r, 1, KVMRT_GS_FN_LOG_DATA, 4, msg, sizeof(msg), 4);
	assert_int_equal(r->s->n, 2);
	assert_string_equal(r->s->e[1].why, "message 4: first chunk seen is 3 of 5");

	/* a recording ending mid-message: reported by finish */
	chunk(r, 2, KVMRT_GS_FN_LOG_MSG, 5, msg, sizeof(msg), 0);
	chunk(r, 2, KVMRT_GS_FN_LOG_MSG, 5, msg, sizeof(msg), 1);
	assert_int_equal(r->s->n, 2);
	xt_gs_decoder_finish(r->d);
	assert_int_equal(r->s->n, 3);
	assert_int_equal(r->s->e[2].kind, XT_GS_PARTIAL);
	assert_int_equal(r->s->e[2].data_len, 48);
	assert_string_equal(r->s->e[2].why, "message 5: cut short after 2 of 5 chunks");

	/* restarted: chunk 0 again */
	chunk(r, 2, KVMRT_GS_FN_LOG_MSG, 6, msg, sizeof(msg), 0);
	chunk(r, 2, KVMRT_GS_FN_LOG_MSG, 6, msg, 30, 0);
	chunk(r, 2, KVMRT_GS_FN_LOG_MSG, 6, msg, 30, 1);
	assert_int_equal(r->s->e[3].kind, XT_GS_PARTIAL);
	assert_int_equal(r->s->e[4].kind, XT_GS_LOG_MSG_HOST);
	assert_int_equal(r->s->e[4].data_len, 30);
}

/* More messages in flight than the limit: the oldest are evicted and reported. */
static void test_bounded(void **state)
{
	struct rig *r = *state;
	uint8_t msg[48] = {0};

	for (uint32_t id = 0; id < 100; id++)
		chunk(r, 9, KVMRT_GS_FN_LOG_DATA, id, msg, sizeof(msg), 0);
	assert_int_equal(r->s->count[XT_GS_PARTIAL], 96);
	xt_gs_decoder_finish(r->d);
	assert_int_equal(r->s->count[XT_GS_PARTIAL], 100);
}

static void test_malformed_calls(void **state)
{
	struct rig *r = *state;
	struct xt_gs_call other = {.nr = 11}; /* KVM_HC_MAP_GPA_RANGE: not ours */

	assert_int_equal(xt_gs_decode_call(r->d, &other), 0);
	call(r, 1, KVMRT_GS_NR(0x2a), 0, 0, 0, 0);
	call(r, 1, KVMRT_GS_NR(KVMRT_GS_FN_FLUSH), 3, 0, 0, 0);
	call(r, 1, KVMRT_GS_NR(KVMRT_GS_FN_LOG_MSG), KVMRT_GS_LOG_A0(1, 0, 0), 0, 0, 0);
	call(r, 1, KVMRT_GS_NR(KVMRT_GS_FN_LOG_MSG), KVMRT_GS_LOG_A0(1, 24, 1), 0, 0, 0);
	call(r, 1, KVMRT_GS_NR(KVMRT_GS_FN_PING), 0xdead, 5, 77, 0);
	assert_int_equal(r->s->count[XT_GS_MALFORMED], 4);
	assert_string_equal(r->s->e[0].why, "unknown function 0x2a");
	assert_string_equal(r->s->e[1].why, "flush: unknown scope 3");
	assert_non_null(strstr(r->s->e[3].why, "chunk past the end"));
	assert_int_equal(r->s->e[4].kind, XT_GS_PING_HOST);
	assert_int_equal(r->s->e[4].cookie, 0xdead);
	assert_int_equal(r->s->e[4].seq, 5);
	assert_int_equal(r->s->e[4].call_tod, 77);
}

static int marker(struct rig *r, const char *text, size_t len)
{
	return xt_gs_decode_marker(r->d, ++r->ts, 1, 0, 812, text, len);
}

static void test_markers(void **state)
{
	struct rig *r = *state;
	static const char hostile[] = "KVMRT_GS_PING_GUEST cookie=0x1\x1b[2J\\ seq=\xff";

	assert_int_equal(marker(r, "hello", 5), 0);
	assert_int_equal(marker(r, "KVMRT_GS_PING_GUEST cookie=0x2a seq=7 tod=99\n", 45), 1);
	assert_int_equal(r->s->e[0].kind, XT_GS_PING_GUEST);
	assert_int_equal(r->s->e[0].cookie, 0x2a);
	assert_int_equal(r->s->e[0].seq, 7);
	assert_int_equal(r->s->e[0].call_tod, 99);
	assert_int_equal(marker(r, "KVMRT_GS_LOG_MSG_GUEST id=5 len=30 tod=1", 40), 1);
	assert_int_equal(r->s->e[1].kind, XT_GS_LOG_MSG_GUEST);
	assert_int_equal(r->s->e[1].len, 30);
	/* wrong forms: reported, never trusted */
	assert_int_equal(marker(r, "KVMRT_GS_FLUSH_GUEST scope=1", 28), 1);
	assert_int_equal(marker(r, "KVMRT_GS_FLUSH_GUEST scope=1 tod=1 extra=2", 42), 1);
	assert_int_equal(
	    marker(r, "KVMRT_GS_PING_GUEST cookie=0x1 seq=99999999999999999999 tod=1", 61), 1);
	assert_int_equal(marker(r, "KVMRT_GS_LOG_DATA_GUEST id=1 len=70000 tod=1", 44), 1);
	assert_int_equal(r->s->count[XT_GS_MALFORMED], 4);
	/* hostile bytes come back escaped */
	assert_int_equal(marker(r, hostile, sizeof(hostile) - 1), 1);
	assert_string_equal(r->s->e[6].why,
			    "marker not in the guest-services form: "
			    "'KVMRT_GS_PING_GUEST cookie=0x1\\x1b[2J\\\\ seq=\\xff'");
}

static void test_escape(void **state)
{
	char out[16];

	assert_int_equal(xt_gs_escape("a\\b\n\x80", 5, out, sizeof(out)), 5);
	assert_string_equal(out, "a\\\\b\\x0a\\x80");
	/* no room for a whole escape: stop before it */
	assert_int_equal(xt_gs_escape("abc\x01", 4, out, 6), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(xt_gs_escape("abc", 3, out, 1), 0);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixtures),
	    cmocka_unit_test_setup_teardown(test_payload_up_to_cap, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_interleaved, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_truncated, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_bounded, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_calls, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_markers, rig_setup, rig_teardown),
	    cmocka_unit_test(test_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
