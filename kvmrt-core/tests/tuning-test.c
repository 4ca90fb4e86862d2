/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tuning-test.c - fixture sysroot trees, snapshots and plans for the host tuning tests. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fileio.h"
#include "kvmrt-test.h"
#include "test-exec.h"
#include "tuning-test.h"

const struct tt_tree tt_trees[] = {
    {"smt2s", "pack:2 numa:1 core:4 pu:2(indexes=2*8:1*2)", "2-3", "5-6", "0-1,4-9,12-15",
     "sys/devices/system/cpu/cpu10/online", "f3f3"},
    {"workstation", WORKSTATION, "2-3", "5-6", "0-1,4-33,36-63",
     "sys/devices/system/cpu/cpu34/online", "fffffff3,fffffff3"},
    {"cgroup-v1", "pack:1 numa:1 core:4 pu:2(indexes=2*4:1*2)", "2-3", "1", "0-1,4-5",
     "sys/devices/system/cpu/cpu6/online", "33"},
    {"cgroup-v2", "pack:1 numa:1 core:8 pu:1", "2-3", "5-6", "0-1,4-7", NULL, "f3"},
};
const unsigned tt_nr_trees = sizeof(tt_trees) / sizeof(*tt_trees);

static char *join(const char *a, const char *b)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", a, b) > 0);
	return p;
}

static int no_dots(const struct dirent *de)
{
	return strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
}

static void copy_tree(const char *from, const char *to)
{
	struct dirent **names;
	int n = scandir(from, &names, no_dots, alphasort);

	assert_true(n >= 0);
	assert_int_equal(mkdir(to, 0755), 0);
	for (int i = 0; i < n; i++) {
		char *src = join(from, names[i]->d_name), *dst = join(to, names[i]->d_name);
		struct stat st;

		assert_int_equal(lstat(src, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			copy_tree(src, dst);
		} else {
			char *text = kt_read_file(src);
			char *p = kt_write_file(to, names[i]->d_name, text, 0644);

			free(p);
			free(text);
		}
		free(src);
		free(dst);
		free(names[i]);
	}
	free(names);
}

static void snapshot_dir(FILE *out, const char *dir, const char *rel)
{
	struct dirent **names;
	int n = scandir(dir, &names, no_dots, alphasort);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		char *path = join(dir, names[i]->d_name), *sub = join(rel, names[i]->d_name);
		struct stat st;

		assert_int_equal(lstat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			fprintf(out, "dir %s\n", sub);
			snapshot_dir(out, path, sub);
		} else {
			char *text = kt_read_file(path);

			fprintf(out, "file %s %zu\n%s\n", sub, strlen(text), text);
			free(text);
		}
		free(path);
		free(sub);
		free(names[i]);
	}
	free(names);
}

char *tt_snapshot(const char *dir)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	snapshot_dir(f, dir, ".");
	assert_int_equal(fclose(f), 0);
	return buf;
}

void tt_assert_pristine(const struct tt_host *h)
{
	char *now = tt_snapshot(h->root);
	size_t i = 0, line = 0;

	while (now[i] && now[i] == h->pristine[i])
		i++;
	if (now[i] || h->pristine[i]) {
		while (i > 0 && h->pristine[i - 1] != '\n')
			i--;
		line = i;
		fail_msg("%s: tree differs after undo at:\n  was: %.120s\n  now: %.120s",
			 h->tree->name, h->pristine + line, now + line);
	}
	free(now);
}

static bool has_v1_cpuset(const struct tt_host *h)
{
	return !strcmp(h->tree->name, "cgroup-v1");
}

const char *tt_qemu_cgroup(const struct tt_host *h)
{
	if (has_v1_cpuset(h))
		return "12:cpuset:/" TT_QEMU_V1 "\n4:cpu,cpuacct:/" TT_QEMU_V1
		       "\n1:name=systemd:/machine.slice\n0::/machine.slice\n";
	return "0::/" TT_QEMU_V2 "\n";
}

