/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-call.c - detection and the calls through the detection seam: a fake
 * CPUID (bare metal, another hypervisor, KVM on Intel and AMD, an unknown
 * vendor) and a hypercall that records its registers instead of executing.
 * Checks that nothing is executed unless present, enabled and permitted,
 * the register use of every function, chunking up to the cap, the guest
 * markers and the errors.
 */
#include <fcntl.h>
#include <pthread.h>
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

#include "gs-internal.h"
#include "gs-test.h"
#include "test-exec.h"

#define MAX_CALLS 256
#define FW_CFG "sys/firmware/qemu_fw_cfg/by_name/" KVMRT_GS_FW_CFG_NAME "/raw"
#define ENABLED "kvmrt_gs_hc_guest_enabled = 1\nkvmrt_gs_syscall_enabled = 1\n"

/* What the fake CPU reports (test-global: CPUID has no user data). */
static struct {
	const char *vendor;
	const char *signature;
	bool hv_bit;
} cpu;

static struct {
	unsigned long r[5];
} calls[MAX_CALLS];
static unsigned n_calls;
static unsigned n_mallocs; /* calls of malloc from our code (-Wl,--wrap=malloc) */

void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_malloc(size_t size)
{
	n_mallocs++;
	return __real_malloc(size);
}

static void fake_cpuid(uint32_t leaf, uint32_t regs[4])
{
	memset(regs, 0, 4 * sizeof(regs[0]));
	if (leaf == 0) {
		memcpy(&regs[1], cpu.vendor, 4);
		memcpy(&regs[3], cpu.vendor + 4, 4);
		memcpy(&regs[2], cpu.vendor + 8, 4);
	} else if (leaf == 1) {
		regs[2] = cpu.hv_bit ? 1u << 31 : 0;
	} else if (leaf == 0x40000000u && cpu.signature) {
		regs[0] = 0x40000001u;
		memcpy(&regs[1], cpu.signature, 12);
	}
}

static long fake_hypercall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
			   unsigned long a3)
{
	if (n_calls < MAX_CALLS) {
		unsigned long r[5] = {nr, a0, a1, a2, a3};

		memcpy(calls[n_calls].r, r, sizeof(r));
	}
	n_calls++;
	return -1; /* what KVM answers a user-space hypercall */
}

struct fixture {
	char *root;
	char conf[4200];
	char marker[4200];
	struct gs_probe probe;
	struct gs_ctx ctx;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->root = test_mkdtemp();
	snprintf(f->conf, sizeof(f->conf), "%s/kvmrt-gs.conf", f->root);
	snprintf(f->marker, sizeof(f->marker), "%s/trace_marker", f->root);
	gs_test_write_text(f->root, "trace_marker", "");
	gs_test_write_text(f->root, FW_CFG, "permit=all\n");
	gs_test_write_text(f->root, "kvmrt-gs.conf", ENABLED);
	f->probe = (struct gs_probe){.cpuid = fake_cpuid,
				     .sysroot = f->root,
				     .conf_path = f->conf,
				     .marker_path = f->marker,
				     .hypercall = fake_hypercall};
	cpu.vendor = "AuthenticAMD";
	cpu.signature = "KVMKVMKVM\0\0\0";
	cpu.hv_bit = true;
	n_calls = 0;
	f->ctx.marker_fd = -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	gs_ctx_done(&f->ctx);
	test_rm_rf(f->root);
	free(f->root);
	free(f);
	return 0;
}

static void init(struct fixture *f)
{
	gs_ctx_done(&f->ctx);
	gs_ctx_init(&f->ctx, &f->probe);
}

static char *marker_text(struct fixture *f)
{
	static char buf[65536];
	FILE *in = fopen(f->marker, "re");
	size_t n;

	assert_non_null(in);
	n = fread(buf, 1, sizeof(buf) - 1, in);
	buf[n] = '\0';
	fclose(in);
	return buf;
}

static void test_detect(void **state)
{
	gs_hypercall_fn fn = NULL;

	(void)state;
	cpu.hv_bit = true;
	cpu.signature = "KVMKVMKVM\0\0\0";
	cpu.vendor = "AuthenticAMD";
	assert_int_equal(gs_detect_kvm(fake_cpuid, &fn), 0);
	assert_ptr_equal(fn, gs_vmmcall);
	cpu.vendor = "HygonGenuine";
	assert_int_equal(gs_detect_kvm(fake_cpuid, &fn), 0);
	assert_ptr_equal(fn, gs_vmmcall);
	cpu.vendor = "GenuineIntel";
	assert_int_equal(gs_detect_kvm(fake_cpuid, &fn), 0);
	assert_ptr_equal(fn, gs_vmcall);
	cpu.vendor = "SomeoneElse!";
	assert_int_equal(gs_detect_kvm(fake_cpuid, &fn), -ENODEV);
	cpu.vendor = "GenuineIntel";
	cpu.signature = "Microsoft Hv";
	assert_int_equal(gs_detect_kvm(fake_cpuid, &fn), -ENODEV);
	cpu.signature = "KVMKVMKVM\0\0\0";
	cpu.hv_bit = false;
	assert_int_equal(gs_detect_kvm(fake_cpuid, &fn), -ENODEV);
}

