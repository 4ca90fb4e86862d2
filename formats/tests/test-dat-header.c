/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The trace.dat header reader: a well-formed header reads back; every cut,
 * every oversized count or length, other versions and byte orders are
 * refused with a reason, never read past the buffer.
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

#include "dat-private.h"

struct builder {
	uint8_t buf[4096];
	size_t len;
};

static void put(struct builder *b, const void *p, size_t n)
{
	assert_true(b->len + n <= sizeof(b->buf));
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void put_le(struct builder *b, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		b->buf[b->len++] = (uint8_t)(v >> (8 * i));
}

static void put_sized(struct builder *b, const char *text, unsigned size_bytes)
{
	put_le(b, strlen(text), size_bytes);
	put(b, text, strlen(text));
}

static const char wakeup[] = "name: sched_wakeup\nID: 316\nformat:\n\tfield:int pid;\n";
static const char print[] = "name: print\nID: 5\nformat:\n";

/* Offsets of the fields a test damages. */
struct marks {
	size_t version, ftrace_count, system_count, wakeup_len, cpus, clock;
};

/* A header; with @uname (@len bytes, NUL included or not) a UNAME option after the clock. */
static void build_uname(struct builder *b, struct marks *m, const char *uname, size_t len)
{
	static const uint8_t magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };

	b->len = 0;
	put(b, magic, sizeof(magic));
	m->version = b->len;
	put(b, "6", 2);
	put(b, "\0\x08", 2);
	put_le(b, 4096, 4);
	put(b, "header_page", 12);
	put_sized(b, "field: u64 timestamp;\n", 8);
	put(b, "header_event", 13);
	put_sized(b, "type_len : 5 bits\n", 8);
	m->ftrace_count = b->len;
	put_le(b, 1, 4);
	put_sized(b, print, 8);
	m->system_count = b->len;
	put_le(b, 1, 4);
	put(b, "sched", 6);
	put_le(b, 1, 4);
	m->wakeup_len = b->len;
	put_sized(b, wakeup, 8);
	put_sized(b, "ffffffff81000000 T _text\n", 4);
	put_le(b, 0, 4);
	put_sized(b, "812 rtapp\n", 8);
	m->cpus = b->len;
	put_le(b, 2, 4);
	put(b, "options  ", 10);
	put_le(b, 4, 2);
	m->clock = b->len;
	put_le(b, strlen("local [tai] mono") + 1, 4);
	put(b, "local [tai] mono", strlen("local [tai] mono") + 1);
	if (uname) {
		put_le(b, 5, 2);
		put_le(b, len, 4);
		put(b, uname, len);
	}
	put_le(b, 0, 2);
	put(b, "flyrecord", 10);
}

static void build(struct builder *b, struct marks *m)
{
	build_uname(b, m, NULL, 0);
}

static void good_header_reads_back(void **state)
{
	struct builder b;
	struct marks m;
	struct dat_header h;
	char why[128];

	build(&b, &m);
	assert_int_equal(xt_dat_header_parse(b.buf, b.len, &h, why, sizeof(why)), 0);
	assert_int_equal(h.page_size, 4096);
	assert_int_equal(h.long_size, 8);
	assert_int_equal(h.cpus, 2);
	assert_string_equal(h.clock, "tai");
	assert_int_equal(h.n_formats, 2);
	assert_memory_equal(h.formats[0].system.data, "ftrace", 6);
	assert_int_equal(h.formats[0].text.len, strlen(print));
	assert_memory_equal(h.formats[1].system.data, "sched", 5);
	assert_memory_equal(h.formats[1].text.data, wakeup, strlen(wakeup));
	assert_memory_equal(h.cmdlines.data, "812 rtapp\n", 10);
	assert_int_equal(h.printk.len, 0);
	assert_string_equal(h.nodename, "");
	assert_string_equal(h.machine, "");
	free(h.formats);
}

static void parse_uname(const char *text, size_t len, struct dat_header *h)
{
	struct builder b;
	struct marks m;
	char why[128];

	build_uname(&b, &m, text, len);
	assert_int_equal(xt_dat_header_parse(b.buf, b.len, h, why, sizeof(why)), 0);
	free(h->formats);
}

