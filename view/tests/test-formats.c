/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every output format and the filters on the committed host + vm1 fixtures,
 * against golden files. Regenerate a golden file with the command in its
 * row of `goldens` below, from the source root, with the binary of a build
 * (build/view/xtrace-view), after checking the difference by eye:
 *   xtrace-view ARGS fixtures/dumps/host fixtures/dumps/vm1 | head -n LINES > FILE
 * (LINES 0: the whole output). JSON lines and the Perfetto export are also
 * parsed by python3's json module; --strict is checked on the losses of host.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-exec.h"
#include "view-test.h"

#define MAX_ARGS 16

struct golden {
	const char *file;
	unsigned lines;
	const char *args[MAX_ARGS];
};

static const struct golden goldens[] = {
	{ "view-host-vm1.json", 60, { "--format", "json" } },
	{ "view-host-vm1.csv", 60, { "--format", "csv" } },
	{ "view-host-vm1-raw.txt", 60, { "--format", "raw" } },
	{ "view-vm1-gs.json", 20, { "--format", "json", "--host", "vm1", "--event",
				    "KVMRT_GS_*,KVM_GUEST_HC_*,sched_switch" } },
	{ "view-host-cpu2-kvm.txt", 0, { "--host", "host", "--cpu", "2", "--event",
					 "KVM_*,kvm:kvm_hypercall", "--from", "+0.01", "--to",
					 "+0.0102" } },
	/* The same span as times of day (the first event is at 1741944413.0): a seek. */
	{ "view-host-cpu2-kvm.txt", 0, { "--host", "host", "--cpu", "2", "--event",
					 "KVM_*,kvm:kvm_hypercall", "--from", "1741944413.01",
					 "--to", "1741944413.0102" } },
};

