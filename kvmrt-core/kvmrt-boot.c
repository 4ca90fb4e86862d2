/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-boot: validate the configuration, then for each VM to boot: sync it
 * to libvirt, tune the host for real-time VMs, start it (or re-tune it when
 * it runs), and check its QEMU threads against the plan, putting back what
 * libvirt could not and reporting what the host refuses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot-tool.h"
#include "tool.h"

/* The outcome of one VM. */
enum boot_result {
	BOOT_OK,        /* runs as planned */
	BOOT_DEGRADED,  /* runs; the host refused something (reported) */
	BOOT_FAILED,    /* does not run, or could not be checked */
};

/* The VMs to boot: the named ones, else all enabled (--all) or those with autostart. */
static bool wanted(const struct boot_params *p, const struct kvmrt_vm *vm)
{
	if (p->base.nr_vms)
		return kvmrt_tool_selected(&p->base, vm);
	return !vm->disabled && (p->base.all || vm->autostart);
}

static int validate(const struct boot_run *run)
{
	const struct boot_params *p = run->p;
	struct kvmrt_diags d = {};
	int r = kvmrt_validate(run->c, run->t, p->base.all ? KVMRT_VALIDATE_ALL : 0, &d);

	if (r < 0)
		return tool_error(r, "%s", p->base.config);
	kvmrt_tool_print_diags(run->c, &d);
	if (d.errors && p->ignore_validation) {
		tool_warn("%s: %u errors ignored (--ignore-validation): the VMs are placed against "
			  "the rules, not fit for real-time use", p->base.config, d.errors);
	} else if (d.errors) {
		tool_error(0, "%s: %u errors: nothing booted (fix them with kvmrt-edit-config)",
			   p->base.config, d.errors);
		r = -EINVAL;
	}
	kvmrt_diags_done(&d);
	return r;
}

/* --clean: fails when any VM of the configuration runs, before anything is changed. */
static int check_clean(const struct boot_run *run)
{
	int r = 0;

	for (unsigned i = 0; i < run->c->nr_vms; i++) {
		const struct kvmrt_vm *vm = &run->c->vms[i];
		enum kvmrt_vm_state state;
		char why[1024];

		if (kvmrt_virt_state(run->v, vm->uuid, &state, why, sizeof(why)) < 0) {
			tool_error(0, "%s: %s", boot_vm_name(vm), why);
			r = -EIO;
		} else if (kvmrt_vm_state_active(state)) {
			tool_error(0, "%s: %s; --clean boots only when no VM of %s runs (stop it "
				   "with kvmrt-shutdown, or boot without --clean to re-tune it)",
				   boot_vm_name(vm), kvmrt_vm_state_name(state),
				   run->p->base.config);
			r = -EBUSY;
		}
	}
	return r;
}

/* What the host refused: an error with --clean (nothing is tolerated), else a warning. */
__attribute__((format(printf, 2, 3))) static void refusal(const struct boot_run *run,
							  const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (run->p->clean)
		tool_error(0, "%s", msg);
	else
		tool_warn("%s", msg);
}

static enum boot_result worse(enum boot_result a, enum boot_result b)
{
	return a > b ? a : b;
}

/* Writes the plan into libvirt. */
static enum boot_result sync_vm(const struct boot_run *run, const struct kvmrt_vm *vm,
				const struct kvmrt_vm_plan *plan)
{
	char why[2048], *changes = NULL;
	int r = kvmrt_sync_vm(run->v, vm, plan, &changes, why, sizeof(why));

	if (r < 0) {
		tool_error(0, "%s: %s%s", boot_vm_name(vm), why,
			   r == -ENOENT ? " (define the VM in libvirt, then kvmrt-import it)" : "");
		return BOOT_FAILED;
	}
	if (changes)
		printf("%s: synced to libvirt: %s\n", boot_vm_name(vm), changes);
	free(changes);
	return BOOT_OK;
}

/*
 * What a real-time VM placed against the rules (--ignore-validation) gets
 * instead: CPUs shared with the vCPUs, or vCPUs without a CPU of their own.
 */
