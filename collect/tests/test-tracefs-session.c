/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-tracefs-session.c - the parts of the tracefs session that read what
 * the kernel wrote: per-CPU stats (real and hostile texts). The session's
 * life with a real tracefs is tested through xtrace-run (test-xtrace-run.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xcollect.h"

static void test_real_stats(void **state)
{
	const char *text = "entries: 12\n"
			   "overrun: 345\n"
			   "commit overrun: 6\n"
			   "bytes: 8100\n"
			   "oldest event ts:  1182.930000\n"
			   "now ts:  1183.223431\n"
			   "dropped events: 7\n"
			   "read events: 90\n";
	struct xc_cpu_stats st;

	assert_int_equal(xc_cpu_stats_parse(text, &st), 0);
	assert_int_equal(st.entries, 12);
	assert_int_equal(st.overrun, 345);
	assert_int_equal(st.commit_overrun, 6);
	assert_int_equal(st.dropped, 7);
}

static void test_hostile_stats(void **state)
{
	static const char *const texts[] = {
		"",
		"\n\n\n",
		"overrun 5\n",                         /* no colon */
		"overrun: -5\n",                       /* negative */
		"overrun: 99999999999999999999999\n",  /* overflows 64 bits */
		"overrun: 12abc\n",                    /* trailing junk */
		"overrun:\n",                          /* no value */
		"overrun: \t\n",
		"overrunx: 5\n",                       /* another key */
		"xoverrun: 5\n",
		": 5\n",
		"overrun: 0x10\n",                     /* decimal only */
	};
	struct xc_cpu_stats st;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_int_equal(xc_cpu_stats_parse(texts[i], &st), 0);
		if (st.overrun || st.entries || st.dropped || st.commit_overrun)
			fail_msg("text %zu gave a count", i);
	}
}

static void test_huge_stats(void **state)
{
	size_t len = 1 << 20;
	char *text = malloc(len + 1);
	struct xc_cpu_stats st;

	assert_non_null(text);
	memset(text, 'o', len);
	text[len] = '\0';
	memcpy(text + len - 16, "\noverrun: 42\n", 13);
	text[len - 3] = '\0';
	assert_int_equal(xc_cpu_stats_parse(text, &st), 0);
	assert_int_equal(st.overrun, 42);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_stats),
		cmocka_unit_test(test_hostile_stats),
		cmocka_unit_test(test_huge_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
