/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile records render without reading out of bounds: every record is
 * placed so that it ends exactly where an inaccessible page begins, so any
 * read past its size faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>
#include <traceevent/event-parse.h>

#include "view-test.h"

struct ctx {
	struct tep_handle *tep;
	uint8_t *pages;
	size_t page;
	struct vt_view text, raw;
	struct vt_rec r;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct xv_view_opts opts = { .time = XV_TIME_REL };

	assert_non_null(c);
	c->tep = vt_tep_load();
	c->page = (size_t)sysconf(_SC_PAGESIZE);
	c->pages = mmap(NULL, 2 * c->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	assert_true(c->pages != MAP_FAILED);
	assert_int_equal(mprotect(c->pages + c->page, c->page, PROT_NONE), 0);
	assert_int_equal(xv_fields_parse("event,arg", &opts.fields, NULL, 0), 0);
	vt_view_open(&c->text, c->tep, &opts);
	opts.raw = true;
	assert_int_equal(xv_fields_parse("name,arg", &opts.fields, NULL, 0), 0);
	vt_view_open(&c->raw, c->tep, &opts);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	vt_view_close(&c->text);
	vt_view_close(&c->raw);
	munmap(c->pages, 2 * c->page);
	tep_free(c->tep);
	free(c);
	return 0;
}

/* Renders @size bytes of @data, placed against the guard page, in @v. */
static const char *render(struct ctx *c, struct vt_view *v, const void *data, uint32_t size)
{
	uint8_t *p = c->pages + c->page - size;

	memcpy(p, data, size);
	assert_int_equal(vt_view_bytes(v, p, size, 0, 1), 0);
	return vt_view_take(v);
}

static const char *text(struct ctx *c, uint32_t size)
{
	return render(c, &c->text, c->r.b, size);
}

static const char *raw(struct ctx *c, uint32_t size)
{
	return render(c, &c->raw, c->r.b, size);
}

/* Every known event, cut at every length, filled with 0xff: nothing faults. */
static void test_every_event_every_length(void **state)
{
	struct ctx *c = *state;
	struct tep_event **events = tep_list_events(c->tep, TEP_EVENT_SORT_ID);
	unsigned i, n = 0;
	uint32_t size;

	for (i = 0; events[i]; i++) {
		vt_rec_init(&c->r, c->tep, events[i]->system, events[i]->name, -1);
		memset(c->r.b + 8, 0xff, sizeof(c->r.b) - 8);
		for (size = 0; size <= c->r.size + 8; size++) {
			render(c, &c->text, c->r.b, size);
			render(c, &c->raw, c->r.b, size);
			n++;
		}
	}
	assert_true(n > 1000);
	/* End any hypercall the loop left pending, for the tests that follow. */
	vt_rec_init(&c->r, c->tep, "kvm", "kvm_entry", 1);
	render(c, &c->text, c->r.b, c->r.size);
	render(c, &c->raw, c->r.b, c->r.size);
}

static void test_short_records(void **state)
{
	struct ctx *c = *state;

	vt_rec_init(&c->r, c->tep, "kvm", "kvm_entry", 4711);
	assert_string_equal(text(c, 0), "UNKNOWN_EVENT [?]\n");
	assert_string_equal(text(c, 1), "UNKNOWN_EVENT [?]\n");
	assert_string_equal(text(c, 4), "KVM_ENTER_VM_PID [?]\n");
	assert_string_equal(text(c, 8), "KVM_ENTER_VM_PID [4711]\n");

	vt_rec_init(&c->r, c->tep, "kvm", "kvm_exit", 4711);
	vt_rec_set(&c->r, "exit_reason", 12);
	vt_rec_set(&c->r, "isa", 1);
	assert_string_equal(text(c, 12), "KVM_EXIT_VM_PID [4711 ?]\n"); /* isa is cut off */
	assert_string_equal(text(c, 28), "KVM_EXIT_VM_PID [4711 HLT]\n");
	assert_string_equal(raw(c, 20), "kvm_exit exit_reason=12 guest_rip=? isa=? info1=? info2=? "
					"intr_info=? error_code=? vcpu_id=? requests=?\n");

	vt_rec_init(&c->r, c->tep, "sched", "sched_switch", 1);
	vt_rec_set(&c->r, "next_pid", 42);
	assert_string_equal(text(c, 58), "SCHED_SWITCH [?]\n");
	assert_string_equal(text(c, 60), "SCHED_SWITCH [42]\n");

	vt_rec_init(&c->r, c->tep, "kvm", "kvm_hypercall", 4711);
	vt_rec_set(&c->r, "nr", 0x4b525401);
	assert_string_equal(text(c, 20), "KVM_HOST_HC_ENTER [0x4b525401]\nKVMRT_GS_PING_HOST [?]\n");
	assert_string_equal(text(c, 12), "KVM_HOST_HC_ENTER [?]\n");
}

static void test_unknown_ids(void **state)
{
	struct ctx *c = *state;
	uint8_t b[8] = { 0xff, 0xff, 0, 0, 1, 0, 0, 0 };

	assert_string_equal(render(c, &c->text, b, sizeof(b)), "UNKNOWN_EVENT [65535]\n");
	assert_string_equal(render(c, &c->raw, b, sizeof(b)), "unknown [65535]\n");
	assert_string_equal(render(c, &c->raw, b, 2), "unknown [65535]\n");
}

static void test_strings_without_nul(void **state)
{
	struct ctx *c = *state;

	vt_rec_init(&c->r, c->tep, "sched", "sched_switch", 1);
	vt_rec_set_bytes(&c->r, "prev_comm", "ABCDEFGHIJKLMNOP", 16);
	vt_rec_set_bytes(&c->r, "next_comm", "0123456789abcdef", 16);
	assert_string_equal(raw(c, c->r.size),
			    "sched_switch prev_comm=ABCDEFGHIJKLMNOP prev_pid=0 prev_prio=0 "
			    "prev_state=0 next_comm=0123456789abcdef next_pid=0 next_prio=0\n");

	/* A __data_loc string that runs to the end of the record without a NUL. */
	vt_rec_init(&c->r, c->tep, "irq", "irq_handler_entry", 1);
	vt_rec_set_bytes(&c->r, "name", "eth0", 4);
	assert_string_equal(text(c, c->r.size), "INTERRUPT_ENTER [eth0]\n");
	assert_string_equal(raw(c, c->r.size), "irq_handler_entry irq=0 name=eth0\n");

	/* A marker whose text has no NUL and no newline. */
	vt_rec_init(&c->r, c->tep, "ftrace", "print", 1);
	vt_rec_set_bytes(&c->r, "buf", "KVMRT_GS_PING_GUEST 1 2", 23);
	assert_string_equal(text(c, c->r.size),
			    "KVM_GUEST_HC_START [0x4b525401]\nKVMRT_GS_PING_GUEST [1 2]\n");
	vt_rec_set_bytes(&c->r, "buf", "KVMRT_GS_", 9);
	assert_string_equal(text(c, c->r.size), "KVMRT_GS_\n");
}

static void set_loc(struct ctx *c, const char *field, uint32_t off, uint32_t len)
{
	struct tep_format_field *f = tep_find_field(c->r.event, field);
	uint32_t loc = len << 16 | off;

	memcpy(c->r.b + f->offset, &loc, 4);
}

static void test_huge_data_loc(void **state)
{
	struct ctx *c = *state;

	vt_rec_init(&c->r, c->tep, "irq", "irq_handler_entry", 1);
	set_loc(c, "name", 0xffff, 0xffff);
	assert_string_equal(text(c, 16), "INTERRUPT_ENTER [?]\n");
	assert_string_equal(raw(c, 16), "irq_handler_entry irq=0 name=?\n");
	set_loc(c, "name", 16, 0xffff);
	assert_string_equal(text(c, 20), "INTERRUPT_ENTER [?]\n");
	set_loc(c, "name", 15, 2); /* one byte past the end */
	assert_string_equal(text(c, 16), "INTERRUPT_ENTER [?]\n");
	set_loc(c, "name", 16, 0); /* empty, at the very end */
	assert_string_equal(text(c, 16), "INTERRUPT_ENTER []\n");
	/* The loc word itself cut off. */
	assert_string_equal(text(c, 14), "INTERRUPT_ENTER [?]\n");

	vt_rec_init(&c->r, c->tep, "sched", "sched_process_exec", 1);
	vt_rec_set(&c->r, "pid", 7);
	set_loc(c, "filename", 0xfff0, 0x20);
	assert_string_equal(text(c, 20), "SCHED_PROCESS_EXEC [7 ?]\n");
}

static void test_control_bytes(void **state)
{
	struct ctx *c = *state;

	vt_rec_init(&c->r, c->tep, "sched", "sched_process_exec", 1);
	vt_rec_set(&c->r, "pid", 7);
	vt_rec_set_str(&c->r, "filename", "/tmp/\x1b]0;owned\x07");
	assert_string_equal(text(c, c->r.size), "SCHED_PROCESS_EXEC [7 /tmp/\\x1b]0;owned\\x07]\n");
}

static void test_host_name(void **state)
{
	struct ctx *c = *state;
	struct xv_view_opts opts = { .time = XV_TIME_REL };
	struct xt_event ev = { .system = 1 };
	struct vt_view v;

	assert_int_equal(xv_fields_parse("host,event", &opts.fields, NULL, 0), 0);
	vt_view_open(&v, c->tep, &opts);
	assert_int_equal(xv_view_add_system(v.view, c->tep, "vm 1\n\x1b[2J\\", NULL, NULL), 0);
	assert_int_equal(xv_view_add_system(v.view, c->tep, "", NULL, NULL), 0);
	vt_rec_init(&c->r, c->tep, "sched", "sched_process_free", 1);
	ev.data = c->r.b;
	ev.size = c->r.size;
	assert_int_equal(xv_view_event(v.view, &ev), 0);
	ev.system = 2;
	assert_int_equal(xv_view_event(v.view, &ev), 0);
	assert_string_equal(vt_view_take(&v), "vm\\x201\\x0a\\x1b[2J\\x5c sched_process_free\n"
					       "? sched_process_free\n");
	vt_view_close(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_event_every_length),
		cmocka_unit_test(test_short_records),
		cmocka_unit_test(test_unknown_ids),
		cmocka_unit_test(test_strings_without_nul),
		cmocka_unit_test(test_huge_data_loc),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_host_name),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
