/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kvmrt-* tools run as a user runs them: exit codes, the one-line
 * messages, show-config's plan, sync/import against test:///.
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
#include "test-exec.h"

#define NODE_TOPOLOGY "pack:1 numa:1 core:4 pu:2"

struct fixture {
	char *dir;   /* scratch directory */
	char *guide; /* configs/guide-example.cfg */
	char *node_cfg, *uri, *ws_xml;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->dir = test_mkdtemp();
	f->guide = test_source_path("fixtures/kvmrt-core/configs/guide-example.cfg");
	f->node_cfg = test_source_path("fixtures/kvmrt-core/configs/test-node.cfg");
	f->ws_xml = test_source_path(WORKSTATION_XML);
	f->uri = kt_node_uri();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_rm_rf(f->dir);
	free(f->dir);
	free(f->guide);
	free(f->node_cfg);
	free(f->uri);
	free(f->ws_xml);
	free(f);
	return 0;
}

static char *write_file(const struct fixture *f, const char *name, const char *text)
{
	return kt_write_file(f->dir, name, text, 0644);
}

static void validate_exit_codes(void **state)
{
	struct fixture *f = *state;
	char *bad = write_file(f, "bad.cfg",
			       "[11111111-1111-4111-8111-111111111111]\nname = a\nrt = yes\n");
	char *syntax = write_file(f, "syntax.cfg", "[11111111-1111-4111-8111-111111111111]\nrt = "
						   "perhaps\n");
	char *clean = write_file(f, "clean.cfg", "[11111111-1111-4111-8111-111111111111]\nname = "
						 "a\ncpuset = n3\n");

	kt_expect(kt_run("kvmrt-validate-config", "-f", f->guide, "--topology", f->ws_xml, NULL), 3,
		  "guide-example.cfg:25: warning: VM 'RedHawk-8.4-RT': cpuset: the CPUs span NUMA "
		  "nodes 1-2",
		  NULL);
	kt_expect(kt_run("kvmrt-validate-config", "-f", clean, "--topology", WORKSTATION, NULL), 0,
		  "1 VMs, 0 errors, 0 warnings", NULL);
	kt_expect(kt_run("kvmrt-validate-config", "-f", bad, "--topology", WORKSTATION, NULL), 4,
		  "bad.cfg:1: error: VM 'a': cpuset: a real-time VM needs its own CPUs", NULL);
	kt_expect(kt_run("kvmrt-validate-config", "-f", syntax, "--topology", WORKSTATION, NULL), 4,
		  NULL, "syntax.cfg:2: rt: bad value: true, false, on, off");
	kt_expect(kt_run("kvmrt-validate-config", "-f", "/nonexistent.cfg", "--topology",
			 WORKSTATION, NULL),
		  1, NULL, "/nonexistent.cfg: cannot read");
	kt_expect(kt_run("kvmrt-validate-config", "-f", clean, "--topology", "bogus:9", NULL), 1,
		  NULL, "topology 'bogus:9'");
	kt_expect(kt_run("kvmrt-validate-config", "--frobnicate", NULL), 2, NULL, "--frobnicate");
	kt_expect(kt_run("kvmrt-validate-config", "--help", NULL), 0,
		  "Usage: kvmrt-validate-config", NULL);
	kt_expect(kt_run("kvmrt-validate-config", "--version", NULL), 0, "kvmrt-validate-config 0.",
		  NULL);
	/* -c: the VMs must exist in libvirt */
	kt_expect(kt_run("kvmrt-validate-config", "-f", clean, "--topology", WORKSTATION, "-c",
			 f->uri, NULL),
		  3, "warning: VM 'a': name: libvirt has no domain with UUID", NULL);
	free(bad);
	free(syntax);
	free(clean);
}

static void show_config_plan(void **state)
{
	struct fixture *f = *state;

	kt_expect(kt_run("kvmrt-show-config", "-f", f->guide, "--topology", f->ws_xml, NULL), 0,
		  "    vCPU 14  -> CPU 22 (SCHED_FIFO 1)\n"
		  "    emulator, I/O -> CPUs 23\n"
		  "    NUMA nodes    -> 1-2\n"
		  "    SMT siblings taken offline -> 40-55\n",
		  NULL);
	kt_expect(kt_run("kvmrt-show-config", "-f", f->guide, "--topology", f->ws_xml,
			 "RedHawk-8.4", NULL),
		  0, "placement: all threads -> any host CPU", NULL);
	kt_expect(
	    kt_run("kvmrt-show-config", "-f", f->guide, "--topology", f->ws_xml, "nope", NULL), 1,
	    NULL, "no VM 'nope' in the configuration");
	kt_expect(kt_run("kvmrt-show-config", "-f", f->node_cfg, "--topology", NODE_TOPOLOGY, "-c",
			 f->uri, NULL),
		  0, "libvirt: differs: ", NULL);
}

