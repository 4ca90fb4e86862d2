/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostcheck-private.h - what the host check files (hostcheck-*.c) share. */
#ifndef KVMRT_HOSTCHECK_PRIVATE_H
#define KVMRT_HOSTCHECK_PRIVATE_H

#include <stdarg.h>

#include "kvmrt-hostcheck.h"

/* What every check reads, read once. */
struct hc_ctx {
	const struct kvmrt_hostcheck_env *env;
	const struct kvmrt_sysroot *root;
	const struct kvmrt_ids *rt;    /* NULL when no rt CPUs are configured */
	char *rt_list;		       /* rt as a list ("2-7"), or NULL */
	struct kvmrt_ids online;       /* sys/devices/system/cpu/online (empty if unreadable) */
	struct kvmrt_ids housekeeping; /* online CPUs outside rt */
	char *hk_list;		       /* housekeeping as a list ("" when none) */
	char *cmdline;		       /* proc/cmdline, "" when unreadable */
	char *cpuinfo;		       /* proc/cpuinfo, "" when unreadable */
};

/* A check: fills @out's verdict, hint and param. Returns 0 or -ENOMEM. */
typedef int (*hc_check_fn)(const struct hc_ctx *c, struct kvmrt_hostcheck *out);

#define HC_CHECK(name) int hc_check_##name(const struct hc_ctx *c, struct kvmrt_hostcheck *out)

/* hostcheck-kernel.c */
HC_CHECK(rt_kernel);
HC_CHECK(isolation);
HC_CHECK(nohz_full);
HC_CHECK(rcu_nocbs);
HC_CHECK(sched_rt_runtime);
HC_CHECK(timer_migration);
HC_CHECK(numa_balancing);
HC_CHECK(nmi_watchdog);
HC_CHECK(thp);
HC_CHECK(ksm);
HC_CHECK(workqueue);
/* hostcheck-irq.c */
HC_CHECK(irqaffinity);
HC_CHECK(irqs);
HC_CHECK(irqbalance);
/* hostcheck-cpu.c */
HC_CHECK(cstates);
HC_CHECK(cpufreq);
HC_CHECK(clocksource);
HC_CHECK(tsc);
HC_CHECK(smt);
HC_CHECK(cpu0);
/* hostcheck-kvm.c */
HC_CHECK(dev_kvm);
HC_CHECK(kvmclock_sync);
HC_CHECK(halt_poll);
HC_CHECK(kvm_vendor);
HC_CHECK(hugepages);
HC_CHECK(rt_sched_libvirt);
HC_CHECK(memlock);
/* hostcheck-guest.c */
HC_CHECK(ptp_kvm);
HC_CHECK(chrony_phc);
HC_CHECK(chronyd);

/* Verdicts: set the verdict and format the hint. Return 0 or -ENOMEM. */
int hc_pass(struct kvmrt_hostcheck *out);
int hc_warn(struct kvmrt_hostcheck *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int hc_fail(struct kvmrt_hostcheck *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Sets the kernel parameters that fix the check. Returns 0 or -ENOMEM. */
int hc_param(struct kvmrt_hostcheck *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Without rt CPUs: warns that none are configured and returns true. */
bool hc_no_rt(const struct hc_ctx *c, struct kvmrt_hostcheck *out, int *ret);

/*
 * The value of the last "NAME=VALUE" on the kernel command line (borrowed
 * into a buffer of @len bytes), or NULL when NAME is not given with a value.
 */
const char *hc_cmdline_value(const struct hc_ctx *c, const char *name, char *buf, size_t len);

/*
 * CPU lists into @ret (initialised by these calls): a plain list ("2-7";
 * "(null)" and "" are empty), a list after flags ("managed_irq,domain,2-7"),
 * a hexadecimal mask in 32-bit groups ("ff,00000000"). -EINVAL when malformed.
 */
int hc_parse_list(const char *s, struct kvmrt_ids *ret);
int hc_parse_flagged_list(const char *s, struct kvmrt_ids *ret);
int hc_parse_mask(const char *s, struct kvmrt_ids *ret);
/* Reads @path as a list (hc_parse_list) or mask (hc_parse_mask). */
int hc_read_list(const struct hc_ctx *c, const char *path, struct kvmrt_ids *ret);
int hc_read_mask(const struct hc_ctx *c, const char *path, struct kvmrt_ids *ret);
/* @s for messages into @buf: "CPU 3", "CPUs 2-7" or "no CPU" (cut with "..."). Returns @buf. */
const char *hc_cpus(const struct kvmrt_ids *s, char *buf, size_t len);

/* The PID of a process whose comm is @comm, 0 when none runs, or a negative errno. */
long hc_find_process(const struct hc_ctx *c, const char *comm);
/* Whether the word @flag is among the "flags" of proc/cpuinfo. */
bool hc_cpu_flag(const struct hc_ctx *c, const char *flag);

#endif