static unsigned count_lines(const char *text)
{
	unsigned n = 0;

	for (const char *p = text; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/* Runs xtrace-view with @args (NULL-terminated, at most MAX_ARGS) on host and vm1. */
static void view(const char *const *args, struct test_output *o)
{
	_cleanup_free_ char *host = test_source_path("fixtures/dumps/host");
	_cleanup_free_ char *vm1 = test_source_path("fixtures/dumps/vm1");
	char *argv[MAX_ARGS + 4] = { "view/xtrace-view" };
	unsigned n = 1;

	for (unsigned i = 0; i < MAX_ARGS && args[i]; i++)
		argv[n++] = (char *)args[i];
	argv[n++] = host;
	argv[n++] = vm1;
	argv[n] = NULL;
	assert_int_equal(test_exec(argv, o), 0);
}

static void outputs_match_the_golden_files(void **state)
{
	for (size_t g = 0; g < sizeof(goldens) / sizeof(goldens[0]); g++) {
		char rel[128];
		struct test_output o;
		char *path, *golden;
		size_t len;

		snprintf(rel, sizeof(rel), "fixtures/golden/%s", goldens[g].file);
		path = test_source_path(rel);
		golden = vt_read_text(path);
		view(goldens[g].args, &o);
		assert_int_equal(o.status, 0);
		len = vt_prefix_lines(o.out, goldens[g].lines);
		if (len != strlen(golden) || memcmp(o.out, golden, len))
			fail_msg("%s differs from the output", goldens[g].file);
		assert_true(strlen(golden) > 0);
		test_output_free(&o);
		free(golden);
		free(path);
	}
}

/* Each format has one line per text line (CSV: plus its header). */
static void formats_have_one_line_per_event(void **state)
{
	static const char *const text[] = { NULL };
	static const char *const json[] = { "--format", "json", NULL };
	static const char *const csv[] = { "--format", "csv", NULL };
	struct test_output t, j, c;

	view(text, &t);
	view(json, &j);
	view(csv, &c);
	assert_int_equal(count_lines(j.out), count_lines(t.out));
	assert_int_equal(count_lines(c.out), count_lines(t.out) + 1);
	assert_non_null(strstr(j.out, "\"event\":\"LOST_EVENTS\",\"lost\":12}"));
	test_output_free(&t);
	test_output_free(&j);
	test_output_free(&c);
}

/* Python's json module reads every line of --format json. */
static void json_lines_parse(void **state)
{
	struct test_output o;

	vt_view_python("--format json",
		       "import sys, json\n"
		       "n = 0\n"
		       "for line in sys.stdin:\n"
		       "    o = json.loads(line); n += 1\n"
		       "    assert isinstance(o[\"cpu\"], int) and isinstance(o[\"tod\"], int)\n"
		       "    assert o.get(\"derived\") or o[\"event\"] == \"LOST_EVENTS\" or "
		       "isinstance(o[\"fields\"], dict)\n"
		       "print(n)",
		       &o);
	assert_true(atoi(o.out) > 10200);
	test_output_free(&o);
}

/* Python's csv module reads --format csv: a header, then rows of as many cells. */
static void csv_rows_parse(void **state)
{
	struct test_output o;

	vt_view_python("--format csv",
		       "import sys, csv\n"
		       "rows = list(csv.reader(sys.stdin))\n"
		       "assert rows[0][:4] == [\"time\", \"tod\", \"host\", \"cpu\"]\n"
		       "assert all(len(r) == len(rows[0]) for r in rows)\n"
		       "assert all(r[8] for r in rows[1:])\n"
		       "print(len(rows) - 1)",
		       &o);
	assert_true(atoi(o.out) > 10200);
	test_output_free(&o);
}

/*
 * The Perfetto export is JSON with one process per system and one thread
 * (track) per CPU, balanced slices and one instant per text line.
 */
static void perfetto_export_has_a_track_per_system_cpu(void **state)
{
	_cleanup_free_ char *dir = test_mkdtemp();
	_cleanup_free_ char *file = NULL, *cmd = NULL;
	char *argv[] = { "/usr/bin/python3", "-c", NULL, NULL, NULL };
	const char *args[] = { "--export", "perfetto", NULL, NULL };
	static const char *const text[] = { NULL };
	struct test_output o, t;

	assert_non_null(dir);
	assert_true(asprintf(&file, "%s/trace.json", dir) > 0);
	args[2] = file;
	view(args, &o);
	assert_int_equal(o.status, 0);
	assert_int_equal(o.out_len, 0);
	test_output_free(&o);
	view(text, &t);
	argv[2] = "import sys, json, collections\n"
		  "d = json.load(open(sys.argv[1]))['traceEvents']\n"
		  "procs = {e['pid']: e['args']['name'] for e in d if e['name'] == 'process_name'}\n"
		  "threads = sorted((e['pid'], e['tid']) for e in d if e['name'] == 'thread_name')\n"
		  "assert procs == {1: 'host', 2: 'vm1'}, procs\n"
		  "assert threads == [(1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (2, 1)], threads\n"
		  "depth = collections.Counter()\n"
		  "for e in d:\n"
		  "    if e['ph'] in 'BE': depth[e['pid'], e['tid']] += 1 if e['ph'] == 'B' else -1\n"
		  "    assert depth[e.get('pid'), e.get('tid')] >= 0\n"
		  "assert not any(depth.values())\n"
		  "guest = [e for e in d if e['ph'] == 'B' and e['name'] == 'in guest']\n"
		  "assert {(e['pid'], e['tid']) for e in guest} == {(1, 2), (1, 3)}\n"
		  "print(sum(1 for e in d if e['ph'] == 'i'))\n";
	argv[3] = file;
	assert_int_equal(test_exec(argv, &o), 0);
	if (o.status)
		fail_msg("%s", o.err);
	assert_int_equal((unsigned)atoi(o.out), count_lines(t.out));
	test_output_free(&o);
	test_output_free(&t);
	test_rm_rf(dir);
}

/* host lost events on CPU 1: --strict says so and exits 3; vm1 lost none. */
static void strict_exits_3_on_lost_events(void **state)
{
	_cleanup_free_ char *host = test_source_path("fixtures/dumps/host");
	_cleanup_free_ char *vm1 = test_source_path("fixtures/dumps/vm1");
	char *lossy[] = { "view/xtrace-view", "--strict", host, NULL };
	char *clean[] = { "view/xtrace-view", "--strict", vm1, NULL };
	char *lax[] = { "view/xtrace-view", host, NULL };
	/* The first loss is at +0.033003420: a span ending before it lost nothing. */
	char *before[] = { "view/xtrace-view", "--strict", "--to", "+0.033", host, NULL };
	char *after[] = { "view/xtrace-view", "--strict", "--from", "+0.034", host, NULL };
	struct test_output o;

	assert_int_equal(test_exec(lossy, &o), 0);
	assert_int_equal(o.status, 3);
	assert_non_null(strstr(o.err, "lost 38 events in 3 places"));
	assert_true(o.out_len > 0);
	test_output_free(&o);
	assert_int_equal(test_exec(clean, &o), 0);
	assert_int_equal(o.status, 0);
	test_output_free(&o);
	assert_int_equal(test_exec(lax, &o), 0);
	assert_int_equal(o.status, 0);
	test_output_free(&o);
	assert_int_equal(test_exec(before, &o), 0);
	assert_int_equal(o.status, 0);
	test_output_free(&o);
	assert_int_equal(test_exec(after, &o), 0);
	assert_int_equal(o.status, 3);
	assert_non_null(strstr(o.err, "lost 26 events in 2 places"));
	test_output_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(outputs_match_the_golden_files),
		cmocka_unit_test(formats_have_one_line_per_event),
		cmocka_unit_test(json_lines_parse),
		cmocka_unit_test(csv_rows_parse),
		cmocka_unit_test(perfetto_export_has_a_track_per_system_cpu),
		cmocka_unit_test(strict_exits_3_on_lost_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