static void sync_and_query(void **state)
{
	struct fixture *f = *state;

	kt_expect(kt_run("kvmrt-sync-config", "-f", f->node_cfg, "--topology", NODE_TOPOLOGY, "-c",
			 f->uri, "--query", NULL),
		  1, "plain-guest: differs: ", NULL);
	kt_expect(kt_run("kvmrt-sync-config", "-f", f->node_cfg, "--topology", NODE_TOPOLOGY, "-c",
			 f->uri, NULL),
		  0, "rt-guest: synced: ", NULL);
	kt_expect(kt_run("kvmrt-sync-config", "-f", f->guide, "--topology", NODE_TOPOLOGY, "-c",
			 f->uri, NULL),
		  1, NULL, "errors: fix them");
	kt_expect(kt_run("kvmrt-sync-config", "-f", f->node_cfg, "-c", "bogus://x", NULL), 1, NULL,
		  "bogus://x: cannot connect to libvirt");
}

static void import_and_reverse(void **state)
{
	struct fixture *f = *state;
	char *cfg, *text, *copy, *orig;

	assert_true(asprintf(&cfg, "%s/imported.cfg", f->dir) > 0);
	kt_expect(
	    kt_run("kvmrt-import", "-f", cfg, "--topology", NODE_TOPOLOGY, "-c", f->uri, NULL), 0,
	    "plain-guest: imported as [0b7e8d52-1c44-4e0a-8f3d-6a95c2d7e802]", NULL);
	text = kt_read_file(cfg);
	assert_non_null(strstr(text, "name = rt-guest\ntitle = hand-made title\n"));
	assert_non_null(strstr(text, "name = plain-guest\n"));
	assert_non_null(strstr(text, "cpuset = 4-5\n"));
	free(text);
	kt_expect(
	    kt_run("kvmrt-import", "-f", cfg, "--topology", NODE_TOPOLOGY, "-c", f->uri, NULL), 0,
	    "already in", NULL);
	kt_expect(kt_run("kvmrt-import", "-f", cfg, "--topology", NODE_TOPOLOGY, "-c", f->uri, "-u",
			 "plain-guest", NULL),
		  0, "plain-guest: unchanged", NULL);
	kt_expect(kt_run("kvmrt-import", "-f", cfg, "--topology", NODE_TOPOLOGY, "-c", f->uri,
			 "nosuch", NULL),
		  1, NULL, "nosuch: no such libvirt domain");
	kt_expect(kt_run("kvmrt-validate-config", "-f", cfg, "--topology", NODE_TOPOLOGY, NULL), 0,
		  NULL, NULL);
	/* -r takes libvirt's values into a copy of the test configuration */
	orig = kt_read_file(f->node_cfg);
	copy = write_file(f, "reverse.cfg", orig);
	kt_expect(kt_run("kvmrt-sync-config", "-f", copy, "--topology", NODE_TOPOLOGY, "-c", f->uri,
			 "-r", NULL),
		  0, "plain-guest: updated from libvirt", NULL);
	text = kt_read_file(copy);
	assert_non_null(strstr(text, "cpuset = 4-5\n"));
	free(text);
	free(orig);
	free(copy);
	free(cfg);
}

static void hwtopo_layout_and_export(void **state)
{
	struct fixture *f = *state;
	char *golden = test_source_path("fixtures/kvmrt-core/golden/hwtopo-workstation.txt");
	char *want, *exported;
	struct test_output o;

	/* regenerate: hwtopo -v --no-io --topology fixtures/kvmrt-core/topologies/workstation.xml */
	want = kt_read_file(golden);
	o = kt_run("hwtopo", "-v", "--no-io", "--topology", f->ws_xml, NULL);
	assert_int_equal(o.status, 0);
	assert_string_equal(o.out, want);
	test_output_free(&o);
	/* an exported topology loads back the same */
	assert_true(asprintf(&exported, "%s/exported.xml", f->dir) > 0);
	kt_expect(kt_run("hwtopo", "--topology", WORKSTATION, "--export", exported, NULL), 0,
		  "NUMA Node 3\n", NULL);
	o = kt_run("hwtopo", "--topology", exported, NULL);
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "      Core 31:\n        CPU 31\n        CPU 63\n"));
	test_output_free(&o);
	/* this host (the I/O discovery of hwloc's PCI plugin leaks: not under the sanitizer) */
	kt_expect(kt_run("hwtopo", "--no-io", NULL), 0, "CPU 0\n", NULL);
	kt_expect(kt_run("hwtopo", "--topology", "/nonexistent.xml", NULL), 1, NULL,
		  "/nonexistent.xml");
	kt_expect(kt_run("hwtopo", "--export", "/nonexistent/dir/x.xml", NULL), 1, NULL,
		  "cannot write the topology");
	kt_expect(kt_run("hwtopo", "-f", "x", NULL), 2, NULL, "hwtopo does not take --file");
	free(exported);
	free(want);
	free(golden);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(validate_exit_codes),
		cmocka_unit_test(show_config_plan),
		cmocka_unit_test(sync_and_query),
		cmocka_unit_test(import_and_reverse),
		cmocka_unit_test(hwtopo_layout_and_export),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
