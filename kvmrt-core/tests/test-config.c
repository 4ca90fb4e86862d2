/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt.cfg reading and writing: the guide's example, types and defaults,
 * multi-line values, errors with file:line and the accepted forms, hostile
 * input, the atomic replace.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kvmrt.h"
#include "test-exec.h"

#define UUID1 "aeec46cc-0638-4949-ac04-146b233194a9"

static struct kvmrt_config *parse_ok(const char *text)
{
	struct kvmrt_config *c;
	char why[1024] = "";

	if (kvmrt_config_parse(text, strlen(text), "t.cfg", &c, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	return c;
}

static void parse_bad(const char *text, const char *what)
{
	struct kvmrt_config *c = NULL;
	char why[1024] = "";

	assert_int_equal(kvmrt_config_parse(text, strlen(text), "t.cfg", &c, why, sizeof(why)),
			 -EINVAL);
	assert_null(c);
	if (!strstr(why, what))
		fail_msg("error '%s' does not say '%s'", why, what);
}

static void guide_example(void **state)
{
	char *path = test_source_path("fixtures/kvmrt-core/configs/guide-example.cfg");
	struct kvmrt_config *c;
	char why[1024];

	assert_int_equal(kvmrt_config_load(path, &c, why, sizeof(why)), 0);
	assert_int_equal(c->nr_vms, 2);
	assert_string_equal(c->vms[0].uuid, UUID1);
	assert_string_equal(c->vms[0].name, "RedHawk-8.4");
	assert_string_equal(c->vms[0].description, "RedHawk 8.4 VM.");
	assert_int_equal(c->vms[0].nr_vcpus, 2);
	assert_false(c->vms[0].rt);
	assert_true(c->vms[0].autostart);
	assert_string_equal(c->vms[0].cpuset, "");
	assert_string_equal(c->vms[0].comments,
			    "This VM tends to run out of memory;\nremember to clean up");
	assert_int_equal(c->vms[0].attr_line[KVMRT_ATTR_COMMENTS], 16);
	assert_true(c->vms[1].rt);
	assert_int_equal(c->vms[1].nr_vcpus, 15);
	assert_string_equal(c->vms[1].cpuset, "n1-n2");
	assert_int_equal(c->vms[1].rt_memory, KVMRT_AUTO);
	assert_true(kvmrt_vm_rt_memory(&c->vms[1]));
	assert_true(c->vms[1].numatune_auto);
	assert_false(c->vms[1].guest_services);
	assert_int_equal(kvmrt_config_find(c, "RedHawk-8.4-RT"), 1);
	assert_int_equal(kvmrt_config_find(c, "FDE74E84-0E1B-404E-90E7-72101E79C48A"), 1);
	assert_int_equal(kvmrt_config_find(c, "nope"), -ENOENT);
	kvmrt_config_free(c);
	free(path);
}

static void defaults_and_types(void **state)
{
	struct kvmrt_config *c = parse_ok("# a comment\n; another\n[" UUID1 "]\n"
					  "NAME = vm\nrt = YES\nhide_kvm = 0\nautostart = On\n"
					  "cpu_topology = 2, 2, 1\nnr_vcpus=4\nnumatune = 0,2-3\n"
					  "rt_memory = off\nguest_services = true\n");
	const struct kvmrt_vm *vm = &c->vms[0];

	assert_string_equal(vm->name, "vm");
	assert_string_equal(vm->title, "");
	assert_true(vm->rt && vm->autostart && vm->guest_services);
	assert_false(vm->hide_kvm || vm->disabled);
	assert_false(vm->topology_auto);
	assert_int_equal(vm->sockets * 100 + vm->cores * 10 + vm->threads, 221);
	assert_int_equal(vm->nr_vcpus, 4);
	assert_false(vm->numatune_auto);
	assert_string_equal(vm->numatune, "0,2-3");
	assert_int_equal(vm->rt_memory, KVMRT_OFF);
	assert_false(kvmrt_vm_rt_memory(vm));
	kvmrt_config_free(c);

	c = parse_ok("[" UUID1 "]\nname = x\n");
	vm = &c->vms[0];
	assert_int_equal(vm->nr_vcpus, 1);
	assert_true(vm->topology_auto && vm->numatune_auto);
	assert_false(vm->rt || vm->autostart || vm->guest_services);
	kvmrt_config_free(c);
}

static void errors_name_line_and_forms(void **state)
{
	parse_bad("[" UUID1 "]\nname = a\nfoo = 1\n", "t.cfg:3: unknown attribute 'foo'");
	parse_bad("[" UUID1 "]\nrt = maybe\n", "t.cfg:2: rt: bad value: true, false, on, off");
	parse_bad("[" UUID1 "]\nnr_vcpus = 0\n", "t.cfg:2: nr_vcpus: bad value: a whole number");
	parse_bad("[" UUID1 "]\nnr_vcpus = 4097\n", "from 1 to 4096");
	parse_bad("[" UUID1 "]\nnr_vcpus = -1\n", "t.cfg:2");
	parse_bad("[" UUID1 "]\ncpu_topology = 1,2\n", "sockets,cores,threads");
	parse_bad("[" UUID1 "]\ncpu_topology = 1,2,3,4\n", "cpu_topology");
	parse_bad("[" UUID1 "]\ncpu_topology = 1,0,3\n", "cpu_topology");
	parse_bad("[" UUID1 "]\n\ncpuset = 4-2\n", "t.cfg:3: cpuset: bad value: '4-2'");
	parse_bad("[" UUID1 "]\ncpuset = x\n", "prefixed with n, c, d or p");
	parse_bad("[" UUID1 "]\nnumatune = n1\n", "t.cfg:2: numatune: bad value");
	parse_bad("[" UUID1 "]\nrt_memory = sometimes\n", "auto, or true");
	parse_bad("name = a\n", "t.cfg:1: name: attributes belong in a [UUID] section");
	parse_bad("[not-a-uuid]\n", "t.cfg:1: [not-a-uuid]: a section is named by its VM's libvirt UUID");
	parse_bad("[" UUID1 "\n", "t.cfg:1: a section header must be [UUID]");
	parse_bad("[" UUID1 "]\n[" UUID1 "]\n", "t.cfg:2: [" UUID1 "]: this VM already has a section");
	parse_bad("[" UUID1 "]\nrt = 1\nrt = 0\n", "t.cfg:3: rt: already set on line 2");
	parse_bad("[" UUID1 "]\njust words\n", "t.cfg:2: expected 'attribute = value'");
	parse_bad("  indented = 1\n", "t.cfg:1: indented line without an attribute");
	parse_bad("[" UUID1 "]\nname = a\n  b\n", "t.cfg:2: name: bad value: the name must fit");
	parse_bad("[" UUID1 "]\nnr_vcpus = 2\n  3\n", "t.cfg:2: nr_vcpus");
}

static void hostile_input(void **state)
{
	static const char nul[] = "[" UUID1 "]\nname = a\0b\n";
	struct kvmrt_config *c;
	char why[1024], *big;
	size_t n = 1 << 20;

	assert_int_equal(kvmrt_config_parse(nul, sizeof(nul) - 1, "t.cfg", &c, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "t.cfg:2: contains a NUL byte"));
	/* truncated in the middle of a section header and of a value */
	parse_bad("[aeec46cc-0638", "t.cfg:1");
	c = parse_ok("[" UUID1 "]\nname = a\ncomments = x\n   y");
	assert_string_equal(c->vms[0].comments, "x\ny");
	kvmrt_config_free(c);
	/* a huge value and many lines parse without trouble */
	big = malloc(n + 64);
	assert_non_null(big);
	n = (size_t)sprintf(big, "[" UUID1 "]\ncomments = ");
	memset(big + n, 'z', 1 << 20);
	big[n + (1 << 20)] = '\0';
	c = parse_ok(big);
	assert_int_equal(strlen(c->vms[0].comments), 1 << 20);
	kvmrt_config_free(c);
	free(big);
	assert_int_equal(kvmrt_config_load("/nonexistent/kvmrt.cfg", &c, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "/nonexistent/kvmrt.cfg"));
}

static void writes_what_it_reads(void **state)
{
	char *path = test_source_path("fixtures/kvmrt-core/configs/guide-example.cfg");
	struct kvmrt_config *c, *again;
	char why[1024], *text, *text2;

	assert_int_equal(kvmrt_config_load(path, &c, why, sizeof(why)), 0);
	c->vms[0].guest_services = true;
	assert_int_equal(kvmrt_config_format(c, &text), 0);
	assert_non_null(strstr(text, "comments = This VM tends to run out of memory;\n"
				     "           remember to clean up\n"));
	assert_non_null(strstr(text, "guest_services = true\n"));
	assert_int_equal(kvmrt_config_parse(text, strlen(text), "w", &again, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_config_format(again, &text2), 0);
	assert_string_equal(text, text2);
	assert_true(again->vms[0].guest_services);
	free(text);
	free(text2);
	kvmrt_config_free(again);
	kvmrt_config_free(c);
	free(path);
}

static void updates_only_changed_lines(void **state)
{
	static const char old[] = "# my hosts, do not reorder\n"
				  "[" UUID1 "]\n"
				  "name = a   # not a comment: part of the name\n"
				  "rt = True\n"
				  "; the CPUs\n"
				  "cpuset = 1-3\n"
				  "comments = first\n"
				  "   second\n"
				  "\n"
				  "# trailing note\n";
	struct kvmrt_config *c = parse_ok(old), *again;
	struct kvmrt_vm vm;
	char *text, *t1, *t2, why[512];

	assert_int_equal(kvmrt_config_update(old, c, &text), 0);
	assert_string_equal(text, old);
	free(text);
	free(c->vms[0].cpuset);
	c->vms[0].cpuset = strdup("n1");
	free(c->vms[0].comments);
	c->vms[0].comments = strdup("one line now");
	c->vms[0].guest_services = true;
	assert_int_equal(kvmrt_vm_init(&vm, "22222222-2222-4222-8222-222222222222"), 0);
	vm.name = strdup("b");
	assert_true(kvmrt_config_add(c, &vm) >= 0);
	assert_int_equal(kvmrt_config_update(old, c, &text), 0);
	assert_non_null(strstr(text, "# my hosts, do not reorder\n[" UUID1 "]\n"
				     "name = a   # not a comment: part of the name\nrt = True\n"
				     "; the CPUs\ncpuset = n1\ncomments = one line now\n"
				     "guest_services = true\n\n# trailing note\n"));
	assert_non_null(strstr(text, "\n[22222222-2222-4222-8222-222222222222]\nname = b\n"));
	assert_int_equal(kvmrt_config_parse(text, strlen(text), "u", &again, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_config_format(again, &t1), 0);
	assert_int_equal(kvmrt_config_format(c, &t2), 0);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
	free(text);
	kvmrt_config_free(again);
	/* a text that does not parse is written anew */
	assert_int_equal(kvmrt_config_update("[broken", c, &text), 0);
	assert_non_null(strstr(text, "name = b\n"));
	free(text);
	kvmrt_config_free(c);
}

static void replaces_atomically(void **state)
{
	char *dir = test_mkdtemp(), *file, why[512];
	struct stat st;
	int lock;

	assert_non_null(dir);
	assert_true(asprintf(&file, "%s/kvmrt.cfg", dir) > 0);
	lock = kvmrt_config_lock(file);
	assert_true(lock >= 0);
	assert_int_equal(kvmrt_config_replace(file, "[x]\n", why, sizeof(why)), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(st.st_mode & 0777, 0644);
	chmod(file, 0600);
	assert_int_equal(kvmrt_config_replace(file, "[yy]\n", why, sizeof(why)), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	close(lock);
	free(file);
	assert_true(asprintf(&file, "%s/missing/kvmrt.cfg", dir) > 0);
	assert_true(kvmrt_config_replace(file, "x", why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "missing/kvmrt.cfg"));
	free(file);
	test_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guide_example),
		cmocka_unit_test(defaults_and_types),
		cmocka_unit_test(errors_name_line_and_forms),
		cmocka_unit_test(hostile_input),
		cmocka_unit_test(writes_what_it_reads),
		cmocka_unit_test(updates_only_changed_lines),
		cmocka_unit_test(replaces_atomically),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