static void placement_warnings(const struct kvmrt_vm *vm, const struct kvmrt_vm_plan *plan)
{
	unsigned usable = kvmrt_ids_count(&plan->rt_cpus);
	char *cpus = NULL, last[16] = "";

	if (!vm->rt || usable == 0 || usable > vm->nr_vcpus)
		return;
	if (kvmrt_ids_format(&plan->emulator, &cpus) == 0)
		tool_warn("%s: no CPU left for the emulator and I/O threads: they share the vCPUs' "
			  "CPUs %s", boot_vm_name(vm), cpus);
	free(cpus);
	if (usable == vm->nr_vcpus)
		return;
	if (usable + 1 < vm->nr_vcpus)
		snprintf(last, sizeof(last), "-%u", vm->nr_vcpus - 1);
	tool_warn("%s: vCPU %u%s: no CPU of its own in cpuset: left unpinned, without SCHED_FIFO",
		  boot_vm_name(vm), usable, last);
}

/* Why kvmrt_tuning_apply() failed with @err (its notes, printed before, say the details). */
static void tuning_failed(const struct boot_run *run, const struct kvmrt_vm *vm, int err,
			  unsigned errors)
{
	const char *name = boot_vm_name(vm);

	if (err == -EINVAL && errors)
		tool_error(0, "%s: host tuning refused this placement (above): nothing tuned; "
			   "fix cpuset with kvmrt-edit-config", name);
	else if (err == -EINVAL)
		tool_error(0, "%s: host tuning: a real-time VM needs CPUs of its own and "
			   "cpuset is empty: nothing tuned; set cpuset with kvmrt-edit-config", name);
	else if (err == -ENOMEM)
		tool_error(err, "%s: host tuning stopped", name);
	else
		tool_error(err, "%s: host tuning stopped (journal %s%s)", name, run->p->journal,
			   errors ? ", see above" : "");
}

static enum boot_result tune(const struct boot_run *run, const struct kvmrt_vm *vm,
			     const struct kvmrt_vm_plan *plan)
{
	struct kvmrt_notes notes = {};
	int r = kvmrt_tuning_apply(run->tuning, vm->uuid, plan, run->t, &notes);
	unsigned errors = boot_print_notes(boot_vm_name(vm), &notes);

	kvmrt_notes_done(&notes);
	if (r < 0) {
		tuning_failed(run, vm, r, errors);
		return BOOT_FAILED;
	}
	return errors ? BOOT_DEGRADED : BOOT_OK;
}

/*
 * Moves the rt VM's QEMU process into the kvmrt cgroup that holds its isolated
 * CPUs (libvirt's cgroup lost them). Before the thread check: the kernel resets
 * the threads' affinity to the cgroup's CPUs, and the check pins them again.
 */
static enum boot_result adopt(const struct boot_run *run, const struct kvmrt_vm *vm, pid_t pid)
{
	struct kvmrt_notes notes = {};
	int r = kvmrt_tuning_adopt(run->tuning, vm->uuid, pid, &notes);
	unsigned errors = boot_print_notes(boot_vm_name(vm), &notes);

	kvmrt_notes_done(&notes);
	if (r < 0) {
		tool_error(r, "%s: moving QEMU pid %d into the kvmrt cgroup (journal %s)",
			   boot_vm_name(vm), (int)pid, run->p->journal);
		return BOOT_DEGRADED;
	}
	return errors ? BOOT_DEGRADED : BOOT_OK;
}

/* Starts the domain; a host refusing SCHED_FIFO or locked memory gets a degraded start. */
static enum boot_result start(const struct boot_run *run, const struct kvmrt_vm *vm,
			      const struct kvmrt_vm_plan *plan)
{
	const char *name = boot_vm_name(vm);
	char why[2048];
	bool both;

	if (kvmrt_virt_start(run->v, vm->uuid, 0, why, sizeof(why)) == 0) {
		printf("%s: started\n", name);
		return BOOT_OK;
	}
	if (run->p->clean || (!vm->rt && !plan->mem_locked)) {
		tool_error(0, "%s: %s", name, why);
		return BOOT_FAILED;
	}
	tool_warn("%s: %s", name, why);
	if (kvmrt_virt_start(run->v, vm->uuid, KVMRT_START_DEGRADED, why, sizeof(why)) < 0) {
		tool_error(0, "%s: %s", name, why);
		return BOOT_FAILED;
	}
	both = vm->rt && plan->mem_locked;
	tool_warn("%s: started without %s, which this host refused to libvirt; kvmrt asks for "
		  "%s itself below", name, both ? "SCHED_FIFO and memory locking"
		  : vm->rt ? "SCHED_FIFO" : "memory locking", both ? "them" : "it");
	return BOOT_DEGRADED;
}

