/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Display names and [ARG] of every event type xtrace-view names, from
 * records built byte by byte against the kernel's real formats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <traceevent/event-parse.h>

#include "view-test.h"

#define HRTIMER 0xffffffff8e8f84e0ull

static int setup(void **state)
{
	return vt_ctx_setup(state, "event,arg", false);
}

static const char *one(struct vt_ctx *c)
{
	return vt_render_one(&c->v, &c->r);
}

static void rec(struct vt_ctx *c, const char *sys, const char *name)
{
	vt_rec_init(&c->r, c->tep, sys, name, 4711);
}

static void test_kvm_entry_exit(void **state)
{
	struct vt_ctx *c = *state;

	rec(c, "kvm", "kvm_entry");
	vt_rec_set(&c->r, "vcpu_id", 3);
	assert_string_equal(one(c), "KVM_ENTER_VM_PID [4711]\n");

	rec(c, "kvm", "kvm_exit");
	vt_rec_set(&c->r, "isa", 1); /* VMX */
	vt_rec_set(&c->r, "exit_reason", 12);
	assert_string_equal(one(c), "KVM_EXIT_VM_PID [4711 HLT]\n");
	vt_rec_set(&c->r, "exit_reason", 0x80000021); /* failed entry flag + INVALID_STATE */
	assert_string_equal(one(c), "KVM_EXIT_VM_PID [4711 INVALID_STATE]\n");
	vt_rec_set(&c->r, "isa", 2); /* SVM */
	vt_rec_set(&c->r, "exit_reason", 0x078);
	assert_string_equal(one(c), "KVM_EXIT_VM_PID [4711 hlt]\n");
	vt_rec_set(&c->r, "exit_reason", 0x400);
	assert_string_equal(one(c), "KVM_EXIT_VM_PID [4711 npf]\n");
	vt_rec_set(&c->r, "exit_reason", 0x4d);
	assert_string_equal(one(c), "KVM_EXIT_VM_PID [4711 GP excp]\n");
	vt_rec_set(&c->r, "exit_reason", 0x999);
	assert_string_equal(one(c), "KVM_EXIT_VM_PID [4711 0x999]\n");
}

static void hypercall(struct vt_ctx *c, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
		      uint64_t a3)
{
	rec(c, "kvm", "kvm_hypercall");
	vt_rec_set(&c->r, "nr", nr);
	vt_rec_set(&c->r, "a0", a0);
	vt_rec_set(&c->r, "a1", a1);
	vt_rec_set(&c->r, "a2", a2);
	vt_rec_set(&c->r, "a3", a3);
}

static uint64_t le_word(const char *s)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8 && s[i]; i++)
		v |= (uint64_t)(unsigned char)s[i] << (8 * i);
	return v;
}

static void test_hypercalls(void **state)
{
	struct vt_ctx *c = *state;

	hypercall(c, 0x1, 0, 0, 0, 0);
	assert_string_equal(one(c), "KVM_HOST_HC_ENTER [0x1]\n");

	hypercall(c, 0x4b525401, 42, 7, 1763712000123456789ull, 0);
	assert_string_equal(one(c), "KVM_HOST_HC_ENTER [0x4b525401]\n"
				    "KVMRT_GS_PING_HOST [cookie=0x2a seq=7 tod=1763712000123456789]\n");
	hypercall(c, 0x4b525402, 1, 0, 0, 0);
	assert_string_equal(one(c), "KVM_HOST_HC_ENTER [0x4b525402]\n"
				    "KVMRT_GS_FLUSH_HOST [scope=1]\n");
	/* a0 = message id << 32 | length << 16 | chunk index */
	hypercall(c, 0x4b525403, 3ull << 32 | 11 << 16 | 0, le_word("hello wo"), le_word("rld"), 0);
	assert_string_equal(one(c), "KVM_HOST_HC_ENTER [0x4b525403]\n"
				    "KVMRT_GS_LOG_DATA_HOST [id=3 len=11 chunk=0 "
				    "data=68656c6c6f20776f726c64]\n");
	hypercall(c, 0x4b525403, 3ull << 32 | 30 << 16 | 1, le_word("abcdef"), 0, 0);
	assert_string_equal(one(c), "KVM_HOST_HC_ENTER [0x4b525403]\n"
				    "KVMRT_GS_LOG_DATA_HOST [id=3 len=30 chunk=1 data=616263646566]\n");
	/* A length the chunk index does not reach: all 24 bytes are shown. */
	hypercall(c, 0x4b525403, 3ull << 32 | 4 << 16 | 9, 1, 0, 0);
	assert_string_equal(one(c), "KVM_HOST_HC_ENTER [0x4b525403]\n"
				    "KVMRT_GS_LOG_DATA_HOST [id=3 len=4 chunk=9 data="
				    "010000000000000000000000000000000000000000000000]\n");
	hypercall(c, 0x4b525404, 9ull << 32 | 15 << 16, le_word("hello wo"), le_word("rld\x1b[2J"),
		  0);
	assert_string_equal(one(c), "KVM_HOST_HC_ENTER [0x4b525404]\n"
				    "KVMRT_GS_LOG_MSG_HOST [id=9 len=15 chunk=0 "
				    "msg=hello world\\x1b[2J]\n");
	/* An unknown guest-services function is only a hypercall. */
	hypercall(c, 0x4b525477, 1, 2, 3, 4);
	assert_string_equal(one(c), "KVM_HOST_HC_ENTER [0x4b525477]\n");
}

