/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The options of the kvmrt-* tools and hwtopo, fed as argv arrays. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kvmrt-tool.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static int parse(enum kvmrt_tool tool, int argc, char **argv, struct kvmrt_params *p)
{
	char why[256] = "";
	int r = kvmrt_parse_args(tool, argc, argv, p, why, sizeof(why));

	assert_true(r == 0 || why[0]);
	return r;
}

static void defaults(void **state)
{
	char *argv[] = { "kvmrt-validate-config", NULL };
	struct kvmrt_params p;

	assert_int_equal(parse(KVMRT_TOOL_VALIDATE, ARGC(argv), argv, &p), 0);
	assert_string_equal(p.config, "/etc/kvmrt.cfg");
	assert_string_equal(p.uri, "qemu:///system");
	assert_false(p.uri_given || p.all);
	assert_null(p.topology);
	assert_int_equal(p.nr_vms, 0);
}

static void every_option(void **state)
{
	char *v[] = { "x", "-f", "a.cfg", "--all", "--topology", "pack:2 pu:1", "-c", "test:///default",
		      NULL };
	char *s[] = { "x", "--query", "--file=b.cfg", "vm1", "vm2", NULL };
	char *r[] = { "x", "-r", "--connect", "qemu:///session", NULL };
	char *i[] = { "x", "-u", "vm", NULL };
	char *h[] = { "x", "-v", "--no-io", "--export", "out.xml", "--topology", "t.xml", NULL };
	struct kvmrt_params p;

	assert_int_equal(parse(KVMRT_TOOL_VALIDATE, ARGC(v), v, &p), 0);
	assert_string_equal(p.config, "a.cfg");
	assert_string_equal(p.topology, "pack:2 pu:1");
	assert_string_equal(p.uri, "test:///default");
	assert_true(p.all && p.uri_given);
	assert_int_equal(parse(KVMRT_TOOL_SYNC, ARGC(s), s, &p), 0);
	assert_true(p.query);
	assert_string_equal(p.config, "b.cfg");
	assert_int_equal(p.nr_vms, 2);
	assert_string_equal(p.vms[1], "vm2");
	assert_int_equal(parse(KVMRT_TOOL_SYNC, ARGC(r), r, &p), 0);
	assert_true(p.reverse);
	assert_string_equal(p.uri, "qemu:///session");
	assert_int_equal(parse(KVMRT_TOOL_IMPORT, ARGC(i), i, &p), 0);
	assert_true(p.update);
	assert_int_equal(p.nr_vms, 1);
	assert_int_equal(parse(KVMRT_TOOL_HWTOPO, ARGC(h), h, &p), 0);
	assert_true(p.verbose && p.no_io);
	assert_string_equal(p.export_path, "out.xml");
	assert_string_equal(p.topology, "t.xml");
}

static void usage_errors(void **state)
{
	char *a[] = { "x", "-r", NULL };               /* validate has no -r */
	char *b[] = { "x", "vm1", NULL };              /* validate takes no VMs */
	char *c[] = { "x", "-r", "--query", NULL };    /* exclusive */
	char *d[] = { "x", "-f", NULL };               /* missing value */
	char *e[] = { "x", "--bogus", NULL };
	char *f[] = { "x", "-f", "k.cfg", NULL };      /* hwtopo has no config */
	char *g[] = { "x", "--export", NULL };
	struct kvmrt_params p;

	assert_int_equal(parse(KVMRT_TOOL_VALIDATE, ARGC(a), a, &p), -EINVAL);
	assert_int_equal(parse(KVMRT_TOOL_VALIDATE, ARGC(b), b, &p), -EINVAL);
	assert_int_equal(parse(KVMRT_TOOL_SYNC, ARGC(c), c, &p), -EINVAL);
	assert_int_equal(parse(KVMRT_TOOL_SHOW, ARGC(d), d, &p), -EINVAL);
	assert_int_equal(parse(KVMRT_TOOL_EDIT, ARGC(e), e, &p), -EINVAL);
	assert_int_equal(parse(KVMRT_TOOL_HWTOPO, ARGC(f), f, &p), -EINVAL);
	assert_int_equal(parse(KVMRT_TOOL_HWTOPO, ARGC(g), g, &p), -EINVAL);
}

static void help_and_version(void **state)
{
	char *h[] = { "x", "--bogus-later", "-h", NULL };
	char *v[] = { "x", "-V", NULL };
	struct kvmrt_params p;

	assert_int_equal(parse(KVMRT_TOOL_IMPORT, ARGC(v), v, &p), 0);
	assert_true(p.version);
	assert_int_equal(parse(KVMRT_TOOL_IMPORT, ARGC(h), h, &p), -EINVAL);
	h[1] = "-h";
	assert_int_equal(parse(KVMRT_TOOL_EDIT, ARGC(h), h, &p), 0);
	assert_true(p.help);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_option),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(help_and_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
