/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a real-time VM's threads go when its cpuset is too small for the
 * rules (kvmrt-boot --ignore-validation on a laptop or CI machine): the
 * emulator and I/O threads share the vCPUs' CPUs, vCPUs beyond the cpuset's
 * cores stay unpinned, and nothing lands outside cpuset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kvmrt.h"

#define UUID "[0b7e4f2a-1c3d-4e5f-8a9b-6c7d8e9f0a1b]\n"

static int setup(void **state)
{
	struct kvmrt_topology *t;
	char why[256];

	if (kvmrt_topology_load("pack:1 numa:1 core:2 pu:1", 0, &t, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s\n", why);
		return -1;
	}
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	kvmrt_topology_free(*state);
	return 0;
}

/* Plans the one VM of @text on the 2-CPU topology; checks that it resolved. */
static void plan(void **state, const char *text, struct kvmrt_vm_plan *ret)
{
	struct kvmrt_config *c;
	char why[1024];

	if (kvmrt_config_parse(text, strlen(text), "t.cfg", &c, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	assert_int_equal(kvmrt_plan_vm(&c->vms[0], *state, ret), 0);
	assert_int_equal(ret->status, 0);
	kvmrt_config_free(c);
}

static void assert_ids(const struct kvmrt_ids *ids, const char *want)
{
	char *text;

	assert_int_equal(kvmrt_ids_format(ids, &text), 0);
	assert_string_equal(text, want);
	free(text);
}

/* nr_vcpus 1 on cpuset 1: no CPU left, the emulator shares the vCPU's. */
static void emulator_shares_the_vcpu_cpu(void **state)
{
	struct kvmrt_vm_plan p;

	plan(state, UUID "name = a\nrt = yes\nnr_vcpus = 1\ncpuset = 1\n", &p);
	assert_int_equal(p.vcpu_cpu[0], 1);
	assert_ids(&p.emulator, "1");
	assert_ids(&p.owned, "1");
	kvmrt_plan_vm_done(&p);
}

/* Two vCPUs on one core: vCPU 1 has no CPU (unpinned), the emulator is on vCPU 0's. */
static void vcpus_beyond_the_cpuset(void **state)
{
	struct kvmrt_vm_plan p;

	plan(state, UUID "name = a\nrt = yes\nnr_vcpus = 2\ncpuset = 1\n", &p);
	assert_int_equal(p.vcpu_cpu[0], 1);
	assert_int_equal(p.vcpu_cpu[1], UINT32_MAX);
	assert_ids(&p.emulator, "1");
	kvmrt_plan_vm_done(&p);
}

/* Enough CPUs: the emulator keeps a CPU of its own, as the rules want. */
static void enough_cpus_unchanged(void **state)
{
	struct kvmrt_vm_plan p;

	plan(state, UUID "name = a\nrt = yes\nnr_vcpus = 1\ncpuset = 0-1\n", &p);
	assert_int_equal(p.vcpu_cpu[0], 0);
	assert_ids(&p.emulator, "1");
	kvmrt_plan_vm_done(&p);
	plan(state, UUID "name = a\nnr_vcpus = 4\ncpuset = 1\n", &p);
	assert_ids(&p.emulator, "1");
	kvmrt_plan_vm_done(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(emulator_shares_the_vcpu_cpu),
		cmocka_unit_test(vcpus_beyond_the_cpuset),
		cmocka_unit_test(enough_cpus_unchanged),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
