/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpustat after host tuning: the CPUs a real-time VM owns show as shielded,
 * isolated by the cgroup v2 partition, and owned by that VM (read from the
 * journal kvmrt_tuning_apply() wrote on a fixture tree copy), named from the
 * configuration when it has the VM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kvmrt-test.h"
#include "test-exec.h"
#include "tuning-test.h"

static const struct tt_tree *tree(const char *name)
{
	for (unsigned i = 0; i < tt_nr_trees; i++)
		if (!strcmp(tt_trees[i].name, name))
			return &tt_trees[i];
	fail_msg("no tree %s", name);
	return NULL;
}

static void shows_the_cpus_a_vm_owns(void **state)
{
	struct kvmrt_notes notes = {};
	struct kvmrt_tuning *t;
	struct test_output o;
	struct tt_host h;
	char want[256], *cfg;

	(void)state;
	tt_host_init(&h, tree("cgroup-v2"));
	o = kt_run("cpustat", "--sysroot", h.root, "--journal", h.journal, "--cpus", "2", NULL);
	assert_int_equal(o.status, 0);
	assert_null(strstr(o.out, TT_UUID_A));
	test_output_free(&o);

	t = tt_open(&h);
	assert_true(tt_apply(&h, t, TT_UUID_A, "2-3", &notes) >= 0);
	kvmrt_tuning_close(t);
	kvmrt_notes_done(&notes);

	o = kt_run("cpustat", "--sysroot", h.root, "--journal", h.journal, "-f", "/nonexistent.cfg",
		   "--cpus", "0,2-3", "--json", NULL);
	if (o.status != 0)
		fail_msg("status %d: %s", o.status, o.err);
	snprintf(want, sizeof(want), "{\"cpu\": 2, \"online\": true, \"isolated\": \"partition\", "
		 "\"shielded\": true, ");
	if (!strstr(o.out, want))
		fail_msg("no '%s' in:\n%s", want, o.out);
	snprintf(want, sizeof(want), "\"vm\": \"%s\"}", TT_UUID_A);
	assert_non_null(strstr(strstr(o.out, "\"cpu\": 3"), want));
	assert_non_null(strstr(o.out, "{\"cpu\": 0, \"online\": true, \"isolated\": null, "
				      "\"shielded\": false, "));
	assert_non_null(strstr(o.out, "\"vm\": null}"));
	test_output_free(&o);

	/* with the configuration: the VM's name */
	cfg = kt_write_file(h.tmp, "kvmrt.cfg", "[" TT_UUID_A "]\nname = rt1\nrt = True\n", 0644);
	o = kt_run("cpustat", "--sysroot", h.root, "--journal", h.journal, "-f", cfg, "--cpus",
		   "3", NULL);
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "  rt1\n"));
	test_output_free(&o);
	free(cfg);
	tt_host_done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shows_the_cpus_a_vm_owns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
