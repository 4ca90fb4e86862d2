/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * irq-affinity, task-affinity and cpustat: their options (parsed purely), and
 * the built tools on the fixture host (golden outputs; --set on a copy).
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

#include "affinity-tool.h"
#include "kvmrt-test.h"
#include "test-exec.h"

#define AFFINITY_DIR "fixtures/kvmrt-core/affinity"

struct fixture {
	char *tree;    /* the fixture host, read only */
	char *copy;    /* a copy for --set */
	char *journal; /* a journal directory that does not exist */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->tree = test_source_path(AFFINITY_DIR "/host");
	f->copy = kt_copy_tree(AFFINITY_DIR "/host");
	assert_true(asprintf(&f->journal, "%s/no-journal", f->copy) > 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_rm_rf(f->copy);
	free(f->copy);
	free(f->tree);
	free(f->journal);
	free(f);
	return 0;
}

/* Parses the NULL-terminated arguments (after the program name) for @tool. */
static int parse(enum affinity_tool tool, struct affinity_params *p, char *why, size_t len, ...)
{
	char *argv[16] = { "tool" };
	va_list ap;
	int argc = 1;

	va_start(ap, len);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return affinity_parse_args(tool, argc, argv, p, why, len);
}

static void parses_options(void **state)
{
	struct affinity_params p;
	char why[256];

	(void)state;
	assert_int_equal(parse(AFFINITY_IRQ, &p, why, sizeof(why), "--cpus", "2-3", "--set",
			       "3:0-1", "--dry-run", "--managed", "--sysroot", "/x", NULL), 0);
	assert_true(p.have_cpus && p.have_set && p.dry_run && p.managed);
	assert_true(kvmrt_ids_test(&p.cpus, 2) && kvmrt_ids_test(&p.cpus, 3));
	assert_int_equal(kvmrt_ids_count(&p.from), 1);
	assert_int_equal(kvmrt_ids_count(&p.to), 2);
	assert_string_equal(p.sysroot, "/x");
	affinity_params_done(&p);

	assert_int_equal(parse(AFFINITY_TASK, &p, why, sizeof(why), "-t", "-p", "1234", "--json",
			       NULL), 0);
	assert_true(p.threads && p.json);
	assert_int_equal(p.pid, 1234);
	affinity_params_done(&p);

	assert_int_equal(parse(AFFINITY_CPUSTAT, &p, why, sizeof(why), "--journal", "/j", NULL),
			 0);
	assert_string_equal(p.journal, "/j");
	assert_string_equal(p.config, KVMRT_DEFAULT_CONFIG);
	affinity_params_done(&p);
	assert_int_equal(parse(AFFINITY_CPUSTAT, &p, why, sizeof(why), "-f", "x.cfg", NULL), 0);
	assert_string_equal(p.config, "x.cfg");
	affinity_params_done(&p);
}

static void refuses_bad_options(void **state)
{
	static const struct {
		enum affinity_tool tool;
		const char *args[4];
		const char *why;
	} cases[] = {
		{ AFFINITY_IRQ, { "--set", "3" }, "expected FROM:TO" },
		{ AFFINITY_IRQ, { "--set", "1-2:2" }, "share CPUs" },
		{ AFFINITY_IRQ, { "--set", ":1" }, "empty" },
		{ AFFINITY_IRQ, { "--set", "1:x" }, "not an ID-set" },
		{ AFFINITY_IRQ, { "--cpus", "99999999" }, "below" },
		{ AFFINITY_IRQ, { "--cpus", "" }, "empty" },
		{ AFFINITY_IRQ, { "--managed", "--unmanaged" }, "exclude" },
		{ AFFINITY_IRQ, { "--dry-run" }, "goes with --set" },
		{ AFFINITY_IRQ, { "--threads" }, "does not take --threads" },
		{ AFFINITY_TASK, { "--pid", "0" }, "process ID" },
		{ AFFINITY_TASK, { "--pid", "12x" }, "process ID" },
		{ AFFINITY_TASK, { "--set", "1:0", "--json" }, "--json" },
		{ AFFINITY_TASK, { "extra" }, "unexpected argument" },
		{ AFFINITY_CPUSTAT, { "--set", "1:0" }, "does not take --set" },
		{ AFFINITY_CPUSTAT, { "--journal" }, "missing value" },
		{ AFFINITY_IRQ, { "-f", "x.cfg" }, "does not take --file" },
	};
	struct affinity_params p;
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *argv[6] = { "tool" };
		int argc = 1;

		for (size_t a = 0; a < 4 && cases[i].args[a]; a++)
			argv[argc++] = (char *)cases[i].args[a];
		why[0] = '\0';
		assert_int_equal(affinity_parse_args(cases[i].tool, argc, argv, &p, why,
						     sizeof(why)), -EINVAL);
		if (!strstr(why, cases[i].why))
			fail_msg("case %zu: '%s' does not say '%s'", i, why, cases[i].why);
	}
}

