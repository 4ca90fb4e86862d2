/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82f63b78). x86-64 machines with
 * SSE4.2 use the crc32 instruction, eight bytes at a time; others a table.
 */
#include <pthread.h>
#include <string.h>

#include "xt-frame.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

typedef uint32_t (*crc32c_fn)(uint32_t crc, const unsigned char *p, size_t len);

/* Written once, under pthread_once, before any reader can see them. */
static uint32_t crc32c_table[256];
static crc32c_fn crc32c_impl;

static uint32_t crc32c_soft(uint32_t crc, const unsigned char *p, size_t len)
{
	while (len--)
		crc = crc32c_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const unsigned char *p,
								size_t len)
{
	uint64_t c = crc;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t v;

		memcpy(&v, p, sizeof(v));
		c = _mm_crc32_u64(c, v);
	}
	while (len--)
		c = _mm_crc32_u8((uint32_t)c, *p++);
	return (uint32_t)c;
}
#endif

static void crc32c_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc32c_table[i] = c;
	}
	crc32c_impl = crc32c_soft;
#if defined(__x86_64__)
	if (__builtin_cpu_supports("sse4.2"))
		crc32c_impl = crc32c_sse42;
#endif
}

uint32_t xt_crc32c(uint32_t crc, const void *data, size_t len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, crc32c_init);
	return ~crc32c_impl(~crc, data, len);
}
