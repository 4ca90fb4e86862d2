/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-boot, kvmrt-stat -t and kvmrt-shutdown end to end on a real libvirtd
 * (libvirtd-harness.c) with a TCG domain that really runs
 * (fixtures/kvmrt-core/domains/boot-e2e-tcg.xml). Host tuning goes to a copy
 * of a fixture sysroot, the journal to a temporary directory; the QEMU
 * threads are the real ones.
 *
 * This machine has 2 CPUs. A real-time VM needs nr_vcpus + 1 CPUs without
 * CPU 0 (validation: rt-underprovisioned, rt-cpu0), so no real-time plan
 * validates here, and a plan for another topology would pin threads to CPUs
 * that do not exist. The VM booted is therefore a plain VM with cpuset 1 and
 * rt_memory = yes: libvirt pins `CPU 0/TCG` and the emulator threads to CPU 1
 * (checked with sched_getaffinity on the real TIDs), and asks for locked
 * memory, which this sandbox refuses (reported, not fatal without --clean).
 * The SCHED_FIFO refusal is checked on the same real `CPU 0/TCG` thread with
 * the real-time plan of a 3-CPU host whose vCPU CPU is this machine's CPU 1.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kvmrt-host.h"
#include "kvmrt-test.h"
#include "libvirtd-harness.h"
#include "test-exec.h"

#define UUID "7c2e9a41-3b5d-4f60-8e1a-2d4c6b8f0a13"
#define NAME "kvmrt-boot-e2e"
#define DOMAIN "fixtures/kvmrt-core/domains/boot-e2e-tcg.xml"
#define SYSROOT "fixtures/kvmrt-core/sysroots/cgroup-v1"

static const char config[] =
	"[" UUID "]\n"
	"name = " NAME "\n"
	"nr_vcpus = 1\n"
	"cpuset = 1\n"
	"rt_memory = yes\n"
	"autostart = yes\n";

struct fixture {
	struct libvirtd_harness h;
	char *dir, *cfg, *sysroot, *journal, *original;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct test_output o;

	if (!harness_usable() || !f) {
		free(f);
		return f ? 0 : -1;
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2 || access("/usr/bin/qemu-system-x86_64", X_OK)) {
		fprintf(stderr, "boot-e2e: needs 2 CPUs and qemu-system-x86_64: skipped\n");
		free(f);
		return 0;
	}
	f->original = test_source_path(SYSROOT);
	f->dir = test_mkdtemp();
	if (!f->dir || asprintf(&f->sysroot, "%s/sysroot", f->dir) < 0 ||
	    asprintf(&f->journal, "%s/journal", f->dir) < 0)
		return -1;
	{
		char *argv[] = { "/bin/cp", "-a", f->original, f->sysroot, NULL };

		if (test_exec(argv, &o) < 0 || o.status != 0)
			return -1;
		test_output_free(&o);
	}
	f->cfg = kt_write_file(f->dir, "kvmrt.cfg", config, 0644);
	if (harness_start(&f->h) < 0 || harness_define(&f->h, DOMAIN, UUID) < 0) {
		harness_stop(&f->h); /* cmocka runs no teardown after a failed setup */
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	harness_undefine(&f->h, UUID);
	harness_stop(&f->h);
	test_rm_rf(f->dir);
	free(f->dir);
	free(f->cfg);
	free(f->sysroot);
	free(f->journal);
	free(f->original);
	free(f);
	return 0;
}

/* Runs kvmrt-@tool with the fixture's files and @extra; checks the status; returns the output. */
static void tool(struct fixture *f, const char *name, const char *extra, int status,
		 struct test_output *o)
{
	char path[128];
	char *argv[] = { path, "-f", f->cfg, "-c", HARNESS_URI, "--sysroot", f->sysroot,
			 "--journal", f->journal, (char *)extra, NULL };

