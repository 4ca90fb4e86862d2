/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirt sync against the test:/// driver (fixtures/kvmrt-core/libvirt/node.xml):
 * sync -> define -> read back keeps the hand-made XML and writes the plan;
 * query; -r round-trips; missing domains; renames; the generated XML passes
 * virt-xml-validate. Each test opens its own connection (the test driver
 * starts from the node file every time).
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

#include "fileio.h"
#include "kvmrt-test.h"
#include "kvmrt.h"
#include "test-exec.h"

#define TOPOLOGY "pack:1 numa:1 core:4 pu:2"
#define RT_UUID "6f2c4b0e-5d3a-4c11-9b8e-2a7d1e0f4c31"
#define PLAIN_UUID "0b7e8d52-1c44-4e0a-8f3d-6a95c2d7e802"

struct fixture {
	struct kvmrt_topology *t;
	struct kvmrt_config *c;
	struct kvmrt_virt *v;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *uri = kt_node_uri();
	char *cfg = test_source_path("fixtures/kvmrt-core/configs/test-node.cfg");
	char why[1024];

	if (!f || kvmrt_topology_load(TOPOLOGY, 0, &f->t, why, sizeof(why)) < 0 ||
	    kvmrt_config_load(cfg, &f->c, why, sizeof(why)) < 0 ||
	    kvmrt_virt_open(uri, &f->v, why, sizeof(why)) < 0) {
		fprintf(stderr, "setup: %s\n", why);
		return -1;
	}
	free(uri);
	free(cfg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmrt_virt_close(f->v);
	kvmrt_config_free(f->c);
	kvmrt_topology_free(f->t);
	free(f);
	return 0;
}

static char *domain_xml(struct fixture *f, const char *uuid)
{
	char why[1024], *xml;
	bool autostart;

	if (kvmrt_virt_domain(f->v, uuid, &xml, &autostart, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	return xml;
}

static void sync_vm(struct fixture *f, unsigned i, bool expect_changes)
{
	struct kvmrt_vm_plan p;
	char why[2048], *changes = NULL;

	assert_int_equal(kvmrt_plan_vm(&f->c->vms[i], f->t, &p), 0);
	if (kvmrt_sync_vm(f->v, &f->c->vms[i], &p, &changes, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	assert_int_equal(changes != NULL, expect_changes);
	free(changes);
	kvmrt_plan_vm_done(&p);
}

/* The <devices> block without the memballoon line (real-time VMs get model none). */
static char *devices(const char *xml)
{
	const char *a = strstr(xml, "<devices>"), *b = strstr(xml, "</devices>");
	char *out = calloc(1, strlen(xml) + 1), *o = out;

	assert_true(a && b && out);
	for (const char *p = a; p < b;) {
		const char *nl = strchr(p, '\n');
		size_t n = (size_t)(nl ? nl + 1 - p : (long)strlen(p));

		if (!memmem(p, n, "memballoon", 10)) {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	return out;
}

static void sync_keeps_hand_made_and_writes_plan(void **state)
{
	struct fixture *f = *state;
	char *before = domain_xml(f, RT_UUID), *after, *want, *have_v, *want_v, *d1, *d2, why[1024];
	struct kvmrt_vm_plan p;
	enum kvmrt_sync_state st;
	char *diff;

	sync_vm(f, 0, true);
	sync_vm(f, 1, true);
	after = domain_xml(f, RT_UUID);
	d1 = devices(before);
	d2 = devices(after);
	assert_string_equal(d1, d2);
	assert_non_null(strstr(after, "<source file='/var/lib/libvirt/images/rt-guest.qcow2'/>"));
	assert_non_null(strstr(after, "<source bridge='br0'/>"));
	assert_non_null(strstr(after, "<type arch='x86_64' machine='pc'>hvm</type>"));
	assert_non_null(strstr(after, "<on_poweroff>destroy</on_poweroff>"));
	/* the owned elements are the plan's */
	assert_int_equal(kvmrt_plan_vm(&f->c->vms[0], f->t, &p), 0);
	assert_int_equal(kvmrt_domain_apply(before, &f->c->vms[0], &p, &want, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_domain_owned(after, &have_v, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_domain_owned(want, &want_v, why, sizeof(why)), 0);
	assert_string_equal(have_v, want_v);
	assert_non_null(strstr(have_v, "vcpupin 0\t2\nvcpupin 1\t4\n"));
	assert_non_null(strstr(have_v, "emulatorpin\t6\n"));
	assert_non_null(strstr(after, "<entry>kvmrt-gs:permit=1</entry>"));
	for (unsigned i = 0; i < 2; i++) {
		kvmrt_plan_vm_done(&p);
		assert_int_equal(kvmrt_plan_vm(&f->c->vms[i], f->t, &p), 0);
		assert_int_equal(kvmrt_sync_query(f->v, &f->c->vms[i], &p, &st, &diff, why,
						  sizeof(why)),
				 0);
		assert_int_equal(st, KVMRT_SYNC_IN_SYNC);
		assert_null(diff);
	}
	sync_vm(f, 0, false); /* nothing left to do */
	kt_assert_valid_domain(after);
	kt_assert_valid_domain(want);
	kvmrt_plan_vm_done(&p);
	free(before);
	free(after);
	free(want);
	free(have_v);
	free(want_v);
	free(d1);
	free(d2);
}

static void query_says_how_it_differs(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_vm_plan p;
	enum kvmrt_sync_state st;
	char why[1024], *diff;

	assert_int_equal(kvmrt_plan_vm(&f->c->vms[1], f->t, &p), 0);
	assert_int_equal(kvmrt_sync_query(f->v, &f->c->vms[1], &p, &st, &diff, why, sizeof(why)), 0);
	assert_int_equal(st, KVMRT_SYNC_DIFFERS);
	assert_non_null(strstr(diff, "vcpu.cpuset: 4-5 -> 0-1"));
	free(diff);
	kvmrt_plan_vm_done(&p);
}

static void reverse_round_trips(void **state)
{
	struct fixture *f = *state;
	char *before, *after, why[1024];

	sync_vm(f, 0, true);
	sync_vm(f, 1, true);
	assert_int_equal(kvmrt_config_format(f->c, &before), 0);
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(kvmrt_sync_reverse(f->v, f->t, &f->c->vms[i], why, sizeof(why)), 0);
	assert_int_equal(kvmrt_config_format(f->c, &after), 0);
	assert_string_equal(before, after);
	assert_string_equal(f->c->vms[0].cpuset, "2-7");
	free(before);
	free(after);
}

static void reverse_takes_libvirt_values(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_vm *plain = &f->c->vms[1];
	char why[1024];

	assert_true(kvmrt_sync_reverse(f->v, f->t, plain, why, sizeof(why)) > 0);
	assert_string_equal(plain->cpuset, "4-5");
	assert_false(plain->numatune_auto);
	assert_string_equal(plain->numatune, "");
	/* then syncing it changes only what the INI cannot leave unset (the CPU topology) */
	sync_vm(f, 1, true);
	assert_int_equal(kvmrt_sync_reverse(f->v, f->t, plain, why, sizeof(why)), 0);
}

static void missing_and_renamed(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_vm vm;
	struct kvmrt_vm_plan p;
	enum kvmrt_sync_state st;
	char why[1024], *diff, *xml;

	assert_int_equal(kvmrt_vm_init(&vm, "99999999-9999-4999-8999-999999999999"), 0);
	vm.name = strdup("ghost");
	assert_int_equal(kvmrt_plan_vm(&vm, f->t, &p), 0);
	assert_int_equal(kvmrt_sync_query(f->v, &vm, &p, &st, &diff, why, sizeof(why)), 0);
	assert_int_equal(st, KVMRT_SYNC_MISSING);
	assert_int_equal(kvmrt_sync_vm(f->v, &vm, &p, &diff, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "99999999-9999-4999-8999-999999999999"));
	kvmrt_plan_vm_done(&p);
	kvmrt_vm_done(&vm);

	/* the test driver's domains run: libvirt renames only shut-off domains */
	free(f->c->vms[1].name);
	f->c->vms[1].name = strdup("renamed-guest");
	assert_int_equal(kvmrt_plan_vm(&f->c->vms[1], f->t, &p), 0);
	assert_int_equal(kvmrt_sync_vm(f->v, &f->c->vms[1], &p, &diff, why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "cannot rename libvirt domain 'plain-guest' to 'renamed-guest' "
				    "(shut it down first)"));
	kvmrt_plan_vm_done(&p);
	xml = domain_xml(f, PLAIN_UUID);
	assert_non_null(strstr(xml, "<name>plain-guest</name>"));
	free(xml);
}

static void validate_against_libvirt(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_vm vm;
	struct kvmrt_diags d = {};
	char why[1024];

	assert_int_equal(kvmrt_vm_init(&vm, "99999999-9999-4999-8999-999999999999"), 0);
	vm.name = strdup("ghost");
	assert_true(kvmrt_config_add(f->c, &vm) >= 0);
	sync_vm(f, 0, true);
	assert_int_equal(kvmrt_validate_libvirt(f->c, f->t, f->v, 0, &d, why, sizeof(why)), 2);
	assert_string_equal(d.d[0].rule, "libvirt-differs");
	assert_non_null(strstr(d.d[0].message, "VM 'plain-guest': name: libvirt's domain differs"));
	assert_string_equal(d.d[1].rule, "libvirt-missing");
	assert_non_null(strstr(d.d[1].message, "VM 'ghost': name:"));
	kvmrt_diags_done(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sync_keeps_hand_made_and_writes_plan, setup,
						teardown),
		cmocka_unit_test_setup_teardown(query_says_how_it_differs, setup, teardown),
		cmocka_unit_test_setup_teardown(reverse_round_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(reverse_takes_libvirt_values, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_and_renamed, setup, teardown),
		cmocka_unit_test_setup_teardown(validate_against_libvirt, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
