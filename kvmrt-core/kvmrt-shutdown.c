/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-shutdown: shut the VMs down (all at once; -v one after the other),
 * destroy the ones still running after the timeout with --force, then undo
 * the host tuning kvmrt-boot journaled for them, and for VMs that are not
 * running but whose tuning is still in the journal (a crash).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "boot-tool.h"
#include "tool.h"

#define POLL_MS 100

/* One VM to stop: its index in the configuration and where it is. */
struct stop {
	unsigned vm;
	bool running;  /* still to wait for */
	bool failed;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Asks the guest to shut down; a refusal is reported and the VM still waited for. */
static void request(const struct boot_run *run, struct stop *s)
{
	const struct kvmrt_vm *vm = &run->c->vms[s->vm];
	char why[1024];

	if (kvmrt_virt_shutdown(run->v, vm->uuid, why, sizeof(why)) == 0) {
		if (run->p->base.verbose)
			printf("%s: asked the guest to shut down; waiting up to %u s\n",
			       boot_vm_name(vm), run->p->timeout);
		return;
	}
	/* a guest may be past listening (shutting down already): waiting still helps */
	tool_warn("%s: %s", boot_vm_name(vm), why);
}

/* Whether the VM of @s is still active; failures count as stopped-with-error. */
static bool still_running(const struct boot_run *run, struct stop *s)
{
	const struct kvmrt_vm *vm = &run->c->vms[s->vm];
	enum kvmrt_vm_state state;
	char why[1024];

	if (kvmrt_virt_state(run->v, vm->uuid, &state, why, sizeof(why)) < 0) {
		tool_error(0, "%s: %s", boot_vm_name(vm), why);
		s->failed = true;
		return false;
	}
	return kvmrt_vm_state_active(state);
}

/* Waits for the VMs of @stops (one waiter each, polled together) until the timeout. */
static void wait_all(const struct boot_run *run, struct stop *stops, unsigned n)
{
	uint64_t deadline = now_ms() + (uint64_t)run->p->timeout * 1000;
	unsigned left = n;

	while (left) {
		left = 0;
		for (unsigned i = 0; i < n; i++) {
			if (!stops[i].running)
				continue;
			stops[i].running = still_running(run, &stops[i]);
			if (!stops[i].running && !stops[i].failed)
				printf("%s: shut down\n", boot_vm_name(&run->c->vms[stops[i].vm]));
			left += stops[i].running;
		}
		if (!left || now_ms() >= deadline)
			break;
		usleep(POLL_MS * 1000);
	}
}

/* After the timeout: destroy with --force, else report the guest as still running. */
static void force(const struct boot_run *run, struct stop *s)
{
	const struct kvmrt_vm *vm = &run->c->vms[s->vm];
	char why[1024];

	if (!s->running)
		return;
	s->running = false;
	if (!run->p->force) {
		tool_error(0, "%s: still running after %u s; its tuning stays (use --force to "
			   "destroy it, or a longer --timeout)", boot_vm_name(vm), run->p->timeout);
		s->failed = true;
	} else if (kvmrt_virt_destroy(run->v, vm->uuid, why, sizeof(why)) < 0) {
		tool_error(0, "%s: %s", boot_vm_name(vm), why);
		s->failed = true;
	} else {
		printf("%s: destroyed after %u s (--force)\n", boot_vm_name(vm), run->p->timeout);
	}
}

/* Undoes the host tuning of the VM of @s. Returns false on failure (reported). */
static bool undo(const struct boot_run *run, const struct stop *s)
{
	const struct kvmrt_vm *vm = &run->c->vms[s->vm];
	int r;

	if (s->failed)
		return false;
	r = boot_untune(run, vm);
	if (r == 0 && run->p->base.verbose)
		printf("%s: no host tuning to undo\n", boot_vm_name(vm));
	return r >= 0;
}

/*
 * The VMs to stop: the named ones, else every VM of the configuration that
 * runs or has tuning in the journal. Returns the count or a negative errno.
 */
static int collect(const struct boot_run *run, struct stop **ret)
{
	struct stop *stops = calloc(run->c->nr_vms + 1, sizeof(*stops));
	unsigned n = 0;

	if (!stops)
		return tool_error(-ENOMEM, "%s", run->p->base.config);
	for (unsigned i = 0; i < run->c->nr_vms; i++) {
		const struct kvmrt_vm *vm = &run->c->vms[i];
		struct stop s = { .vm = i };

		if (run->p->base.nr_vms && !kvmrt_tool_selected(&run->p->base, vm))
			continue;
		s.running = still_running(run, &s);
		if (s.running || s.failed || run->p->base.nr_vms ||
		    kvmrt_tuning_active(run->tuning, vm->uuid))
			stops[n++] = s;
	}
	*ret = stops;
	return (int)n;
}

static int shutdown_vms(const struct boot_run *run)
{
	struct stop *stops = NULL;
	int n = collect(run, &stops);
	unsigned failed = 0;

	if (n < 0)
		return EXIT_TOOL_FAILURE;
	if (run->p->base.verbose) {
		/* serially: each VM's lines together */
		for (int i = 0; i < n; i++) {
			if (stops[i].running) {
				request(run, &stops[i]);
				wait_all(run, &stops[i], 1);
			}
			force(run, &stops[i]);
			failed += !undo(run, &stops[i]);
		}
	} else {
		for (int i = 0; i < n; i++)
			if (stops[i].running)
				request(run, &stops[i]);
		wait_all(run, stops, (unsigned)n);
		for (int i = 0; i < n; i++) {
			force(run, &stops[i]);
			failed += !undo(run, &stops[i]);
		}
	}
	free(stops);
	return failed ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
}

int main(int argc, char **argv)
{
	struct boot_params p;
	struct boot_run run;
	int r = boot_tool_start(BOOT_TOOL_SHUTDOWN, argc, argv, &p);

	if (r >= 0)
		return r;
	r = boot_run_open(&run, &p, BOOT_NEED_VIRT);
	r = r < 0 ? EXIT_TOOL_FAILURE : shutdown_vms(&run);
	boot_run_close(&run);
	return r;
}