	snprintf(path, sizeof(path), "kvmrt-core/%s", name);
	assert_int_equal(test_exec(argv, o), 0);
	if (o->status != status)
		fail_msg("%s %s: status %d, expected %d\n%s%s", name, extra ? extra : "", o->status,
			 status, o->out, o->err);
}

static void has(const struct test_output *o, const char *what)
{
	if (!strstr(o->out, what) && !strstr(o->err, what))
		fail_msg("'%s' missing from:\n%s%s", what, o->out, o->err);
}

static bool running(struct fixture *f)
{
	virDomainPtr d = virDomainLookupByUUIDString(f->h.conn, UUID);
	bool r;

	assert_non_null(d);
	r = virDomainIsActive(d) == 1;
	virDomainFree(d);
	return r;
}

static pid_t qemu_pid(void)
{
	struct kvmrt_sysroot live;
	char why[256];
	pid_t pid;

	assert_int_equal(kvmrt_sysroot_open("/", &live, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_vm_pid(&live, UUID, &pid), 0);
	kvmrt_sysroot_close(&live);
	return pid;
}

/* Every thread of QEMU is allowed on CPU 1 only (sched_getaffinity); returns the vCPU's TID. */
static pid_t check_pinning(pid_t pid)
{
	struct kvmrt_sysroot live;
	struct kvmrt_task *t;
	pid_t vcpu = 0;
	char why[256];
	int n;

	assert_int_equal(kvmrt_sysroot_open("/", &live, why, sizeof(why)), 0);
	n = kvmrt_task_threads(&live, pid, &t, why, sizeof(why));
	assert_true(n >= 2);
	for (int i = 0; i < n; i++) {
		cpu_set_t set;

		assert_int_equal(sched_getaffinity(t[i].tid, sizeof(set), &set), 0);
		if (CPU_COUNT(&set) != 1 || !CPU_ISSET(1, &set))
			fail_msg("'%s' (tid %d) is not pinned to CPU 1", t[i].comm, (int)t[i].tid);
		if (!strcmp(t[i].comm, "CPU 0/TCG"))
			vcpu = t[i].tid;
	}
	kvmrt_tasks_free(t, (unsigned)n);
	kvmrt_sysroot_close(&live);
	assert_true(vcpu > 0);
	return vcpu;
}

/*
 * The real CPU 0/TCG thread against a real-time plan (vCPU 0 on CPU 1 of a
 * 3-CPU host): its pinning matches, SCHED_FIFO does not, and putting it back
 * is refused with the cgroup setting named.
 */
static void fifo_refusal(pid_t pid, pid_t vcpu)
{
	struct kvmrt_topology *t;
	struct kvmrt_sysroot live;
	struct kvmrt_vm_thread *th;
	struct kvmrt_vm_plan p;
	struct kvmrt_vm vm;
	char why[1024], want[128];
	int n, r;

	assert_int_equal(kvmrt_topology_load("pack:1 numa:1 core:3 pu:1", 0, &t, why, sizeof(why)),
			 0);
	assert_int_equal(kvmrt_vm_init(&vm, UUID), 0);
	vm.rt = true;
	free(vm.cpuset);
	vm.cpuset = strdup("1-2");
	assert_int_equal(kvmrt_plan_vm(&vm, t, &p), 0);
	assert_int_equal(kvmrt_sysroot_open("/", &live, why, sizeof(why)), 0);
	n = kvmrt_vm_threads(&live, pid, &p, KVMRT_RT_PRIORITY, &th, why, sizeof(why));
	assert_true(n >= 2);
	for (int i = 0; i < n; i++) {
		if (th[i].task.tid != vcpu)
			continue;
		assert_string_equal(th[i].why, "policy OTHER 0, planned FIFO 1");
		r = kvmrt_vm_thread_reapply(&live, &th[i], &p, KVMRT_RT_PRIORITY, why, sizeof(why));
		if (r == 0) {
			fprintf(stderr, "boot-e2e: this host grants SCHED_FIFO to QEMU threads\n");
			continue;
		}
		assert_int_equal(r, -EPERM);
		snprintf(want, sizeof(want), "SCHED_FIFO refused for 'CPU 0/TCG' (tid %d): ",
			 (int)vcpu);
		if (!strstr(why, want) || !strstr(why, "cpu.rt_runtime_us of /sys/fs/cgroup/"))
			fail_msg("unclear refusal: %s", why);
	}
	kvmrt_vm_threads_free(th, (unsigned)n);
	kvmrt_sysroot_close(&live);
	kvmrt_plan_vm_done(&p);
	kvmrt_vm_done(&vm);
	kvmrt_topology_free(t);
}

/* The sysroot copy is byte for byte the fixture. */
static void sysroot_unchanged(struct fixture *f)
{
	char *argv[] = { "/usr/bin/diff", "-r", "--no-dereference", f->original, f->sysroot, NULL };
	struct test_output o;

	assert_int_equal(test_exec(argv, &o), 0);
	if (o.status != 0)
		fail_msg("the sysroot copy changed:\n%s%s", o.out, o.err);
	test_output_free(&o);
}

static void boot_stat_shutdown(void **state)
{
	struct fixture *f = *state;
	struct test_output o;
	pid_t pid, vcpu;

	if (!f)
		skip();
	/* boot: the memlock refusal is reported, not fatal; the domain runs pinned */
	tool(f, "kvmrt-boot", NULL, 0, &o);
	/* libvirt's message is "cannot limit locked memory ...", or only "Process exited
	 * prior to exec" when it loses the race for QEMU's error */
	has(&o, NAME ": libvirt could not start the domain: ");
	has(&o, NAME ": started without memory locking, which this host refused to libvirt");
	has(&o, NAME ": memory locking refused: QEMU pid ");
	has(&o, "1 VMs running (1 with refusals reported above), 0 failed");
	test_output_free(&o);
	assert_true(running(f));
	pid = qemu_pid();
	vcpu = check_pinning(pid);

	/* stat -t: every thread matches the plan */
	tool(f, "kvmrt-stat", "-t", 0, &o);
	has(&o, NAME);
	has(&o, UUID " running");
	if (!strstr(o.out, "CPU 0/TCG        vcpu      1            1    OTHER 0     matches"))
		fail_msg("CPU 0/TCG not shown matching:\n%s", o.out);
	assert_null(strstr(o.out, "differs"));
	test_output_free(&o);
	fifo_refusal(pid, vcpu);

	/* running: boot re-tunes it; --clean refuses before changing anything */
	tool(f, "kvmrt-boot", NULL, 0, &o);
	has(&o, NAME ": running: re-tuning");
	has(&o, NAME ": QEMU pid ");
	test_output_free(&o);
	tool(f, "kvmrt-boot", "--clean", 1, &o);
	has(&o, NAME ": running; --clean boots only when no VM of ");
	test_output_free(&o);
	assert_int_equal(qemu_pid(), pid);
	sysroot_unchanged(f);

	/* shutdown: the firmware-only guest ignores ACPI, --force destroys it */
	tool(f, "kvmrt-shutdown", "--force=1", 0, &o);
	has(&o, NAME ": destroyed after 1 s (--force)");
	test_output_free(&o);
	assert_false(running(f));
	sysroot_unchanged(f);
	tool(f, "kvmrt-stat", NULL, 0, &o);
	has(&o, UUID " shut off");
	test_output_free(&o);

	/* --clean tolerates no refusal: the memlock one fails the boot */
	tool(f, "kvmrt-boot", "--clean", 1, &o);
	has(&o, "kvmrt-boot: " NAME ": libvirt could not start the domain: ");
	has(&o, "0 VMs running (0 with refusals reported above), 1 failed");
	test_output_free(&o);
	assert_false(running(f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(boot_stat_shutdown, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
