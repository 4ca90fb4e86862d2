/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CRC-32C against published check values, whatever implementation runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xtrace.h"

static void check_values(void **state)
{
	static const unsigned char zeros[32], ones[32] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};

	assert_int_equal(xt_crc32c(0, "123456789", 9), 0xe3069283u);
	/* RFC 3720 (iSCSI) B.4 test patterns. */
	assert_int_equal(xt_crc32c(0, zeros, 32), 0x8a9136aau);
	assert_int_equal(xt_crc32c(0, ones, 32), 0x62a8ab43u);
	assert_int_equal(xt_crc32c(0, "", 0), 0);
}

static void continuation_equals_one_pass_at_every_split(void **state)
{
	unsigned char buf[301];
	uint32_t whole;

	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 37 + 11);
	whole = xt_crc32c(0, buf, sizeof(buf));
	for (size_t split = 0; split <= sizeof(buf); split++)
		assert_int_equal(xt_crc32c(xt_crc32c(0, buf, split), buf + split,
					   sizeof(buf) - split), whole);
	/* Unaligned starts give the same as aligned copies. */
	for (size_t off = 1; off < 8; off++) {
		unsigned char copy[301];

		memcpy(copy, buf + off, sizeof(buf) - off);
		assert_int_equal(xt_crc32c(0, buf + off, sizeof(buf) - off),
				 xt_crc32c(0, copy, sizeof(buf) - off));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_values),
		cmocka_unit_test(continuation_equals_one_pass_at_every_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
