/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-hostcheck.c - bytes into the host files kvmrt-validate-host parses,
 * through a scratch sysroot: the input, split at NUL bytes, becomes the files
 * of the list below in order (missing ones empty). Every check must give a
 * verdict (a hint unless PASS), and the command line must build.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz-sysroot.h"
#include "fuzz.h"
#include "kvmrt-hostcheck.h"

static const char *const files[] = {
	"proc/cmdline",
	"proc/version",
	"proc/cpuinfo",
	"sys/devices/system/cpu/online",
	"sys/devices/virtual/workqueue/cpumask",
	"proc/irq/default_smp_affinity",
	"sys/kernel/mm/transparent_hugepage/enabled",
	"sys/kernel/debug/sched/preempt",
	"etc/chrony/chrony.conf",
	"etc/libvirt/qemu.conf",
	"proc/7/limits",
	"proc/7/status",
	"sys/devices/system/cpu/cpu2/topology/thread_siblings_list",
	"sys/fs/cgroup/unified/rt/cpuset.cpus.effective",
	"sys/devices/system/cpu/cpu3/cpuidle/state1/latency",
};

static char root[] = "/tmp/kvmrt-fuzz-hostcheck-XXXXXX";

/* What the input does not replace: libvirtd's name, an isolated partition. */
static const struct fuzz_file fixed_files[] = {
	{ "proc/7/comm", "libvirtd\n" },
	{ "sys/fs/cgroup/unified/rt/cgroup.procs", "" },
	{ "sys/fs/cgroup/unified/rt/cpuset.cpus.partition", "isolated\n" },
	{ "sys/fs/cgroup/unified/cgroup.controllers", "cpuset\n" },
	{},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvmrt_sysroot s = {.fd = -1};
	const char *p = (const char *)data, *end = p + size;
	struct kvmrt_ids rt;
	struct kvmrt_hostchecks r;
	struct kvmrt_hostcheck_env env = {
	    .root = &s, .rt_cpus = &rt, .locked_memory = true, .guest = true};
	char *line;

	if (s.fd < 0)
		fuzz_sysroot_make(root, fixed_files, &s);
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t len = nul ? (size_t)(nul - p) : (size_t)(end - p);

		fuzz_sysroot_put(root, files[i], p, len);
		p += len + (nul ? 1 : 0);
	}
	if (kvmrt_ids_init(&rt, 8) < 0)
		abort();
	kvmrt_ids_add(&rt, 2);
	kvmrt_ids_add(&rt, 3);
	if (kvmrt_hostcheck_run(&env, &r) < 0 || r.nr != kvmrt_hostcheck_nr())
		abort();
	for (unsigned i = 0; i < r.nr; i++)
		if (r.c[i].verdict > KVMRT_FAIL || (r.c[i].verdict != KVMRT_PASS && !r.c[i].hint))
			abort();
	if (kvmrt_hostcheck_cmdline(&r, &line) < 0)
		abort();
	free(line);
	kvmrt_hostchecks_done(&r);
	kvmrt_ids_done(&rt);
	return 0;
}
