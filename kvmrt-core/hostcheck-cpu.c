/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostcheck-cpu.c - host checks of the CPUs: idle states, frequency governor,
 * clocksource and TSC, SMT siblings, CPU 0 for housekeeping.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "hostcheck-private.h"

/* Idle states that take longer than this to leave are too deep for rt CPUs. */
#define HC_MAX_EXIT_LATENCY_US 10

/* The CPUs whose power settings matter: the rt CPUs, else every online CPU. */
static const struct kvmrt_ids *power_cpus(const struct hc_ctx *c)
{
	return c->rt ? c->rt : &c->online;
}

#define for_each_cpu(cpu, set)                                                                     \
	for (int cpu = kvmrt_ids_next(set, 0); cpu >= 0;                                           \
	     cpu = kvmrt_ids_next(set, (unsigned)cpu + 1))

/* The longest exit latency of an enabled idle state of @cpu deeper than the limit, or 0. */
static long deepest_enabled(const struct hc_ctx *c, int cpu)
{
	char dir[96], path[160];
	char **states = NULL;
	long worst = 0;
	int n;

	snprintf(dir, sizeof(dir), "sys/devices/system/cpu/cpu%d/cpuidle", cpu);
	n = kvmrt_sysroot_list(c->root, dir, &states);
	for (int i = 0; i < n; i++) {
		long latency, disabled;

		snprintf(path, sizeof(path), "%s/%s/latency", dir, states[i]);
		if (kvmrt_sysroot_read_long(c->root, path, &latency) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/disable", dir, states[i]);
		if (kvmrt_sysroot_read_long(c->root, path, &disabled) < 0)
			disabled = 0;
		if (!disabled && latency > HC_MAX_EXIT_LATENCY_US && latency > worst)
			worst = latency;
	}
	kvmrt_strv_free(states);
	return worst;
}

HC_CHECK(cstates)
{
	const struct kvmrt_ids *cpus = power_cpus(c);
	struct kvmrt_ids deep;
	char list[256];
	long worst = 0;

	if (hc_param(out, "processor.max_cstate=1%s",
		     strstr(c->cpuinfo, "GenuineIntel") ? " intel_idle.max_cstate=0" : "") < 0 ||
	    kvmrt_ids_init(&deep, cpus->nbits) < 0)
		return -ENOMEM;
	for_each_cpu(cpu, cpus)
	{
		long latency = deepest_enabled(c, cpu);

		if (latency > 0)
			kvmrt_ids_add(&deep, (unsigned)cpu);
		if (latency > worst)
			worst = latency;
	}
	hc_cpus(&deep, list, sizeof(list));
	kvmrt_ids_done(&deep);
	if (worst == 0)
		return hc_pass(out);
	return hc_warn(out,
		       "%s may enter idle states taking up to %ld us to leave: disable "
		       "them (cpupower idle-set -D %d) or boot with %s",
		       list, worst, HC_MAX_EXIT_LATENCY_US, out->param);
}

HC_CHECK(cpufreq)
{
	const struct kvmrt_ids *cpus = power_cpus(c);
	_cleanup_free_ char *example = NULL;
	struct kvmrt_ids slow;
	char path[128], list[256];
	bool bad;

	if (hc_param(out, "cpufreq.default_governor=performance") < 0 ||
	    kvmrt_ids_init(&slow, cpus->nbits) < 0)
		return -ENOMEM;
	for_each_cpu(cpu, cpus)
	{
		_cleanup_free_ char *governor = NULL;

		/* no cpufreq directory: the frequency is not scaled by Linux */
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", cpu);
		if (kvmrt_sysroot_read_line(c->root, path, &governor) < 0 ||
		    !strcmp(governor, "performance"))
			continue;
		kvmrt_ids_add(&slow, (unsigned)cpu);
		if (!example)
			example = TAKE_PTR(governor);
	}
	hc_cpus(&slow, list, sizeof(list));
	bad = kvmrt_ids_count(&slow) > 0;
	kvmrt_ids_done(&slow);
	if (!bad)
		return hc_pass(out);
	return hc_warn(out,
		       "the '%s' governor drives %s: its frequency changes stall real-time "
		       "work; set 'performance' (cpupower frequency-set -g performance)",
		       example, list);
}

HC_CHECK(clocksource)
{
	_cleanup_free_ char *cs = NULL;
	int r = kvmrt_sysroot_read_line(
	    c->root, "sys/devices/system/clocksource/clocksource0/current_clocksource", &cs);

	if (hc_param(out, "clocksource=tsc") < 0)
		return -ENOMEM;
	if (r < 0)
		return hc_warn(out, "cannot read the current clocksource: %s", strerror(-r));
	/* a guest reads time through kvm-clock, which the host keeps on its TSC */
	if (!strcmp(cs, "tsc") || (c->env->guest && !strcmp(cs, "kvm-clock")))
		return hc_pass(out);
	return hc_warn(out,
		       "the clocksource is '%s': reading it is slow and the kernel may switch "
		       "clocksources at run time; boot with clocksource=tsc",
		       cs);
}

HC_CHECK(tsc)
{
	static const char *const flags[] = {"constant_tsc", "nonstop_tsc"};

	if (!c->cpuinfo[0])
		return hc_warn(out, "cannot read /proc/cpuinfo");
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (!hc_cpu_flag(c, flags[i]))
			return hc_fail(out,
				       "the CPU lacks %s: its TSC is not invariant, and a "
				       "clocksource change away from it stalls every CPU; use "
				       "hardware with an invariant TSC",
				       flags[i]);
	return hc_pass(out);
}

static bool smt_off(const struct hc_ctx *c)
{
	_cleanup_free_ char *control = NULL;
	long active;

	if (kvmrt_sysroot_read_long(c->root, "sys/devices/system/cpu/smt/active", &active) == 0 &&
	    active == 0)
		return true;
	return kvmrt_sysroot_read_line(c->root, "sys/devices/system/cpu/smt/control", &control) ==
		   0 &&
	       (!strcmp(control, "off") || !strcmp(control, "forceoff") ||
		!strcmp(control, "notsupported") || !strcmp(control, "notimplemented"));
}

/* Adds the rt CPUs of @cpu's core to @shared when one of its SMT siblings is online. */
static int add_if_shared(const struct hc_ctx *c, int cpu, struct kvmrt_ids *shared)
{
	struct kvmrt_ids core;
	char path[128];
	int r;

	snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/topology/thread_siblings_list",
		 cpu);
	r = hc_read_list(c, path, &core);
	if (r < 0)
		return r == -ENOMEM ? r : 0;
	for_each_cpu(sibling,
		     &core) if (sibling != cpu && kvmrt_ids_test(&c->online, (unsigned)sibling))
	    kvmrt_ids_add(shared, (unsigned)cpu);
	kvmrt_ids_done(&core);
	return 0;
}

