/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Validation: one configuration per rule on the guide's workstation, each
 * asserting the severity and that the message names the VM and the
 * attribute; the guide's example; disabled VMs; messages for the tools.
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

#define U1 "[11111111-1111-4111-8111-111111111111]\n"
#define U2 "[22222222-2222-4222-8222-222222222222]\n"

struct rule_case {
	const char *rule;
	enum kvmrt_severity severity;
	const char *label; /* the VM as the message names it */
	const char *attr;
	const char *config;
};

static const struct rule_case cases[] = {
	{ "name-missing", KVMRT_ERROR, "VM [11111111-1111-4111-8111-111111111111]", "name",
	  U1 "nr_vcpus = 1\n" },
	{ "name-duplicate", KVMRT_ERROR, "VM 'a'", "name", U1 "name = a\n" U2 "name = a\n" },
	{ "cpuset-invalid", KVMRT_ERROR, "VM 'a'", "cpuset", U1 "name = a\ncpuset = n9\n" },
	{ "cpuset-invalid", KVMRT_ERROR, "VM 'a'", "cpuset", U1 "name = a\ncpuset = 64\n" },
	{ "numatune-invalid", KVMRT_ERROR, "VM 'a'", "numatune", U1 "name = a\nnumatune = 5\n" },
	{ "cpu-topology", KVMRT_ERROR, "VM 'a'", "cpu_topology",
	  U1 "name = a\nnr_vcpus = 4\ncpu_topology = 1,2,1\n" },
	{ "rt-cpuset-empty", KVMRT_ERROR, "VM 'rt'", "cpuset", U1 "name = rt\nrt = yes\n" },
	{ "rt-memory", KVMRT_ERROR, "VM 'rt'", "rt_memory",
	  U1 "name = rt\nrt = yes\ncpuset = n1\nrt_memory = false\n" },
	{ "rt-underprovisioned", KVMRT_ERROR, "VM 'rt'", "cpuset",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 8\ncpuset = n1\n" },
	{ "rt-cpu0", KVMRT_ERROR, "VM 'rt'", "cpuset",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 2\ncpuset = 0-2\n" },
	{ "rt-cpu0", KVMRT_ERROR, "VM 'rt'", "cpuset",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 2\ncpuset = 32,1,2\n" },
	{ "rt-numa-span", KVMRT_WARNING, "VM 'rt'", "cpuset",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 2\ncpuset = 14-17\n" },
	{ "rt-numatune", KVMRT_WARNING, "VM 'rt'", "numatune",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 2\ncpuset = n1\nnumatune =\n" },
	{ "rt-numatune", KVMRT_WARNING, "VM 'rt'", "numatune",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 2\ncpuset = n1\nnumatune = 2\n" },
	{ "rt-overlap", KVMRT_ERROR, "VM 'rt'", "cpuset",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 2\ncpuset = n1\n" U2 "name = other\ncpuset = 8\n" },
	{ "rt-overlap", KVMRT_ERROR, "VM 'rt'", "cpuset",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 2\ncpuset = n1\n" U2
	     "name = rt2\nrt = yes\nnr_vcpus = 1\ncpuset = 15,47,24\n" },
	{ "rt-siblings", KVMRT_ERROR, "VM 'rt'", "cpuset",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 2\ncpuset = 8-15\n" U2 "name = other\ncpuset = 40\n" },
	{ "rt-shared-node", KVMRT_WARNING, "VM 'rt'", "cpuset",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 2\ncpuset = 8-11\n" U2 "name = other\ncpuset = 12\n" },
	{ "rt-numatune-overlap", KVMRT_WARNING, "VM 'other'", "numatune",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 2\ncpuset = n1\n" U2
	     "name = other\ncpuset = n3\nnumatune = 1\n" },
	{ "rt-all-cpus", KVMRT_ERROR, "VM 'rt'", "cpuset",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 4\ncpuset = 0-63\n" },
	{ "rt-all-cpus", KVMRT_ERROR, "VM 'rt'", "cpuset",
	  U1 "name = rt\nrt = yes\nnr_vcpus = 4\ncpuset = n0-n1\n" U2
	     "name = rt2\nrt = yes\nnr_vcpus = 4\ncpuset = n2-n3\n" },
};

static int setup(void **state)
{
	struct kvmrt_topology *t;
	char why[512];

	if (kvmrt_topology_load(WORKSTATION, 0, &t, why, sizeof(why)) < 0)
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	kvmrt_topology_free(*state);
	return 0;
}

static struct kvmrt_config *parse(const char *text)
{
	struct kvmrt_config *c;
	char why[1024];

	if (kvmrt_config_parse(text, strlen(text), "t.cfg", &c, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	return c;
}

static const struct kvmrt_diag *find(const struct kvmrt_diags *d, const char *rule)
{
	for (unsigned i = 0; i < d->nr; i++)
		if (!strcmp(d->d[i].rule, rule))
			return &d->d[i];
	return NULL;
}

static void one_config_per_rule(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rule_case *rc = &cases[i];
		struct kvmrt_config *c = parse(rc->config);
		struct kvmrt_diags d = {};
		const struct kvmrt_diag *f;
		char attr[64];

		assert_true(kvmrt_validate(c, *state, 0, &d) >= 0);
		f = find(&d, rc->rule);
		if (!f)
			fail_msg("case %zu: no %s finding", i, rc->rule);
		assert_int_equal(f->severity, rc->severity);
		snprintf(attr, sizeof(attr), ": %s: ", rc->attr);
		if (strncmp(f->message, rc->label, strlen(rc->label)) || !strstr(f->message, attr))
			fail_msg("case %zu: '%s' does not name %s and %s", i, f->message, rc->label,
				 rc->attr);
		assert_string_equal(kvmrt_attr_name(f->attr), rc->attr);
		assert_true(f->line > 0);
		assert_int_equal(d.errors + d.warnings, d.nr);
		kvmrt_diags_done(&d);
		kvmrt_config_free(c);
	}
}

static void guide_example_validates(void **state)
{
	char *path = test_source_path("fixtures/kvmrt-core/configs/guide-example.cfg");
	struct kvmrt_config *c;
	struct kvmrt_diags d = {};
	char why[512];

	assert_int_equal(kvmrt_config_load(path, &c, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_validate(c, *state, 0, &d), 0);
	assert_int_equal(d.errors, 0);
	/* the real-time VM spans nodes 1 and 2, as the guide's example does */
	assert_int_equal(d.warnings, 1);
	assert_string_equal(d.d[0].rule, "rt-numa-span");
	assert_int_equal(d.d[0].line, 25);
	kvmrt_diags_done(&d);
	kvmrt_config_free(c);
	free(path);
}

static void clean_config_has_no_findings(void **state)
{
	struct kvmrt_config *c = parse(U1 "name = rt\nrt = yes\nnr_vcpus = 7\ncpuset = n1\n" U2
					  "name = other\ncpuset = n3\nnr_vcpus = 12\n");
	struct kvmrt_diags d = {};

	assert_int_equal(kvmrt_validate(c, *state, 0, &d), 0);
	assert_int_equal(d.nr, 0);
	kvmrt_config_free(c);
}

static void disabled_vms_only_with_all(void **state)
{
	struct kvmrt_config *c = parse(U1 "disabled = yes\nrt = yes\n");
	struct kvmrt_diags d = {};

	assert_int_equal(kvmrt_validate(c, *state, 0, &d), 0);
	assert_int_equal(d.nr, 0);
	assert_int_equal(kvmrt_validate(c, *state, KVMRT_VALIDATE_ALL, &d), 2);
	assert_non_null(find(&d, "name-missing"));
	assert_non_null(find(&d, "rt-cpuset-empty"));
	kvmrt_diags_done(&d);
	kvmrt_config_free(c);
}

static void plan_follows_the_guide(void **state)
{
	struct kvmrt_config *c = parse(U1 "name = rt\nrt = yes\nnr_vcpus = 15\ncpuset = n1-n2\n");
	struct kvmrt_vm_plan p;

	assert_int_equal(kvmrt_plan_vm(&c->vms[0], *state, &p), 0);
	assert_int_equal(p.status, 0);
	for (unsigned i = 0; i < 15; i++)
		assert_int_equal(p.vcpu_cpu[i], 8 + i);
	kt_assert_ids(&p.emulator, "23");
	kt_assert_ids(&p.siblings, "40-55");
	kt_assert_ids(&p.mem_nodes, "1-2");
	assert_true(p.mem_locked && p.mem_restricted);
	assert_int_equal(p.sockets * 100 + p.cores, 115);
	kvmrt_plan_vm_done(&p);
	kvmrt_config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_config_per_rule),
		cmocka_unit_test(guide_example_validates),
		cmocka_unit_test(clean_config_has_no_findings),
		cmocka_unit_test(disabled_vms_only_with_all),
		cmocka_unit_test(plan_follows_the_guide),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
