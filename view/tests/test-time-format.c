/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The time column: rel, tod and raw, and the --time parser. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>
#include <traceevent/event-parse.h>

#include "view-test.h"

static char *fmt(enum xv_time_mode mode, uint64_t tod, uint64_t ts, uint64_t base, bool ns)
{
	struct xv_out o;
	int fd = memfd_create("time", MFD_CLOEXEC);
	char *s;

	assert_true(fd >= 0);
	assert_int_equal(xv_out_init(&o, fd, 0), 0);
	xv_time_write(&o, mode, tod, ts, base, ns);
	assert_int_equal(xv_out_flush(&o), 0);
	xv_out_done(&o);
	s = vt_read_fd(fd);
	close(fd);
	return s;
}

static void check(enum xv_time_mode mode, uint64_t tod, uint64_t ts, uint64_t base, bool ns,
		  const char *want)
{
	char *s = fmt(mode, tod, ts, base, ns);

	assert_string_equal(s, want);
	free(s);
}

static void test_rel(void **state)
{
	check(XV_TIME_REL, 1000, 0, 1000, true, "0.000000000");
	check(XV_TIME_REL, 1000 + 23404455270ull, 0, 1000, true, "23.404455270");
	check(XV_TIME_REL, 1000 + 1, 0, 1000, true, "0.000000001");
	check(XV_TIME_REL, 1000 + 999999999, 0, 1000, true, "0.999999999");
	check(XV_TIME_REL, 500, 0, 1000, true, "-0.000000500");
}

static void test_tod(void **state)
{
	check(XV_TIME_TOD, 1763712000123456789ull, 7, 5, true, "1763712000.123456789");
	check(XV_TIME_TOD, 0, 7, 5, true, "0.000000000");
	check(XV_TIME_TOD, UINT64_MAX, 0, 0, true, "18446744073.709551615");
}

static void test_raw(void **state)
{
	check(XV_TIME_RAW, 99, 37000000042ull, 5, true, "37.000000042");
	/* x86-tsc counts cycles: an integer. */
	check(XV_TIME_RAW, 99, 123456789012345ull, 5, false, "123456789012345");
}

static void test_parse(void **state)
{
	enum xv_time_mode m = XV_TIME_REL;

	assert_int_equal(xv_time_mode_parse("tod", &m), 0);
	assert_int_equal(m, XV_TIME_TOD);
	assert_int_equal(xv_time_mode_parse("raw", &m), 0);
	assert_int_equal(m, XV_TIME_RAW);
	assert_int_equal(xv_time_mode_parse("rel", &m), 0);
	assert_int_equal(m, XV_TIME_REL);
	assert_int_equal(xv_time_mode_parse("TOD", &m), -EINVAL);
	assert_int_equal(xv_time_mode_parse("", &m), -EINVAL);
	assert_int_equal(m, XV_TIME_REL);
}

static void test_clock_of_system(void **state)
{
	/* The raw column follows each system's clock. */
	struct tep_handle *tep = vt_tep_load();
	struct xv_view_opts opts = { .time = XV_TIME_RAW };
	struct vt_rec r;
	struct vt_view v;
	struct xt_event ev;

	assert_int_equal(xv_fields_parse("time,host", &opts.fields, NULL, 0), 0);
	vt_view_open(&v, tep, &opts);
	assert_int_equal(xv_view_add_system(v.view, tep, "tsc", "x86_64", "x86-tsc"), 0);
	vt_rec_init(&r, tep, "sched", "sched_wakeup", 1);
	ev = (struct xt_event){ .tod = 1, .ts = 5000000001ull, .data = r.b, .size = r.size };
	assert_int_equal(xv_view_event(v.view, &ev), 0);
	ev.system = 1;
	assert_int_equal(xv_view_event(v.view, &ev), 0);
	ev.system = 2; /* no such system */
	assert_int_equal(xv_view_event(v.view, &ev), -EINVAL);
	assert_string_equal(vt_view_take(&v), "5.000000001 host\n5000000001 tsc\n");
	vt_view_close(&v);
	tep_free(tep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rel),
		cmocka_unit_test(test_tod),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_clock_of_system),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