static const char *marker(struct vt_ctx *c, const char *text)
{
	rec(c, "ftrace", "print");
	vt_rec_set(&c->r, "ip", 0xffffffff81000000ull);
	vt_rec_set_str(&c->r, "buf", text);
	return one(c);
}

/*
 * The two markers a guest thread writes around one guest-services hypercall:
 * the first shows as KVM_GUEST_HC_START and the event, the second (the same
 * but for its tod=) as KVM_GUEST_HC_END with its arguments.
 */
static void test_guest_call_markers(void **state)
{
	struct vt_ctx *c = *state;

	assert_string_equal(marker(c, "KVMRT_GS_PING_GUEST cookie=0x1 seq=1 tod=100\n"),
			    "KVM_GUEST_HC_START [0x4b525401]\n"
			    "KVMRT_GS_PING_GUEST [cookie=0x1 seq=1 tod=100]\n");
	assert_string_equal(marker(c, "KVMRT_GS_PING_GUEST cookie=0x1 seq=1 tod=180\n"),
			    "KVM_GUEST_HC_END [cookie=0x1 seq=1 tod=180]\n");
	/* A call whose second marker was lost: the next call starts anew. */
	marker(c, "KVMRT_GS_LOG_MSG_GUEST id=7 len=3 tod=200\n");
	assert_string_equal(marker(c, "KVMRT_GS_PING_GUEST cookie=0x1 seq=2 tod=300\n"),
			    "KVM_GUEST_HC_START [0x4b525401]\n"
			    "KVMRT_GS_PING_GUEST [cookie=0x1 seq=2 tod=300]\n");
	/* Another thread's marker does not close this thread's call. */
	vt_rec_init(&c->r, c->tep, "ftrace", "print", 4712);
	vt_rec_set_str(&c->r, "buf", "KVMRT_GS_PING_GUEST cookie=0x1 seq=2 tod=301\n");
	assert_string_equal(one(c), "KVM_GUEST_HC_START [0x4b525401]\n"
				    "KVMRT_GS_PING_GUEST [cookie=0x1 seq=2 tod=301]\n");
	assert_string_equal(marker(c, "KVMRT_GS_PING_GUEST cookie=0x1 seq=2 tod=390\n"),
			    "KVM_GUEST_HC_END [cookie=0x1 seq=2 tod=390]\n");
}

static void test_markers(void **state)
{
	struct vt_ctx *c = *state;

	assert_string_equal(marker(c, "hello world\n"), "MARKER [hello world]\n");
	assert_string_equal(marker(c, "KVMRT_GS_PING_GUEST 42 7\n"),
			    "KVM_GUEST_HC_START [0x4b525401]\nKVMRT_GS_PING_GUEST [42 7]\n");
	assert_string_equal(marker(c, "KVMRT_GS_FLUSH_GUEST\n"),
			    "KVM_GUEST_HC_START [0x4b525402]\nKVMRT_GS_FLUSH_GUEST\n");
	assert_string_equal(marker(c, "KVMRT_GS_FLUSH_GUEST\n"), "KVM_GUEST_HC_END\n");
	assert_string_equal(marker(c, "KVMRT_GS_OTHER_GUEST 1\n"), "KVMRT_GS_OTHER_GUEST [1]\n");
	assert_string_equal(marker(c, "KVMRT_GS_bad name\n"), "MARKER [KVMRT_GS_bad name]\n");
	assert_string_equal(marker(c, "xtrace-anchor 123 456\n"), "");
	assert_string_equal(marker(c, "bell\a\n"), "MARKER [bell\\x07]\n");
	assert_string_equal(marker(c, "\n"), "MARKER\n");
}

