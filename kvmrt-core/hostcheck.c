/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostcheck.c - the host checks of kvmrt-validate-host: the table of every
 * check, the context they read once (kernel command line, CPU sets), and the
 * runner. The checks themselves live in hostcheck-{kernel,cpu,kvm,guest}.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "hostcheck-private.h"

struct hc_desc {
	const char *id;
	const char *what;
	hc_check_fn fn;
	bool guest; /* only with env->guest */
};

/* clang-format off */
#define HOST(id, fn, what) { id, what, hc_check_##fn, false }
#define GUEST(id, fn, what) { id, what, hc_check_##fn, true }

/* Every check, in the order they are printed. */
static const struct hc_desc checks[] = {
	HOST("rt-kernel", rt_kernel, "for a real-time kernel (preemption model)"),
	HOST("isolation", isolation, "isolation of the rt CPUs from the scheduler"),
	HOST("nohz-full", nohz_full, "adaptive ticks (nohz_full) on the rt CPUs"),
	HOST("rcu-nocbs", rcu_nocbs, "RCU callbacks offloaded from the rt CPUs"),
	HOST("irqaffinity", irqaffinity, "default IRQ affinity of the rt CPUs"),
	HOST("irqs", irqs, "IRQs on the rt CPUs"),
	HOST("irqbalance", irqbalance, "that irqbalance is not running"),
	HOST("sched-rt-runtime", sched_rt_runtime,
	     "that RT throttling is off (sched_rt_runtime_us)"),
	HOST("timer-migration", timer_migration, "that timer migration is off"),
	HOST("numa-balancing", numa_balancing, "that automatic NUMA balancing is off"),
	HOST("nmi-watchdog", nmi_watchdog, "that the NMI watchdog is off"),
	HOST("thp", thp, "that transparent huge pages are off"),
	HOST("ksm", ksm, "that KSM (same-page merging) is off"),
	HOST("workqueue", workqueue, "unbound workqueue CPU mask"),
	HOST("cstates", cstates, "deep C-states of the rt CPUs"),
	HOST("cpufreq", cpufreq, "CPU frequency governor of the rt CPUs"),
	HOST("clocksource", clocksource, "that the clocksource is tsc"),
	HOST("tsc", tsc, "invariant TSC (constant_tsc, nonstop_tsc)"),
	HOST("smt", smt, "SMT siblings of the rt CPUs"),
	HOST("cpu0", cpu0, "CPU 0 kept for housekeeping"),
	HOST("dev-kvm", dev_kvm, "if device /dev/kvm exists and is accessible"),
	HOST("kvmclock-sync", kvmclock_sync, "that KVM's periodic kvmclock sync is off"),
	HOST("halt-poll", halt_poll, "KVM halt polling (halt_poll_ns)"),
	HOST("kvm-vendor", kvm_vendor, "that KVM pause-loop exiting is off"),
	HOST("hugepages", hugepages, "huge pages for locked VM memory"),
	HOST("rt-sched-libvirt", rt_sched_libvirt, "RT scheduling allowed in libvirt's cgroup"),
	HOST("memlock", memlock, "memory locking allowed for libvirt"),
	GUEST("ptp-kvm", ptp_kvm, "guest: ptp_kvm clock"),
	GUEST("chrony-phc", chrony_phc, "guest: chrony with a PHC refclock"),
	GUEST("chronyd", chronyd, "guest: that chronyd is running"),
};
/* clang-format on */

const char *kvmrt_verdict_name(enum kvmrt_verdict v)
{
	switch (v) {
	case KVMRT_PASS:
		return "PASS";
	case KVMRT_WARN:
		return "WARN";
	default:
		return "FAIL";
	}
}

unsigned kvmrt_hostcheck_nr(void)
{
	return ARRAY_SIZE(checks);
}

const char *kvmrt_hostcheck_id(unsigned i)
{
	return i < ARRAY_SIZE(checks) ? checks[i].id : NULL;
}

static int __attribute__((format(printf, 2, 0))) set_text(char **dst, const char *fmt, va_list ap)
{
	char *text;

	if (vasprintf(&text, fmt, ap) < 0)
		return -ENOMEM;
	free(*dst);
	*dst = text;
	return 0;
}

int hc_pass(struct kvmrt_hostcheck *out)
{
	out->verdict = KVMRT_PASS;
	free(out->hint);
	out->hint = NULL;
	return 0;
}

static int __attribute__((format(printf, 3, 0)))
verdict(struct kvmrt_hostcheck *out, enum kvmrt_verdict v, const char *fmt, va_list ap)
{
	out->verdict = v;
	return set_text(&out->hint, fmt, ap);
}

int hc_warn(struct kvmrt_hostcheck *out, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = verdict(out, KVMRT_WARN, fmt, ap);
	va_end(ap);
	return r;
}

int hc_fail(struct kvmrt_hostcheck *out, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = verdict(out, KVMRT_FAIL, fmt, ap);
	va_end(ap);
	return r;
}

int hc_param(struct kvmrt_hostcheck *out, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = set_text(&out->param, fmt, ap);
	va_end(ap);
	return r;
}

bool hc_no_rt(const struct hc_ctx *c, struct kvmrt_hostcheck *out, int *ret)
{
	if (c->rt)
		return false;
	*ret =
	    hc_warn(out, "no rt CPUs configured: give -f FILE with real-time VMs or --cpus LIST");
	return true;
}

