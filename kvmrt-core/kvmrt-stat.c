/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-stat: the state of the VMs of the configuration (libvirt state,
 * real-time, cpuset, host tuning) and, with -t, each QEMU thread of the
 * running ones against the plan.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "boot-tool.h"
#include "tool.h"

static bool wanted(const struct boot_params *p, const struct kvmrt_vm *vm)
{
	if (p->base.nr_vms)
		return kvmrt_tool_selected(&p->base, vm);
	return p->base.all || !vm->disabled;
}

static const char *state_text(const struct boot_run *run, const struct kvmrt_vm *vm,
			      enum kvmrt_vm_state *ret)
{
	char why[1024];

	*ret = KVMRT_VM_MISSING;
	if (!run->v)
		return "?";
	if (kvmrt_virt_state(run->v, vm->uuid, ret, why, sizeof(why)) < 0) {
		tool_warn("%s: %s", boot_vm_name(vm), why);
		return "?";
	}
	return kvmrt_vm_state_name(*ret);
}

static void print_threads(const struct boot_run *run, const struct kvmrt_vm *vm,
			  const struct kvmrt_vm_plan *plan)
{
	struct kvmrt_vm_thread *th;
	char why[1024];
	pid_t pid;
	int n;

	if (kvmrt_vm_pid(&run->live, vm->uuid, &pid) < 0) {
		printf("  (no QEMU process with -uuid %s in /proc)\n", vm->uuid);
		return;
	}
	n = kvmrt_vm_threads(&run->live, pid, plan, boot_vm_prio(vm), &th, why, sizeof(why));
	if (n < 0) {
		tool_warn("%s: QEMU pid %d: %s", boot_vm_name(vm), (int)pid, why);
		return;
	}
	printf("  %-8s %-16s %-9s %-12s %-4s %-11s %s\n", "TID", "THREAD", "ROLE", "ALLOWED",
	       "CPU", "POLICY", "PLAN");
	for (int i = 0; i < n; i++) {
		const struct kvmrt_task *t = &th[i].task;
		char *allowed = NULL, policy[32];

		if (kvmrt_ids_format(&t->allowed, &allowed) < 0)
			allowed = NULL;
		snprintf(policy, sizeof(policy), "%s %d", kvmrt_policy_name(t->policy),
			 t->rt_priority);
		printf("  %-8d %-16s %-9s %-12s %-4d %-11s %s%s%s\n", (int)t->tid, t->comm,
		       kvmrt_thread_role_name(th[i].role), allowed ? allowed : "?", t->cpu, policy,
		       th[i].matches ? "matches" : "differs", th[i].matches ? "" : ": ",
		       th[i].why);
		free(allowed);
	}
	kvmrt_vm_threads_free(th, (unsigned)n);
}

static void print_vm(const struct boot_run *run, const struct kvmrt_vm *vm)
{
	struct kvmrt_vm_plan plan;
	enum kvmrt_vm_state state;
	const char *st = state_text(run, vm, &state);
	char *cpus = NULL;
	bool planned = kvmrt_plan_vm(vm, run->t, &plan) == 0;

	if (planned && (plan.status < 0 || kvmrt_ids_format(&plan.cpus, &cpus) < 0))
		cpus = NULL;
	printf("%-20s %-36s %-13s %-3s %-10s %s\n", boot_vm_name(vm), vm->uuid, st,
	       vm->rt ? "yes" : "no", cpus ? (*cpus ? cpus : "-") : "?",
	       run->tuning && kvmrt_tuning_active(run->tuning, vm->uuid) ? "yes" : "no");
	if (run->p->threads && kvmrt_vm_state_active(state) && planned && plan.status == 0)
		print_threads(run, vm, &plan);
	free(cpus);
	if (planned)
		kvmrt_plan_vm_done(&plan);
}

int main(int argc, char **argv)
{
	struct boot_params p;
	struct boot_run run;
	int r = boot_tool_start(BOOT_TOOL_STAT, argc, argv, &p);

	if (r >= 0)
		return r;
	r = boot_run_open(&run, &p, BOOT_NEED_TOPOLOGY | BOOT_JOURNAL_OPTIONAL);
	if (r == 0 && kvmrt_tool_virt(&p.base, &run.v) < 0)
		tool_warn("states unknown (shown as '?')");
	if (r == 0) {
		printf("%-20s %-36s %-13s %-3s %-10s %s\n", "NAME", "UUID", "STATE", "RT", "CPUSET",
		       "TUNED");
		for (unsigned i = 0; i < run.c->nr_vms; i++)
			if (wanted(&p, &run.c->vms[i]))
				print_vm(&run, &run.c->vms[i]);
	}
	boot_run_close(&run);
	return r < 0 ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
}
