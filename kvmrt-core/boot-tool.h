/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boot-tool.h - what kvmrt-boot, kvmrt-shutdown and kvmrt-stat share: their
 * options (parsed purely: tests feed argv arrays), and the things every run
 * opens (configuration, libvirt, the host under --sysroot, the tuning journal).
 */
#ifndef KVMRT_BOOT_TOOL_H
#define KVMRT_BOOT_TOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "kvmrt-host.h"
#include "kvmrt-tool.h"

enum boot_tool {
	BOOT_TOOL_BOOT,
	BOOT_TOOL_SHUTDOWN,
	BOOT_TOOL_STAT,
};

/* How long kvmrt-shutdown waits for a guest to shut down, by default (seconds). */
#define BOOT_SHUTDOWN_TIMEOUT 60u

struct boot_params {
	struct kvmrt_params base; /* -f, -c, --all, -v, the VMs, --help, --version */
	enum boot_tool tool;
	const char *sysroot;      /* --sysroot DIR (default "/"): where host tuning goes */
	const char *journal;      /* --journal DIR (default KVMRT_JOURNAL_DIR) */
	bool clean;               /* kvmrt-boot --clean */
	bool ignore_validation;   /* kvmrt-boot --ignore-validation (never with --clean) */
	bool threads;             /* kvmrt-stat -t */
	bool force;               /* kvmrt-shutdown --force[=SECONDS] */
	unsigned timeout;         /* kvmrt-shutdown: seconds to wait before --force */
};

/* Parses argv for @tool into *ret. Returns 0 or -EINVAL with the reason in @why. */
int boot_parse_args(enum boot_tool tool, int argc, char **argv, struct boot_params *ret,
		    char *why, size_t why_len);
/* Prints @tool's usage to stdout. */
void boot_print_help(enum boot_tool tool);
/* Program name, parse, --help/--version: -1 to go on, else the exit code for main. */
int boot_tool_start(enum boot_tool tool, int argc, char **argv, struct boot_params *ret);

/* What a run works with; every member may be NULL/closed (boot_run_close() accepts that). */
struct boot_run {
	const struct boot_params *p;
	struct kvmrt_config *c;
	struct kvmrt_topology *t;
	struct kvmrt_virt *v;
	struct kvmrt_sysroot host;    /* --sysroot: host tuning */
	struct kvmrt_sysroot live;    /* "/": the QEMU threads, always the real ones */
	struct kvmrt_tuning *tuning;  /* NULL when kvmrt-stat finds no journal */
};

#define BOOT_NEED_TOPOLOGY 1u
#define BOOT_NEED_VIRT 2u     /* else libvirt is optional (kvmrt-stat) */
#define BOOT_JOURNAL_OPTIONAL 4u /* no journal directory: no tuning (kvmrt-stat) */

/* Opens what @p's tool needs, reporting failures. Returns 0 or a negative errno. */
int boot_run_open(struct boot_run *run, const struct boot_params *p, unsigned flags);
void boot_run_close(struct boot_run *run);

/* The VM's name for messages (its UUID when it has none). */
const char *boot_vm_name(const struct kvmrt_vm *vm);
/* Plans @vm on the run's topology, reporting failures. Returns 0 or a negative errno. */
int boot_plan(const struct boot_run *run, const struct kvmrt_vm *vm, struct kvmrt_vm_plan *ret);
/* The vCPU priority of @vm's plan for kvmrt_vm_threads(): KVMRT_RT_PRIORITY or 0. */
int boot_vm_prio(const struct kvmrt_vm *vm);
/* Prints the tuning notes of VM @name; returns the number of errors among them. */
unsigned boot_print_notes(const char *name, const struct kvmrt_notes *notes);
/*
 * Undoes the host tuning journaled for @vm, reporting it. Returns 1 when undone,
 * 0 when there was none, -1 on failure (reported; the journal keeps what is left).
 */
int boot_untune(const struct boot_run *run, const struct kvmrt_vm *vm);

#endif
