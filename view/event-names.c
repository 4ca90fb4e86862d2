/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * event-names.c - display names of events (SPEC X10 and the users' guide)
 * and what their [ARG] shows, resolved once per event id.
 */
#include "view-internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <traceevent/event-parse.h>

#include "cleanup.h"

struct rule {
	const char *system;
	const char *name;
	const char *display;
	enum xv_kind kind;
	const char *field[XV_EV_REFS]; /* refs the kind reads, in order */
};

static const struct rule rules[] = {
	{ "kvm", "kvm_entry", "KVM_ENTER_VM_PID", XV_KIND_KVM_ENTRY, { NULL } },
	{ "kvm", "kvm_exit", "KVM_EXIT_VM_PID", XV_KIND_KVM_EXIT, { "exit_reason" } },
	{ "kvm", "kvm_hypercall", "KVM_HOST_HC_ENTER", XV_KIND_HYPERCALL,
	  { "nr", "a0", "a1", "a2", "a3" } },
	{ "ftrace", "print", "MARKER", XV_KIND_MARKER, { "buf" } },
	{ "sched", "sched_switch", "SCHED_SWITCH", XV_KIND_NUM, { "next_pid" } },
	{ "sched", "sched_wakeup", "SCHED_WAKEUP", XV_KIND_NUM, { "pid" } },
	{ "sched", "sched_wakeup_new", "SCHED_WAKEUP_NEW", XV_KIND_NUM, { "pid" } },
	{ "sched", "sched_waking", "SCHED_WAKING", XV_KIND_NUM, { "pid" } },
	{ "sched", "sched_process_exec", "SCHED_PROCESS_EXEC", XV_KIND_EXEC,
	  { "pid", "filename" } },
	{ "sched", "sched_process_exit", "SCHED_PROCESS_EXIT", XV_KIND_NUM, { "pid" } },
	{ "sched", "sched_process_fork", "SCHED_PROCESS_FORK", XV_KIND_NUM, { "child_pid" } },
	{ "raw_syscalls", "sys_enter", "SYSCALL_ENTER", XV_KIND_SYSCALL, { "id" } },
	{ "raw_syscalls", "sys_exit", "SYSCALL_EXIT", XV_KIND_SYSCALL, { "id" } },
	{ "irq", "irq_handler_entry", "INTERRUPT_ENTER", XV_KIND_STR, { "name" } },
	{ "irq", "irq_handler_exit", "INTERRUPT_EXIT", XV_KIND_NUM, { "irq" } },
	{ "irq", "softirq_entry", "SOFTIRQ_ENTER", XV_KIND_SYM, { "vec" } },
	{ "irq", "softirq_exit", "SOFTIRQ_EXIT", XV_KIND_SYM, { "vec" } },
	{ "irq", "softirq_raise", "SOFTIRQ_RAISE", XV_KIND_SYM, { "vec" } },
	{ "timer", "hrtimer_start", "HRTIMER_START", XV_KIND_HEX, { "hrtimer" } },
	{ "timer", "hrtimer_cancel", "HRTIMER_CANCEL", XV_KIND_HEX, { "hrtimer" } },
	{ "timer", "hrtimer_expire_entry", "HRTIMER_EXPIRE", XV_KIND_HEX, { "hrtimer" } },
	{ "timer", "hrtimer_expire_exit", "HRTIMER_EXPIRE_DONE", XV_KIND_HEX, { "hrtimer" } },
};

/* irq_vectors: <vector>_entry/_exit; the users' guide calls the local timer apic_timer. */
static const struct {
	const char *prefix;
	const char *shown;
} vectors[] = {
	{ "local_timer", "apic_timer" },
	{ "reschedule", "reschedule" },
	{ "call_function", "call_function" },
	{ "call_function_single", "call_function_single" },
	{ "error_apic", "error_apic" },
	{ "spurious_apic", "spurious_apic" },
	{ "thermal_apic", "thermal_apic" },
	{ "irq_work", "irq_work" },
	{ "x86_platform_ipi", "x86_platform_ipi" },
	{ "deferred_error_apic", "deferred_error_apic" },
	{ "threshold_apic", "threshold_apic" },
};

static const struct rule *find_rule(const struct tep_event *ev)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (!strcmp(rules[i].system, ev->system) && !strcmp(rules[i].name, ev->name))
			return &rules[i];
	return NULL;
}

