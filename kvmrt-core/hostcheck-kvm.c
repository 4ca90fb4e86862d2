/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostcheck-kvm.c - host checks of KVM and libvirt: /dev/kvm, KVM module
 * parameters, huge pages, and whether libvirt may give vCPU threads
 * SCHED_FIFO and lock VM memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "hostcheck-private.h"

/* CAP_SYS_RESOURCE (linux/capability.h): may raise resource limits. */
#define HC_CAP_SYS_RESOURCE 24

HC_CHECK(dev_kvm)
{
	struct stat st;

	/* existence and access only: opening /dev/kvm is not needed to know */
	if (fstatat(c->root->fd, "dev/kvm", &st, 0) < 0)
		return hc_fail(out, "no /dev/kvm: enable virtualization (VT-x/AMD-V) in the BIOS "
				    "and load kvm_intel or kvm_amd");
	/* a fixture tree holds a plain file in place of the device */
	if (c->root->live && !S_ISCHR(st.st_mode))
		return hc_fail(out, "/dev/kvm is not a character device: remove it and reload kvm");
	if (faccessat(c->root->fd, "dev/kvm", R_OK | W_OK, AT_EACCESS) < 0)
		return hc_fail(out, "/dev/kvm is not readable and writable by this user: run as "
				    "root or join the kvm group");
	return hc_pass(out);
}

/* Reads the KVM module parameter @path ("kvm/parameters/x") into *ret. -ENOENT: not there. */
static int module_param(const struct hc_ctx *c, const char *path, char **ret)
{
	char full[128];

	snprintf(full, sizeof(full), "sys/module/%s", path);
	return kvmrt_sysroot_read_line(c->root, full, ret);
}

HC_CHECK(kvmclock_sync)
{
	_cleanup_free_ char *v = NULL;
	int r = module_param(c, "kvm/parameters/kvmclock_periodic_sync", &v);

	if (hc_param(out, "kvm.kvmclock_periodic_sync=N") < 0)
		return -ENOMEM;
	if (r == -ENOENT && !kvmrt_sysroot_exists(c->root, "sys/module/kvm"))
		return hc_warn(out, "the kvm module is not loaded");
	if (r == -ENOENT || (r == 0 && (!strcmp(v, "N") || !strcmp(v, "0"))))
		return hc_pass(out);
	if (r < 0)
		return hc_warn(out, "cannot read kvm.kvmclock_periodic_sync: %s", strerror(-r));
	return hc_warn(out, "KVM pushes the host's clock adjustments into every guest's kvmclock "
			    "periodically, a latency spike each time: boot with "
			    "kvm.kvmclock_periodic_sync=N");
}

HC_CHECK(halt_poll)
{
	_cleanup_free_ char *v = NULL;
	int r = module_param(c, "kvm/parameters/halt_poll_ns", &v);

	if (hc_param(out, "kvm.halt_poll_ns=200000") < 0)
		return -ENOMEM;
	if (r == -ENOENT)
		return hc_warn(out, "the kvm module is not loaded or has no halt_poll_ns");
	if (r < 0)
		return hc_warn(out, "cannot read kvm.halt_poll_ns: %s", strerror(-r));
	if (strcmp(v, "0") != 0)
		return hc_pass(out);
	return hc_warn(out, "halt polling is off: a halted vCPU waits for a host wake-up on its "
			    "dedicated CPU; boot with kvm.halt_poll_ns=200000");
}

