/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boot-common.c - what kvmrt-boot, kvmrt-shutdown and kvmrt-stat open and print alike. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot-tool.h"
#include "kvmrt-cleanup.h"
#include "tool.h"

static int open_sysroot(const char *prefix, struct kvmrt_sysroot *ret)
{
	char why[1024];
	int r = kvmrt_sysroot_open(prefix, ret, why, sizeof(why));

	if (r < 0)
		tool_error(0, "--sysroot %s", why);
	return r;
}

static int open_tuning(struct boot_run *run, unsigned flags)
{
	char why[1024];
	int r;

	if ((flags & BOOT_JOURNAL_OPTIONAL) && access(run->p->journal, F_OK) < 0)
		return 0;
	r = kvmrt_tuning_open(&run->host, run->p->journal, &run->tuning, why, sizeof(why));
	if (r < 0)
		tool_error(0, "%s%s", why,
			   r == -EACCES || r == -EPERM ? " (run as root, or give --journal)" : "");
	return r;
}

int boot_run_open(struct boot_run *run, const struct boot_params *p, unsigned flags)
{
	int r;

	*run = (struct boot_run){ .p = p, .host = { .fd = -1 }, .live = { .fd = -1 } };
	r = kvmrt_tool_config(&p->base, false, &run->c);
	if (r == 0)
		r = kvmrt_tool_check_vms(&p->base, run->c);
	if (r == 0 && (flags & BOOT_NEED_TOPOLOGY))
		r = kvmrt_tool_topology(&p->base, &run->t);
	if (r == 0)
		r = open_sysroot(p->sysroot, &run->host);
	if (r == 0)
		r = open_sysroot("/", &run->live);
	if (r == 0)
		r = open_tuning(run, flags);
	if (r == 0 && (flags & BOOT_NEED_VIRT))
		r = kvmrt_tool_virt(&p->base, &run->v);
	return r;
}

void boot_run_close(struct boot_run *run)
{
	kvmrt_tuning_close(run->tuning);
	kvmrt_virt_close(run->v);
	if (run->live.prefix)
		kvmrt_sysroot_close(&run->live);
	if (run->host.prefix)
		kvmrt_sysroot_close(&run->host);
	kvmrt_topology_free(run->t);
	kvmrt_config_free(run->c);
	*run = (struct boot_run){ .host = { .fd = -1 }, .live = { .fd = -1 } };
}

const char *boot_vm_name(const struct kvmrt_vm *vm)
{
	return vm->name ? vm->name : vm->uuid;
}

int boot_plan(const struct boot_run *run, const struct kvmrt_vm *vm, struct kvmrt_vm_plan *ret)
{
	int r = kvmrt_plan_vm(vm, run->t, ret);

	if (r < 0)
		return tool_error(r, "%s: planning", boot_vm_name(vm));
	if (ret->status < 0) {
		tool_error(0, "%s: cpuset: %s (fix it with kvmrt-edit-config)", boot_vm_name(vm),
			   ret->why);
		r = ret->status;
		kvmrt_plan_vm_done(ret);
	}
	return r;
}

int boot_vm_prio(const struct kvmrt_vm *vm)
{
	return vm->rt ? KVMRT_RT_PRIORITY : 0;
}

unsigned boot_print_notes(const char *name, const struct kvmrt_notes *notes)
{
	unsigned errors = 0;

	for (unsigned i = 0; i < notes->nr; i++) {
		const struct kvmrt_note *n = &notes->n[i];

		if (n->severity == KVMRT_ERROR) {
			tool_error(0, "%s: tuning: %s", name, n->message);
			errors++;
		} else if (n->severity == KVMRT_WARNING) {
			tool_warn("%s: tuning: %s", name, n->message);
		} else {
			printf("%s: tuning: %s\n", name, n->message);
		}
	}
	return errors;
}

int boot_untune(const struct boot_run *run, const struct kvmrt_vm *vm)
{
	struct kvmrt_notes notes = {};
	unsigned errors;
	int r;

	if (!run->tuning || !kvmrt_tuning_active(run->tuning, vm->uuid))
		return 0;
	r = kvmrt_tuning_undo(run->tuning, vm->uuid, &notes);
	errors = boot_print_notes(boot_vm_name(vm), &notes);
	kvmrt_notes_done(&notes);
	if (r < 0) {
		tool_error(r, "%s: undoing the host tuning of journal %s", boot_vm_name(vm),
			   run->p->journal);
		return -1;
	}
	printf("%s: host tuning undone (%d changes)\n", boot_vm_name(vm), r);
	return errors ? -1 : 1;
}
