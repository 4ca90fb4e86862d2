/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostcheck-kernel.c - host checks of the kernel: preemption model, CPU
 * isolation (isolcpus, cgroup v2 partitions, nohz_full, rcu_nocbs), and the
 * sysctls and memory features that disturb real-time CPUs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "hostcheck-private.h"

/* Whether @word is one of the blank-separated words of @text (NULL: no). */
static bool has_word(const char *text, const char *word)
{
	size_t wlen = strlen(word);

	for (const char *p = text; p && (p = strstr(p, word)); p += wlen)
		if ((p == text || p[-1] == ' ') &&
		    (p[wlen] == ' ' || p[wlen] == '\0' || p[wlen] == '\n'))
			return true;
	return false;
}

/* The selected mode of a "none voluntary (full) lazy" file into @buf, or NULL. */
static const char *selected_mode(const char *text, char open, char close, char *buf, size_t len)
{
	const char *a = text ? strchr(text, open) : NULL;
	const char *b = a ? strchr(a, close) : NULL;

	if (!b || (size_t)(b - a) > len)
		return NULL;
	snprintf(buf, len, "%.*s", (int)(b - a - 1), a + 1);
	return buf;
}

HC_CHECK(rt_kernel)
{
	_cleanup_free_ char *version = NULL, *preempt = NULL;
	const char *mode;
	char buf[32];
	long realtime;

	if (kvmrt_sysroot_read_long(c->root, "sys/kernel/realtime", &realtime) == 0 &&
	    realtime == 1)
		return hc_pass(out);
	if (kvmrt_sysroot_read_line(c->root, "proc/version", &version) < 0)
		return hc_warn(out, "cannot read /proc/version: is /proc mounted?");
	if (has_word(version, "PREEMPT_RT"))
		return hc_pass(out);
	if (has_word(version, "PREEMPT_DYNAMIC")) {
		/* debugfs may be missing or locked: then the mode is unknown */
		kvmrt_sysroot_read_line(c->root, "sys/kernel/debug/sched/preempt", &preempt);
		mode = selected_mode(preempt, '(', ')', buf, sizeof(buf));
		if (mode && !strcmp(mode, "full"))
			return hc_warn(out,
				       "PREEMPT_DYNAMIC kernel in full preemption: a PREEMPT_RT "
				       "kernel bounds host latencies better; install one");
		if (hc_param(out, "preempt=full") < 0)
			return -ENOMEM;
		return hc_warn(out,
			       "PREEMPT_DYNAMIC kernel, preemption '%s': boot with "
			       "preempt=full, or better a PREEMPT_RT kernel",
			       mode ? mode : "unknown");
	}
	if (has_word(version, "PREEMPT"))
		return hc_warn(out, "preemptible kernel but not PREEMPT_RT: install a PREEMPT_RT "
				    "kernel");
	return hc_fail(out, "kernel without preemption (PREEMPT_NONE or VOLUNTARY): install a "
			    "PREEMPT_RT kernel");
}

/*
 * The rt CPUs outside @set, for messages into @buf (hc_cpus()). Returns 1 when there are
 * some, 0 when @set holds every rt CPU, or -ENOMEM.
 */
static int rt_outside(const struct hc_ctx *c, const struct kvmrt_ids *set, char *buf, size_t len)
{
	struct kvmrt_ids rest;
	int r;

	if (kvmrt_ids_copy(&rest, c->rt) < 0)
		return -ENOMEM;
	kvmrt_ids_andnot(&rest, set);
	r = kvmrt_ids_count(&rest) > 0;
	hc_cpus(&rest, buf, len);
	kvmrt_ids_done(&rest);
	return r;
}

/* Adds the CPU list of @name= on the kernel command line (after any flags) to @acc. */
static int add_cmdline_list(const struct hc_ctx *c, const char *name, struct kvmrt_ids *acc)
{
	struct kvmrt_ids ids = {};
	char buf[1024];
	const char *v = hc_cmdline_value(c, name, buf, sizeof(buf));
	int r;

	if (!v)
		return 0;
	r = hc_parse_flagged_list(v, &ids);
	if (r == 0)
		kvmrt_ids_or(acc, &ids);
	kvmrt_ids_done(&ids);
	return r == -ENOMEM ? r : 0;
}

/* Adds the CPU list in file @path (when readable and well-formed) to @acc. */
static int add_file_list(const struct hc_ctx *c, const char *path, struct kvmrt_ids *acc)
{
	struct kvmrt_ids ids = {};
	int r = hc_read_list(c, path, &ids);

	if (r == 0)
		kvmrt_ids_or(acc, &ids);
	kvmrt_ids_done(&ids);
	return r == -ENOMEM ? r : 0;
}

/* The cgroup v2 hierarchy (the unified mount of a hybrid setup), or NULL when there is none. */
static const char *cgroup2_root(const struct hc_ctx *c)
{
	if (kvmrt_sysroot_exists(c->root, "sys/fs/cgroup/unified/cgroup.controllers"))
		return "sys/fs/cgroup/unified";
	if (kvmrt_sysroot_exists(c->root, "sys/fs/cgroup/cgroup.controllers"))
		return "sys/fs/cgroup";
	return NULL;
}