HC_CHECK(smt)
{
	struct kvmrt_ids shared;
	char list[256];
	bool bad;
	int r = 0;

	if (smt_off(c))
		return hc_pass(out);
	if (hc_no_rt(c, out, &r))
		return r;
	if (kvmrt_ids_init(&shared, c->rt->nbits) < 0)
		return -ENOMEM;
	for_each_cpu(cpu, c->rt) if (kvmrt_ids_test(&c->online, (unsigned)cpu) &&
				     (r = add_if_shared(c, cpu, &shared)) < 0) break;
	hc_cpus(&shared, list, sizeof(list));
	bad = kvmrt_ids_count(&shared) > 0;
	kvmrt_ids_done(&shared);
	if (r < 0 || !bad)
		return r < 0 ? r : hc_pass(out);
	return hc_warn(out,
		       "online SMT siblings share the cores of %s: kvmrt-boot takes "
		       "the siblings of rt CPUs offline; nosmt or the BIOS turns SMT off",
		       list);
}

HC_CHECK(cpu0)
{
	int r;

	if (hc_no_rt(c, out, &r))
		return r;
	if (kvmrt_ids_test(c->rt, 0))
		return hc_fail(out,
			       "CPU 0 is among the rt CPUs: the kernel keeps housekeeping work "
			       "on CPU 0; leave it (and its SMT sibling) to the host");
	if (kvmrt_ids_count(&c->housekeeping) == 0)
		return hc_fail(out, "the rt CPUs take every online CPU: leave CPUs to the host");
	return hc_pass(out);
}
