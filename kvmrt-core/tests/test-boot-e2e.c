/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-boot, kvmrt-stat -t and kvmrt-shutdown end to end on a real libvirtd
 * (libvirtd-harness.c) with a TCG domain that really runs
 * (fixtures/kvmrt-core/domains/boot-e2e-tcg.xml). Host tuning goes to a copy
 * of a fixture sysroot, the journal to a temporary directory; the QEMU
 * threads are the real ones.
 *
 * This machine has 2 CPUs. A real-time VM needs nr_vcpus + 1 CPUs without
 * CPU 0 (validation: rt-underprovisioned), so the real-time VM (nr_vcpus 1,
 * cpuset 1) is booted with --ignore-validation: its emulator threads share
 * the vCPU's CPU 1, the host is tuned (into the sysroot copy), libvirt's
 * refusal of SCHED_FIFO and memory locking is reported, kvmrt asks for both
 * itself on the real `CPU 0/TCG` thread and reports the refusals (warnings),
 * kvmrt-stat -t shows the vCPU placed as planned but not SCHED_FIFO, and
 * kvmrt-shutdown restores the sysroot copy byte for byte. The plain VM
 * (cpuset 1, rt_memory = yes) checks the rest: every thread as planned,
 * re-tuning a running VM, and --clean.
 */
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

#define VM "[" UUID "]\nname = " NAME "\nnr_vcpus = 1\ncpuset = 1\nautostart = yes\n"

static const char plain_config[] = VM "rt_memory = yes\n";
static const char rt_config[] = VM "rt = yes\n";

struct fixture {
	struct libvirtd_harness h;
	char *dir, *cfg, *rt_cfg, *sysroot, *journal, *original;
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
	f->cfg = kt_write_file(f->dir, "plain.cfg", plain_config, 0644);
	f->rt_cfg = kt_write_file(f->dir, "rt.cfg", rt_config, 0644);
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
	free(f->rt_cfg);
	free(f->sysroot);
	free(f->journal);
	free(f->original);
	free(f);
	return 0;
}

/* Runs kvmrt-@tool with configuration @cfg, the fixture's files and @extra; checks the
 * status; returns the output. */
