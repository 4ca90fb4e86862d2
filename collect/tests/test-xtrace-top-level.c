/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-xtrace-top-level.c - xtrace-run --top-level (suite root, run alone:
 * it changes the top-level buffer that other tests watch): recording there,
 * the guest-services flush trigger armed and removed, a tool stopping the
 * buffer (as cyclictest -b does) flushed and re-armed, every setting put
 * back (the teardown compares them).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "xcollect.h"
#include "xrun-harness.h"

#define TRIGGER T "/events/kvm/kvm_hypercall/trigger"

/* --top-level records in the top-level buffer and puts every setting back (teardown checks). */
static void test_top_level(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *seen = scratch(f, "seen");
	_cleanup_free_ char *script = NULL, *text = NULL, *pidfile = scratch(f, "pid");
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	struct scan s = { .marker = f->marker };

	assert_true(asprintf(&script, "echo $$ > %s; cat " T "/tracing_on " T "/trace_clock > %s; "
			     "ls " T "/instances | grep -c \"^" XC_INSTANCE_PREFIX "$XTRACE_SESSION$\" "
			     ">> %s; echo %s > " T "/trace_marker", pidfile, seen, seen,
			     f->marker) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "--top-level", "-t", "mono", "-o", out,
						  "sh", "-c", script, NULL }),
			 0);
	text = slurp(seen);
	assert_non_null(strstr(text, "1\n"));
	assert_non_null(strstr(text, "[mono]"));
	/* No instance of our own. */
	assert_string_equal(text + strlen(text) - 3, "\n0\n");
	scan_dump(out, read_pid(pidfile), &s, &d);
	assert_string_equal(xt_dump_meta(d, "buffer"), "top-level");
	assert_int_equal(s.markers, 1);
	assert_true(s.shell_syscalls > 0);
}

/*
 * The guest-flush trigger is armed on the top-level kvm_hypercall while
 * recording and gone after; tracing_on 0 (what the trigger or cyclictest -b
 * does) is flushed and re-armed.
 */
static void test_gs_flush_and_rearm(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *seen = scratch(f, "seen");
	_cleanup_free_ char *script = NULL, *text = NULL, *after = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;

	if (access(TRIGGER, W_OK) < 0)
		skip();
	assert_true(asprintf(&script, "cat " TRIGGER " > %s; echo 0 > " T "/tracing_on; "
			     "for i in $(seq 100); do [ $(cat " T "/tracing_on) = 1 ] && break; "
			     "sleep 0.05; done; cat " T "/tracing_on >> %s", seen, seen) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "--top-level", "-m", "overwrite", "-o",
						  out, "sh", "-c", script, NULL }),
			 0);
	text = slurp(seen);
	/* The kernel shows it as "traceoff:unlimited if nr == ...". */
	assert_non_null(strstr(text, "traceoff"));
	assert_non_null(strstr(text, "if nr == 0x4b525402"));
	/* Re-armed by the recorder. */
	assert_string_equal(text + strlen(text) - 2, "1\n");
	after = slurp(TRIGGER);
	assert_null(strstr(after, "if nr =="));
	assert_int_equal(xt_dump_open(out, &d), 0);
	assert_string_equal(xt_dump_meta(d, "gs_flush_trigger"), XC_GS_FLUSH_TRIGGER);
	assert_string_equal(xt_dump_meta(d, "gs_flush_trigger_removed"), "yes");
	assert_non_null(strstr(xt_dump_meta(d, "flush.0"), " tracing_on=0,rearmed events="));
}

/* --no-gs-flush: the trigger is never armed. */
static void test_no_gs_flush(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *seen = scratch(f, "seen");
	_cleanup_free_ char *script = NULL, *text = NULL;

	if (access(TRIGGER, W_OK) < 0)
		skip();
	assert_true(asprintf(&script, "cat " TRIGGER " > %s", seen) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "--top-level", "--no-gs-flush", "-o", out,
						  "sh", "-c", script, NULL }),
			 0);
	text = slurp(seen);
	assert_null(strstr(text, "if nr =="));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_top_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gs_flush_and_rearm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_gs_flush, setup, teardown),
	};

	if (check_machine() < 0) {
		fprintf(stderr, "skipped: needs root, a mounted tracefs and KVMRT_BUILD_ROOT\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
