/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPU list files of the host: reading them, the online check, isolated cgroup partitions. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kvmrt-host.h"
#include "kvmrt-test.h"

static void reads_cpu_lists_and_checks_online_cpus(void **state)
{
	struct kt_tree *t = *state;
	struct kvmrt_ids ids, off;
	char why[256];

	/* without an online file any CPU is accepted */
	assert_int_equal(kvmrt_idset_parse("9", 64, &off, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_cpus_check_online(&t->root, &off, why, sizeof(why)), 0);
	kt_tree_put(t, "sys/devices/system/cpu/online", "0-3\n");
	assert_int_equal(kvmrt_sysroot_read_ids(&t->root, "/sys/devices/system/cpu/online", &ids,
						why, sizeof(why)), 0);
	assert_int_equal(kvmrt_ids_count(&ids), 4);
	assert_int_equal(kvmrt_cpus_check_online(&t->root, &ids, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_cpus_check_online(&t->root, &off, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "no online CPU"));
	kvmrt_ids_done(&ids);
	kvmrt_ids_done(&off);
	kt_tree_put(t, "sys/devices/system/cpu/online", "0-3,junk\n");
	assert_int_equal(kvmrt_sysroot_read_ids(&t->root, "/sys/devices/system/cpu/online", &ids,
						why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "/sys/devices/system/cpu/online"));
	assert_int_equal(kvmrt_sysroot_read_ids(&t->root, "/sys/devices/system/cpu/isolated",
						&ids, why, sizeof(why)), -ENOENT);
}

static void finds_isolated_partitions(void **state)
{
	struct kt_tree *t = *state;
	struct kvmrt_ids ids;
	char why[256];

	/* no cgroup v2: nothing */
	assert_int_equal(kvmrt_cpus_partitioned(&t->root, &ids, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_ids_count(&ids), 0);
	kvmrt_ids_done(&ids);

	kt_tree_put(t, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu memory\n");
	kt_tree_put(t, "sys/fs/cgroup/cgroup.procs", "1\n");
	kt_tree_put(t, "sys/fs/cgroup/rt/cgroup.procs", "");
	kt_tree_put(t, "sys/fs/cgroup/rt/cpuset.cpus.partition", "root\n");
	kt_tree_put(t, "sys/fs/cgroup/rt/vm1/cgroup.procs", "");
	kt_tree_put(t, "sys/fs/cgroup/rt/vm1/cpuset.cpus.partition", "isolated\n");
	kt_tree_put(t, "sys/fs/cgroup/rt/vm1/cpuset.cpus.effective", "4-5\n");
	kt_tree_put(t, "sys/fs/cgroup/bad/cgroup.procs", "");
	kt_tree_put(t, "sys/fs/cgroup/bad/cpuset.cpus.partition",
		    "isolated invalid (Cpu list overlap)\n");
	kt_tree_put(t, "sys/fs/cgroup/bad/cpuset.cpus.effective", "1\n");
	kt_tree_put(t, "sys/fs/cgroup/system.slice/cgroup.procs", "");
	kt_tree_put(t, "sys/fs/cgroup/system.slice/cpuset.cpus.partition", "isolated\n");
	kt_tree_put(t, "sys/fs/cgroup/system.slice/cpuset.cpus", "7\n");
	assert_int_equal(kvmrt_cpus_partitioned(&t->root, &ids, why, sizeof(why)), 0);
	kt_assert_ids(&ids, "4-5,7");
	kvmrt_ids_done(&ids);

	kt_tree_put(t, "sys/fs/cgroup/rt/vm1/cpuset.cpus.effective", "4-x\n");
	assert_int_equal(kvmrt_cpus_partitioned(&t->root, &ids, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "rt/vm1/cpuset.cpus.effective"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		kt_empty_tree_test(reads_cpu_lists_and_checks_online_cpus),
		kt_empty_tree_test(finds_isolated_partitions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
