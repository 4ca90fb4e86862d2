/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-xtrace-options.c - each xtrace-run option checked on what it recorded
 * (suite root): the flight-recorder mode, event selection and filters, CPU
 * lists, lost counts against the kernel's own statistics, quiet runs, how
 * the reader threads are scheduled (the top-level buffer:
 * test-xtrace-top-level.c).
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "xcollect.h"
#include "xrun-harness.h"

/* Two numbers written by the recorded command into @path. */
static void read_two(const char *path, long *a, long *b)
{
	_cleanup_free_ char *text = slurp(path);

	assert_int_equal(sscanf(text, "%ld %ld", a, b), 2);
}

/* Overwrite mode: nothing reaches the dump before a flush; a flush writes and keeps recording. */
static void test_overwrite_flush(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *sizes = scratch(f, "sizes");
	_cleanup_free_ char *script = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	struct scan s = { .marker = f->marker };
	long before, after;

	assert_true(asprintf(&script,
			     "dd if=/dev/zero of=/dev/null bs=1 count=2000 2>/dev/null; "
			     "b=$(cat $XTRACE_OUTPUT/cpu*.xtd | wc -c); %s flush >/dev/null || exit 9; "
			     "a=$(cat $XTRACE_OUTPUT/cpu*.xtd | wc -c); echo $b $a > %s; "
			     "echo %s > " T "/trace_marker", xctl_bin, sizes, f->marker) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "-m", "overwrite", "-o", out, "sh", "-c",
						  script, NULL }),
			 0);
	read_two(sizes, &before, &after);
	assert_int_equal(before, 0);
	assert_true(after > 0);
	scan_dump(out, 0, &s, &d);
	assert_string_equal(xt_dump_meta(d, "mode"), "overwrite");
	assert_int_equal(meta_u64(d, "flush_count"), 1);
	assert_non_null(strstr(xt_dump_meta(d, "flush.0"), " xtrace-ctl events="));
	/* Recorded after the flush: the recording went on. */
	assert_int_equal(s.markers, 1);
	assert_true(scan_count(&s, "raw_syscalls:sys_enter") > 2000);
	assert_placed(d, &s);
}

/* The per-CPU lost counts in the dump are the kernel's: overruns of a small overwritten buffer. */
static void test_lost_counts(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *stats = scratch(f, "stats");
	_cleanup_free_ char *script = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	uint64_t total = 0;
	unsigned cpus;

	/* Paused before the statistics are read: nothing changes them afterwards. */
	assert_true(asprintf(&script,
			     "dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null; "
			     "%s pause >/dev/null || exit 9; "
			     "for c in " T "/instances/" XC_INSTANCE_PREFIX "$XTRACE_SESSION/per_cpu/cpu*; "
			     "do cat $c/stats > %s.${c##*cpu}; done", xctl_bin, stats) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "-m", "overwrite", "-b", "16", "-o", out,
						  "sh", "-c", script, NULL }),
			 0);
	assert_int_equal(xt_dump_open(out, &d), 0);
	cpus = xt_dump_cpu_count(d);
	for (unsigned cpu = 0; cpu < cpus; cpu++) {
		_cleanup_free_ char *path = NULL, *text = NULL;
		struct xc_cpu_stats st;
		char key[32];

		assert_true(asprintf(&path, "%s.%u", stats, cpu) > 0);
		text = slurp(path);
		assert_int_equal(xc_cpu_stats_parse(text, &st), 0);
		snprintf(key, sizeof(key), "cpu%u.overrun", cpu);
		assert_int_equal(meta_u64(d, key), st.overrun);
		assert_int_equal(xt_dump_lost(d, cpu), st.overrun + st.commit_overrun + st.dropped);
		total += st.overrun;
	}
	/* 200000 syscall events cannot fit in 16 KiB per CPU. */
	assert_true(total > 0);
}

