/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-shutdown and kvmrt-stat as built tools on the libvirt test:/// driver
 * (fixtures/kvmrt-core/libvirt/node.xml: both domains run) with host tuning
 * journaled on a copy of the cgroup-v1 fixture sysroot (tuning-test.c):
 * shutdown undoes the tuning of a running VM and, after a crash, of a VM that
 * does not run, leaving the tree byte for byte as it was; stat shows the
 * tuning. And kvmrt-boot's refusals before it touches anything, and host
 * tuning's refusal of a VM that takes every CPU even with --ignore-validation.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fileio.h"
#include "kvmrt-test.h"
#include "test-exec.h"
#include "tuning-test.h"

#define RT_UUID "6f2c4b0e-5d3a-4c11-9b8e-2a7d1e0f4c31" /* rt-guest of node.xml */

struct fixture {
	struct tt_host h;
	char *uri, *cfg;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *node = test_source_path("fixtures/kvmrt-core/libvirt/node.xml"), *text;
	const struct tt_tree *tree = NULL;

	assert_non_null(f);
	for (unsigned i = 0; i < tt_nr_trees; i++)
		if (!strcmp(tt_trees[i].name, "cgroup-v1"))
			tree = &tt_trees[i];
	assert_non_null(tree);
	tt_host_init(&f->h, tree);
	assert_true(asprintf(&f->uri, "test://%s", node) > 0);
	/* rt-guest runs in libvirt; VM A is in no libvirt (its tuning is left from a crash) */
	assert_true(asprintf(&text, "[%s]\nname = rt-guest\nrt = yes\ncpuset = %s\n\n"
				    "[%s]\nname = crashed\nrt = yes\ncpuset = %s\n",
			     RT_UUID, tree->cpuset_a, TT_UUID_A, tree->cpuset_b) > 0);
	f->cfg = kt_write_file(f->h.tmp, "kvmrt.cfg", text, 0644);
	free(text);
	free(node);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tt_host_done(&f->h);
	free(f->uri);
	free(f->cfg);
	free(f);
	return 0;
}

/* Runs kvmrt-@name on the fixture with up to two extra arguments; checks the status. */
static void run(struct fixture *f, const char *name, const char *a, const char *b, int status,
		struct test_output *o)
{
	char path[64];
	char *argv[] = { path, "-f", f->cfg, "-c", f->uri, "--sysroot", f->h.root,
			 "--journal", f->h.journal, (char *)a, (char *)b, NULL };

	snprintf(path, sizeof(path), "kvmrt-core/%s", name);
	assert_int_equal(test_exec(argv, o), 0);
	if (o->status != status)
		fail_msg("%s: status %d, expected %d\n%s%s", name, o->status, status, o->out,
			 o->err);
}

static void has(struct test_output *o, const char *what)
{
	if (!strstr(o->out, what) && !strstr(o->err, what))
		fail_msg("'%s' missing from:\n%s%s", what, o->out, o->err);
}

/* Tunes @uuid on @cpuset as kvmrt-boot would. */
static void tune(struct fixture *f, const char *uuid, const char *cpuset)
{
	struct kvmrt_tuning *t = tt_open(&f->h);
	struct kvmrt_notes notes = {};

	assert_true(tt_apply(&f->h, t, uuid, cpuset, &notes) >= 0);
	kvmrt_notes_done(&notes);
	kvmrt_tuning_close(t);
}

static void shutdown_undoes_tuning(void **state)
{
	struct fixture *f = *state;
	struct test_output o;
	char *snap;

	tune(f, RT_UUID, f->h.tree->cpuset_a);
	tune(f, TT_UUID_A, f->h.tree->cpuset_b);
	snap = tt_snapshot(f->h.root);
	assert_true(strcmp(snap, f->h.pristine) != 0);
	free(snap);

	run(f, "kvmrt-stat", "--all", NULL, 0, &o);
	has(&o, "rt-guest             " RT_UUID " running       yes");
	has(&o, "crashed              " TT_UUID_A " missing       yes");
	assert_non_null(strstr(o.out, " yes\n")); /* TUNED */
	test_output_free(&o);

	run(f, "kvmrt-shutdown", "-v", NULL, 0, &o);
	has(&o, "rt-guest: asked the guest to shut down; waiting up to 60 s\nrt-guest: shut down\n"
		"rt-guest: host tuning undone (");
	has(&o, "crashed: host tuning undone (");
	test_output_free(&o);
	tt_assert_pristine(&f->h);

	run(f, "kvmrt-stat", NULL, NULL, 0, &o);
	assert_null(strstr(o.out, " yes\n"));
	test_output_free(&o);
}