/* ---- The context ---- */

static void ctx_done(struct hc_ctx *c)
{
	free(c->rt_list);
	free(c->hk_list);
	free(c->cmdline);
	free(c->cpuinfo);
	kvmrt_ids_done(&c->online);
	kvmrt_ids_done(&c->housekeeping);
}

/* The whole file @path, or "" when it cannot be read. NULL only when out of memory. */
static char *read_or_empty(const struct kvmrt_sysroot *s, const char *path)
{
	char *text;

	if (kvmrt_sysroot_read_line(s, path, &text) < 0)
		text = strdup("");
	return text;
}

static int ctx_init(struct hc_ctx *c, const struct kvmrt_hostcheck_env *env)
{
	int r;

	*c = (struct hc_ctx){.env = env, .root = env->root};
	if (env->rt_cpus && kvmrt_ids_count(env->rt_cpus) > 0)
		c->rt = env->rt_cpus;
	c->cmdline = read_or_empty(c->root, "proc/cmdline");
	c->cpuinfo = read_or_empty(c->root, "proc/cpuinfo");
	if (!c->cmdline || !c->cpuinfo)
		return -ENOMEM;
	r = hc_read_list(c, "sys/devices/system/cpu/online", &c->online);
	if (r == -ENOMEM)
		return r;
	if (r < 0 && kvmrt_ids_init(&c->online, 0) < 0)
		return -ENOMEM;
	if (kvmrt_ids_copy(&c->housekeeping, &c->online) < 0)
		return -ENOMEM;
	if (c->rt) {
		kvmrt_ids_andnot(&c->housekeeping, c->rt);
		if (kvmrt_ids_format(c->rt, &c->rt_list) < 0)
			return -ENOMEM;
	}
	return kvmrt_ids_format(&c->housekeeping, &c->hk_list);
}

/* ---- Running ---- */

void kvmrt_hostchecks_done(struct kvmrt_hostchecks *r)
{
	for (unsigned i = 0; i < r->nr; i++) {
		free(r->c[i].hint);
		free(r->c[i].param);
	}
	free(r->c);
	r->c = NULL;
	r->nr = 0;
}

int kvmrt_hostcheck_run(const struct kvmrt_hostcheck_env *env, struct kvmrt_hostchecks *ret)
{
	struct kvmrt_hostchecks r = {};
	struct hc_ctx c;
	int err;

	r.c = calloc(ARRAY_SIZE(checks), sizeof(*r.c));
	if (!r.c)
		return -ENOMEM;
	err = ctx_init(&c, env);
	for (size_t i = 0; err == 0 && i < ARRAY_SIZE(checks); i++) {
		const struct hc_desc *d = &checks[i];
		struct kvmrt_hostcheck *out;

		if (d->guest && !env->guest)
			continue;
		out = &r.c[r.nr++];
		*out = (struct kvmrt_hostcheck){.id = d->id, .what = d->what};
		err = d->fn(&c, out);
	}
	ctx_done(&c);
	if (err < 0) {
		kvmrt_hostchecks_done(&r);
		return err;
	}
	*ret = r;
	return 0;
}

unsigned kvmrt_hostchecks_count(const struct kvmrt_hostchecks *r, enum kvmrt_verdict v)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->nr; i++)
		n += r->c[i].verdict == v;
	return n;
}

int kvmrt_hostcheck_cmdline(const struct kvmrt_hostchecks *r, char **ret)
{
	size_t len = 1;
	char *line;

	for (unsigned i = 0; i < r->nr; i++)
		if (r->c[i].verdict != KVMRT_PASS && r->c[i].param)
			len += strlen(r->c[i].param) + 1;
	line = malloc(len);
	if (!line)
		return -ENOMEM;
	line[0] = '\0';
	for (unsigned i = 0; i < r->nr; i++) {
		const struct kvmrt_hostcheck *k = &r->c[i];

		if (k->verdict == KVMRT_PASS || !k->param)
			continue;
		if (line[0])
			strcat(line, " ");
		strcat(line, k->param);
	}
	*ret = line;
	return 0;
}

int kvmrt_hostcheck_plan_cpus(const struct kvmrt_config *c, const struct kvmrt_topology *t,
			      struct kvmrt_ids *ret, bool *ret_locked)
{
	struct kvmrt_ids cpus;
	bool locked = false;

	if (kvmrt_ids_init(&cpus, kvmrt_topology_nr_cpus(t)) < 0)
		return -ENOMEM;
	for (unsigned i = 0; i < c->nr_vms; i++) {
		const struct kvmrt_vm *vm = &c->vms[i];
		struct kvmrt_vm_plan p;

		if (!vm->rt || vm->disabled)
			continue;
		if (kvmrt_plan_vm(vm, t, &p) < 0) {
			kvmrt_ids_done(&cpus);
			return -ENOMEM;
		}
		if (p.status == 0) {
			kvmrt_ids_or(&cpus, &p.owned);
			locked |= p.mem_locked;
		}
		kvmrt_plan_vm_done(&p);
	}
	*ret = cpus;
	if (ret_locked)
		*ret_locked = locked;
	return 0;
}
