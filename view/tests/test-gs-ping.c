/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest side of a guest-services ping as --stats and --explain read it:
 * the cookie= and seq= of a KVMRT_GS_PING_GUEST marker item, from untrusted
 * marker text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../gs/include/kvmrt_gs_abi.h"
#include "view-internal.h"

static struct xv_item marker(const char *name, const char *text)
{
	struct xv_item it = { .event = name, .event_len = (uint32_t)strlen(name), .n_parts = 1 };

	/* What the text renderer sets on a guest marker's item (and on its KVM_GUEST_HC_END). */
	if (!strcmp(name, KVMRT_GS_PING_GUEST) || !strcmp(name, "KVM_GUEST_HC_END"))
		it.gs_fn = KVMRT_GS_FN_PING;
	else if (!strcmp(name, KVMRT_GS_FLUSH_GUEST))
		it.gs_fn = KVMRT_GS_FN_FLUSH;

	it.part[0].type = XV_PART_ESC;
	it.part[0].p = text;
	it.part[0].len = (uint32_t)strlen(text);
	return it;
}

static void reads_cookie_and_seq(void **state)
{
	struct xv_item it = marker("KVMRT_GS_PING_GUEST", "cookie=0x5eed1001 seq=17 tod=123");
	uint64_t cookie = 0, seq = 0;

	assert_true(xv_gs_ping_guest(&it, &cookie, &seq));
	assert_true(cookie == 0x5eed1001);
	assert_true(seq == 17);
	it = marker("KVM_GUEST_HC_END", "cookie=0x5eed1002 seq=18 tod=124");
	assert_true(xv_gs_ping_guest(&it, &cookie, &seq));
	assert_true(cookie == 0x5eed1002 && seq == 18);
}

static void other_markers_and_damage_are_not_pings(void **state)
{
	static const struct {
		const char *name, *text;
	} cases[] = {
		{ "KVMRT_GS_FLUSH_GUEST", "cookie=0x1 seq=1" },
		{ "KVMRT_GS_PING_GUESTX", "cookie=0x1 seq=1" },
		{ "KVMRT_GS_PING_GUEST", "" },
		{ "KVMRT_GS_PING_GUEST", "cookie=0x1" },
		{ "KVMRT_GS_PING_GUEST", "seq=1" },
		{ "KVMRT_GS_PING_GUEST", "cookie=0x1seq=1" },
	};
	uint64_t cookie = 7, seq = 7;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xv_item it = marker(cases[i].name, cases[i].text);

		assert_false(xv_gs_ping_guest(&it, &cookie, &seq));
	}
	assert_true(cookie == 7 && seq == 7); /* untouched */
}

/* A marker far longer than a ping's text is cut, not overrun; junk numbers read as 0. */
static void long_and_junk_text(void **state)
{
	char text[4096];
	struct xv_item it;
	uint64_t cookie, seq;

	memset(text, 'A', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	memcpy(text, "cookie=zz seq=", 14);
	it = marker("KVMRT_GS_PING_GUEST", text);
	assert_true(xv_gs_ping_guest(&it, &cookie, &seq));
	assert_true(cookie == 0 && seq == 0);
	memcpy(text + 4000, " seq=5", 6);
	memcpy(text, "cookie=1 xxxxx", 14);
	it = marker("KVMRT_GS_PING_GUEST", text);
	assert_false(xv_gs_ping_guest(&it, &cookie, &seq)); /* seq= lies past what is read */
	it.n_parts = 0;
	assert_false(xv_gs_ping_guest(&it, &cookie, &seq));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_cookie_and_seq),
		cmocka_unit_test(other_markers_and_damage_are_not_pings),
		cmocka_unit_test(long_and_junk_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