static void check_switch_filter(struct scan *s, const struct xt_event *ev, struct tep_record *rec,
				struct tep_event *te)
{
	unsigned long long prev_pid;

	(void)ev;
	if (strcmp(te->name, "sched_switch"))
		return;
	assert_int_equal(tep_get_field_val(NULL, te, "prev_pid", rec, &prev_pid, 0), 0);
	if (prev_pid == 0)
		++*(unsigned *)s->userdata;
}

/* --no-default records only the -e events; -f filters the event before it, not the next. */
static void test_events_and_filter(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump");
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	unsigned idle_switches = 0;
	struct scan s = { .each = check_switch_filter, .userdata = &idle_switches,
			  .marker = f->marker };

	assert_int_equal(run(f, (const char *[]){ "-q", "--no-default", "-e", "sched:sched_switch",
						  "-f", "prev_pid != 0", "-e",
						  "raw_syscalls:sys_enter", "-o", out, "sh", "-c",
						  "sleep 0.1; sleep 0.1", NULL }),
			 0);
	scan_dump(out, 0, &s, &d);
	assert_string_equal(xt_dump_meta(d, "events"), "sched:sched_switch,raw_syscalls:sys_enter");
	assert_string_equal(xt_dump_meta(d, "filter.0"), "sched:sched_switch prev_pid != 0");
	assert_null(xt_dump_meta(d, "filter.1"));
	assert_true(scan_count(&s, "sched:sched_switch") > 0);
	assert_int_equal(idle_switches, 0);
	assert_true(scan_count(&s, "raw_syscalls:sys_enter") > 0);
	for (unsigned i = 0; i < s.nr_names; i++)
		if (strcmp(s.names[i].name, "sched:sched_switch") &&
		    strcmp(s.names[i].name, "raw_syscalls:sys_enter") &&
		    strcmp(s.names[i].name, "ftrace:print"))
			fail_msg("%s recorded with --no-default", s.names[i].name);
}

/* A filter the kernel refuses is named with the event and nothing is recorded. */
static void test_bad_filter(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *err = NULL;

	assert_int_equal(run(f, (const char *[]){ "-e", "sched:sched_switch", "-f", "nosuchfield > 1",
						  "-o", out, "true", NULL }),
			 1);
	err = stderr_text(f);
	assert_non_null(strstr(err, "-f 'nosuchfield > 1': sched:sched_switch refuses this filter"));
	assert_int_equal(run(f, (const char *[]){ "-f", "x", "-o", out, "true", NULL }), 2);
}

/* -C: only the listed CPUs record, even with work on the others. */
static void test_cpus(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump");
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL;
	struct scan s = { .marker = f->marker };

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	assert_int_equal(run(f, (const char *[]){ "-q", "-C", "1", "-o", out, "sh", "-c",
						  "taskset -c 0 dd if=/dev/zero of=/dev/null bs=1 "
						  "count=1000 2>/dev/null; taskset -c 1 dd "
						  "if=/dev/zero of=/dev/null bs=1 count=1000 2>/dev/null",
						  NULL }),
			 0);
	scan_dump(out, 0, &s, &d);
	assert_string_equal(xt_dump_meta(d, XT_META_CPUS), "1");
	assert_false(xt_dump_has_cpu(d, 0));
	assert_int_equal(s.cpu_events[0], 0);
	assert_true(s.cpu_events[1] > 2000);
	assert_int_equal(run(f, (const char *[]){ "-q", "-C", "64", "--force", "-o", out, "true",
						  NULL }),
			 1);
}

/* -q: no summary; without it one line says what was recorded. */
static void test_quiet(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *err = NULL, *err_q = NULL;

	assert_int_equal(run(f, (const char *[]){ "-o", out, "true", NULL }), 0);
	err = stderr_text(f);
	assert_non_null(strstr(err, " events, "));
	assert_non_null(strstr(err, " written to "));
	assert_int_equal(run(f, (const char *[]){ "-q", "--force", "-o", out, "true", NULL }), 0);
	err_q = stderr_text(f);
	assert_string_equal(err_q, "");
}