HC_CHECK(kvm_vendor)
{
	static const struct {
		const char *module, *param, *fix;
	} vendors[] = {
	    {"kvm_intel", "ple_gap", "kvm_intel.ple_gap=0"},
	    {"kvm_amd", "pause_filter_count", "kvm_amd.pause_filter_count=0"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(vendors); i++) {
		_cleanup_free_ char *v = NULL;
		char path[96];
		int r;

		snprintf(path, sizeof(path), "sys/module/%s", vendors[i].module);
		if (!kvmrt_sysroot_exists(c->root, path))
			continue;
		if (hc_param(out, "%s", vendors[i].fix) < 0)
			return -ENOMEM;
		snprintf(path, sizeof(path), "%s/parameters/%s", vendors[i].module,
			 vendors[i].param);
		r = module_param(c, path, &v);
		if (r == 0 && !strcmp(v, "0"))
			return hc_pass(out);
		return hc_warn(out,
			       "%s.%s is %s: a spinning vCPU exits to the host on pause "
			       "loops; boot with %s",
			       vendors[i].module, vendors[i].param, r == 0 ? v : "unknown",
			       vendors[i].fix);
	}
	return hc_warn(out, "neither kvm_intel nor kvm_amd is loaded");
}

/* The bytes of huge pages reserved in every size, or a negative errno. */
static long long hugepage_bytes(const struct hc_ctx *c)
{
	char **sizes = NULL;
	long long total = 0;
	int n = kvmrt_sysroot_list(c->root, "sys/kernel/mm/hugepages", &sizes);

	if (n == -ENOMEM)
		return n;
	for (int i = 0; i < n; i++) {
		char path[128];
		unsigned long kb;
		long pages;

		if (sscanf(sizes[i], "hugepages-%lukB", &kb) != 1 || kb > (1ul << 30))
			continue;
		snprintf(path, sizeof(path), "sys/kernel/mm/hugepages/%s/nr_hugepages", sizes[i]);
		if (kvmrt_sysroot_read_long(c->root, path, &pages) == 0 && pages > 0 &&
		    pages < (1l << 30))
			total += (long long)pages * (long long)kb * 1024;
	}
	kvmrt_strv_free(sizes);
	return total;
}

HC_CHECK(hugepages)
{
	long long bytes;

	if (!c->env->locked_memory)
		return hc_pass(out);
	bytes = hugepage_bytes(c);
	if (bytes < 0)
		return (int)bytes;
	if (bytes > 0)
		return hc_pass(out);
	return hc_warn(out,
		       "no huge pages are reserved, and the rt VMs lock their memory: "
		       "reserve huge pages at boot (hugepagesz=1G hugepages=N) and back the VMs "
		       "with them");
}

/* Whether /etc/libvirt/qemu.conf leaves the cpu controller out of cgroup_controllers. */
static bool libvirt_without_cpu_cgroup(const struct hc_ctx *c)
{
	_cleanup_free_ char *conf = NULL;
	char *save = NULL;
	size_t len;

	if (kvmrt_sysroot_read(c->root, "etc/libvirt/qemu.conf", &conf, &len) < 0)
		return false;
	for (char *line = strtok_r(conf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (strncmp(line, "cgroup_controllers", 18))
			continue;
		return !strstr(line, "\"cpu\"");
	}
	return false;
}

/* The cgroup v1 hierarchy of the cpu controller with RT group scheduling, or NULL. */
static const char *rt_group_hierarchy(const struct hc_ctx *c)
{
	static const char *const dirs[] = {"sys/fs/cgroup/cpu,cpuacct", "sys/fs/cgroup/cpu"};
	char path[96];

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/cpu.rt_runtime_us", dirs[i]);
		if (kvmrt_sysroot_exists(c->root, path))
			return dirs[i];
	}
	return NULL;
}

HC_CHECK(rt_sched_libvirt)
{
	static const char *const machines[] = {"machine.slice", "machine"};
	const char *h = rt_group_hierarchy(c);
	char path[160];
	long runtime;

	/* without RT group scheduling, or without libvirt's cpu cgroup, nothing limits FIFO */
	if (!h || libvirt_without_cpu_cgroup(c))
		return hc_pass(out);
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++) {
		snprintf(path, sizeof(path), "%s/%s/cpu.rt_runtime_us", h, machines[i]);
		if (kvmrt_sysroot_read_long(c->root, path, &runtime) < 0)
			continue;
		if (runtime > 0)
			return hc_pass(out);
		return hc_fail(
		    out,
		    "/%s is %ld: the kernel refuses SCHED_FIFO to vCPU threads in "
		    "libvirt's cgroup; write a runtime (e.g. 950000) there and to the VMs' "
		    "cgroups below it, or leave \"cpu\" out of cgroup_controllers in "
		    "/etc/libvirt/qemu.conf",
		    path, runtime);
	}
	return hc_warn(out,
		       "the kernel has RT group scheduling and libvirt's cgroup /%s/machine"
		       ".slice does not exist yet: new cgroups get cpu.rt_runtime_us 0, so "
		       "SCHED_FIFO will be refused; give it a runtime once made, or leave \"cpu\" "
		       "out of cgroup_controllers in /etc/libvirt/qemu.conf",
		       h);
}

/* Whether process @pid may lock memory without limit (CAP_SYS_RESOURCE or no hard limit). */
static bool may_lock_memory(const struct hc_ctx *c, long pid)
{
	_cleanup_free_ char *status = NULL, *limits = NULL;
	char path[64];
	size_t len;
	const char *p;

	snprintf(path, sizeof(path), "proc/%ld/status", pid);
	if (kvmrt_sysroot_read(c->root, path, &status, &len) == 0 &&
	    (p = strstr(status, "\nCapEff:")) &&
	    (strtoull(p + 8, NULL, 16) >> HC_CAP_SYS_RESOURCE & 1))
		return true;
	snprintf(path, sizeof(path), "proc/%ld/limits", pid);
	if (kvmrt_sysroot_read(c->root, path, &limits, &len) < 0 ||
	    !(p = strstr(limits, "Max locked memory")))
		return false;
	/* "Max locked memory   SOFT   HARD   bytes": the hard limit */
	p += strlen("Max locked memory");
	p += strspn(p, " ");
	p += strcspn(p, " ");
	p += strspn(p, " ");
	return !strncmp(p, "unlimited", 9);
}

HC_CHECK(memlock)
{
	static const char *const daemons[] = {"libvirtd", "virtqemud"};

	if (!c->env->locked_memory)
		return hc_pass(out);
	for (size_t i = 0; i < ARRAY_SIZE(daemons); i++) {
		long pid = hc_find_process(c, daemons[i]);

		if (pid < 0)
			return (int)pid;
		if (pid == 0)
			continue;
		if (may_lock_memory(c, pid))
			return hc_pass(out);
		return hc_fail(out,
			       "%s (PID %ld) can neither raise nor lift RLIMIT_MEMLOCK, and the "
			       "rt VMs lock their memory: run it as root with CAP_SYS_RESOURCE or "
			       "with LimitMEMLOCK=infinity",
			       daemons[i], pid);
	}
	return hc_warn(out, "libvirtd is not running: start it, then check again");
}