/* Host, kernel and arch come from the UNAME option; damaged ones leave them empty. */
static void uname_gives_host_kernel_and_arch(void **state)
{
	static const char good[] = "Linux rt-host 6.18.44-rt #1 SMP PREEMPT_RT Sat x86_64";
	static const char *const short_ones[] = { "Linux", "Linux rt-host", "Linux rt-host 6.18",
						  "Linux rt-host 6.18 x86_64", "" };
	char hostile[] = "Linux r\x1bt\x7f-host 6.1 #1 x86_64\n";
	char huge[1000];
	struct dat_header h;

	parse_uname(good, sizeof(good), &h);
	assert_string_equal(h.nodename, "rt-host");
	assert_string_equal(h.release, "6.18.44-rt");
	assert_string_equal(h.machine, "x86_64");
	/* Without its NUL: the option's size bounds it. */
	parse_uname(good, sizeof(good) - 1, &h);
	assert_string_equal(h.machine, "x86_64");
	for (size_t i = 0; i < sizeof(short_ones) / sizeof(short_ones[0]); i++) {
		parse_uname(short_ones[i], strlen(short_ones[i]) + 1, &h);
		assert_string_equal(h.nodename, "");
		assert_string_equal(h.machine, "");
	}
	/* Control bytes are dropped, never copied into a host name. */
	parse_uname(hostile, sizeof(hostile), &h);
	assert_string_equal(h.nodename, "rt-host");
	assert_string_equal(h.machine, "x86_64");
	/* A word longer than the field is cut to it. */
	memset(huge, 'n', sizeof(huge));
	memcpy(huge, "Linux ", 6);
	memcpy(huge + 900, " 6.1 #1 x86_64", 15);
	parse_uname(huge, sizeof(huge), &h);
	assert_int_equal(strlen(h.nodename), sizeof(h.nodename) - 1);
	assert_string_equal(h.release, "6.1");
}

static void every_cut_is_refused(void **state)
{
	struct builder b;
	struct marks m;
	struct dat_header h;
	char why[128];

	build(&b, &m);
	/* the header ends with the option list: any shorter buffer lacks part of it */
	for (size_t len = 0; len < b.len - strlen("flyrecord") - 1; len++) {
		uint8_t *copy = malloc(len ? len : 1);

		memcpy(copy, b.buf, len);
		assert_true(xt_dat_header_parse(copy, len, &h, why, sizeof(why)) < 0);
		assert_true(strlen(why) > 0);
		free(copy);
	}
}

static void oversized_counts_and_lengths_are_refused(void **state)
{
	struct builder b;
	struct marks m;
	struct dat_header h;
	char why[128];
	size_t offsets[5]; /* counts of formats and systems, a format length, CPUs 0 and 100000 */
	uint64_t values[5] = { 0xffffffffu, 0xffffffffu, UINT64_MAX, 0, 100000 };
	unsigned sizes[5] = { 4, 4, 8, 4, 4 };

	build(&b, &m);
	offsets[0] = m.ftrace_count;
	offsets[1] = m.system_count;
	offsets[2] = m.wakeup_len;
	offsets[3] = m.cpus;
	offsets[4] = m.cpus;
	for (unsigned i = 0; i < 5; i++) {
		struct builder bad = b;

		for (unsigned k = 0; k < sizes[i]; k++)
			bad.buf[offsets[i] + k] = (uint8_t)(values[i] >> (8 * k));
		assert_int_equal(xt_dat_header_parse(bad.buf, bad.len, &h, why, sizeof(why)),
				 -EBADMSG);
	}
	/* an option running past the end */
	b.buf[m.clock] = 0xff;
	b.buf[m.clock + 1] = 0xff;
	assert_int_equal(xt_dat_header_parse(b.buf, b.len, &h, why, sizeof(why)), -EBADMSG);
}

static void other_versions_and_byte_orders_are_refused(void **state)
{
	struct builder b;
	struct marks m;
	struct dat_header h;
	char why[128];

	build(&b, &m);
	b.buf[m.version] = '7';
	assert_int_equal(xt_dat_header_parse(b.buf, b.len, &h, why, sizeof(why)),
			 -EPROTONOSUPPORT);
	assert_non_null(strstr(why, "version 6"));
	build(&b, &m);
	b.buf[m.version + 2] = 1; /* big endian */
	assert_int_equal(xt_dat_header_parse(b.buf, b.len, &h, why, sizeof(why)),
			 -EPROTONOSUPPORT);
	build(&b, &m);
	b.buf[0] = 'X';
	assert_int_equal(xt_dat_header_parse(b.buf, b.len, &h, why, sizeof(why)), -EBADMSG);
	assert_non_null(strstr(why, "magic"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_header_reads_back),
		cmocka_unit_test(uname_gives_host_kernel_and_arch),
		cmocka_unit_test(every_cut_is_refused),
		cmocka_unit_test(oversized_counts_and_lengths_are_refused),
		cmocka_unit_test(other_versions_and_byte_orders_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
