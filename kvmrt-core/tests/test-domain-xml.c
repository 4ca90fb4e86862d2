/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Domain XML editing without libvirt: the owned elements follow the plan,
 * hand-made XML (qemu:commandline, disks, NICs, other cputune, memoryBacking,
 * kvm and sysinfo children) stays; reading back into the configuration;
 * comparing by values; hostile XML.
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

#define UUID "6f2c4b0e-5d3a-4c11-9b8e-2a7d1e0f4c31"

struct fixture {
	struct kvmrt_topology *t;
	char *xml; /* domains/hand-made.xml */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char why[512], *path = test_source_path("fixtures/kvmrt-core/domains/hand-made.xml");
	size_t len;

	if (!f || kvmrt_topology_load(WORKSTATION, 0, &f->t, why, sizeof(why)) < 0 ||
	    read_file_at(-100 /* AT_FDCWD */, path, 1 << 20, &f->xml, &len) < 0)
		return -1;
	free(path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmrt_topology_free(f->t);
	free(f->xml);
	free(f);
	return 0;
}

static struct kvmrt_vm make_vm(bool rt, const char *cpuset)
{
	struct kvmrt_vm vm;

	assert_int_equal(kvmrt_vm_init(&vm, UUID), 0);
	vm.name = strdup("rt-guest");
	vm.nr_vcpus = 2;
	vm.rt = rt;
	vm.hide_kvm = rt;
	vm.guest_services = rt;
	free(vm.description);
	vm.description = strdup("kept & escaped <ok>");
	free(vm.cpuset);
	vm.cpuset = strdup(cpuset);
	return vm;
}

static char *apply(const struct fixture *f, const char *xml, const struct kvmrt_vm *vm)
{
	struct kvmrt_vm_plan p;
	char why[512], *out = NULL;

	assert_int_equal(kvmrt_plan_vm(vm, f->t, &p), 0);
	if (kvmrt_domain_apply(xml, vm, &p, &out, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	kvmrt_plan_vm_done(&p);
	return out;
}

static char *owned(const char *xml)
{
	char why[512], *text;

	if (kvmrt_domain_owned(xml, &text, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	return text;
}

static void assert_has(const char *text, const char *what)
{
	if (!strstr(text, what))
		fail_msg("missing '%s' in:\n%s", what, text ? text : "?");
}

static void assert_lacks(const char *text, const char *what)
{
	if (strstr(text, what))
		fail_msg("unexpected '%s' in:\n%s", what, text ? text : "?");
}

static const char *const hand_made[] = {
	"<qemu:commandline>", "<qemu:arg value=\"cpu-pm=on\"/>",
	"<source file=\"/var/lib/libvirt/images/rt.qcow2\"/>", "<source network=\"default\"/>",
	"<shares>2048</shares>", "<hugepages/>", "<entry>site=lab</entry>",
	"<poll-control state=\"on\"/>", "kept &amp; escaped &lt;ok&gt;", "<acpi/>",
	"<iothreads>2</iothreads>", "machine=\"q35\"",
};

static void rt_plan_written_hand_made_kept(void **state)
{
	const struct fixture *f = *state;
	struct kvmrt_vm vm = make_vm(true, "n1");
	char *out = apply(f, f->xml, &vm), *vals = owned(out);

	for (size_t i = 0; i < sizeof(hand_made) / sizeof(hand_made[0]); i++)
		assert_has(out, hand_made[i]);
	assert_has(vals, "vcpupin 0\t8\nvcpupin 1\t9\n");
	assert_has(vals, "emulatorpin\t10-15\n");
	assert_has(vals, "iothreadpin 1\t10-15\niothreadpin 2\t10-15\n");
	assert_has(vals, "vcpusched 0\tfifo 1\nvcpusched 1\tfifo 1\n");
	assert_has(vals, "memoryBacking.locked\tyes\nmemoryBacking.nosharepages\tyes\n");
	assert_has(vals, "numatune.mode\tstrict\nnumatune.nodeset\t1\n");
	assert_has(vals, "features.kvm.hidden\ton\nfeatures.pmu\toff\n");
	assert_has(vals, "cpu.host-passthrough\tyes\ncpu.topology\t1,2,1 dies 1\n"
			 "cpu.tsc-deadline\trequire\n");
	assert_has(vals, "memballoon\tnone\n");
	assert_has(vals, "guest-services\tpermitted\n");
	assert_has(vals, "os.smbios\tsysinfo\n");
	assert_has(vals, "vcpu.cpuset\t-\n");
	assert_has(out, "<entry>" KVMRT_GS_OEM_STRING "</entry>");
	assert_lacks(out, "Skylake");
	assert_lacks(out, "current=");
	assert_lacks(out, "virtio\"/>\n  </devices>");
	free(vals);
	free(out);
	kvmrt_vm_done(&vm);
}

static void non_rt_removes_only_what_kvmrt_owns(void **state)
{
	const struct fixture *f = *state;
	struct kvmrt_vm rt = make_vm(true, "n1"), plain = make_vm(false, "c3");
	char *first = apply(f, f->xml, &rt), *out = apply(f, first, &plain), *vals = owned(out);

	for (size_t i = 0; i < sizeof(hand_made) / sizeof(hand_made[0]); i++)
		assert_has(out, hand_made[i]);
	assert_lacks(out, "vcpupin");
	assert_lacks(out, "vcpusched");
	assert_lacks(out, "<locked/>");
	assert_lacks(out, "<hidden");
	assert_lacks(out, KVMRT_GS_OEM_STRING);
	assert_has(vals, "vcpu.cpuset\t3,35\n");
	assert_has(vals, "numatune.nodeset\t0\n");
	assert_has(vals, "os.smbios\tsysinfo\n"); /* site=lab still needs it */
	free(vals);
	free(out);
	free(first);
	kvmrt_vm_done(&rt);
	kvmrt_vm_done(&plain);
}

static void reads_back_into_the_configuration(void **state)
{
	const struct fixture *f = *state;
	struct kvmrt_vm vm = make_vm(true, "n1"), fresh;
	char *out = apply(f, f->xml, &vm), why[512];

	/* what was written means the same: nothing changes, "n1" stays */
	assert_int_equal(kvmrt_domain_to_vm(out, f->t, &vm, why, sizeof(why)), 0);
	assert_string_equal(vm.cpuset, "n1");
	/* a fresh section takes libvirt's values */
	assert_int_equal(kvmrt_vm_init(&fresh, UUID), 0);
	assert_true(kvmrt_domain_to_vm(out, f->t, &fresh, why, sizeof(why)) > 0);
	assert_string_equal(fresh.name, "rt-guest");
	assert_string_equal(fresh.description, "kept & escaped <ok>");
	assert_true(fresh.rt && fresh.hide_kvm && fresh.guest_services);
	assert_int_equal(fresh.nr_vcpus, 2);
	assert_string_equal(fresh.cpuset, "8-15");
	assert_true(fresh.numatune_auto && fresh.topology_auto);
	assert_int_equal(fresh.rt_memory, KVMRT_AUTO);
	kvmrt_vm_done(&fresh);
	free(out);
	kvmrt_vm_done(&vm);
}

static void compares_by_value(void **state)
{
	char *d;

	assert_int_equal(kvmrt_owned_diff("a\t1\nb\t2\n", "a\t1\nb\t2\n", &d), 0);
	assert_null(d);
	assert_int_equal(kvmrt_owned_diff("a\t1\nb\t2\n", "a\t3\nc\t4\n", &d), 0);
	assert_string_equal(d, "a: 1 -> 3; b: 2 -> (none); c: (none) -> 4");
	free(d);
	/* libvirt's own spelling of the same values compares equal */
	char *x = owned("<domain><vcpu cpuset='8,9,10'>2</vcpu><cputune>"
			"<vcpusched vcpus='0-1' scheduler='fifo' priority='1'/></cputune></domain>");
	char *y = owned("<domain><vcpu cpuset='8-10'>2</vcpu><cputune>"
			"<vcpusched vcpus='1' scheduler='fifo' priority='1'/>"
			"<vcpusched vcpus='0' scheduler='fifo' priority='1'/></cputune></domain>");
	assert_string_equal(x, y);
	free(x);
	free(y);
}

static void hostile_xml(void **state)
{
	const struct fixture *f = *state;
	static const char *const bad[] = {
		"", "not xml", "<domain>", "<network/>", "<domain><name>x</name>",
	};
	static const char xxe[] =
		"<!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><domain><title>&e;</title>"
		"</domain>";
	struct kvmrt_vm vm = make_vm(true, "n1");
	struct kvmrt_vm_plan p;
	char why[512], *out;

	assert_int_equal(kvmrt_plan_vm(&vm, f->t, &p), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(kvmrt_domain_apply(bad[i], &vm, &p, &out, why, sizeof(why)),
				 -EINVAL);
		assert_true(why[0]);
		assert_int_equal(kvmrt_domain_owned(bad[i], &out, why, sizeof(why)), -EINVAL);
	}
	/* external entities are never loaded */
	vm.rt = false;
	assert_int_equal(kvmrt_domain_owned(xxe, &out, why, sizeof(why)), 0);
	assert_null(strstr(out, "root:"));
	free(out);
	assert_int_equal(kvmrt_domain_to_vm("<domain><vcpu>many</vcpu></domain>", f->t, &vm, why,
					    sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "<vcpu>"));
	assert_int_equal(kvmrt_domain_to_vm("<domain><vcpu>1</vcpu><cputune><vcpupin vcpu='0' "
					    "cpuset='9-2'/></cputune></domain>",
					    f->t, &vm, why, sizeof(why)),
			 -EINVAL);
	kvmrt_plan_vm_done(&p);
	kvmrt_vm_done(&vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rt_plan_written_hand_made_kept),
		cmocka_unit_test(non_rt_removes_only_what_kvmrt_owns),
		cmocka_unit_test(reads_back_into_the_configuration),
		cmocka_unit_test(compares_by_value),
		cmocka_unit_test(hostile_xml),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