/* Whether the cgroup v2 hierarchy has the cpuset controller (so partitions can be made). */
static bool partitions_possible(const struct hc_ctx *c)
{
	_cleanup_free_ char *path = NULL, *controllers = NULL;

	if (!cgroup2_root(c) || asprintf(&path, "%s/cgroup.controllers", cgroup2_root(c)) < 0 ||
	    kvmrt_sysroot_read_line(c->root, path, &controllers) < 0)
		return false;
	return has_word(controllers, "cpuset");
}

/* Adds the CPUs of the isolated cgroup partitions to @acc (none when a file is unreadable). */
static int add_partitions(const struct hc_ctx *c, struct kvmrt_ids *acc)
{
	struct kvmrt_ids ids;
	char why[256];
	int r = kvmrt_cpus_partitioned(c->root, &ids, why, sizeof(why));

	if (r == 0) {
		kvmrt_ids_or(acc, &ids);
		kvmrt_ids_done(&ids);
	}
	return r == -ENOMEM ? r : 0;
}

static int isolated_cpus(const struct hc_ctx *c, struct kvmrt_ids *ret)
{
	int r = kvmrt_ids_init(ret, KVMRT_MAX_IDS);

	if (r == 0)
		r = add_cmdline_list(c, "isolcpus", ret);
	if (r == 0)
		r = add_file_list(c, "sys/devices/system/cpu/isolated", ret);
	if (r == 0)
		r = add_partitions(c, ret);
	return r;
}

HC_CHECK(isolation)
{
	struct kvmrt_ids iso;
	char list[256];
	int r;

	if (hc_no_rt(c, out, &r))
		return r;
	if (hc_param(out, "isolcpus=managed_irq,domain,%s", c->rt_list) < 0)
		return -ENOMEM;
	r = isolated_cpus(c, &iso);
	if (r == 0)
		r = rt_outside(c, &iso, list, sizeof(list));
	kvmrt_ids_done(&iso);
	if (r <= 0)
		return r < 0 ? r : hc_pass(out);
	if (partitions_possible(c))
		return hc_warn(out,
			       "not isolated yet: %s; kvmrt-boot isolates the rt CPUs in a "
			       "cgroup partition, isolcpus= does from boot on",
			       list);
	return hc_fail(out,
		       "not isolated: %s, and the kernel offers no cgroup v2 cpuset "
		       "partition: boot with isolcpus=",
		       list);
}

/*
 * The rt CPUs outside the union of the lists of @names= and the file @path,
 * into @buf. Returns 1 when there are some, 0 when none, or -ENOMEM.
 */
static int rt_missing(const struct hc_ctx *c, const char *const *names, const char *path, char *buf,
		      size_t len)
{
	struct kvmrt_ids set;
	int r = kvmrt_ids_init(&set, KVMRT_MAX_IDS);

	for (; r == 0 && *names; names++)
		r = add_cmdline_list(c, *names, &set);
	if (r == 0)
		r = add_file_list(c, path, &set);
	if (r == 0)
		r = rt_outside(c, &set, buf, len);
	kvmrt_ids_done(&set);
	return r;
}

HC_CHECK(nohz_full)
{
	static const char *const names[] = {"nohz_full", NULL};
	char list[256];
	int r;

	if (hc_no_rt(c, out, &r))
		return r;
	if (hc_param(out, "nohz_full=%s", c->rt_list) < 0)
		return -ENOMEM;
	r = rt_missing(c, names, "sys/devices/system/cpu/nohz_full", list, sizeof(list));
	if (r <= 0)
		return r < 0 ? r : hc_pass(out);
	return hc_warn(out, "the scheduler tick still interrupts %s: boot with nohz_full=", list);
}

HC_CHECK(rcu_nocbs)
{
	/* nohz_full= offloads RCU callbacks from its CPUs too */
	static const char *const names[] = {"rcu_nocbs", "nohz_full", NULL};
	char list[256];
	int r;

	if (hc_no_rt(c, out, &r))
		return r;
	if (hc_param(out, "rcu_nocbs=%s", c->rt_list) < 0)
		return -ENOMEM;
	r = rt_missing(c, names, "sys/devices/system/cpu/nohz_full", list, sizeof(list));
	if (r <= 0)
		return r < 0 ? r : hc_pass(out);
	return hc_warn(out, "RCU callbacks still run on %s: boot with rcu_nocbs=", list);
}

/* A value file the host should hold at @good. */
struct wanted {
	const char *path;
	const char *name; /* for the message */
	long good;
	bool missing_ok;   /* a kernel without the file has nothing to fix */
	const char *why;   /* what the other values do */
	const char *param; /* the fix on the kernel command line, or NULL */
};