/* Puts back the threads that do not match; reports each refusal. */
static enum boot_result reapply(const struct boot_run *run, const struct kvmrt_vm *vm,
				const struct kvmrt_vm_plan *plan, struct kvmrt_vm_thread *th,
				unsigned n)
{
	enum boot_result res = BOOT_OK;
	char why[1024];

	for (unsigned i = 0; i < n; i++) {
		if (th[i].matches)
			continue;
		if (kvmrt_vm_thread_reapply(&run->live, &th[i], plan, boot_vm_prio(vm), why,
					    sizeof(why)) < 0) {
			refusal(run, "%s: %s", boot_vm_name(vm), why);
			res = BOOT_DEGRADED;
		} else {
			printf("%s: '%s' (tid %d) re-applied (%s)\n", boot_vm_name(vm),
			       th[i].task.comm, (int)th[i].task.tid, th[i].why);
		}
	}
	return res;
}

/* Checks the VM's QEMU threads against the plan and puts back what libvirt did not. */
static enum boot_result check_threads(const struct boot_run *run, const struct kvmrt_vm *vm,
				      const struct kvmrt_vm_plan *plan, pid_t pid)
{
	struct kvmrt_vm_thread *th;
	enum boot_result res;
	unsigned ok = 0;
	char why[1024];
	int n = kvmrt_vm_threads(&run->live, pid, plan, boot_vm_prio(vm), &th, why, sizeof(why));

	if (n < 0) {
		tool_error(0, "%s: QEMU threads: %s", boot_vm_name(vm), why);
		return BOOT_FAILED;
	}
	res = reapply(run, vm, plan, th, (unsigned)n);
	kvmrt_vm_threads_free(th, (unsigned)n);
	n = kvmrt_vm_threads(&run->live, pid, plan, boot_vm_prio(vm), &th, why, sizeof(why));
	if (n < 0) {
		tool_error(0, "%s: QEMU threads: %s", boot_vm_name(vm), why);
		return BOOT_FAILED;
	}
	for (int i = 0; i < n; i++)
		ok += th[i].matches;
	printf("%s: QEMU pid %d: %u of %d threads as planned\n", boot_vm_name(vm), (int)pid, ok,
	       n);
	kvmrt_vm_threads_free(th, (unsigned)n);
	return ok == (unsigned)n ? res : BOOT_DEGRADED;
}

/* A real-time VM's memory must be locked: check, and say why when it is not. */
static enum boot_result check_memory(const struct boot_run *run, const struct kvmrt_vm *vm,
				     const struct kvmrt_vm_plan *plan, pid_t pid)
{
	uint64_t locked, limit;
	char why[1024], lim[32];

	if (!plan->mem_locked)
		return BOOT_OK;
	if (kvmrt_vm_memlock(&run->live, pid, &locked, &limit, why, sizeof(why)) < 0) {
		tool_error(0, "%s: %s", boot_vm_name(vm), why);
		return BOOT_FAILED;
	}
	if (locked > 0)
		return BOOT_OK;
	if (limit == UINT64_MAX)
		snprintf(lim, sizeof(lim), "unlimited");
	else
		snprintf(lim, sizeof(lim), "%llu KiB", (unsigned long long)(limit >> 10));
	if (kvmrt_vm_memlock_raise(&run->live, pid, why, sizeof(why)) == 0)
		snprintf(why, sizeof(why), "RLIMIT_MEMLOCK raised now: boot the VM again (after "
			 "kvmrt-shutdown) to lock it");
	else
		strncat(why, "; let libvirtd raise locked-memory limits (CAP_SYS_RESOURCE, no "
			"container or LSM policy forbidding it)", sizeof(why) - strlen(why) - 1);
	refusal(run, "%s: memory locking refused: QEMU pid %d has 0 KiB locked (RLIMIT_MEMLOCK "
		"%s): %s", boot_vm_name(vm), (int)pid, lim, why);
	return BOOT_DEGRADED;
}