/*
 * Reads the scheduling of xtrace-run's threads, as a shell it runs wrote
 * them ("POLICY CPULIST" a line), and counts the threads that run
 * SCHED_FIFO pinned to one CPU, each CPU once.
 */
static unsigned pinned_fifo_readers(const char *path, unsigned *ret_fifo)
{
	_cleanup_free_ char *text = slurp(path);
	bool seen[CPU_SETSIZE] = { 0 };
	unsigned pinned = 0, fifo = 0;
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned policy, cpu;
		char rest;

		if (sscanf(line, "%u", &policy) != 1)
			fail_msg("bad line '%s'", line);
		if (policy != SCHED_FIFO)
			continue;
		fifo++;
		if (sscanf(line, "%*u %u%c", &cpu, &rest) == 1 && cpu < CPU_SETSIZE && !seen[cpu]) {
			seen[cpu] = true;
			pinned++;
		}
	}
	*ret_fifo = fifo;
	return pinned;
}

/* Whether this process may run SCHED_FIFO 1 (its cgroup may give it no RT runtime). */
static bool fifo_allowed(void)
{
	struct sched_param param = { .sched_priority = 1 };
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(sched_setscheduler(0, SCHED_FIFO, &param) == 0 ? 0 : 1);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * The readers run SCHED_FIFO 1, one pinned to each CPU it reads (the
 * compressing threads stay SCHED_OTHER); --reader-prio 0 keeps them all
 * SCHED_OTHER. The dump says which (reader_sched). Where real-time is
 * refused, the readers fall back to SCHED_OTHER and the dump says so.
 */
static void test_reader_sched(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *out = scratch(f, "dump"), *threads = scratch(f, "threads");
	_cleanup_free_ char *script = NULL;
	_cleanup_(xt_dump_freep) struct xt_dump *d = NULL, *d0 = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t allowed;
	unsigned fifo;

	/* Field 41 of stat is the policy; the readers start before COMMAND does. */
	assert_true(asprintf(&script,
			     "sleep 0.3; for t in /proc/$PPID/task/*; do "
			     "echo $(cut -d' ' -f41 $t/stat) "
			     "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' $t/status); "
			     "done > %s", threads) > 0);
	assert_int_equal(run(f, (const char *[]){ "-q", "-o", out, "sh", "-c", script, NULL }), 0);
	assert_int_equal(xt_dump_open(out, &d), 0);
	if (fifo_allowed()) {
		/* Readers of CPUs xtrace-run may not use (taskset, cpusets) are not pinned. */
		assert_int_equal(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
		assert_int_equal(pinned_fifo_readers(threads, &fifo), CPU_COUNT(&allowed));
		assert_int_equal(fifo, cpus);
		assert_string_equal(xt_dump_meta(d, "reader_sched"), "fifo:1");
	} else {
		fprintf(stderr, "note: SCHED_FIFO is refused here: checking the fallback\n");
		assert_int_equal(pinned_fifo_readers(threads, &fifo), 0);
		assert_string_equal(xt_dump_meta(d, "reader_sched"), "other,fifo_refused");
	}

	assert_int_equal(run(f, (const char *[]){ "-q", "--force", "--reader-prio", "0", "-o", out,
						  "sh", "-c", script, NULL }),
			 0);
	assert_int_equal(pinned_fifo_readers(threads, &fifo), 0);
	assert_int_equal(fifo, 0);
	assert_int_equal(xt_dump_open(out, &d0), 0);
	assert_string_equal(xt_dump_meta(d0, "reader_sched"), "other");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_overwrite_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_and_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quiet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_sched, setup, teardown),
	};

	if (check_machine() < 0) {
		fprintf(stderr, "skipped: needs root, a mounted tracefs and KVMRT_BUILD_ROOT\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
