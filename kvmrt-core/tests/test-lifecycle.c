/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Starting, stopping and the state of domains through the libvirt test:///
 * driver (fixtures/kvmrt-core/libvirt/node.xml, where both domains run):
 * destroy, start (also degraded: without <vcpusched> and <locked/>, keeping
 * the persistent XML), shutdown, and domains libvirt does not have.
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

#define RT_UUID "6f2c4b0e-5d3a-4c11-9b8e-2a7d1e0f4c31"
#define MISSING_UUID "00000000-1111-4222-8333-444444444444"

static int setup(void **state)
{
	char *uri = kt_node_uri(), why[1024];
	struct kvmrt_virt *v;
	int r = kvmrt_virt_open(uri, &v, why, sizeof(why));

	free(uri);
	if (r < 0) {
		fprintf(stderr, "setup: %s\n", why);
		return -1;
	}
	*state = v;
	return 0;
}

static int teardown(void **state)
{
	kvmrt_virt_close(*state);
	return 0;
}

static enum kvmrt_vm_state state_of(struct kvmrt_virt *v, const char *uuid)
{
	enum kvmrt_vm_state s;
	char why[1024];

	if (kvmrt_virt_state(v, uuid, &s, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	return s;
}

static void state_names(void **state)
{
	(void)state;
	assert_string_equal(kvmrt_vm_state_name(KVMRT_VM_SHUTOFF), "shut off");
	assert_string_equal(kvmrt_vm_state_name(KVMRT_VM_SHUTTING_DOWN), "shutting down");
	assert_string_equal(kvmrt_vm_state_name((enum kvmrt_vm_state)42), "?");
	assert_true(kvmrt_vm_state_active(KVMRT_VM_PAUSED));
	assert_false(kvmrt_vm_state_active(KVMRT_VM_CRASHED));
	assert_false(kvmrt_vm_state_active(KVMRT_VM_MISSING));
}

static void destroy_start_shutdown(void **state)
{
	struct kvmrt_virt *v = *state;
	char why[1024] = "";

	assert_int_equal(state_of(v, RT_UUID), KVMRT_VM_RUNNING);
	assert_int_equal(kvmrt_virt_start(v, RT_UUID, 0, why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "already running"));
	assert_int_equal(kvmrt_virt_destroy(v, RT_UUID, why, sizeof(why)), 0);
	assert_int_equal(state_of(v, RT_UUID), KVMRT_VM_SHUTOFF);
	assert_int_equal(kvmrt_virt_start(v, RT_UUID, 0, why, sizeof(why)), 0);
	assert_int_equal(state_of(v, RT_UUID), KVMRT_VM_RUNNING);
	assert_int_equal(kvmrt_virt_shutdown(v, RT_UUID, why, sizeof(why)), 0);
	assert_int_equal(state_of(v, RT_UUID), KVMRT_VM_SHUTOFF);
	assert_true(kvmrt_virt_destroy(v, RT_UUID, why, sizeof(why)) < 0); /* not running */
}

/* A degraded start runs the domain without <vcpusched>/<locked/> but keeps them defined. */
static void degraded_start(void **state)
{
	struct kvmrt_virt *v = *state;
	char why[1024] = "", *xml = NULL, *with;
	bool autostart;
	struct kvmrt_vm vm;
	struct kvmrt_vm_plan p;
	struct kvmrt_topology *t;

	/* give the domain what a real-time VM asks for */
	assert_int_equal(kvmrt_topology_load("pack:1 numa:1 core:4 pu:2", 0, &t, why, sizeof(why)),
			 0);
	assert_int_equal(kvmrt_vm_init(&vm, RT_UUID), 0);
	vm.name = strdup("rt-guest");
	vm.rt = true;
	vm.nr_vcpus = 2;
	free(vm.cpuset);
	vm.cpuset = strdup("2-7");
	assert_int_equal(kvmrt_plan_vm(&vm, t, &p), 0);
	assert_int_equal(kvmrt_virt_destroy(v, RT_UUID, why, sizeof(why)), 0);
	if (kvmrt_sync_vm(v, &vm, &p, &with, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	free(with);
	assert_int_equal(kvmrt_virt_start(v, RT_UUID, KVMRT_START_DEGRADED, why, sizeof(why)), 0);
	assert_int_equal(state_of(v, RT_UUID), KVMRT_VM_RUNNING);
	assert_int_equal(kvmrt_virt_domain(v, RT_UUID, &xml, &autostart, why, sizeof(why)), 0);
	assert_non_null(strstr(xml, "<vcpusched"));
	assert_non_null(strstr(xml, "<locked/>"));
	free(xml);
	assert_int_equal(kvmrt_virt_start(v, RT_UUID, KVMRT_START_DEGRADED, why, sizeof(why)),
			 -EBUSY);
	kvmrt_plan_vm_done(&p);
	kvmrt_vm_done(&vm);
	kvmrt_topology_free(t);
}

static void missing_domain(void **state)
{
	struct kvmrt_virt *v = *state;
	char why[1024] = "";

	assert_int_equal(state_of(v, MISSING_UUID), KVMRT_VM_MISSING);
	assert_int_equal(kvmrt_virt_start(v, MISSING_UUID, 0, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, MISSING_UUID));
	assert_int_equal(kvmrt_virt_shutdown(v, MISSING_UUID, why, sizeof(why)), -ENOENT);
	assert_int_equal(kvmrt_virt_destroy(v, MISSING_UUID, why, sizeof(why)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_names),
		cmocka_unit_test_setup_teardown(destroy_start_shutdown, setup, teardown),
		cmocka_unit_test_setup_teardown(degraded_start, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_domain, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