static void tool(struct fixture *f, const char *cfg, const char *name, const char *extra,
		 int status, struct test_output *o)
{
	char path[128];
	char *argv[] = { path, "-f", (char *)cfg, "-c", HARNESS_URI, "--sysroot", f->sysroot,
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

/* Whether the sysroot copy is byte for byte the fixture (@same) or was changed. */
static void sysroot_is(struct fixture *f, bool same)
{
	char *argv[] = { "/usr/bin/diff", "-r", "--no-dereference", f->original, f->sysroot, NULL };
	struct test_output o;

	assert_int_equal(test_exec(argv, &o), 0);
	if (o.status != (same ? 0 : 1))
		fail_msg("the sysroot copy %s:\n%s%s", same ? "changed" : "was not tuned", o.out,
			 o.err);
	test_output_free(&o);
}

/* The line of kvmrt-stat -t for thread @comm: "TID COMM ROLE ALLOWED CPU POLICY PLAN". */
static const char *stat_line(const struct test_output *o, const char *comm, char *buf,
			     size_t len)
{
	for (const char *l = o->out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		int n = 0;

		if (sscanf(l, " %*d %n", &n) >= 0 && n && !strncmp(l + n, comm, strlen(comm))) {
			snprintf(buf, len, "%.*s", (int)strcspn(l + n, "\n"), l + n);
			return buf;
		}
	}
	fail_msg("no thread '%s' in:\n%s", comm, o->out);
	return NULL;
}

/*
 * The real-time VM on a host too small for it: --ignore-validation boots it
 * with the errors printed; what the host refuses is reported, not fatal.
 */
static void rt_vm_ignoring_validation(void **state)
{
	struct fixture *f = *state;
	struct test_output o;
	char line[256];
	pid_t vcpu;
	int policy;

	if (!f)
		skip();
	tool(f, f->rt_cfg, "kvmrt-boot", NULL, 1, &o);
	has(&o, ": error: ");
	has(&o, "[rt-underprovisioned]");
	has(&o, "errors: nothing booted (fix them with kvmrt-edit-config)");
	test_output_free(&o);
	tool(f, f->rt_cfg, "kvmrt-boot", "--ignore-validation", 0, &o);
	has(&o, "[rt-underprovisioned]");
	has(&o, "kvmrt-boot: warning: ");
	has(&o, "errors ignored (--ignore-validation): the VMs are placed against the rules");
	has(&o, NAME ": no CPU left for the emulator and I/O threads: they share the vCPUs' "
		"CPUs 1");
	has(&o, "1 VMs running (1 with refusals reported above), 0 failed");
	assert_true(running(f));
	sysroot_is(f, false);
	vcpu = check_pinning(qemu_pid());
	policy = sched_getscheduler(vcpu);
	if (policy == SCHED_FIFO) {
		fprintf(stderr, "boot-e2e: this host grants SCHED_FIFO to QEMU threads\n");
	} else {
		assert_int_equal(policy, SCHED_OTHER);
		has(&o, "kvmrt-boot: warning: " NAME ": SCHED_FIFO refused for 'CPU 0/TCG' (tid ");
		has(&o, "cpu.rt_runtime_us of /sys/fs/cgroup/");
	}
	has(&o, "kvmrt-boot: warning: " NAME ": memory locking refused: QEMU pid ");
	/* The real QEMU stays in libvirt's cgroup: the move goes to the sysroot copy only. */
	has(&o, "runs outside this sysroot); nothing moved");
	test_output_free(&o);

	/* stat -t: the vCPU where planned, its policy not (the reason given) */
	tool(f, f->rt_cfg, "kvmrt-stat", "-t", 0, &o);
	has(&o, UUID " running       yes 1          yes\n");
	stat_line(&o, "CPU 0/TCG", line, sizeof(line));
	if (policy != SCHED_FIFO &&
	    strcmp(line, "CPU 0/TCG        vcpu      1            1    OTHER 0     differs: "
		   "policy OTHER 0, planned FIFO 1"))
		fail_msg("CPU 0/TCG not shown placed as planned but not FIFO:\n%s", o.out);
	assert_null(strstr(o.out, "allowed CPUs"));
	test_output_free(&o);

	/* shutdown undoes the tuning: the sysroot copy is the fixture again */
	tool(f, f->rt_cfg, "kvmrt-shutdown", "--force=0", 0, &o);
	has(&o, NAME ": destroyed after 0 s (--force)");
	has(&o, NAME ": host tuning undone (");
	test_output_free(&o);
	assert_false(running(f));
	sysroot_is(f, true);
}

/* The plain VM: every thread as planned, re-tuning it while it runs, --clean. */
static void plain_vm(void **state)
{
	struct fixture *f = *state;
	struct test_output o;
	pid_t pid;

	if (!f)
		skip();
	/* boot: the memlock refusal is reported, not fatal; the domain runs pinned */
	tool(f, f->cfg, "kvmrt-boot", NULL, 0, &o);
	/* libvirt's message is "cannot limit locked memory ...", or only "Process exited
	 * prior to exec" when it loses the race for QEMU's error */
	has(&o, NAME ": libvirt could not start the domain: ");
	has(&o, NAME ": started without memory locking, which this host refused to libvirt");
	has(&o, NAME ": memory locking refused: QEMU pid ");
	has(&o, "1 VMs running (1 with refusals reported above), 0 failed");
	test_output_free(&o);
	assert_true(running(f));
	pid = qemu_pid();
	check_pinning(pid);

	/* stat -t: every thread matches the plan */
	tool(f, f->cfg, "kvmrt-stat", "-t", 0, &o);
	has(&o, NAME);
	has(&o, UUID " running");
	if (!strstr(o.out, "CPU 0/TCG        vcpu      1            1    OTHER 0     matches"))
		fail_msg("CPU 0/TCG not shown matching:\n%s", o.out);
	assert_null(strstr(o.out, "differs"));
	test_output_free(&o);

	/* running: boot re-tunes it; --clean refuses before changing anything */
	tool(f, f->cfg, "kvmrt-boot", NULL, 0, &o);
	has(&o, NAME ": running: re-tuning");
	has(&o, NAME ": QEMU pid ");
	test_output_free(&o);
	tool(f, f->cfg, "kvmrt-boot", "--clean", 1, &o);
	has(&o, NAME ": running; --clean boots only when no VM of ");
	test_output_free(&o);
	assert_int_equal(qemu_pid(), pid);
	sysroot_is(f, true);

	/* shutdown: the firmware-only guest ignores ACPI, --force destroys it */
	tool(f, f->cfg, "kvmrt-shutdown", "--force=1", 0, &o);
	has(&o, NAME ": destroyed after 1 s (--force)");
	test_output_free(&o);
	assert_false(running(f));
	sysroot_is(f, true);
	tool(f, f->cfg, "kvmrt-stat", NULL, 0, &o);
	has(&o, UUID " shut off");
	test_output_free(&o);

	/* --clean tolerates no refusal: the memlock one fails the boot */
	tool(f, f->cfg, "kvmrt-boot", "--clean", 1, &o);
	has(&o, "kvmrt-boot: " NAME ": libvirt could not start the domain: ");
	has(&o, "0 VMs running (0 with refusals reported above), 1 failed");
	test_output_free(&o);
	assert_false(running(f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rt_vm_ignoring_validation),
		cmocka_unit_test(plain_vm),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