/* Only the VM named is stopped and untuned; the other keeps its tuning. */
static void shutdown_named(void **state)
{
	struct fixture *f = *state;
	struct test_output o;

	tune(f, TT_UUID_A, f->h.tree->cpuset_b);
	run(f, "kvmrt-shutdown", "rt-guest", NULL, 0, &o);
	has(&o, "rt-guest: shut down");
	assert_null(strstr(o.out, "crashed"));
	test_output_free(&o);
	run(f, "kvmrt-stat", "crashed", NULL, 0, &o);
	has(&o, TT_UUID_A " missing       yes");
	test_output_free(&o);
	run(f, "kvmrt-shutdown", "--force=0", "crashed", 0, &o);
	has(&o, "crashed: host tuning undone (");
	test_output_free(&o);
	tt_assert_pristine(&f->h);
}

static void refusals_before_anything(void **state)
{
	struct fixture *f = *state;
	struct test_output o;

	run(f, "kvmrt-shutdown", "nosuchvm", NULL, 1, &o);
	has(&o, "no VM 'nosuchvm' in the configuration");
	test_output_free(&o);
	run(f, "kvmrt-boot", "--timeout", "3", 2, &o);
	has(&o, "kvmrt-boot does not take '--timeout'");
	test_output_free(&o);
	/* VM "crashed" has one CPU for its vCPU (rt-underprovisioned on any host): the
	 * errors stop the boot before libvirt or the tree are touched */
	run(f, "kvmrt-boot", "--all", NULL, 1, &o);
	has(&o, "nothing booted (fix them with kvmrt-edit-config)");
	test_output_free(&o);
	tt_assert_pristine(&f->h);
	run(f, "kvmrt-stat", "--help", NULL, 0, &o);
	has(&o, "Usage: kvmrt-stat ");
	test_output_free(&o);
}

/*
 * --ignore-validation boots past the errors, but host tuning still refuses a
 * real-time VM that would take every online CPU from the host: its note and
 * a message that says so (not a journal failure), nothing tuned.
 */
static void tuning_refuses_every_cpu(void **state)
{
	struct fixture *f = *state;
	struct test_output o;
	char *online = NULL, *text, *cfg;
	size_t len;

	assert_int_equal(read_file_at(AT_FDCWD, "/sys/devices/system/cpu/online", 4096, &online,
				      &len), 0);
	online[strcspn(online, "\n")] = '\0';
	assert_true(asprintf(&text, "[%s]\nname = rt-guest\nrt = yes\ncpuset = %s\n", RT_UUID,
			     online) > 0);
	cfg = kt_write_file(f->h.tmp, "every-cpu.cfg", text, 0644);
	free(f->cfg);
	f->cfg = cfg;
	run(f, "kvmrt-boot", "--ignore-validation", "rt-guest", 1, &o);
	has(&o, "[rt-cpu0]");
	has(&o, "errors ignored (--ignore-validation)");
	has(&o, "kvmrt-boot: rt-guest: tuning: VM " RT_UUID ": the rt VMs would own every online "
		"CPU; leave at least one CPU to the host (cpuset)");
	has(&o, "kvmrt-boot: rt-guest: host tuning refused this placement (above): nothing tuned; "
		"fix cpuset with kvmrt-edit-config");
	assert_null(strstr(o.err, "journal"));
	has(&o, "0 VMs running (0 with refusals reported above), 1 failed");
	test_output_free(&o);
	tt_assert_pristine(&f->h);
	free(online);
	free(text);
}

/* Three vCPUs on CPU 0 alone: the warnings say where the threads go instead. */
static void placement_warnings(void **state)
{
	struct fixture *f = *state;
	struct test_output o;
	char *cfg;

	cfg = kt_write_file(f->h.tmp, "small.cfg", "[" RT_UUID "]\nname = rt-guest\nrt = yes\n"
			    "nr_vcpus = 3\ncpuset = 0\n", 0644);
	free(f->cfg);
	f->cfg = cfg;
	/* the test driver's domain has no QEMU process to check: the boot fails after that */
	run(f, "kvmrt-boot", "--ignore-validation", "rt-guest", 1, &o);
	has(&o, "[rt-underprovisioned]");
	has(&o, "kvmrt-boot: warning: rt-guest: no CPU left for the emulator and I/O threads: "
		"they share the vCPUs' CPUs 0\n");
	has(&o, "kvmrt-boot: warning: rt-guest: vCPU 1-2: no CPU of its own in cpuset: left "
		"unpinned, without SCHED_FIFO\n");
	test_output_free(&o);
	run(f, "kvmrt-shutdown", "--force=0", "rt-guest", 0, &o);
	test_output_free(&o);
	tt_assert_pristine(&f->h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(shutdown_undoes_tuning, setup, teardown),
		cmocka_unit_test_setup_teardown(shutdown_named, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals_before_anything, setup, teardown),
		cmocka_unit_test_setup_teardown(tuning_refuses_every_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(placement_warnings, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