static void test_sched(void **state)
{
	struct vt_ctx *c = *state;

	rec(c, "sched", "sched_switch");
	vt_rec_set_str(&c->r, "prev_comm", "bash");
	vt_rec_set(&c->r, "prev_pid", 4711);
	vt_rec_set(&c->r, "next_pid", 740216);
	assert_string_equal(one(c), "SCHED_SWITCH [740216]\n");

	rec(c, "sched", "sched_process_exec");
	vt_rec_set_str(&c->r, "filename", "/usr/bin/cyclictest");
	vt_rec_set(&c->r, "pid", 4711);
	assert_string_equal(one(c), "SCHED_PROCESS_EXEC [4711 /usr/bin/cyclictest]\n");
	rec(c, "sched", "sched_process_fork");
	vt_rec_set_str(&c->r, "parent_comm", "bash");
	vt_rec_set(&c->r, "parent_pid", 4711);
	vt_rec_set_str(&c->r, "child_comm", "bash");
	vt_rec_set(&c->r, "child_pid", 4712);
	assert_string_equal(one(c), "SCHED_PROCESS_FORK [4712]\n");
}

/* Events whose [ARG] comes from one number field. */
static const struct {
	const char *sys, *name, *field;
	uint64_t value;
	const char *want;
} one_field[] = {
	{ "sched", "sched_wakeup", "pid", 740216, "SCHED_WAKEUP [740216]\n" },
	{ "sched", "sched_wakeup_new", "pid", 12, "SCHED_WAKEUP_NEW [12]\n" },
	{ "sched", "sched_waking", "pid", 13, "SCHED_WAKING [13]\n" },
	{ "sched", "sched_process_exit", "pid", 4711, "SCHED_PROCESS_EXIT [4711]\n" },
	{ "raw_syscalls", "sys_enter", "id", 0, "SYSCALL_ENTER [read]\n" },
	{ "raw_syscalls", "sys_enter", "id", 257, "SYSCALL_ENTER [openat]\n" },
	{ "raw_syscalls", "sys_exit", "id", 1, "SYSCALL_EXIT [write]\n" },
	{ "raw_syscalls", "sys_exit", "id", 100000, "SYSCALL_EXIT [100000]\n" },
	{ "raw_syscalls", "sys_exit", "id", (uint64_t)-1, "SYSCALL_EXIT [-1]\n" },
	{ "irq", "irq_handler_exit", "irq", 24, "INTERRUPT_EXIT [24]\n" },
	{ "irq_vectors", "local_timer_entry", "vector", 236, "INTERRUPT_ENTER [apic_timer]\n" },
	{ "irq_vectors", "local_timer_exit", "vector", 236, "INTERRUPT_EXIT [apic_timer]\n" },
	{ "irq_vectors", "reschedule_entry", "vector", 253, "INTERRUPT_ENTER [reschedule]\n" },
	{ "irq_vectors", "call_function_exit", "vector", 252, "INTERRUPT_EXIT [call_function]\n" },
	{ "irq_vectors", "call_function_single_entry", "vector", 251,
	  "INTERRUPT_ENTER [call_function_single]\n" },
	{ "irq_vectors", "irq_work_exit", "vector", 246, "INTERRUPT_EXIT [irq_work]\n" },
	{ "irq", "softirq_entry", "vec", 1, "SOFTIRQ_ENTER [TIMER]\n" },
	{ "irq", "softirq_exit", "vec", 3, "SOFTIRQ_EXIT [NET_RX]\n" },
	{ "irq", "softirq_raise", "vec", 9, "SOFTIRQ_RAISE [RCU]\n" },
	{ "irq", "softirq_raise", "vec", 42, "SOFTIRQ_RAISE [42]\n" },
	{ "timer", "hrtimer_start", "hrtimer", HRTIMER, "HRTIMER_START [0xffffffff8e8f84e0]\n" },
	{ "timer", "hrtimer_cancel", "hrtimer", HRTIMER, "HRTIMER_CANCEL [0xffffffff8e8f84e0]\n" },
	{ "timer", "hrtimer_expire_entry", "hrtimer", HRTIMER,
	  "HRTIMER_EXPIRE [0xffffffff8e8f84e0]\n" },
	{ "timer", "hrtimer_expire_exit", "hrtimer", HRTIMER,
	  "HRTIMER_EXPIRE_DONE [0xffffffff8e8f84e0]\n" },
	{ "timer", "timer_start", "timer", HRTIMER, "TIMER_START [0xffffffff8e8f84e0]\n" },
	{ "timer", "timer_cancel", "timer", HRTIMER, "TIMER_CANCEL [0xffffffff8e8f84e0]\n" },
	{ "timer", "timer_expire_entry", "timer", HRTIMER,
	  "TIMER_EXPIRE_ENTRY [0xffffffff8e8f84e0]\n" },
	{ "timer", "timer_base_idle", "cpu", 1, "TIMER_BASE_IDLE\n" },
};