/* VM A's QEMU process in libvirt's cgroup (no task/: the task step does not see it). */
static void add_qemu(const struct tt_host *h)
{
	char rel[256], procs[32];

	snprintf(rel, sizeof(rel), "proc/%d/cgroup", TT_QEMU_PID);
	kt_put(h->root, rel, tt_qemu_cgroup(h));
	snprintf(rel, sizeof(rel), "sys/fs/cgroup/%s/cgroup.procs",
		 has_v1_cpuset(h) ? "cpuset/" TT_QEMU_V1 : TT_QEMU_V2);
	/* Another process of the VM's scope (a helper) stays there. */
	snprintf(procs, sizeof(procs), "690\n%d\n", TT_QEMU_PID);
	kt_put(h->root, rel, procs);
}

void tt_host_init(struct tt_host *h, const struct tt_tree *tree)
{
	char rel[128], why[512];
	char *src;

	memset(h, 0, sizeof(*h));
	h->tree = tree;
	/* On tmpfs where there is one: the crash tests fsync the journal thousands of times. */
	h->tmp = strdup("/dev/shm/kvmrt-tuning-XXXXXX");
	assert_non_null(h->tmp);
	if (!mkdtemp(h->tmp)) {
		free(h->tmp);
		h->tmp = test_mkdtemp();
	}
	assert_non_null(h->tmp);
	h->root = join(h->tmp, "root");
	h->journal = join(h->tmp, "journal");
	snprintf(rel, sizeof(rel), "fixtures/kvmrt-core/sysroots/%s", tree->name);
	src = test_source_path(rel);
	copy_tree(src, h->root);
	free(src);
	add_qemu(h);
	h->pristine = tt_snapshot(h->root);
	if (kvmrt_sysroot_open(h->root, &h->s, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	if (kvmrt_topology_load(tree->topology, 0, &h->topo, why, sizeof(why)) < 0)
		fail_msg("%s", why);
}

void tt_host_done(struct tt_host *h)
{
	kvmrt_topology_free(h->topo);
	kvmrt_sysroot_close(&h->s);
	test_rm_rf(h->tmp);
	free(h->tmp);
	free(h->root);
	free(h->journal);
	free(h->pristine);
}

char *tt_read(const struct tt_host *h, const char *rel)
{
	char *path = join(h->root, rel), *text = kt_read_file(path);
	size_t len = strlen(text);

	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	free(path);
	return text;
}

void tt_assert_file(const struct tt_host *h, const char *rel, const char *want)
{
	char *text = tt_read(h, rel);

	if (strcmp(text, want))
		fail_msg("%s: %s holds '%s', expected '%s'", h->tree->name, rel, text, want);
	free(text);
}

void tt_plan(const struct tt_host *h, const char *uuid, const char *cpuset,
	     struct kvmrt_vm_plan *ret)
{
	struct kvmrt_vm vm;

	assert_int_equal(kvmrt_vm_init(&vm, uuid), 0);
	vm.rt = true;
	vm.nr_vcpus = 1;
	free(vm.cpuset);
	vm.cpuset = strdup(cpuset);
	assert_int_equal(kvmrt_plan_vm(&vm, h->topo, ret), 0);
	if (ret->status)
		fail_msg("%s", ret->why);
	kvmrt_vm_done(&vm);
}

struct kvmrt_tuning *tt_open(const struct tt_host *h)
{
	struct kvmrt_tuning *t;
	char why[512];

	if (kvmrt_tuning_open(&h->s, h->journal, &t, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	return t;
}

int tt_apply(const struct tt_host *h, struct kvmrt_tuning *t, const char *uuid, const char *cpuset,
	     struct kvmrt_notes *notes)
{
	struct kvmrt_vm_plan p;
	int r;

	tt_plan(h, uuid, cpuset, &p);
	r = kvmrt_tuning_apply(t, uuid, &p, h->topo, notes);
	kvmrt_plan_vm_done(&p);
	for (unsigned i = 0; r != 0 && i < notes->nr; i++)
		print_message("%s: note: %s\n", h->tree->name, notes->n[i].message);
	return r;
}

bool tt_notes_have(const struct kvmrt_notes *n, const char *text)
{
	for (unsigned i = 0; i < n->nr; i++)
		if (strstr(n->n[i].message, text))
			return true;
	return false;
}