/* No KVM signature: every call is -ENODEV, nothing executed, no marker. */
static void test_absent(void **state)
{
	struct fixture *f = *state;
	char msg[] = "hello";

	cpu.signature = "VMwareVMware";
	init(f);
	assert_int_equal(gs_ctx_check(&f->ctx, 0), -ENODEV);
	assert_int_equal(gs_ping(&f->ctx, 1), -ENODEV);
	assert_int_equal(gs_flush(&f->ctx, 0), -ENODEV);
	assert_int_equal(gs_log(&f->ctx, KVMRT_GS_FN_LOG_MSG, msg, 5), -ENODEV);
	assert_int_equal(n_calls, 0);
	assert_string_equal(marker_text(f), "");
}

/* Not enabled in the guest, or not permitted by the host: -EPERM, nothing executed. */
static void test_disabled(void **state)
{
	struct fixture *f = *state;
	gs_test_write_text("", f->conf, "kvmrt_gs_hc_guest_enabled = 1\n");
	init(f);
	assert_int_equal(gs_ping(&f->ctx, 1), -EPERM);
	assert_int_equal(gs_flush(&f->ctx, 1), -EPERM);

	gs_test_write_text("", f->conf, ENABLED);
	gs_test_write_text(f->root, FW_CFG, "permit=ping\n");
	init(f);
	assert_int_equal(gs_ctx_check(&f->ctx, 0), 0);
	assert_int_equal(gs_ctx_check(&f->ctx, KVMRT_GS_FN_FLUSH), -EPERM);
	assert_int_equal(gs_flush(&f->ctx, 1), -EPERM);
	assert_int_equal(n_calls, 0);
	assert_int_equal(gs_ping(&f->ctx, 1), 0);
	assert_int_equal(n_calls, 1);

	gs_test_write_text(f->root, FW_CFG, "permit=0\n");
	init(f);
	assert_int_equal(gs_ctx_check(&f->ctx, 0), -EPERM);
	assert_int_equal(gs_ping(&f->ctx, 1), -EPERM);
	assert_int_equal(n_calls, 1);
}

static void test_ping(void **state)
{
	struct fixture *f = *state;
	unsigned long long c, c2, tod1, tod2;
	unsigned seq1, seq2;

	init(f);
	assert_int_equal(gs_ping(&f->ctx, 0x5eed1000ul), 0);
	assert_int_equal(gs_ping(&f->ctx, 0x5eed1000ul), 0);
	assert_int_equal(n_calls, 2);
	assert_int_equal(calls[0].r[0], 0x4b525401u);
	assert_int_equal(calls[0].r[1], 0x5eed1000ul);
	assert_int_equal(calls[0].r[2], 1);
	assert_int_equal(calls[1].r[2], 2);
	assert_true(calls[0].r[3] > 1700000000ull * 1000000000ull); /* a TOD in ns */
	/* the markers: before and after, same cookie and sequence, the fixture's format */
	assert_int_equal(sscanf(marker_text(f),
				"KVMRT_GS_PING_GUEST cookie=0x%llx seq=%u tod=%llu"
				"KVMRT_GS_PING_GUEST cookie=0x%llx seq=%u tod=%llu",
				&c, &seq1, &tod1, &c2, &seq2, &tod2),
			 6);
	assert_int_equal(c2, c);
	assert_int_equal(c, 0x5eed1000ul);
	assert_int_equal(seq1, 1);
	assert_int_equal(seq2, 1);
	assert_int_equal(tod1, calls[0].r[3]);
	assert_true(tod2 >= tod1);
}

/* Once set up, pinging allocates nothing. */
static void test_ping_no_alloc(void **state)
{
	struct fixture *f = *state;

	init(f);
	n_mallocs = 0;
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(gs_ping(&f->ctx, i), 0);
	assert_int_equal(n_calls, 100);
	assert_int_equal(n_mallocs, 0);
}

#define PINGERS 4
#define PINGS 200

static atomic_uint seq_seen[PINGERS * PINGS + 1]; /* hypercalls made per sequence number */

static long seq_hypercall(unsigned long nr, unsigned long a0, unsigned long a1,
			  unsigned long a2, unsigned long a3)
{
	if (a1 <= PINGERS * PINGS)
		atomic_fetch_add(&seq_seen[a1], 1);
	return -1;
}