static void test_one_field_events(void **state)
{
	struct vt_ctx *c = *state;
	size_t i;

	for (i = 0; i < sizeof(one_field) / sizeof(one_field[0]); i++)
		assert_string_equal(vt_ctx_one(c, one_field[i].sys, one_field[i].name,
					       one_field[i].field, one_field[i].value),
				    one_field[i].want);
}

static void test_irq_handler_name(void **state)
{
	struct vt_ctx *c = *state;

	rec(c, "irq", "irq_handler_entry");
	vt_rec_set(&c->r, "irq", 24);
	vt_rec_set_str(&c->r, "name", "virtio0-input.0");
	assert_string_equal(one(c), "INTERRUPT_ENTER [virtio0-input.0]\n");
}

static void test_others(void **state)
{
	struct vt_ctx *c = *state;

	rec(c, "sched", "sched_process_free");
	vt_rec_set_str(&c->r, "comm", "bash");
	assert_string_equal(one(c), "sched_process_free\n");
	rec(c, "irq_vectors", "vector_alloc");
	assert_string_equal(one(c), "vector_alloc\n");
	rec(c, "kvm", "kvm_pio");
	assert_string_equal(one(c), "kvm_pio\n");
}

static void test_unknown_id(void **state)
{
	struct vt_ctx *c = *state;
	uint8_t b[16] = { 0x0f, 0x27 }; /* id 9999 */

	assert_int_equal(vt_view_bytes(&c->v, b, sizeof(b), 0, 1), 0);
	b[0] = 12; /* id 12 is below the largest id but has no format */
	b[1] = 0;
	assert_int_equal(vt_view_bytes(&c->v, b, sizeof(b), 0, 2), 0);
	assert_string_equal(vt_view_take(&c->v), "UNKNOWN_EVENT [9999]\nUNKNOWN_EVENT [12]\n");
}

static void test_lost(void **state)
{
	struct vt_ctx *c = *state;
	struct xt_event ev = { .tod = 5, .kind = XT_EVENT_LOST, .cpu = 2, .lost = 17 };

	assert_int_equal(xv_view_event(c->v.view, &ev), 0);
	ev.lost = XT_LOST_UNKNOWN;
	assert_int_equal(xv_view_event(c->v.view, &ev), 0);
	assert_string_equal(vt_view_take(&c->v), "LOST_EVENTS [17]\nLOST_EVENTS [unknown]\n");
}

static void test_default_line(void **state)
{
	struct vt_ctx *c = *state;
	struct xv_view_opts opts = { .time = XV_TIME_REL };
	struct xt_event lost = { .tod = 1000 + 2000000000ull, .kind = XT_EVENT_LOST, .cpu = 2,
				 .lost = 3 };
	struct vt_view v;

	xv_fields_default(false, &opts.fields);
	vt_view_open(&v, c->tep, &opts);
	rec(c, "irq_vectors", "local_timer_entry");
	vt_view_event(&v, &c->r, 3, 1000);
	rec(c, "sched", "sched_wakeup");
	vt_rec_set(&c->r, "pid", 740216);
	vt_view_event(&v, &c->r, 3, 1000 + 1500000123ull);
	assert_int_equal(xv_view_event(v.view, &lost), 0);
	assert_string_equal(vt_view_take(&v), "0.000000000 host 3 INTERRUPT_ENTER [apic_timer]\n"
					       "1.500000123 host 3 SCHED_WAKEUP [740216]\n"
					       "2.000000000 host 2 LOST_EVENTS [3]\n");
	vt_view_close(&v);
}

static void test_other_fields(void **state)
{
	struct vt_ctx *c = *state;
	struct xv_view_opts opts = { .time = XV_TIME_TOD };
	struct vt_view v;

	assert_int_equal(xv_fields_parse("name,pid,comm,cpu,time", &opts.fields, NULL, 0), 0);
	vt_view_open(&v, c->tep, &opts);
	assert_int_equal(tep_register_comm(c->tep, "qemu-kvm", 4711), 0);
	rec(c, "kvm", "kvm_entry");
	vt_view_event(&v, &c->r, 1, 1763712000123456789ull);
	assert_string_equal(vt_view_take(&v), "kvm_entry 4711 qemu-kvm 1 1763712000.123456789\n");
	vt_view_close(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kvm_entry_exit),
		cmocka_unit_test(test_hypercalls),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_guest_call_markers),
		cmocka_unit_test(test_sched),
		cmocka_unit_test(test_one_field_events),
		cmocka_unit_test(test_irq_handler_name),
		cmocka_unit_test(test_others),
		cmocka_unit_test(test_unknown_id),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_default_line),
		cmocka_unit_test(test_other_fields),
	};

	return cmocka_run_group_tests(tests, setup, vt_ctx_teardown);
}
