/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-event-set.c - the default event set and -e resolution, on the event
 * formats this project keeps in fixtures/formats (a copy of a tracefs
 * "events" directory) and on a small tree built here.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "xcollect.h"

static char events_dir[4096];

static int setup(void **state)
{
	const char *src = getenv("KVMRT_SOURCE_ROOT");

	if (!src)
		return -1;
	snprintf(events_dir, sizeof(events_dir), "%s/fixtures/formats", src);
	return 0;
}

static void test_defaults_on_fixture(void **state)
{
	struct xc_event_set set = {}, missing = {};
	int n;

	n = xc_event_set_add_defaults(&set, events_dir, &missing);
	assert_true(n > 20);
	assert_int_equal((size_t)n, set.n);
	assert_true(xc_event_set_contains(&set, "kvm", "kvm_entry"));
	assert_true(xc_event_set_contains(&set, "kvm", "kvm_hypercall"));
	assert_true(xc_event_set_contains(&set, "sched", "sched_switch"));
	assert_true(xc_event_set_contains(&set, "raw_syscalls", "sys_enter"));
	assert_true(xc_event_set_contains(&set, "timer", "hrtimer_expire_exit"));
	/* irq_vectors: the entry/exit pairs, not the vector bookkeeping events. */
	assert_true(xc_event_set_contains(&set, "irq_vectors", "local_timer_entry"));
	assert_true(xc_event_set_contains(&set, "irq_vectors", "reschedule_exit"));
	assert_true(xc_event_set_contains(&set, "irq_vectors", "call_function_entry"));
	assert_false(xc_event_set_contains(&set, "irq_vectors", "vector_alloc"));
	/* Not in the default set. */
	assert_false(xc_event_set_contains(&set, "sched", "sched_waking"));
	assert_false(xc_event_set_contains(&set, "ftrace", "print"));
	assert_int_equal(missing.n, 0);
	xc_event_set_done(&set);
	xc_event_set_done(&missing);
}

/* A kernel without KVM and without irq_vectors: those defaults are reported missing. */
static void test_defaults_missing(void **state)
{
	char tmpl[] = "/tmp/test-event-set-XXXXXX";
	struct xc_event_set set = {}, missing = {};
	char *dir = mkdtemp(tmpl);
	_cleanup_free_ char *cmd = NULL;

	assert_non_null(dir);
	assert_true(asprintf(&cmd, "mkdir -p %s/sched/sched_switch %s/sched/no_format && "
			     "touch %s/sched/sched_switch/format %s/sched/enable", dir, dir, dir,
			     dir) > 0);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(xc_event_set_add_defaults(&set, dir, &missing), 1);
	assert_int_equal(set.n, 1);
	assert_true(xc_event_set_contains(&missing, "kvm", "kvm_entry"));
	assert_true(xc_event_set_contains(&missing, "irq_vectors", "*_entry"));
	assert_true(xc_event_set_contains(&missing, "sched", "sched_wakeup"));
	assert_false(xc_event_set_contains(&missing, "sched", "sched_switch"));
	/* A directory without a format file is not an event. */
	assert_int_equal(xc_event_set_add_spec(&set, dir, "sched:no_format"), -ENOENT);
	/* Files beside the events (enable, filter) are not events either. */
	assert_int_equal(xc_event_set_add_spec(&set, dir, "sched:enable"), -ENOENT);
	xc_event_set_done(&set);
	xc_event_set_done(&missing);
	free(cmd);
	assert_true(asprintf(&cmd, "rm -rf %s", dir) > 0);
	assert_int_equal(system(cmd), 0);
}

static void test_specs(void **state)
{
	struct xc_event_set set = {};
	int n;

	/* A whole system. */
	n = xc_event_set_add_spec(&set, events_dir, "sched");
	assert_true(n > 10);
	assert_true(xc_event_set_contains(&set, "sched", "sched_waking"));
	/* Adding it again adds nothing. */
	assert_int_equal(xc_event_set_add_spec(&set, events_dir, "sched:sched_switch"), 0);
	/* One event, and a pattern. */
	assert_int_equal(xc_event_set_add_spec(&set, events_dir, "kvm:kvm_exit"), 1);
	assert_int_equal(xc_event_set_add_spec(&set, events_dir, "irq:softirq_*"), 3);
	assert_true(xc_event_set_contains(&set, "irq", "softirq_raise"));
	xc_event_set_done(&set);
	assert_int_equal(set.n, 0);
}

static void test_bad_specs(void **state)
{
	static const struct {
		const char *spec;
		int err;
	} cases[] = {
		{ "nosuchsystem", -ENOENT },
		{ "sched:nosuchevent", -ENOENT },
		{ "sched:zz*", -ENOENT },
		{ "ftrace:print", -EPERM },
		{ "ftrace", -EPERM },
		{ "", -EINVAL },
		{ ":", -EINVAL },
		{ "sched:", -EINVAL },
		{ "../formats", -EINVAL },
		{ "sched:../../etc", -EINVAL },
		{ "sched/sched_switch", -EINVAL },
		{ "sched:sched_switch:x", -EINVAL },
		{ "sched:sched switch", -EINVAL },
		{ "s*:sched_switch", -EINVAL },
		{ "sched:sched_switch\n", -EINVAL },
	};
	struct xc_event_set set = {};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = xc_event_set_add_spec(&set, events_dir, cases[i].spec);

		if (r != cases[i].err)
			fail_msg("spec '%s': %d, expected %d", cases[i].spec, r, cases[i].err);
	}
	assert_int_equal(set.n, 0);
}

static void test_huge_spec(void **state)
{
	struct xc_event_set set = {};
	char spec[4096];

	memset(spec, 'a', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = '\0';
	assert_int_equal(xc_event_spec_check(spec), -EINVAL);
	assert_int_equal(xc_event_set_add_spec(&set, events_dir, spec), -EINVAL);
	spec[10] = ':';
	assert_int_equal(xc_event_set_add_spec(&set, events_dir, spec), -EINVAL);
}

static void test_join(void **state)
{
	struct xc_event_set set = {};
	_cleanup_free_ char *empty = NULL, *two = NULL;

	empty = xc_event_set_join(&set);
	assert_string_equal(empty, "");
	assert_int_equal(xc_event_set_add_spec(&set, events_dir, "kvm:kvm_entry"), 1);
	assert_int_equal(xc_event_set_add_spec(&set, events_dir, "sched:sched_switch"), 1);
	two = xc_event_set_join(&set);
	assert_string_equal(two, "kvm:kvm_entry,sched:sched_switch");
	xc_event_set_done(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_on_fixture),
		cmocka_unit_test(test_defaults_missing),
		cmocka_unit_test(test_specs),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_huge_spec),
		cmocka_unit_test(test_join),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
