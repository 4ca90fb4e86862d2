/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-dump-meta.c - what a dump holds besides CPU data: the CPU list, the
 * system keys and the copied formats, read back with libxtrace. The tracefs
 * tree is the project's copy of this kernel's event formats.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmocka.h>
#include <traceevent/event-parse.h>

#include "cleanup.h"
#include "xcollect.h"

struct tree {
	char root[64];   /* scratch: tracing/ and dump/ below */
	char tracing[96];
	char dump[96];
};

static int setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	_cleanup_free_ char *cmd = NULL;
	const char *src = getenv("KVMRT_SOURCE_ROOT");

	if (!t || !src)
		return -1;
	snprintf(t->root, sizeof(t->root), "/tmp/test-dump-meta-XXXXXX");
	if (!mkdtemp(t->root))
		return -1;
	snprintf(t->tracing, sizeof(t->tracing), "%s/tracing", t->root);
	snprintf(t->dump, sizeof(t->dump), "%s/dump", t->root);
	/* A tracefs look-alike: events/ is the fixture copy, no saved_* tables. */
	if (asprintf(&cmd, "mkdir %s && ln -s %s/fixtures/formats %s/events", t->tracing, src,
		     t->tracing) < 0 || system(cmd) != 0)
		return -1;
	tep_set_loglevel(TEP_LOG_NONE);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tree *t = *state;
	_cleanup_free_ char *cmd = NULL;

	if (!t)
		return 0;
	if (asprintf(&cmd, "rm -rf %s", t->root) > 0 && system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static void test_formats_read_back(void **state)
{
	struct tree *t = *state;
	_cleanup_free_ char *events = NULL;
	struct xt_dump_writer *w = NULL;
	struct xc_event_set set = {};
	struct xt_dump *d = NULL;
	struct tep_handle *tep;
	struct utsname u;

	assert_true(asprintf(&events, "%s/events", t->tracing) > 0);
	assert_int_equal(xc_event_set_add_spec(&set, events, "sched:sched_switch"), 1);
	assert_int_equal(xc_event_set_add_spec(&set, events, "raw_syscalls"), 2);
	assert_int_equal(xt_dump_writer_create(t->dump, 0, &w), 0);
	assert_int_equal(xc_dump_set_system_meta(w), 0);
	assert_int_equal(xc_dump_copy_formats(w, t->tracing, &set), 0);
	/* The tree has no saved_cmdlines and such: not an error. */
	assert_int_equal(xc_dump_copy_tables(w, t->tracing), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_PAGE_SIZE, "4096"), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_TRACE_CLOCK, "tai"), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_TAI_OFFSET, "0"), 0);
	assert_int_equal(xt_dump_writer_close(w), 0);
	xt_dump_writer_free(w);

	assert_int_equal(xt_dump_open(t->dump, &d), 0);
	assert_int_equal(uname(&u), 0);
	assert_string_equal(xt_dump_host(d), u.nodename);
	assert_string_equal(xt_dump_meta(d, "kernel"), u.release);
	assert_string_equal(xt_dump_meta(d, "arch"), u.machine);
	tep = xt_dump_tep(d);
	assert_non_null(tep_find_event_by_name(tep, "sched", "sched_switch"));
	assert_non_null(tep_find_event_by_name(tep, "raw_syscalls", "sys_enter"));
	assert_non_null(tep_find_event_by_name(tep, "ftrace", "print"));
	assert_null(tep_find_event_by_name(tep, "sched", "sched_waking"));
	xt_dump_free(d);
	xc_event_set_done(&set);
}

static void test_missing_format(void **state)
{
	struct tree *t = *state;
	struct xt_dump_writer *w = NULL;
	struct xc_event_set set = {};

	/* An event whose format vanished (module unloaded) fails the copy, naming no garbage. */
	set.ids = calloc(1, sizeof(*set.ids));
	assert_non_null(set.ids);
	set.ids[0].system = strdup("nosuch");
	set.ids[0].event = strdup("event");
	set.n = set.cap = 1;
	assert_int_equal(xt_dump_writer_create(t->dump, XT_DUMP_FORCE, &w), 0);
	assert_int_equal(xc_dump_copy_formats(w, t->tracing, &set), -ENOENT);
	xt_dump_writer_free(w);
	xc_event_set_done(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_formats_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_format, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
