/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-private.h - libkvmrt internals shared between its files. */
#ifndef KVMRT_PRIVATE_H
#define KVMRT_PRIVATE_H

#include <hwloc.h>
#include <stdarg.h>

#include "kvmrt.h"

/* One level of objects (cores, dies, packages, NUMA nodes) and their CPUs. */
struct kvmrt_level {
	unsigned nr;             /* objects (for NUMA nodes: highest OS number + 1) */
	struct kvmrt_ids *cpus;  /* per object; capacity 0 for a missing node number */
};

struct kvmrt_topology {
	hwloc_topology_t h;
	unsigned nr_cpus;          /* highest PU OS number + 1 */
	struct kvmrt_ids online;   /* PUs hwloc shows */
	struct kvmrt_ids nodes;    /* NUMA node numbers that exist */
	struct kvmrt_level node, core, die, package;
	int *cpu_node, *cpu_core;  /* per CPU number; -1 when not known */
};

/*
 * Makes room for item @nr in @v, an array of @size-byte items with capacity *@cap: returns @v
 * when it has room, else @v reallocated to twice the capacity (@first when empty) with *@cap
 * updated, or NULL when out of memory (then @v and *@cap are unchanged; free @v as before).
 */
void *kvmrt_array_grow(void *v, unsigned nr, unsigned *cap, size_t size, unsigned first);

/*
 * @name as a whole decimal number, no sign or blanks (a PID or an IRQ number as
 * /proc and /sys spell them), when it is one from 0 to @max; else -1.
 */
int64_t kvmrt_name_number(const char *name, int64_t max);

/* @s without spaces and tabs (malloc'd), or NULL when out of memory. */
char *kvmrt_strip_blanks(const char *s);

/* Appends a finding about VM @vm of @c (message "VM 'NAME': ATTR: " + @fmt). */
int kvmrt_diags_vadd(struct kvmrt_diags *out, const struct kvmrt_config *c,
		     enum kvmrt_severity sev, const char *rule, unsigned vm, enum kvmrt_attr attr,
		     const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));

#endif