static int check_value(const struct hc_ctx *c, struct kvmrt_hostcheck *out, const struct wanted *w)
{
	long v;
	int r = kvmrt_sysroot_read_long(c->root, w->path, &v);

	if (w->param && hc_param(out, "%s", w->param) < 0)
		return -ENOMEM;
	if (r == -ENOENT && w->missing_ok)
		return hc_pass(out);
	if (r < 0)
		return hc_warn(out, "cannot read /%s: %s", w->path, strerror(-r));
	if (v == w->good)
		return hc_pass(out);
	return hc_warn(out, "%s is %ld: %s; set it to %ld%s%s", w->name, v, w->why, w->good,
		       w->param ? " or boot with " : "", w->param ? w->param : "");
}

HC_CHECK(sched_rt_runtime)
{
	static const struct wanted w = {
	    "proc/sys/kernel/sched_rt_runtime_us",
	    "kernel.sched_rt_runtime_us",
	    -1,
	    false,
	    "real-time tasks are throttled and a polling vCPU thread is stopped every period",
	    "sysctl.kernel.sched_rt_runtime_us=-1",
	};

	return check_value(c, out, &w);
}

HC_CHECK(timer_migration)
{
	static const struct wanted w = {
	    "proc/sys/kernel/timer_migration",
	    "kernel.timer_migration",
	    0,
	    true,
	    "timers of housekeeping CPUs may move onto the rt CPUs",
	    "sysctl.kernel.timer_migration=0",
	};

	return check_value(c, out, &w);
}

HC_CHECK(numa_balancing)
{
	static const struct wanted w = {
	    "proc/sys/kernel/numa_balancing",
	    "kernel.numa_balancing",
	    0,
	    true,
	    "page migration faults stall the VMs' memory accesses",
	    "numa_balancing=disable",
	};

	return check_value(c, out, &w);
}

HC_CHECK(nmi_watchdog)
{
	static const struct wanted w = {
	    "proc/sys/kernel/nmi_watchdog",	   "kernel.nmi_watchdog", 0, true,
	    "a periodic NMI interrupts every CPU", "nmi_watchdog=0",
	};

	return check_value(c, out, &w);
}

HC_CHECK(thp)
{
	_cleanup_free_ char *text = NULL;
	const char *mode;
	char buf[32];
	int r =
	    kvmrt_sysroot_read_line(c->root, "sys/kernel/mm/transparent_hugepage/enabled", &text);

	if (hc_param(out, "transparent_hugepage=never") < 0)
		return -ENOMEM;
	if (r == -ENOENT)
		return hc_pass(out);
	mode = r == 0 ? selected_mode(text, '[', ']', buf, sizeof(buf)) : NULL;
	if (mode && !strcmp(mode, "never"))
		return hc_pass(out);
	return hc_warn(out,
		       "transparent huge pages are '%s': khugepaged and compaction stall "
		       "the CPUs; boot with transparent_hugepage=never and back rt VMs with "
		       "reserved huge pages",
		       mode ? mode : "unknown");
}

HC_CHECK(ksm)
{
	long run;
	int r = kvmrt_sysroot_read_long(c->root, "sys/kernel/mm/ksm/run", &run);

	/* 0 stopped, 2 stopped after unmerging: only 1 merges */
	if (r == -ENOENT || (r == 0 && run != 1))
		return hc_pass(out);
	if (r < 0)
		return hc_warn(out, "cannot read /sys/kernel/mm/ksm/run: %s", strerror(-r));
	return hc_warn(out, "KSM scans and merges pages: stop ksm and ksmtuned and write 2 to "
			    "/sys/kernel/mm/ksm/run");
}

HC_CHECK(workqueue)
{
	struct kvmrt_ids mask, others;
	char list[256];
	bool bad;
	int r;

	if (hc_no_rt(c, out, &r))
		return r;
	if (c->hk_list[0] && hc_param(out, "workqueue.unbound_cpus=%s", c->hk_list) < 0)
		return -ENOMEM;
	r = hc_read_mask(c, "sys/devices/virtual/workqueue/cpumask", &mask);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return hc_warn(out, "cannot read /sys/devices/virtual/workqueue/cpumask: %s",
			       strerror(-r));
	/* mask minus (mask minus rt) = the rt CPUs in the mask */
	r = kvmrt_ids_copy(&others, &mask);
	if (r == 0) {
		kvmrt_ids_andnot(&others, c->rt);
		kvmrt_ids_andnot(&mask, &others);
		kvmrt_ids_done(&others);
	}
	hc_cpus(&mask, list, sizeof(list));
	bad = kvmrt_ids_count(&mask) > 0;
	kvmrt_ids_done(&mask);
	if (r < 0)
		return r;
	if (!bad)
		return hc_pass(out);
	return hc_warn(out,
		       "unbound workqueues may run on %s: write the housekeeping CPUs' "
		       "mask to /sys/devices/virtual/workqueue/cpumask or boot with "
		       "workqueue.unbound_cpus=",
		       list);
}
