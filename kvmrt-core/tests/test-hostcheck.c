/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host checks of kvmrt-validate-host on fixture sysroots: every check
 * PASSes on fixtures/kvmrt-core/hostcheck/good and WARNs or FAILs, with its
 * hint, on good + bad/<id>; the kernel command line they add up to; hostile
 * files; the rt CPUs of a configuration.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kvmrt-cleanup.h"
#include "kvmrt-hostcheck.h"
#include "kvmrt-test.h"
#include "test-exec.h"

#define GOOD "fixtures/kvmrt-core/hostcheck/good"
#define BAD "fixtures/kvmrt-core/hostcheck/bad"
#define RT_CPUS "2-7"

struct fixture {
	char *dir;  /* scratch directory */
	char *root; /* the tree under test (a copy), or NULL */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = test_mkdtemp();
	assert_non_null(f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_rm_rf(f->dir);
	if (f->root)
		test_rm_rf(f->root);
	free(f->dir);
	free(f->root);
	free(f);
	return 0;
}

static void run_ok(const char *cmd, ...)
{
	char *argv[8];
	struct test_output o;
	va_list ap;
	int n = 0;

	argv[n++] = (char *)cmd;
	va_start(ap, cmd);
	while (n < 7 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	assert_int_equal(test_exec(argv, &o), 0);
	if (o.status != 0)
		fail_msg("%s: status %d: %s", cmd, o.status, o.err);
	test_output_free(&o);
}

static void remove_path(const struct fixture *f, const char *path)
{
	char *full;

	assert_true(asprintf(&full, "%s/%s", f->root, path) > 0);
	test_rm_rf(full);
	free(full);
}

/* Makes f->root a fresh copy of good/, with bad/@variant applied over it when not NULL. */
static void make_tree(struct fixture *f, const char *variant)
{
	char rel[128], *bad, *path, *list, *save = NULL;

	if (f->root) {
		test_rm_rf(f->root);
		free(f->root);
	}
	f->root = kt_copy_tree(GOOD);
	if (!variant)
		return;
	snprintf(rel, sizeof(rel), BAD "/%s", variant);
	bad = test_source_path(rel);
	assert_true(asprintf(&path, "%s/.remove", bad) > 0);
	list = access(path, F_OK) == 0 ? kt_read_file(path) : NULL;
	free(path);
	for (char *p = list ? strtok_r(list, "\n", &save) : NULL; p;
	     p = strtok_r(NULL, "\n", &save))
		remove_path(f, p);
	free(list);
	assert_true(asprintf(&path, "%s/.", bad) > 0);
	run_ok("/bin/cp", "-a", path, f->root, NULL);
	free(path);
	free(bad);
	remove_path(f, ".remove");
}

/* Writes @text to ROOT/@path, making directories. */
static void put(const struct fixture *f, const char *path, const char *text)
{
	kt_put(f->root, path, text);
}

/* Runs every check on f->root with @cpus (NULL: none) as the rt CPUs. */
static struct kvmrt_hostchecks check_tree(const struct fixture *f, const char *cpus, bool guest)
{
	struct kvmrt_sysroot root;
	struct kvmrt_hostchecks r;
	struct kvmrt_ids rt = {};
	struct kvmrt_hostcheck_env env = {
	    .root = &root, .rt_cpus = &rt, .locked_memory = true, .guest = guest};
	char why[256];

	assert_int_equal(kvmrt_sysroot_open(f->root, &root, why, sizeof(why)), 0);
	if (cpus)
		assert_int_equal(kvmrt_idset_parse(cpus, KVMRT_MAX_IDS, &rt, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_hostcheck_run(&env, &r), 0);
	kvmrt_ids_done(&rt);
	kvmrt_sysroot_close(&root);
	return r;
}

static const struct kvmrt_hostcheck *find(const struct kvmrt_hostchecks *r, const char *id)
{
	for (unsigned i = 0; i < r->nr; i++)
		if (!strcmp(r->c[i].id, id))
			return &r->c[i];
	fail_msg("no check '%s'", id);
	return NULL;
}

static void expect(const struct kvmrt_hostchecks *r, const char *id, enum kvmrt_verdict v,
		   const char *hint)
{
	const struct kvmrt_hostcheck *k = find(r, id);

	if (k->verdict != v || (hint && (!k->hint || !strstr(k->hint, hint))))
		fail_msg("%s: %s (%s), wanted %s with '%s'", id, kvmrt_verdict_name(k->verdict),
			 k->hint ? k->hint : "", kvmrt_verdict_name(v), hint ? hint : "");
	if (v == KVMRT_PASS)
		assert_null(k->hint);
}

static void good_tree_passes_every_check(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_hostchecks r;

	make_tree(f, NULL);
	r = check_tree(f, RT_CPUS, true);
	assert_int_equal(r.nr, kvmrt_hostcheck_nr());
	for (unsigned i = 0; i < r.nr; i++)
		expect(&r, r.c[i].id, KVMRT_PASS, NULL);
	kvmrt_hostchecks_done(&r);
	/* without --guest the guest checks are left out */
	r = check_tree(f, RT_CPUS, false);
	assert_int_equal(r.nr, kvmrt_hostcheck_nr() - 3);
	kvmrt_hostchecks_done(&r);
}

/* For each check: the overlay that breaks it, the verdict and a piece of the hint. */
static const struct bad_case {
	const char *id;
	enum kvmrt_verdict verdict;
	const char *hint;
	const char *cpus; /* rt CPUs when not RT_CPUS */
} bad_cases[] = {
	{"rt-kernel", KVMRT_WARN, "PREEMPT_DYNAMIC kernel, preemption 'voluntary'", NULL},
	{"isolation", KVMRT_FAIL, "not isolated: CPUs 2-7, and the kernel", NULL},
	{"nohz-full", KVMRT_WARN, "the scheduler tick still interrupts CPUs 2-7", NULL},
	{"rcu-nocbs", KVMRT_WARN, "RCU callbacks still run on CPUs 2-7", NULL},
	{"irqaffinity", KVMRT_WARN, "new IRQs may be routed to the rt CPUs 2-7", NULL},
	{"irqs", KVMRT_WARN, "1 IRQ may fire on the rt CPUs: 24 (eth0)", NULL},
	{"irqbalance", KVMRT_FAIL, "irqbalance (PID 700)", NULL},
	{"sched-rt-runtime", KVMRT_WARN, "kernel.sched_rt_runtime_us is 950000", NULL},
	{"timer-migration", KVMRT_WARN, "kernel.timer_migration is 1", NULL},
	{"numa-balancing", KVMRT_WARN, "kernel.numa_balancing is 1", NULL},
	{"nmi-watchdog", KVMRT_WARN, "kernel.nmi_watchdog is 1", NULL},
	{"thp", KVMRT_WARN, "transparent huge pages are 'always'", NULL},
	{"ksm", KVMRT_WARN, "KSM scans and merges pages", NULL},
	{"workqueue", KVMRT_WARN, "unbound workqueues may run on CPUs 2-7", NULL},
	{"cstates", KVMRT_WARN, "CPU 3 may enter idle states taking up to 133 us", NULL},
	{"cpufreq", KVMRT_WARN, "the 'powersave' governor drives CPU 4", NULL},
	{"clocksource", KVMRT_WARN, "the clocksource is 'hpet'", NULL},
	{"tsc", KVMRT_FAIL, "the CPU lacks nonstop_tsc", NULL},
	{"smt", KVMRT_WARN, "online SMT siblings share the cores of CPU 2", NULL},
	{"cpu0", KVMRT_FAIL, "CPU 0 is among the rt CPUs", "0-7"},
	{"dev-kvm", KVMRT_FAIL, "no /dev/kvm", NULL},
	{"kvmclock-sync", KVMRT_WARN, "kvm.kvmclock_periodic_sync=N", NULL},
	{"halt-poll", KVMRT_WARN, "halt polling is off", NULL},
	{"kvm-vendor", KVMRT_WARN, "kvm_intel.ple_gap is 128", NULL},
	{"hugepages", KVMRT_WARN, "no huge pages are reserved", NULL},
	{"rt-sched-libvirt", KVMRT_FAIL, "machine.slice/cpu.rt_runtime_us is 0", NULL},
	{"memlock", KVMRT_FAIL, "libvirtd (PID 812) can neither raise nor lift", NULL},
	{"ptp-kvm", KVMRT_FAIL, "no KVM PTP clock", NULL},
	{"chrony-phc", KVMRT_FAIL, "/etc/chrony/chrony.conf has no PHC refclock", NULL},
	{"chronyd", KVMRT_FAIL, "chronyd is not running", NULL},
};

static void every_check_has_a_bad_case(void **state)
{
	(void)state;
	assert_int_equal(ARRAY_SIZE(bad_cases), kvmrt_hostcheck_nr());
	for (unsigned i = 0; i < kvmrt_hostcheck_nr(); i++)
		assert_string_equal(bad_cases[i].id, kvmrt_hostcheck_id(i));
	assert_null(kvmrt_hostcheck_id(kvmrt_hostcheck_nr()));
}

static void each_bad_tree_breaks_its_check(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct kvmrt_hostchecks r;

		make_tree(f, b->cpus ? NULL : b->id);
		r = check_tree(f, b->cpus ? b->cpus : RT_CPUS, true);
		expect(&r, b->id, b->verdict, b->hint);
		kvmrt_hostchecks_done(&r);
	}
}

static void command_line_for_a_known_config(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_hostchecks r;
	char *line;

	make_tree(f, NULL);
	r = check_tree(f, RT_CPUS, false);
	assert_int_equal(kvmrt_hostcheck_cmdline(&r, &line), 0);
	assert_string_equal(line, "");
	free(line);
	kvmrt_hostchecks_done(&r);

	/* a stock kernel command line, nothing isolated at run time either */
	put(f, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n");
	put(f, "sys/devices/system/cpu/isolated", "\n");
	put(f, "sys/devices/system/cpu/nohz_full", "(null)\n");
	put(f, "proc/irq/default_smp_affinity", "ff\n");
	r = check_tree(f, RT_CPUS, false);
	assert_int_equal(kvmrt_hostcheck_cmdline(&r, &line), 0);
	assert_string_equal(line, "isolcpus=managed_irq,domain,2-7 nohz_full=2-7 rcu_nocbs=2-7 "
				  "irqaffinity=0-1");
	free(line);
	kvmrt_hostchecks_done(&r);

	/* other rt CPUs, more to fix */
	put(f, "proc/sys/kernel/timer_migration", "1\n");
	put(f, "sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
	r = check_tree(f, "1-3,5", false);
	assert_int_equal(kvmrt_hostcheck_cmdline(&r, &line), 0);
	assert_string_equal(line, "isolcpus=managed_irq,domain,1-3,5 nohz_full=1-3,5 "
				  "rcu_nocbs=1-3,5 irqaffinity=0,4,6-7 "
				  "sysctl.kernel.timer_migration=0 transparent_hugepage=never "
				  "workqueue.unbound_cpus=0,4,6-7");
	free(line);
	kvmrt_hostchecks_done(&r);
}

static void isolation_by_cgroup_partition(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_hostchecks r;

	make_tree(f, "isolation");
	/* a cgroup v2 host with the cpuset controller: kvmrt-boot can isolate, not yet done */
	put(f, "sys/fs/cgroup/unified/cgroup.controllers", "cpuset cpu io memory pids\n");
	r = check_tree(f, RT_CPUS, false);
	expect(&r, "isolation", KVMRT_WARN, "not isolated yet: CPUs 2-7; kvmrt-boot isolates");
	kvmrt_hostchecks_done(&r);
	/* an isolated partition holding some, then all rt CPUs (cgroup.procs marks a cgroup) */
	put(f, "sys/fs/cgroup/unified/kvmrt.slice/cgroup.procs", "");
	put(f, "sys/fs/cgroup/unified/kvmrt.slice/rt1/cgroup.procs", "");
	put(f, "sys/fs/cgroup/unified/kvmrt.slice/rt1/cpuset.cpus.partition", "isolated\n");
	put(f, "sys/fs/cgroup/unified/kvmrt.slice/rt1/cpuset.cpus.effective", "2-5\n");
	r = check_tree(f, RT_CPUS, false);
	expect(&r, "isolation", KVMRT_WARN, "not isolated yet: CPUs 6-7");
	kvmrt_hostchecks_done(&r);
	put(f, "sys/fs/cgroup/unified/kvmrt.slice/rt2/cgroup.procs", "");
	put(f, "sys/fs/cgroup/unified/kvmrt.slice/rt2/cpuset.cpus.partition", "isolated\n");
	put(f, "sys/fs/cgroup/unified/kvmrt.slice/rt2/cpuset.cpus.effective", "6-7\n");
	r = check_tree(f, RT_CPUS, false);
	expect(&r, "isolation", KVMRT_PASS, NULL);
	kvmrt_hostchecks_done(&r);
	/* an invalid partition isolates nothing */
	put(f, "sys/fs/cgroup/unified/kvmrt.slice/rt2/cpuset.cpus.partition",
	    "isolated invalid (Cpu list in cpuset.cpus not exclusive)\n");
	r = check_tree(f, RT_CPUS, false);
	expect(&r, "isolation", KVMRT_WARN, "not isolated yet: CPUs 6-7");
	kvmrt_hostchecks_done(&r);
}

static void preemption_models(void **state)
{
	static const struct {
		const char *version, *preempt;
		enum kvmrt_verdict verdict;
		const char *hint;
	} cases[] = {
	    {"Linux version 6.6.0-rt15 #1 SMP PREEMPT_RT Mon", NULL, KVMRT_PASS, NULL},
	    {"Linux version 6.8.0 #1 SMP PREEMPT_DYNAMIC Mon", "none voluntary (full)\n",
	     KVMRT_WARN, "in full preemption"},
	    {"Linux version 6.8.0 #1 SMP PREEMPT_DYNAMIC Mon", NULL, KVMRT_WARN,
	     "preemption 'unknown'"},
	    {"Linux version 5.10.0 #1 SMP PREEMPT Mon", NULL, KVMRT_WARN,
	     "preemptible kernel but not PREEMPT_RT"},
	    {"Linux version 5.10.0 #1 SMP Debian 5.10.1", NULL, KVMRT_FAIL,
	     "kernel without preemption"},
	};
	struct fixture *f = *state;

	make_tree(f, "rt-kernel");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kvmrt_hostchecks r;

		put(f, "proc/version", cases[i].version);
		if (cases[i].preempt)
			put(f, "sys/kernel/debug/sched/preempt", cases[i].preempt);
		else
			remove_path(f, "sys/kernel/debug/sched/preempt");
		r = check_tree(f, RT_CPUS, false);
		expect(&r, "rt-kernel", cases[i].verdict, cases[i].hint);
		assert_true(cases[i].verdict != KVMRT_WARN || !cases[i].preempt ||
			    !find(&r, "rt-kernel")->param);
		kvmrt_hostchecks_done(&r);
	}
}

static void checks_without_rt_cpus(void **state)
{
	static const char *const need_cpus[] = {
	    "isolation", "nohz-full", "rcu-nocbs", "irqaffinity", "irqs", "workqueue", "cpu0"};
	struct fixture *f = *state;
	struct kvmrt_hostchecks r;
	char *line;

	make_tree(f, NULL);
	r = check_tree(f, NULL, false);
	for (size_t i = 0; i < ARRAY_SIZE(need_cpus); i++)
		expect(&r, need_cpus[i], KVMRT_WARN, "no rt CPUs configured");
	/* power settings are then checked on every CPU; SMT is off anyway */
	expect(&r, "cstates", KVMRT_PASS, NULL);
	expect(&r, "smt", KVMRT_PASS, NULL);
	assert_int_equal(kvmrt_hostcheck_cmdline(&r, &line), 0);
	assert_string_equal(line, "");
	free(line);
	kvmrt_hostchecks_done(&r);
	put(f, "sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "schedutil\n");
	r = check_tree(f, NULL, false);
	expect(&r, "cpufreq", KVMRT_WARN, "the 'schedutil' governor drives CPU 0");
	kvmrt_hostchecks_done(&r);
}

static void more_host_variants(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_hostchecks r;

	make_tree(f, NULL);
	/* AMD: the pause filter instead of ple_gap */
	remove_path(f, "sys/module/kvm_intel");
	put(f, "sys/module/kvm_amd/parameters/pause_filter_count", "3000\n");
	/* libvirt's cgroup is not made yet; chrony also follows NTP servers; a guest's clock */
	remove_path(f, "sys/fs/cgroup/cpu,cpuacct/machine.slice");
	put(f, "etc/chrony/chrony.conf", "refclock PHC /dev/ptp0 poll 3\npool pool.ntp.org\n");
	put(f, "sys/devices/system/clocksource/clocksource0/current_clocksource", "kvm-clock\n");
	r = check_tree(f, RT_CPUS, true);
	expect(&r, "kvm-vendor", KVMRT_WARN, "kvm_amd.pause_filter_count is 3000");
	assert_string_equal(find(&r, "kvm-vendor")->param, "kvm_amd.pause_filter_count=0");
	expect(&r, "rt-sched-libvirt", KVMRT_WARN, "does not exist yet");
	expect(&r, "chrony-phc", KVMRT_WARN, "also has 1 server, pool or peer lines");
	expect(&r, "clocksource", KVMRT_PASS, NULL);
	kvmrt_hostchecks_done(&r);
	/* qemu.conf leaves the cpu controller out: libvirt makes no cpu cgroup to limit FIFO */
	put(f, "etc/libvirt/qemu.conf", "cgroup_controllers = [ \"devices\", \"memory\" ]\n");
	remove_path(f, "sys/module/kvm_amd");
	r = check_tree(f, RT_CPUS, false);
	expect(&r, "rt-sched-libvirt", KVMRT_PASS, NULL);
	expect(&r, "clocksource", KVMRT_WARN, "the clocksource is 'kvm-clock'");
	expect(&r, "kvm-vendor", KVMRT_WARN, "neither kvm_intel nor kvm_amd is loaded");
	kvmrt_hostchecks_done(&r);
	/* virtqemud without CAP_SYS_RESOURCE but without a hard memlock limit either */
	make_tree(f, "memlock");
	put(f, "proc/812/comm", "virtqemud\n");
	put(f, "proc/812/limits",
	    "Limit                     Soft Limit           Hard Limit    "
	    "       Units\nMax locked memory         65536                "
	    "unlimited            bytes\n");
	r = check_tree(f, RT_CPUS, false);
	expect(&r, "memlock", KVMRT_PASS, NULL);
	kvmrt_hostchecks_done(&r);
	remove_path(f, "proc/812");
	r = check_tree(f, RT_CPUS, false);
	expect(&r, "memlock", KVMRT_WARN, "libvirtd is not running");
	kvmrt_hostchecks_done(&r);
}

static void hostile_files_are_findings(void **state)
{
	static const char *const junk[][2] = {
	    {"proc/cmdline", "isolcpus= nohz_full=zz rcu_nocbs=9-1 irqaffinity==== --\n"},
	    {"proc/version", ""},
	    {"proc/cpuinfo", "flags"},
	    {"proc/irq/default_smp_affinity", "not hex\n"},
	    {"proc/irq/24/effective_affinity_list", "99999999999\n"},
	    {"proc/interrupts", "CPU0\n 24: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n"},
	    {"proc/sys/kernel/sched_rt_runtime_us", "-1x\n"},
	    {"proc/sys/kernel/timer_migration", "\n"},
	    {"proc/812/status", "CapEff:\tzzzz\n"},
	    {"proc/812/limits", "Max locked memory"},
	    {"sys/devices/system/cpu/online", "0-4294967295\n"},
	    {"sys/devices/system/cpu/isolated", "7-2\n"},
	    {"sys/devices/virtual/workqueue/cpumask", ",,,\n"},
	    {"sys/devices/system/cpu/cpu3/cpuidle/state2/latency", "-5\n"},
	    {"sys/devices/system/cpu/cpu2/topology/thread_siblings_list", "2,\n"},
	    {"sys/kernel/mm/transparent_hugepage/enabled", "[never\n"},
	    {"sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "9999999999999999999\n"},
	    {"etc/chrony/chrony.conf", "refclock\nrefclock PHC"},
	};
	struct fixture *f = *state;
	struct kvmrt_hostchecks r;
	char *line;

	make_tree(f, NULL);
	remove_path(f, "sys/kernel/realtime");
	for (size_t i = 0; i < ARRAY_SIZE(junk); i++)
		put(f, junk[i][0], junk[i][1]);
	put(f, "sys/devices/system/cpu/smt/active", "1\n");
	r = check_tree(f, RT_CPUS, true);
	assert_int_equal(r.nr, kvmrt_hostcheck_nr());
	expect(&r, "rt-kernel", KVMRT_FAIL, NULL);
	expect(&r, "isolation", KVMRT_FAIL, "not isolated: CPUs 2-7, and the kernel");
	expect(&r, "sched-rt-runtime", KVMRT_WARN, "cannot read");
	expect(&r, "tsc", KVMRT_FAIL, "constant_tsc");
	expect(&r, "thp", KVMRT_WARN, "'unknown'");
	expect(&r, "workqueue", KVMRT_WARN, "cannot read");
	expect(&r, "chrony-phc", KVMRT_FAIL, "no PHC refclock");
	/* the housekeeping set is unknown: no irqaffinity= is suggested */
	assert_int_equal(kvmrt_hostcheck_cmdline(&r, &line), 0);
	assert_null(strstr(line, "irqaffinity"));
	free(line);
	kvmrt_hostchecks_done(&r);

	/* a tree with nothing in it */
	test_rm_rf(f->root);
	run_ok("/bin/mkdir", "-p", f->root, NULL);
	r = check_tree(f, RT_CPUS, true);
	assert_int_equal(r.nr, kvmrt_hostcheck_nr());
	expect(&r, "dev-kvm", KVMRT_FAIL, "no /dev/kvm");
	kvmrt_hostchecks_done(&r);
}

static void rt_cpus_of_a_config(void **state)
{
	static const char cfg[] =
	    "[11111111-1111-4111-8111-111111111111]\nname = rt\nnr_vcpus = 2\ncpuset = n1\n"
	    "rt = yes\n\n"
	    "[22222222-2222-4222-8222-222222222222]\nname = off\nnr_vcpus = 1\ncpuset = n3\n"
	    "rt = yes\ndisabled = yes\n\n"
	    "[33333333-3333-4333-8333-333333333333]\nname = plain\ncpuset = n2\n";
	_cleanup_(kvmrt_topology_freep) struct kvmrt_topology *t = NULL;
	struct kvmrt_config *c;
	struct kvmrt_ids cpus;
	char why[256], *list;
	bool locked = false;

	(void)state;
	assert_int_equal(kvmrt_topology_load(WORKSTATION, 0, &t, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_config_parse(cfg, strlen(cfg), "t.cfg", &c, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_hostcheck_plan_cpus(c, t, &cpus, &locked), 0);
	assert_int_equal(kvmrt_ids_format(&cpus, &list), 0);
	/* node 1's cores with their SMT siblings (taken offline by kvmrt-boot) */
	assert_string_equal(list, "8-15,40-47");
	assert_true(locked);
	free(list);
	kvmrt_ids_done(&cpus);
	kvmrt_config_free(c);
}

/* ---- The tool ---- */

static unsigned count_lines(const char *text, const char *prefix)
{
	unsigned n = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

#define TOPO "pack:1 numa:1 core:8 pu:1"

static void tool_exit_codes_and_lines(void **state)
{
	struct fixture *f = *state;
	struct test_output o;

	make_tree(f, NULL);
	/* the configuration is the tree's etc/kvmrt.cfg: rt VM on 2-7 */
	o = kt_run("kvmrt-validate-host", "--sysroot", f->root, "--topology", TOPO, "--guest",
		   NULL);
	assert_int_equal(count_lines(o.out, "Checking "), kvmrt_hostcheck_nr());
	assert_non_null(strstr(o.out, "Checking isolation of the rt CPUs from the scheduler     : "
				      "PASS\n"));
	kt_expect(o, 0, "Kernel command line to add: nothing\n", NULL);
	/* -q: nothing to say */
	o = kt_run("kvmrt-validate-host", "--sysroot", f->root, "--cpus", "2-7", "-q", NULL);
	assert_string_equal(o.out, "");
	kt_expect(o, 0, NULL, NULL);

	/* a FAIL: exit 1; WARNs alone: exit 0; -q shows only those */
	make_tree(f, "isolation");
	o = kt_run("kvmrt-validate-host", "--sysroot", f->root, "--cpus", "2-7", "-q", NULL);
	assert_int_equal(count_lines(o.out, "Checking "), 1);
	assert_non_null(strstr(o.out, "Checking isolation of the rt CPUs from the scheduler  "));
	kt_expect(o, 1, "  : FAIL (not isolated: CPUs 2-7", NULL);
	make_tree(f, "thp");
	kt_expect(kt_run("kvmrt-validate-host", "--sysroot", f->root, "--cpus", "2-7", "-q", NULL),
		  0, " : WARN (transparent huge pages are 'always'", NULL);
	kt_expect(kt_run("kvmrt-validate-host", "--sysroot", f->root, "--cpus", "2-7", NULL), 0,
		  "\nKernel command line to add: transparent_hugepage=never\n", NULL);

	/* usage and failures */
	kt_expect(kt_run("kvmrt-validate-host", "--frobnicate", NULL), 2, NULL, "--frobnicate");
	kt_expect(kt_run("kvmrt-validate-host", "--cpus", "2-x", NULL), 2, NULL, "--cpus: '2-x'");
	kt_expect(kt_run("kvmrt-validate-host", "-f", "a.cfg", "--cpus", "1", NULL), 2, NULL,
		  "exclude each other");
	kt_expect(kt_run("kvmrt-validate-host", "--sysroot", "/nonexistent-root", NULL), 1, NULL,
		  "/nonexistent-root");
	kt_expect(
	    kt_run("kvmrt-validate-host", "--sysroot", f->root, "-f", "/nonexistent.cfg", NULL), 1,
	    NULL, "/nonexistent.cfg");
	kt_expect(kt_run("kvmrt-validate-host", "--help", NULL), 0, "Usage: kvmrt-validate-host",
		  NULL);
	kt_expect(kt_run("kvmrt-validate-host", "--version", NULL), 0, "kvmrt-validate-host ",
		  NULL);
}

static void tool_command_line_from_a_config(void **state)
{
	struct fixture *f = *state;
	char *cfg;

	make_tree(f, NULL);
	put(f, "proc/cmdline", "root=/dev/sda1\n");
	put(f, "sys/devices/system/cpu/isolated", "\n");
	put(f, "sys/devices/system/cpu/nohz_full", "(null)\n");
	put(f, "proc/irq/default_smp_affinity", "ff\n");
	cfg = kt_write_file(f->dir, "rt.cfg",
			    "[11111111-1111-4111-8111-111111111111]\n"
			    "name = rt\nnr_vcpus = 2\ncpuset = 4-7\nrt = yes\n",
			    0644);
	kt_expect(kt_run("kvmrt-validate-host", "--sysroot", f->root, "-f", cfg, "--topology", TOPO,
			 NULL),
		  1,
		  "\nKernel command line to add: isolcpus=managed_irq,domain,4-7 nohz_full=4-7 "
		  "rcu_nocbs=4-7 irqaffinity=0-3\n",
		  NULL);
	free(cfg);
}

/* A minimal JSON reader: skips one value at *p, false when malformed. */
static bool json_value(const char **p);

static void json_ws(const char **p)
{
	*p += strspn(*p, " \t\r\n");
}

static bool json_string(const char **p)
{
	if (**p != '"')
		return false;
	for ((*p)++; **p && **p != '"'; (*p)++) {
		if ((unsigned char)**p < 0x20)
			return false;
		if (**p == '\\' && !*++*p)
			return false;
	}
	return *(*p)++ == '"';
}

static bool json_list(const char **p, char close, bool object)
{
	(*p)++;
	json_ws(p);
	if (**p == close)
		return (*p)++, true;
	for (;;) {
		json_ws(p);
		if (object && (!json_string(p) || (json_ws(p), *(*p)++ != ':')))
			return false;
		if (!json_value(p))
			return false;
		json_ws(p);
		if (**p == close)
			return (*p)++, true;
		if (*(*p)++ != ',')
			return false;
	}
}

static bool json_value(const char **p)
{
	json_ws(p);
	if (**p == '{')
		return json_list(p, '}', true);
	if (**p == '[')
		return json_list(p, ']', false);
	if (**p == '"')
		return json_string(p);
	if (!strncmp(*p, "null", 4) || !strncmp(*p, "true", 4))
		return *p += 4, true;
	if (!strncmp(*p, "false", 5))
		return *p += 5, true;
	if (strchr("-0123456789", **p) && **p) {
		strtod(*p, (char **)p);
		return true;
	}
	return false;
}

static void tool_json(void **state)
{
	struct fixture *f = *state;
	struct test_output o;
	const char *p;

	make_tree(f, "cstates");
	o = kt_run("kvmrt-validate-host", "--sysroot", f->root, "--cpus", "2-7", "--guest",
		   "--json", NULL);
	assert_int_equal(o.status, 0);
	p = o.out;
	assert_true(json_value(&p));
	json_ws(&p);
	assert_int_equal(*p, '\0');
	assert_int_equal(count_lines(o.out, "  {\"id\": "), kvmrt_hostcheck_nr());
	assert_non_null(strstr(o.out, "{\"id\": \"cstates\", \"what\": \"deep C-states of the rt "
				      "CPUs\", \"verdict\": \"WARN\", \"hint\": \"CPU 3 may"));
	assert_non_null(strstr(o.out,
			       "{\"id\": \"cpu0\", \"what\": \"CPU 0 kept for housekeeping\", "
			       "\"verdict\": \"PASS\", \"hint\": null, \"param\": null}"));
	assert_non_null(strstr(o.out, "\"cmdline\": \"processor.max_cstate=1 "
				      "intel_idle.max_cstate=0\", \"pass\": 29, \"warn\": 1, "
				      "\"fail\": 0}\n"));
	test_output_free(&o);
	kt_expect(kt_run("kvmrt-validate-host", "--json", "-q", NULL), 2, NULL,
		  "exclude each other");
}

static void man_page_lists_every_check(void **state)
{
	char *path = test_source_path("docs/man/kvmrt-validate-host.1.scd");
	char *page = kt_read_file(path), item[64];

	(void)state;
	for (unsigned i = 0; i < kvmrt_hostcheck_nr(); i++) {
		snprintf(item, sizeof(item), "\n*%s*: ", kvmrt_hostcheck_id(i));
		if (!strstr(page, item))
			fail_msg("kvmrt-validate-host.1 does not describe check '%s'",
				 kvmrt_hostcheck_id(i));
	}
	free(page);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_check_has_a_bad_case),
		cmocka_unit_test(man_page_lists_every_check),
		cmocka_unit_test_setup_teardown(good_tree_passes_every_check, setup, teardown),
		cmocka_unit_test_setup_teardown(each_bad_tree_breaks_its_check, setup, teardown),
		cmocka_unit_test_setup_teardown(command_line_for_a_known_config, setup, teardown),
		cmocka_unit_test_setup_teardown(isolation_by_cgroup_partition, setup, teardown),
		cmocka_unit_test_setup_teardown(preemption_models, setup, teardown),
		cmocka_unit_test_setup_teardown(checks_without_rt_cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(more_host_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_files_are_findings, setup, teardown),
		cmocka_unit_test(rt_cpus_of_a_config),
		cmocka_unit_test_setup_teardown(tool_exit_codes_and_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(tool_command_line_from_a_config, setup, teardown),
		cmocka_unit_test_setup_teardown(tool_json, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
