/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPUSETs against hwloc topologies: the guide's 32-core, 64-thread, 4-node
 * workstation (synthetic and from the XML fixture), dies, packages, offline
 * CPUs, and bad input.
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

#include "kvmrt-test.h"
#include "kvmrt.h"
#include "test-exec.h"

static int load(void **state, const char *spec)
{
	struct kvmrt_topology *t;
	char why[512];

	if (kvmrt_topology_load(spec, 0, &t, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s\n", why);
		return -1;
	}
	*state = t;
	return 0;
}

static int setup_synthetic(void **state)
{
	return load(state, WORKSTATION);
}

static int setup_xml(void **state)
{
	char *path = test_source_path(WORKSTATION_XML);
	int r = load(state, path);

	free(path);
	return r;
}

static int teardown(void **state)
{
	kvmrt_topology_free(*state);
	return 0;
}

static void expect(const struct kvmrt_topology *t, const char *in, const char *cpus)
{
	struct kvmrt_ids s;
	char why[512] = "", *text;
	int r = kvmrt_cpuset_parse(in, t, &s, why, sizeof(why));

	if (r < 0)
		fail_msg("%s: %s", in, why);
	assert_int_equal(kvmrt_ids_format(&s, &text), 0);
	if (strcmp(text, cpus))
		fail_msg("'%s' gave %s, expected %s", in, text, cpus);
	free(text);
	kvmrt_ids_done(&s);
}

static void expect_bad(const struct kvmrt_topology *t, const char *in, int err, const char *what)
{
	char why[512] = "";

	assert_int_equal(kvmrt_cpuset_parse(in, NULL, NULL, why, sizeof(why)),
			 err == -ENOENT ? 0 : err);
	if (t) {
		struct kvmrt_ids s = {};

		assert_int_equal(kvmrt_cpuset_parse(in, t, &s, why, sizeof(why)), err);
		assert_null(s.w);
	}
	if (!strstr(why, what))
		fail_msg("'%s': '%s' does not say '%s'", in, why, what);
}

static void workstation_layout(void **state)
{
	const struct kvmrt_topology *t = *state;

	assert_int_equal(kvmrt_topology_nr_cpus(t), 64);
	assert_int_equal(kvmrt_topology_nr_nodes(t), 4);
	assert_int_equal(kvmrt_topology_cpu_node(t, 40), 1);
	expect(t, "c3", "3,35");
	expect(t, "n0", "0-7,32-39");
}

static void guide_cases(void **state)
{
	const struct kvmrt_topology *t = *state;

	expect(t, "n1-n2", "8-23,40-55");
	expect(t, "n1-2", "8-23,40-55");
	expect(t, "c3", "3,35");
	expect(t, "~n0", "8-31,40-63");
	expect(t, "0,1,16-19", "0-1,16-19");
	expect(t, "~n0,n3", "8-23,40-55");
	expect(t, " n3 , 5 ", "5,24-31,56-63");
	expect(t, "c8-c9,p0", "0-63");
	expect(t, "d0", "0-63");
	expect(t, "", "");
	expect(t, "~0-63", "");
}

static void bad_cases(void **state)
{
	const struct kvmrt_topology *t = *state;

	expect_bad(t, "n9", -ENOENT, "NUMA node 9 does not exist (this host has NUMA node 0-3)");
	expect_bad(t, "4-2", -EINVAL, "range");
	expect_bad(t, "x", -EINVAL, "not a CPU");
	expect_bad(t, "64", -ENOENT, "CPU 64 does not exist");
	expect_bad(t, "c32", -ENOENT, "core 32");
	expect_bad(t, "p1", -ENOENT, "package 1");
	expect_bad(t, "n2-n1", -EINVAL, "goes down");
	expect_bad(t, "n1-c2", -EINVAL, "mix");
	expect_bad(t, "1,,2", -EINVAL, "empty item");
	expect_bad(t, "1,", -EINVAL, "comma");
	expect_bad(t, "~", -EINVAL, "'~' needs");
	expect_bad(t, "1,~2", -EINVAL, "only start");
	expect_bad(t, "n", -EINVAL, "number after the prefix");
	expect_bad(t, "n1x", -EINVAL, "unexpected");
	expect_bad(t, "99999999999", -EINVAL, "below 8192");
	expect_bad(t, "n99999999", -EINVAL, "number after the prefix");
	expect_bad(NULL, "q1", -EINVAL, "not a CPU");
}

static void offline_and_dies(void **state)
{
	struct kvmrt_topology *t;
	char *path = test_source_path("fixtures/kvmrt-core/topologies/offline-cpu3.xml");
	char why[512];

	assert_int_equal(kvmrt_topology_load(path, 0, &t, why, sizeof(why)), 0);
	expect(t, "0-2", "0-2");
	expect_bad(t, "3", -ENOENT, "offline");
	expect(t, "~0", "1-2,4-7");
	kvmrt_topology_free(t);
	free(path);

	assert_int_equal(kvmrt_topology_load("pack:2 die:2 core:2 pu:1", 0, &t, why, sizeof(why)),
			 0);
	expect(t, "d1", "2-3");
	expect(t, "d3,p0", "0-3,6-7");
	kvmrt_topology_free(t);
}

static void bad_topologies(void **state)
{
	struct kvmrt_topology *t;
	char why[512] = "";

	assert_true(kvmrt_topology_load("nonsense:3", 0, &t, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "synthetic"));
	assert_true(kvmrt_topology_load("/nonexistent/topo.xml", 0, &t, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "/nonexistent/topo.xml"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(workstation_layout, setup_synthetic, teardown),
		cmocka_unit_test_setup_teardown(guide_cases, setup_synthetic, teardown),
		cmocka_unit_test_setup_teardown(bad_cases, setup_synthetic, teardown),
		cmocka_unit_test_setup_teardown(workstation_layout, setup_xml, teardown),
		cmocka_unit_test_setup_teardown(guide_cases, setup_xml, teardown),
		cmocka_unit_test_setup_teardown(bad_cases, setup_xml, teardown),
		cmocka_unit_test(offline_and_dies),
		cmocka_unit_test(bad_topologies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
