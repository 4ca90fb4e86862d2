/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-ping-root.c - the acceptance checks of libkvmrt_gs on this machine,
 * a KVM guest (suite root): with the service enabled by a test config and
 * a test host permit, kvmrt_gs_ping() really executes the hypercall (it
 * returns from the hypervisor, no fault) and its guest markers land in a
 * recording made with the built xtrace-run; disabled, nothing is executed
 * and -EPERM comes back; without the KVM signature (the detection seam),
 * -ENODEV. Every hypercall runs in a child process first: a wrong
 * instruction would kill the child, not the test.
 */
#include <fcntl.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "gs-internal.h"
#include "gs-test.h"
#include "kvmrt_gs.h"
#include "test-exec.h"
#include "xtrace.h"

#define CHILD_FAILED 99

struct fixture {
	char *root;
	char conf[4200];
	char dump[4200];
};

static void set_enabled(struct fixture *f, bool on)
{
	gs_test_write_text("", f->conf,
			   on ? "kvmrt_gs_hc_guest_enabled = 1\nkvmrt_gs_syscall_enabled = 1\n"
			      : "# switched off\n");
}

static bool machine_ok(void)
{
	gs_hypercall_fn fn;

	return geteuid() == 0 && access(GS_MARKER_PATH, W_OK) == 0 &&
	       gs_detect_kvm(gs_cpuid, &fn) == 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!machine_ok()) {
		free(f);
		skip(); /* not a KVM guest with tracefs as root */
	}
	f->root = test_mkdtemp();
	snprintf(f->conf, sizeof(f->conf), "%s/kvmrt-gs.conf", f->root);
	snprintf(f->dump, sizeof(f->dump), "%s/dump", f->root);
	gs_test_write_text(f->root, "sys/firmware/qemu_fw_cfg/by_name/" KVMRT_GS_FW_CFG_NAME "/raw",
			   "permit=all\n");
	set_enabled(f, true);
	setenv(GS_CONF_ENV, f->conf, 1);
	setenv(GS_SYSROOT_ENV, f->root, 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unsetenv(GS_CONF_ENV);
	unsetenv(GS_SYSROOT_ENV);
	test_rm_rf(f->root);
	free(f->root);
	free(f);
	return 0;
}

/* Runs kvmrt_gs_ping(@cookie) in a child; returns its result, or fails on a fault. */
static long ping_in_child(unsigned long cookie)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		long r = kvmrt_gs_ping(cookie);

		_exit(r == 0 ? 0 : r == -EPERM ? 1 : r == -ENODEV ? 2 : CHILD_FAILED);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("kvmrt_gs_ping faulted: signal %d", WTERMSIG(status));
	switch (WEXITSTATUS(status)) {
	case 0:
		return 0;
	case 1:
		return -EPERM;
	case 2:
		return -ENODEV;
	default:
		fail_msg("kvmrt_gs_ping: unexpected result");
	}
	return 0;
}

/* The public function executes the real instruction and returns. */
static void test_ping_executes(void **state)
{
	(void)state;
	assert_int_equal(ping_in_child(0x1234), 0);
}

/* ftrace:print records of the dump holding @needle. */
static unsigned count_markers(const char *dump, const char *needle)
{
	struct xt_dump *d = NULL;
	unsigned found = 0;

	assert_int_equal(xt_dump_open(dump, &d), 0);
	for (unsigned cpu = 0; cpu < xt_dump_cpu_count(d); cpu++) {
		struct xt_stream *s = NULL;
		struct xt_event ev;

		if (!xt_dump_has_cpu(d, cpu))
			continue;
		assert_int_equal(xt_cpu_stream_new(d, cpu, 0, NULL, NULL, &s), 0);
		while (xt_stream_next(s, &ev) > 0)
			if (ev.kind == XT_EVENT_RECORD &&
			    memmem(ev.data, ev.size, needle, strlen(needle)))
				found++;
		xt_stream_free(s);
	}
	xt_dump_free(d);
	return found;
}

static int record_cli(struct fixture *f, const char *cookie)
{
	char *gs = NULL;
	struct test_output o = {0};
	int status;

	assert_true(asprintf(&gs, "%s/gs/kvmrt-gs", getenv("KVMRT_BUILD_ROOT")) > 0);
	test_rm_rf(f->dump);
	{
		char *argv[] = {"collect/xtrace-run", "-o", f->dump, "--", gs, "ping",
				(char *)cookie,	      NULL};

		assert_int_equal(test_exec(argv, &o), 0);
	}
	status = o.status;
	test_output_free(&o);
	free(gs);
	return status;
}

/* The guest markers around the call land in an xtrace-run recording. */
static void test_ping_recorded(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(record_cli(f, "0x6b766d72"), 0);
	/* before and after the hypercall: the same cookie and sequence */
	assert_int_equal(count_markers(f->dump, "KVMRT_GS_PING_GUEST cookie=0x6b766d72 seq=1 tod="),
			 2);
}

/* Switched off: -EPERM, no hypercall, no marker. */
static void test_disabled(void **state)
{
	struct fixture *f = *state;

	set_enabled(f, false);
	assert_int_equal(ping_in_child(0x1234), -EPERM);
	assert_int_equal(record_cli(f, "0x6b766d73"), 4);
	assert_int_equal(count_markers(f->dump, "cookie=0x6b766d73"), 0);
}

static void fake_no_kvm(uint32_t leaf, uint32_t regs[4])
{
	gs_cpuid(leaf, regs);
	if (leaf >= 0x40000000u)
		memcpy(&regs[1], "NotKVMNotKVM", 12);
}

static long count_hypercall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
			    unsigned long a3)
{
	fail_msg("a hypercall was executed without a KVM signature");
	return -1;
}

/* The real machine with its signature hidden through the seam: -ENODEV, nothing executed. */
static void test_no_signature(void **state)
{
	struct fixture *f = *state;
	struct gs_probe p;
	struct gs_ctx c;

	gs_probe_default(&p);
	assert_string_equal(p.conf_path, f->conf);
	p.cpuid = fake_no_kvm;
	p.hypercall = count_hypercall;
	gs_ctx_init(&c, &p);
	assert_int_equal(gs_ping(&c, 1), -ENODEV);
	assert_int_equal(gs_flush(&c, 1), -ENODEV);
	gs_ctx_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ping_executes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ping_recorded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_disabled, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_signature, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