static enum boot_result boot_vm(const struct boot_run *run, const struct kvmrt_vm *vm)
{
	enum kvmrt_vm_state state = KVMRT_VM_RUNNING; /* when unknown: leave its tuning be */
	enum boot_result res = BOOT_OK;
	struct kvmrt_vm_plan plan;
	char why[1024];
	pid_t pid;

	if (boot_plan(run, vm, &plan) < 0)
		return BOOT_FAILED;
	placement_warnings(vm, &plan);
	if (kvmrt_virt_state(run->v, vm->uuid, &state, why, sizeof(why)) < 0) {
		tool_error(0, "%s: %s", boot_vm_name(vm), why);
		res = BOOT_FAILED;
	}
	if (res == BOOT_OK)
		res = sync_vm(run, vm, &plan);
	if (res == BOOT_OK && vm->rt)
		res = tune(run, vm, &plan);
	if (res == BOOT_OK || (res == BOOT_DEGRADED && !run->p->clean)) {
		if (kvmrt_vm_state_active(state))
			printf("%s: %s: re-tuning\n", boot_vm_name(vm), kvmrt_vm_state_name(state));
		else
			res = worse(res, start(run, vm, &plan));
	}
	if (res == BOOT_FAILED || (res == BOOT_DEGRADED && run->p->clean)) {
		/* a VM that did not start keeps no host tuning */
		if (!kvmrt_vm_state_active(state))
			boot_untune(run, vm);
		kvmrt_plan_vm_done(&plan);
		return BOOT_FAILED;
	}
	if (kvmrt_vm_pid(&run->live, vm->uuid, &pid) < 0) {
		tool_error(0, "%s: no QEMU process with -uuid %s in /proc: cannot check its "
			   "threads (is libvirt's URI a local QEMU driver?)", boot_vm_name(vm),
			   vm->uuid);
		res = BOOT_FAILED;
	} else {
		if (vm->rt)
			res = worse(res, adopt(run, vm, pid));
		res = worse(res, check_threads(run, vm, &plan, pid));
		res = worse(res, check_memory(run, vm, &plan, pid));
	}
	kvmrt_plan_vm_done(&plan);
	return res;
}

static int boot(const struct boot_run *run)
{
	unsigned booted = 0, degraded = 0, failed = 0;

	if (validate(run) < 0 || (run->p->clean && check_clean(run) < 0))
		return EXIT_TOOL_FAILURE;
	for (unsigned i = 0; i < run->c->nr_vms; i++) {
		const struct kvmrt_vm *vm = &run->c->vms[i];
		enum boot_result res;

		if (!wanted(run->p, vm))
			continue;
		if (vm->disabled) {
			tool_error(0, "%s: disabled in %s: not booted (enable it with "
				   "kvmrt-edit-config)", boot_vm_name(vm), run->p->base.config);
			res = BOOT_FAILED;
		} else {
			res = boot_vm(run, vm);
		}
		booted += res != BOOT_FAILED;
		degraded += res == BOOT_DEGRADED;
		failed += res == BOOT_FAILED;
		if (run->p->clean && res != BOOT_OK)
			break;
	}
	printf("%u VMs running (%u with refusals reported above), %u failed\n", booted, degraded,
	       failed);
	return failed || (run->p->clean && degraded) ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
}

int main(int argc, char **argv)
{
	struct boot_params p;
	struct boot_run run;
	int r = boot_tool_start(BOOT_TOOL_BOOT, argc, argv, &p);

	if (r >= 0)
		return r;
	r = boot_run_open(&run, &p, BOOT_NEED_TOPOLOGY | BOOT_NEED_VIRT);
	r = r < 0 ? EXIT_TOOL_FAILURE : boot(&run);
	boot_run_close(&run);
	return r;
}