static void computes_set_targets(void **state)
{
	struct kvmrt_ids cur, from, to, got;
	char why[128];

	(void)state;
	assert_int_equal(kvmrt_idset_parse("0-3", 64, &cur, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_idset_parse("3", 64, &from, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_idset_parse("8", 64, &to, why, sizeof(why)), 0);
	assert_int_equal(affinity_moved(&cur, &from, &to, &got), 0);
	kt_assert_ids(&got, "0-2,8");
	kvmrt_ids_done(&got);
	kvmrt_ids_done(&cur);
	assert_int_equal(kvmrt_idset_parse("3", 64, &cur, why, sizeof(why)), 0);
	assert_int_equal(affinity_moved(&cur, &from, &to, &got), 0);
	kt_assert_ids(&got, "8");
	kvmrt_ids_done(&got);
	kvmrt_ids_done(&cur);
	kvmrt_ids_done(&from);
	kvmrt_ids_done(&to);
}

/* Checks @o's status and that its stdout is the golden file @name. */
static void expect_golden(struct test_output o, int status, const char *name)
{
	char rel[128], *path, *want;

	snprintf(rel, sizeof(rel), AFFINITY_DIR "/golden/%s", name);
	path = test_source_path(rel);
	want = kt_read_file(path);
	if (o.status != status || strcmp(o.out, want))
		fail_msg("%s: status %d (want %d)\n--- got:\n%s--- want:\n%s--- stderr:\n%s", name,
			 o.status, status, o.out, want, o.err);
	free(want);
	free(path);
	test_output_free(&o);
}

static void shows_the_fixture_host(void **state)
{
	struct fixture *f = *state;

	expect_golden(kt_run("irq-affinity", "--sysroot", f->tree, NULL), 0, "irq-affinity.txt");
	expect_golden(kt_run("irq-affinity", "--sysroot", f->tree, "--cpus", "3", "--json", NULL),
		      0, "irq-affinity-cpu3.json");
	expect_golden(kt_run("irq-affinity", "--sysroot", f->tree, "--managed", NULL), 0,
		      "irq-affinity-managed.txt");
	expect_golden(kt_run("task-affinity", "--sysroot", f->tree, NULL), 0, "task-affinity.txt");
	expect_golden(kt_run("task-affinity", "--sysroot", f->tree, "--pid", "1234", "--json",
			     NULL), 0, "task-affinity-1234.json");
	expect_golden(kt_run("cpustat", "--sysroot", f->tree, "--journal", f->journal, NULL), 0,
		      "cpustat.txt");
	expect_golden(kt_run("cpustat", "--sysroot", f->tree, "--journal", f->journal, "--cpus",
			     "3", "--json", NULL), 0, "cpustat-cpu3.json");
}

static void moves_irqs_off_a_cpu(void **state)
{
	struct fixture *f = *state;
	struct test_output o;
	char *path, *text;

	expect_golden(kt_run("irq-affinity", "--sysroot", f->copy, "--set", "3:0-1", "--dry-run",
			  NULL), 0, "irq-affinity-set-dry.txt");
	o = kt_run("irq-affinity", "--sysroot", f->copy, "--set", "3:0-1", NULL);
	assert_non_null(strstr(o.err, "IRQ 124 is managed"));
	assert_non_null(strstr(o.err, "irqaffinity="));
	expect_golden(o, 1, "irq-affinity-set.txt");
	assert_true(asprintf(&path, "%s/proc/irq/128/smp_affinity_list", f->copy) > 0);
	text = kt_read_file(path);
	assert_string_equal(text, "0-2");
	free(text);
	free(path);
	/* only the managed IRQ is left on CPU 3 */
	expect_golden(kt_run("irq-affinity", "--sysroot", f->copy, "--cpus", "3", "--unmanaged",
			  "--json", NULL), 0, "irq-affinity-after.json");
}

static void moves_tasks_off_a_cpu(void **state)
{
	struct fixture *f = *state;

	expect_golden(kt_run("task-affinity", "--sysroot", f->copy, "--set", "3:0", NULL), 0,
		      "task-affinity-set.txt");
	expect_golden(kt_run("task-affinity", "--sysroot", f->copy, "--threads", "--cpus", "3",
			  NULL), 0, "task-affinity-after.txt");
}

static void reports_usage_and_host_errors(void **state)
{
	struct fixture *f = *state;
	const char *tools[] = { "irq-affinity", "task-affinity", "cpustat" };
	char *empty = test_mkdtemp();
	struct test_output o;

	for (size_t i = 0; i < 3; i++) {
		o = kt_run(tools[i], "--help", NULL);
		assert_int_equal(o.status, 0);
		assert_non_null(strstr(o.out, "--sysroot DIR"));
		test_output_free(&o);
		o = kt_run(tools[i], "--version", NULL);
		assert_int_equal(o.status, 0);
		test_output_free(&o);
		o = kt_run(tools[i], "--sysroot", "/nonexistent-root", NULL);
		assert_int_equal(o.status, 2);
		assert_non_null(strstr(o.err, "/nonexistent-root"));
		test_output_free(&o);
		/* a root without /proc and /sys: one line naming what is missing */
		o = kt_run(tools[i], "--sysroot", empty, NULL);
		assert_int_equal(o.status, 1);
		assert_non_null(strstr(o.err, empty));
		assert_non_null(strstr(o.err, "No such file"));
		assert_non_null(strchr(o.err, '\n'));
		assert_int_equal(strchr(o.err, '\n') + 1 - o.err, strlen(o.err)); /* one line */
		test_output_free(&o);
	}
	test_rm_rf(empty);
	free(empty);
	o = kt_run("task-affinity", "--sysroot", f->tree, "--pid", "4321", NULL);
	assert_int_equal(o.status, 1);
	assert_non_null(strstr(o.err, "process 4321 does not exist"));
	test_output_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_options),
		cmocka_unit_test(refuses_bad_options),
		cmocka_unit_test(computes_set_targets),
		cmocka_unit_test_setup_teardown(shows_the_fixture_host, setup, teardown),
		cmocka_unit_test_setup_teardown(moves_irqs_off_a_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(moves_tasks_off_a_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(reports_usage_and_host_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
