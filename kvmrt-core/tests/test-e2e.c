/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End to end on a real libvirtd (qemu:///system): define a TCG domain with
 * hand-made XML, kvmrt-import it, make it real-time in the configuration,
 * kvmrt-sync-config, read the XML back from the daemon, query, -r, rename.
 * The domain is never started (no /dev/kvm here). libvirtd-harness.c starts
 * virtlogd and libvirtd by hand when none runs and stops exactly those.
 * Needs root.
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
#include <libvirt/libvirt.h>

#include "kvmrt-test.h"
#include "kvmrt.h"
#include "libvirtd-harness.h"
#include "test-exec.h"

#define URI HARNESS_URI
#define UUID "5b1a7c3e-2f4d-4e6a-9c8b-7d1e2f3a4b5c"
#define TOPOLOGY "pack:1 numa:1 core:8 pu:1"

struct fixture {
	struct libvirtd_harness h;
	virConnectPtr conn; /* h.conn */
	char *dir, *cfg;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!harness_usable()) {
		free(f);
		return 0;
	}
	if (!f)
		return -1;
	if (harness_start(&f->h) < 0 ||
	    harness_define(&f->h, "fixtures/kvmrt-core/domains/e2e-tcg.xml", UUID) < 0) {
		harness_stop(&f->h); /* cmocka runs no teardown after a failed setup */
		free(f);
		return -1;
	}
	f->conn = f->h.conn;
	f->dir = test_mkdtemp();
	if (asprintf(&f->cfg, "%s/kvmrt.cfg", f->dir) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f) {
		harness_undefine(&f->h, UUID);
		harness_stop(&f->h);
		test_rm_rf(f->dir);
		free(f->dir);
		free(f->cfg);
		free(f);
	}
	return 0;
}

static void tool(struct fixture *f, const char *name, const char *extra, int status,
		 const char *out)
{
	char path[128];
	char *argv[] = { path, "-f", f->cfg, "-c", URI, "--topology", TOPOLOGY, (char *)extra, NULL };
	struct test_output o;

	snprintf(path, sizeof(path), "kvmrt-core/%s", name);
	assert_int_equal(test_exec(argv, &o), 0);
	if (o.status != status || (out && !strstr(o.out, out)))
		fail_msg("%s %s: status %d\n%s%s", name, extra ? extra : "", o.status, o.out, o.err);
	test_output_free(&o);
}

static char *daemon_xml(struct fixture *f)
{
	virDomainPtr d = virDomainLookupByUUIDString(f->conn, UUID);
	char *xml;

	assert_non_null(d);
	xml = virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE);
	virDomainFree(d);
	assert_non_null(xml);
	return xml;
}

static void make_rt(struct fixture *f, const char *name)
{
	struct kvmrt_config *c;
	char why[1024], *text;
	int i;

	assert_int_equal(kvmrt_config_load(f->cfg, &c, why, sizeof(why)), 0);
	i = kvmrt_config_find(c, UUID);
	assert_true(i >= 0);
	c->vms[i].rt = true;
	c->vms[i].nr_vcpus = 2;
	c->vms[i].guest_services = true;
	free(c->vms[i].cpuset);
	c->vms[i].cpuset = strdup("2-4");
	free(c->vms[i].name);
	c->vms[i].name = strdup(name);
	assert_int_equal(kvmrt_config_format(c, &text), 0);
	assert_int_equal(kvmrt_config_replace(f->cfg, text, why, sizeof(why)), 0);
	free(text);
	kvmrt_config_free(c);
}

static void assert_has(const char *xml, const char *what)
{
	if (!strstr(xml, what))
		fail_msg("'%s' missing from the daemon's XML:\n%s", what, xml ? xml : "?");
}

static void import_rt_sync_read_back(void **state)
{
	struct fixture *f = *state;
	char *xml;

	if (!f)
		skip();
	tool(f, "kvmrt-import", "kvmrt-e2e-tcg", 0, "kvmrt-e2e-tcg: imported as [" UUID "]");
	make_rt(f, "kvmrt-e2e-tcg");
	tool(f, "kvmrt-validate-config", NULL, 3, "name: libvirt's domain differs (");
	tool(f, "kvmrt-sync-config", "--query", 1, "kvmrt-e2e-tcg: differs: ");
	tool(f, "kvmrt-sync-config", NULL, 0, "kvmrt-e2e-tcg: synced: ");
	tool(f, "kvmrt-validate-config", NULL, 0, "0 errors, 0 warnings");
	xml = daemon_xml(f);
	assert_has(xml, "<vcpupin vcpu='0' cpuset='2'/>");
	assert_has(xml, "<vcpupin vcpu='1' cpuset='3'/>");
	assert_has(xml, "<emulatorpin cpuset='4'/>");
	assert_has(xml, "scheduler='fifo' priority='1'/>");
	assert_has(xml, "<locked/>");
	/* a TCG domain has no host CPU to pass through: its CPU model stays */
	assert_null(strstr(xml, "host-passthrough"));
	assert_has(xml, "<topology sockets='1' dies='1' cores='2' threads='1'/>");
	assert_has(xml, "<entry>kvmrt-gs:permit=1</entry>");
	assert_has(xml, "<memballoon model='none'/>");
	assert_has(xml, "<qemu:arg value='-no-reboot'/>");
	assert_has(xml, "<source file='/var/lib/libvirt/images/kvmrt-e2e.qcow2'/>");
	assert_has(xml, "<mac address='52:54:00:6b:3c:e2'/>");
	kt_assert_valid_domain(xml); /* the daemon's XML passes libvirt's schema */
	free(xml);
	tool(f, "kvmrt-sync-config", "--query", 0, "kvmrt-e2e-tcg: in sync");
	tool(f, "kvmrt-sync-config", "-r", 0, "kvmrt-e2e-tcg: unchanged");
	/* the domain is shut off, so a new name in the configuration renames it */
	make_rt(f, "kvmrt-e2e-renamed");
	tool(f, "kvmrt-sync-config", NULL, 0, "kvmrt-e2e-renamed: synced: name: kvmrt-e2e-tcg -> "
					       "kvmrt-e2e-renamed");
	xml = daemon_xml(f);
	assert_has(xml, "<name>kvmrt-e2e-renamed</name>");
	assert_has(xml, "<qemu:arg value='-no-reboot'/>");
	free(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(import_rt_sync_read_back, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
