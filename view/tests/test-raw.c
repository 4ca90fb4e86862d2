/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --raw: ftrace-style full fields, anchors shown, numbers in the format's base. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>
#include <traceevent/event-parse.h>

#include "view-test.h"

static int setup(void **state)
{
	struct vt_ctx *c;

	vt_ctx_setup(state, NULL, true);
	c = *state;
	assert_int_equal(tep_register_comm(c->tep, "qemu-kvm", 4711), 0);
	return 0;
}

static const char *one(struct vt_ctx *c)
{
	return vt_render_one(&c->v, &c->r);
}

static void test_sched_switch(void **state)
{
	struct vt_ctx *c = *state;

	vt_rec_init(&c->r, c->tep, "sched", "sched_switch", 4711);
	vt_rec_set_str(&c->r, "prev_comm", "qemu-kvm");
	vt_rec_set(&c->r, "prev_pid", 4711);
	vt_rec_set(&c->r, "prev_prio", 120);
	vt_rec_set(&c->r, "prev_state", 1);
	vt_rec_set_str(&c->r, "next_comm", "swapper/3");
	vt_rec_set(&c->r, "next_pid", 0);
	vt_rec_set(&c->r, "next_prio", (uint64_t)-1);
	assert_string_equal(one(c), "0.000000000 host 0 qemu-kvm 4711 sched_switch "
				    "prev_comm=qemu-kvm prev_pid=4711 prev_prio=120 prev_state=1 "
				    "next_comm=swapper/3 next_pid=0 next_prio=-1\n");
}

static void test_hex_as_the_format_prints(void **state)
{
	struct vt_ctx *c = *state;

	vt_rec_init(&c->r, c->tep, "kvm", "kvm_exit", 4711);
	vt_rec_set(&c->r, "exit_reason", 0x78);
	vt_rec_set(&c->r, "guest_rip", 0xffffffff81000000ull);
	vt_rec_set(&c->r, "isa", 2);
	vt_rec_set(&c->r, "info1", 0x10);
	vt_rec_set(&c->r, "vcpu_id", 1);
	assert_string_equal(one(c), "0.000000000 host 0 qemu-kvm 4711 kvm_exit exit_reason=120 "
				    "guest_rip=0xffffffff81000000 isa=2 info1=0x10 info2=0x0 "
				    "intr_info=0x0 error_code=0x0 vcpu_id=1 requests=0x0\n");
}

static void test_arrays_and_strings(void **state)
{
	struct vt_ctx *c = *state;
	unsigned i;

	vt_rec_init(&c->r, c->tep, "raw_syscalls", "sys_enter", 12);
	vt_rec_set(&c->r, "id", 257);
	for (i = 0; i < 6; i++) {
		uint64_t v = 0x100 + i;

		memcpy(c->r.b + 16 + 8 * i, &v, 8);
	}
	assert_string_equal(one(c), "0.000000000 host 0 <...> 12 sys_enter id=257 "
				    "args=ARRAY[0x100, 0x101, 0x102, 0x103, 0x104, 0x105]\n");

	vt_rec_init(&c->r, c->tep, "sched", "sched_process_exec", 12);
	vt_rec_set_str(&c->r, "filename", "/bin/true");
	vt_rec_set(&c->r, "pid", 12);
	vt_rec_set(&c->r, "old_pid", 12);
	assert_string_equal(one(c), "0.000000000 host 0 <...> 12 sched_process_exec "
				    "filename=/bin/true pid=12 old_pid=12\n");
}

static void test_markers_and_anchors(void **state)
{
	struct vt_ctx *c = *state;

	vt_rec_init(&c->r, c->tep, "ftrace", "print", 0);
	vt_rec_set(&c->r, "ip", 0xffffffff81234567ull);
	vt_rec_set_str(&c->r, "buf", "xtrace-anchor 123 456\n");
	assert_string_equal(one(c), "0.000000000 host 0 <idle> 0 print ip=0xffffffff81234567 "
				    "buf=xtrace-anchor 123 456\\x0a\n");
}

static void test_event_column(void **state)
{
	struct vt_ctx *c = *state;
	struct xv_view_opts opts = { .time = XV_TIME_REL, .raw = true };
	struct vt_view v;

	assert_int_equal(xv_fields_parse("event,name,arg", &opts.fields, NULL, 0), 0);
	vt_view_open(&v, c->tep, &opts);
	vt_rec_init(&c->r, c->tep, "irq_vectors", "local_timer_entry", 0);
	vt_rec_set(&c->r, "vector", 236);
	vt_view_event(&v, &c->r, 0, 1);
	assert_string_equal(vt_view_take(&v), "INTERRUPT_ENTER local_timer_entry vector=236\n");
	vt_view_close(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sched_switch),
		cmocka_unit_test(test_hex_as_the_format_prints),
		cmocka_unit_test(test_arrays_and_strings),
		cmocka_unit_test(test_markers_and_anchors),
		cmocka_unit_test(test_event_column),
	};

	return cmocka_run_group_tests(tests, setup, vt_ctx_teardown);
}