static void set_display(struct xv_evinfo *e, const char *display)
{
	e->display = display;
	e->display_len = (uint32_t)strlen(display);
}

static void set_const(struct xv_evinfo *e, const char *s)
{
	e->kind = XV_KIND_CONST;
	e->cnst = s;
	e->cnst_len = (uint32_t)strlen(s);
}

/* Whether @name is @prefix followed by exactly @suffix. */
static bool split_name(const char *name, const char *prefix, const char *suffix)
{
	size_t p = strlen(prefix);

	return !strncmp(name, prefix, p) && !strcmp(name + p, suffix);
}

static bool vector_event(struct xv_evinfo *e)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		if (split_name(e->name, vectors[i].prefix, "_entry"))
			set_display(e, "INTERRUPT_ENTER");
		else if (split_name(e->name, vectors[i].prefix, "_exit"))
			set_display(e, "INTERRUPT_EXIT");
		else
			continue;
		set_const(e, vectors[i].shown);
		return true;
	}
	return false;
}

/* timer:timer_* -> TIMER_* [0x timer]. */
static int timer_event(struct xv_evinfo *e)
{
	size_t i;
	int r;

	e->owned = strdup(e->name);
	if (!e->owned)
		return -ENOMEM;
	for (i = 0; e->owned[i]; i++)
		e->owned[i] = (char)toupper((unsigned char)e->owned[i]);
	set_display(e, e->owned);
	r = xv_ref_find(e->event, "timer", &e->ref[0]);
	if (r < 0)
		return r;
	if (xv_ref_present(&e->ref[0]))
		e->kind = XV_KIND_HEX;
	return 0;
}

static int apply_rule(struct xv_evinfo *e, const struct rule *rule)
{
	unsigned i;
	int r;

	set_display(e, rule->display);
	e->kind = rule->kind;
	for (i = 0; i < XV_EV_REFS && rule->field[i]; i++) {
		r = xv_ref_find(e->event, rule->field[i], &e->ref[i]);
		if (r < 0)
			return r;
		/* A kernel without the field: show the name alone rather than guess. */
		if (!xv_ref_present(&e->ref[i]) && e->kind != XV_KIND_HYPERCALL)
			e->kind = XV_KIND_PLAIN;
	}
	if (e->kind == XV_KIND_SYM || e->kind == XV_KIND_KVM_EXIT) {
		r = xv_sym_compile(e->event, rule->field[0], &e->sym);
		if (r == -ENOMEM)
			return r;
		if (r < 0 && e->kind == XV_KIND_SYM)
			e->kind = XV_KIND_NUM;
	}
	return 0;
}

void xv_evinfo_free(struct xv_evinfo *e)
{
	if (!e)
		return;
	xv_sym_free(e->sym);
	free(e->raw);
	free(e->owned);
	free(e);
}

DEFINE_POINTER_CLEANUP(struct xv_evinfo, xv_evinfo_free)

int xv_evinfo_new(struct tep_event *event, bool raw, struct xv_evinfo **ret)
{
	_cleanup_(xv_evinfo_freep) struct xv_evinfo *e = calloc(1, sizeof(*e));
	const struct rule *rule;
	int r = 0;

	if (!e)
		return -ENOMEM;
	e->event = event;
	e->name = event->name;
	e->name_len = (uint32_t)strlen(event->name);
	e->kind = XV_KIND_PLAIN;
	set_display(e, event->name);

	rule = find_rule(event);
	if (rule)
		r = apply_rule(e, rule);
	else if (!strcmp(event->system, "irq_vectors"))
		vector_event(e);
	else if (!strcmp(event->system, "timer") && !strncmp(event->name, "timer_", 6))
		r = timer_event(e);
	if (r < 0)
		return r;
	if (raw) {
		r = xv_raw_compile(event, &e->raw, &e->n_raw);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(e);
	return 0;
}