static void *pinger_run(void *arg)
{
	for (unsigned i = 0; i < PINGS; i++)
		if (gs_ping(arg, i) < 0)
			return NULL;
	return arg;
}

/* Four threads ping one context: every call gets its own sequence number. */
static void test_threads(void **state)
{
	struct fixture *f = *state;
	pthread_t t[PINGERS];

	f->probe.hypercall = seq_hypercall;
	init(f);
	for (unsigned i = 0; i < PINGERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, pinger_run, &f->ctx), 0);
	for (unsigned i = 0; i < PINGERS; i++) {
		void *ret;

		assert_int_equal(pthread_join(t[i], &ret), 0);
		assert_ptr_equal(ret, &f->ctx);
	}
	for (unsigned seq = 1; seq <= PINGERS * PINGS; seq++)
		assert_int_equal(atomic_load(&seq_seen[seq]), 1);
}

static void test_flush(void **state)
{
	struct fixture *f = *state;

	init(f);
	assert_int_equal(gs_flush(&f->ctx, 3), -EINVAL);
	assert_int_equal(n_calls, 0);
	assert_int_equal(gs_flush(&f->ctx, KVMRT_GS_SCOPE_CPU_ALL), 0);
	assert_int_equal(n_calls, 1);
	assert_int_equal(calls[0].r[0], 0x4b525402u);
	assert_int_equal(calls[0].r[1], 2);
	assert_non_null(strstr(marker_text(f), "KVMRT_GS_FLUSH_GUEST scope=2 tod="));
}

/* Payload bytes back from the recorded registers. */
static void unpack(unsigned first, unsigned n, uint8_t *out, size_t len)
{
	for (unsigned k = 0; k < n; k++)
		for (unsigned b = 0; b < KVMRT_GS_CHUNK_BYTES; b++) {
			size_t at = (size_t)k * KVMRT_GS_CHUNK_BYTES + b;
			unsigned long w = calls[first + k].r[2 + b / 8];
			uint8_t byte = (uint8_t)(w >> (8 * (b % 8)));

			if (at < len)
				out[at] = byte;
			else
				assert_int_equal(byte, 0); /* zeros past the end */
		}
}

static void test_log_chunks(void **state)
{
	struct fixture *f = *state;
	static uint8_t data[KVMRT_GS_MAX_PAYLOAD + 1], back[KVMRT_GS_MAX_PAYLOAD];
	unsigned chunks = (KVMRT_GS_MAX_PAYLOAD + 23) / 24;
	unsigned id;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	init(f);
	assert_int_equal(gs_log(&f->ctx, KVMRT_GS_FN_LOG_DATA, data, sizeof(data)), -E2BIG);
	assert_int_equal(gs_log(&f->ctx, KVMRT_GS_FN_LOG_DATA, data, 0), -EINVAL);
	assert_int_equal(gs_log(&f->ctx, KVMRT_GS_FN_LOG_DATA, NULL, 3), -EINVAL);
	assert_int_equal(n_calls, 0);

	assert_int_equal(gs_log(&f->ctx, KVMRT_GS_FN_LOG_DATA, data, KVMRT_GS_MAX_PAYLOAD), 0);
	assert_int_equal(n_calls, chunks);
	id = KVMRT_GS_LOG_ID(calls[0].r[1]);
	for (unsigned k = 0; k < chunks; k++) {
		assert_int_equal(calls[k].r[0], 0x4b525403u);
		assert_int_equal(KVMRT_GS_LOG_ID(calls[k].r[1]), id);
		assert_int_equal(KVMRT_GS_LOG_LEN(calls[k].r[1]), KVMRT_GS_MAX_PAYLOAD);
		assert_int_equal(KVMRT_GS_LOG_CHUNK(calls[k].r[1]), k);
	}
	unpack(0, chunks, back, KVMRT_GS_MAX_PAYLOAD);
	assert_memory_equal(back, data, KVMRT_GS_MAX_PAYLOAD);

	/* a short message: one chunk, zero padded; a new id */
	n_calls = 0;
	assert_int_equal(gs_log(&f->ctx, KVMRT_GS_FN_LOG_MSG, "hi there", 8), 0);
	assert_int_equal(n_calls, 1);
	assert_int_equal(calls[0].r[0], 0x4b525404u);
	assert_int_not_equal(KVMRT_GS_LOG_ID(calls[0].r[1]), id);
	unpack(0, 1, back, 8);
	assert_memory_equal(back, "hi there", 8);
	assert_non_null(strstr(marker_text(f), "KVMRT_GS_LOG_MSG_GUEST id="));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_detect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_absent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_disabled, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ping, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ping_no_alloc, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_log_chunks, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
