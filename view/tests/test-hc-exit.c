/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * KVM_HOST_HC_EXIT: derived just before the next kvm_entry on the CPU that
 * made a hypercall, per system and CPU; never after lost events; not in --raw.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>
#include <traceevent/event-parse.h>

#include "view-test.h"

struct ctx {
	struct tep_handle *tep;
	struct vt_rec hc, entry;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->tep = vt_tep_load();
	vt_rec_init(&c->hc, c->tep, "kvm", "kvm_hypercall", 4711);
	vt_rec_set(&c->hc, "nr", 0x4b525402);
	vt_rec_set(&c->hc, "a0", 2);
	vt_rec_init(&c->entry, c->tep, "kvm", "kvm_entry", 4711);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	tep_free(c->tep);
	free(c);
	return 0;
}

static void open_view(struct ctx *c, struct vt_view *v, bool raw, const char *fields)
{
	struct xv_view_opts opts = { .time = XV_TIME_REL, .raw = raw };

	assert_int_equal(xv_fields_parse(fields, &opts.fields, NULL, 0), 0);
	vt_view_open(v, c->tep, &opts);
}

static void test_exit_before_next_entry(void **state)
{
	struct ctx *c = *state;
	struct vt_view v;

	open_view(c, &v, false, "time,cpu,event,arg");
	vt_view_event(&v, &c->entry, 1, 100);
	vt_view_event(&v, &c->hc, 1, 200);
	vt_view_event(&v, &c->entry, 0, 300); /* another CPU: its hypercall state is its own */
	vt_view_event(&v, &c->entry, 1, 400);
	vt_view_event(&v, &c->entry, 1, 500); /* only once */
	assert_string_equal(vt_view_take(&v), "0.000000000 1 KVM_ENTER_VM_PID [4711]\n"
					      "0.000000100 1 KVM_HOST_HC_ENTER [0x4b525402]\n"
					      "0.000000100 1 KVMRT_GS_FLUSH_HOST [scope=2]\n"
					      "0.000000200 0 KVM_ENTER_VM_PID [4711]\n"
					      "0.000000300 1 KVM_HOST_HC_EXIT [0x4b525402]\n"
					      "0.000000300 1 KVM_ENTER_VM_PID [4711]\n"
					      "0.000000400 1 KVM_ENTER_VM_PID [4711]\n");
	vt_view_close(&v);
}

static void test_per_system(void **state)
{
	struct ctx *c = *state;
	struct xt_event ev = { .data = c->hc.b, .size = c->hc.size, .system = 1, .cpu = 0 };
	struct vt_view v;

	open_view(c, &v, false, "host,cpu,event,arg");
	assert_int_equal(xv_view_add_system(v.view, c->tep, "vm1", "x86_64", "tai"), 0);
	assert_int_equal(xv_view_event(v.view, &ev), 0);
	vt_view_event(&v, &c->entry, 0, 300); /* system 0, CPU 0: no hypercall there */
	ev.data = c->entry.b;
	ev.size = c->entry.size;
	assert_int_equal(xv_view_event(v.view, &ev), 0);
	assert_string_equal(vt_view_take(&v), "vm1 0 KVM_HOST_HC_ENTER [0x4b525402]\n"
					      "vm1 0 KVMRT_GS_FLUSH_HOST [scope=2]\n"
					      "host 0 KVM_ENTER_VM_PID [4711]\n"
					      "vm1 0 KVM_HOST_HC_EXIT [0x4b525402]\n"
					      "vm1 0 KVM_ENTER_VM_PID [4711]\n");
	vt_view_close(&v);
}

static void test_not_across_lost_events(void **state)
{
	struct ctx *c = *state;
	struct xt_event lost = { .tod = 250, .kind = XT_EVENT_LOST, .cpu = 1, .lost = 9 };
	struct vt_view v;

	open_view(c, &v, false, "cpu,event,arg");
	vt_view_event(&v, &c->hc, 1, 200);
	assert_int_equal(xv_view_event(v.view, &lost), 0);
	vt_view_event(&v, &c->entry, 1, 300);
	assert_string_equal(vt_view_take(&v), "1 KVM_HOST_HC_ENTER [0x4b525402]\n"
					      "1 KVMRT_GS_FLUSH_HOST [scope=2]\n"
					      "1 LOST_EVENTS [9]\n"
					      "1 KVM_ENTER_VM_PID [4711]\n");
	vt_view_close(&v);
}

static void test_raw_derives_nothing(void **state)
{
	struct ctx *c = *state;
	struct vt_view v;

	open_view(c, &v, true, "event,name");
	vt_view_event(&v, &c->hc, 1, 200);
	vt_view_event(&v, &c->entry, 1, 300);
	assert_string_equal(vt_view_take(&v), "KVM_HOST_HC_ENTER kvm_hypercall\n"
					      "KVM_ENTER_VM_PID kvm_entry\n");
	vt_view_close(&v);
}

static void test_huge_cpu_number(void **state)
{
	struct ctx *c = *state;
	struct vt_view v;

	/* Beyond the per-CPU state: shown, but no exit can be derived. */
	open_view(c, &v, false, "event");
	vt_view_event(&v, &c->hc, 4000000000u, 200);
	vt_view_event(&v, &c->entry, 4000000000u, 300);
	assert_string_equal(vt_view_take(&v), "KVM_HOST_HC_ENTER\nKVMRT_GS_FLUSH_HOST\n"
					      "KVM_ENTER_VM_PID\n");
	vt_view_close(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_before_next_entry),
		cmocka_unit_test(test_per_system),
		cmocka_unit_test(test_not_across_lost_events),
		cmocka_unit_test(test_raw_derives_nothing),
		cmocka_unit_test(test_huge_cpu_number),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
