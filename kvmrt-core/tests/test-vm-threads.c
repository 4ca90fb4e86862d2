/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The threads of a VM's QEMU process against its plan, on the fixture /proc
 * tree fixtures/kvmrt-core/vm-threads/qemu-rt (made by make-tree.py there):
 * roles from thread names, finding the process by -uuid, matching (and why
 * not), putting threads back on a copy of the tree, and the locked-memory
 * parsers with hostile input.
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

#include <cmocka.h>

#include "kvmrt-host.h"
#include "kvmrt-test.h"
#include "test-exec.h"

#define TREE "fixtures/kvmrt-core/vm-threads/qemu-rt"
#define UUID "3f0c2b7e-8a41-4d5e-9b6c-1e2f3a4b5c6d"
#define QEMU_PID 4242

struct fixture {
	char *top, *dir;           /* a copy of the tree in top, changed by the tests */
	struct kvmrt_sysroot s;
	struct kvmrt_topology *t;
	struct kvmrt_vm vm;
	struct kvmrt_vm_plan p;
};

static void plan(struct fixture *f, bool rt)
{
	kvmrt_plan_vm_done(&f->p);
	f->vm.rt = rt;
	assert_int_equal(kvmrt_plan_vm(&f->vm, f->t, &f->p), 0);
	assert_int_equal(f->p.status, 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *src = test_source_path(TREE), why[512];
	struct test_output o;

	assert_non_null(f);
	f->top = test_mkdtemp();
	assert_non_null(f->top);
	{
		char *argv[] = { "/bin/cp", "-a", src, f->top, NULL };

		assert_int_equal(test_exec(argv, &o), 0);
	}
	assert_int_equal(o.status, 0);
	test_output_free(&o);
	free(src);
	assert_true(asprintf(&f->dir, "%s/qemu-rt", f->top) > 0);
	if (kvmrt_sysroot_open(f->dir, &f->s, why, sizeof(why)) < 0)
		fail_msg("%s", why);
	assert_int_equal(kvmrt_topology_load("pack:1 numa:1 core:4 pu:1", 0, &f->t, why,
					     sizeof(why)), 0);
	assert_int_equal(kvmrt_vm_init(&f->vm, UUID), 0);
	f->vm.nr_vcpus = 2;
	free(f->vm.cpuset);
	f->vm.cpuset = strdup("1-3");
	plan(f, true);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kvmrt_plan_vm_done(&f->p);
	kvmrt_vm_done(&f->vm);
	kvmrt_topology_free(f->t);
	kvmrt_sysroot_close(&f->s);
	test_rm_rf(f->top);
	free(f->top);
	free(f->dir);
	free(f);
	return 0;
}

static void roles(void **state)
{
	static const struct {
		const char *comm;
		enum kvmrt_thread_role role;
		int vcpu;
	} cases[] = {
		{ "CPU 0/KVM", KVMRT_THREAD_VCPU, 0 },
		{ "CPU 17/TCG", KVMRT_THREAD_VCPU, 17 },
		{ "CPU 3/HVF", KVMRT_THREAD_EMULATOR, -1 },   /* not a vCPU kvmrt knows */
		{ "CPU x/KVM", KVMRT_THREAD_EMULATOR, -1 },
		{ "CPU 99999/KVM", KVMRT_THREAD_EMULATOR, -1 }, /* beyond KVMRT_MAX_VCPUS */
		{ "CPU 1/KVMx", KVMRT_THREAD_EMULATOR, -1 },
		{ "CPU ", KVMRT_THREAD_EMULATOR, -1 },
		{ "qemu-kvm", KVMRT_THREAD_EMULATOR, -1 },
		{ "qemu-system-x86", KVMRT_THREAD_EMULATOR, -1 },
		{ "call_rcu", KVMRT_THREAD_EMULATOR, -1 },
		{ "IO mon_iothread", KVMRT_THREAD_IO, -1 },
		{ "IO iothread1", KVMRT_THREAD_IO, -1 },
		{ "worker", KVMRT_THREAD_IO, -1 },
		{ "SPICE Worker", KVMRT_THREAD_IO, -1 },
		{ "vhost-4242", KVMRT_THREAD_IO, -1 },
		{ "", KVMRT_THREAD_EMULATOR, -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int vcpu = 42;

		if (kvmrt_thread_role_of(cases[i].comm, &vcpu) != cases[i].role ||
		    vcpu != cases[i].vcpu)
			fail_msg("'%s': role or vCPU %d wrong", cases[i].comm, vcpu);
	}
	assert_string_equal(kvmrt_thread_role_name(KVMRT_THREAD_IO), "io");
	assert_string_equal(kvmrt_policy_name(SCHED_FIFO), "FIFO");
	assert_string_equal(kvmrt_policy_name(42), "?");
	assert_string_equal(kvmrt_policy_name(-1), "?");
}

static void pid_by_uuid(void **state)
{
	struct fixture *f = *state;
	pid_t pid = 0;

	assert_int_equal(kvmrt_vm_pid(&f->s, UUID, &pid), 0);
	assert_int_equal(pid, QEMU_PID);
	/* upper case as a user may type it */
	assert_int_equal(kvmrt_vm_pid(&f->s, "3F0C2B7E-8A41-4D5E-9B6C-1E2F3A4B5C6D", &pid), 0);
	assert_int_equal(pid, QEMU_PID);
	assert_int_equal(kvmrt_vm_pid(&f->s, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", &pid), 0);
	assert_int_equal(pid, 5100);
	assert_int_equal(kvmrt_vm_pid(&f->s, "3f0c2b7e-8a41-4d5e-9b6c-1e2f3a4b5c6", &pid), -ENOENT);
	assert_int_equal(kvmrt_vm_pid(&f->s, "", &pid), -ENOENT);
}

static const struct kvmrt_vm_thread *by_tid(const struct kvmrt_vm_thread *th, int n, pid_t tid)
{
	for (int i = 0; i < n; i++)
		if (th[i].task.tid == tid)
			return &th[i];
	fail_msg("no thread %d", (int)tid);
	return NULL;
}

static void expect(const struct kvmrt_vm_thread *th, int n, pid_t tid, bool matches,
		   const char *why)
{
	const struct kvmrt_vm_thread *t = by_tid(th, n, tid);

	if (t->matches != matches || strcmp(t->why, why))
		fail_msg("thread %d: matches %d why '%s', expected %d '%s'", (int)tid, t->matches,
			 t->why, matches, why);
}

static void rt_plan_matching(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_vm_thread *th;
	char why[512];
	int n = kvmrt_vm_threads(&f->s, QEMU_PID, &f->p, KVMRT_RT_PRIORITY, &th, why, sizeof(why));

	assert_int_equal(n, 7);
	expect(th, n, 4242, true, "");
	expect(th, n, 4250, true, "");
	expect(th, n, 4251, true, "");
	expect(th, n, 4252, true, "");
	expect(th, n, 4253, false, "allowed CPUs 1-3, planned 2; policy OTHER 0, planned FIFO 1");
	expect(th, n, 4254, false, "allowed CPUs 0-3, planned 3");
	expect(th, n, 4255, false, "vCPU 2 is not in the plan (2 vCPUs)");
	assert_int_equal(by_tid(th, n, 4252)->role, KVMRT_THREAD_VCPU);
	assert_int_equal(by_tid(th, n, 4252)->vcpu, 0);
	assert_int_equal(by_tid(th, n, 4254)->role, KVMRT_THREAD_IO);
	assert_int_equal(by_tid(th, n, 4242)->role, KVMRT_THREAD_EMULATOR);
	kvmrt_vm_threads_free(th, (unsigned)n);
}

static void plain_plan_matching(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_vm_thread *th;
	char why[512];
	int n;

	plan(f, false);
	n = kvmrt_vm_threads(&f->s, QEMU_PID, &f->p, 0, &th, why, sizeof(why));
	assert_int_equal(n, 7);
	/* not real-time: every thread within the cpuset, no policy asked */
	expect(th, n, 4253, true, "");
	expect(th, n, 4255, true, "");
	expect(th, n, 4254, false, "allowed CPUs 0-3, planned 1-3");
	kvmrt_vm_threads_free(th, (unsigned)n);
}

static void reapply_on_tree(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_vm_thread *th;
	char why[512];
	int n = kvmrt_vm_threads(&f->s, QEMU_PID, &f->p, KVMRT_RT_PRIORITY, &th, why, sizeof(why));

	assert_int_equal(n, 7);
	for (int i = 0; i < n; i++) {
		int r;

		if (th[i].matches)
			continue;
		r = kvmrt_vm_thread_reapply(&f->s, &th[i], &f->p, KVMRT_RT_PRIORITY, why,
					    sizeof(why));
		if (th[i].task.tid == 4255) {
			assert_int_equal(r, -ENOENT);
			assert_non_null(strstr(why, "'CPU 2/KVM' (tid 4255): vCPU 2 is not in the "
						    "plan"));
		} else if (r < 0) {
			fail_msg("tid %d: %s", (int)th[i].task.tid, why);
		}
	}
	kvmrt_vm_threads_free(th, (unsigned)n);
	n = kvmrt_vm_threads(&f->s, QEMU_PID, &f->p, KVMRT_RT_PRIORITY, &th, why, sizeof(why));
	assert_int_equal(n, 7);
	expect(th, n, 4253, true, "");
	expect(th, n, 4254, true, "");
	expect(th, n, 4255, false, "vCPU 2 is not in the plan (2 vCPUs)");
	assert_int_equal(by_tid(th, n, 4253)->task.policy, SCHED_FIFO);
	assert_int_equal(by_tid(th, n, 4253)->task.rt_priority, 1);
	kvmrt_vm_threads_free(th, (unsigned)n);
}

static void missing_process(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_vm_thread *th = NULL;
	char why[512] = "";

	assert_true(kvmrt_vm_threads(&f->s, 999, &f->p, 1, &th, why, sizeof(why)) < 0);
	assert_null(th);
	assert_non_null(strstr(why, "999"));
}

static void truncated_stat(void **state)
{
	struct fixture *f = *state;
	struct kvmrt_vm_thread *th = NULL;
	char why[512] = "", *path;

	path = kt_write_file(f->dir, "proc/4242/task/4253/stat", "4253 (CPU 1/KVM) S 1 4253", 0644);
	free(path);
	assert_int_equal(kvmrt_vm_threads(&f->s, QEMU_PID, &f->p, 1, &th, why, sizeof(why)),
			 -EBADMSG);
	assert_non_null(strstr(why, "/proc/4242/task/4253/stat"));
}

static void memlock_of_process(void **state)
{
	struct fixture *f = *state;
	uint64_t locked = 1, limit = 0;
	char why[512];

	assert_int_equal(kvmrt_vm_memlock(&f->s, QEMU_PID, &locked, &limit, why, sizeof(why)), 0);
	assert_int_equal(locked, 0);
	assert_int_equal(limit, 8388608);
	assert_int_equal(kvmrt_vm_memlock(&f->s, 5100, &locked, &limit, why, sizeof(why)), 0);
	assert_true(limit == UINT64_MAX);
	assert_int_equal(kvmrt_vm_memlock(&f->s, 999, &locked, &limit, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "/proc/999/status"));
	assert_int_equal(kvmrt_vm_memlock_raise(&f->s, QEMU_PID, why, sizeof(why)), -EOPNOTSUPP);
}

static void memlock_parsers(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(kvmrt_limits_memlock("Max locked memory         unlimited            "
					      "unlimited            bytes\n", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(kvmrt_limits_memlock("Max locked memory 65536 65536 bytes\n", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(kvmrt_limits_memlock("Max locked memory", &v), -EBADMSG);
	assert_int_equal(kvmrt_limits_memlock("Max locked memory   unlimitedx 1", &v), -EBADMSG);
	assert_int_equal(kvmrt_limits_memlock("Max locked memory   -1 1", &v), -EBADMSG);
	assert_int_equal(kvmrt_limits_memlock("Max locked memory 99999999999999999999999 1", &v),
			 -EBADMSG);
	assert_int_equal(kvmrt_limits_memlock("Max locked memory 12abc", &v), -EBADMSG);
	assert_int_equal(kvmrt_limits_memlock("", &v), -EBADMSG);

	assert_int_equal(kvmrt_status_vmlck("Name:\tq\nVmLck:\t   131072 kB\n", &v), 0);
	assert_int_equal(v, 131072);
	assert_int_equal(kvmrt_status_vmlck("VmLck:\t1 kB\n", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(kvmrt_status_vmlck("XVmLck:\t1 kB\n", &v), -EBADMSG);
	assert_int_equal(kvmrt_status_vmlck("x\nVmLck:\t1\n", &v), -EBADMSG);
	assert_int_equal(kvmrt_status_vmlck("x\nVmLck:\tkB\n", &v), -EBADMSG);
	assert_int_equal(kvmrt_status_vmlck("x\nVmLck:\t18446744073709551615 kB\n", &v),
			 -EBADMSG);
	assert_int_equal(kvmrt_status_vmlck("x\nVmLck:", &v), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roles),
		cmocka_unit_test_setup_teardown(pid_by_uuid, setup, teardown),
		cmocka_unit_test_setup_teardown(rt_plan_matching, setup, teardown),
		cmocka_unit_test_setup_teardown(plain_plan_matching, setup, teardown),
		cmocka_unit_test_setup_teardown(reapply_on_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_process, setup, teardown),
		cmocka_unit_test_setup_teardown(truncated_stat, setup, teardown),
		cmocka_unit_test_setup_teardown(memlock_of_process, setup, teardown),
		cmocka_unit_test(memlock_parsers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
