/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * topology-print.c - hwtopo's view of a topology: machine, packages, dies, L3
 * caches, NUMA nodes, cores and CPUs (with -v: names and sizes), and the I/O
 * devices under the objects they are attached to; and the XML export.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kvmrt-private.h"

/* "32MiB", "31GiB": exact in the largest unit that divides @bytes, else rounded down
 * to a number below 10240. */
static void size_text(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes >= 1024 &&
	       (bytes % 1024 == 0 || bytes >= 10240)) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 "%s", bytes, units[u]);
}

static const char *info(hwloc_obj_t o, const char *name)
{
	const char *v = hwloc_obj_get_info_by_name(o, name);

	return v ? v : "";
}

static void machine_line(FILE *f, hwloc_obj_t o, bool verbose)
{
	const char *vendor = info(o, "DMIBoardVendor"), *board = info(o, "DMIBoardName");
	const char *host = info(o, "HostName");

	fprintf(f, "Machine %u", o->logical_index);
	if (verbose && (*vendor || *board || *host))
		fprintf(f, " (%s%s%s%s\"%s\")", vendor, *vendor && *board ? " " : "", board,
			*vendor || *board ? ", " : "", host);
	fputs(":\n", f);
}

static void pci_line(FILE *f, hwloc_obj_t o, bool verbose)
{
	const char *dev = info(o, "PCIDevice");

	fprintf(f, "PCI %02x:%02x.%x", o->attr->pcidev.bus, o->attr->pcidev.dev,
		o->attr->pcidev.func);
	if (verbose && *dev)
		fprintf(f, " (%s)", dev);
	fputs(o->io_first_child ? ":\n" : "\n", f);
}

/* Whether @o has a line of its own; groups, L1/L2 caches, bridges and misc objects are
 * shown only through their children. */
static bool has_line(hwloc_obj_t o)
{
	switch (o->type) {
	case HWLOC_OBJ_MACHINE:
	case HWLOC_OBJ_PACKAGE:
	case HWLOC_OBJ_DIE:
	case HWLOC_OBJ_L3CACHE:
	case HWLOC_OBJ_NUMANODE:
	case HWLOC_OBJ_CORE:
	case HWLOC_OBJ_PU:
	case HWLOC_OBJ_PCI_DEVICE:
	case HWLOC_OBJ_OS_DEVICE:
		return true;
	default:
		return false;
	}
}

static void object_line(FILE *f, hwloc_obj_t o, bool verbose)
{
	char size[32];

	switch (o->type) {
	case HWLOC_OBJ_MACHINE:
		machine_line(f, o, verbose);
		break;
	case HWLOC_OBJ_PACKAGE:
		fprintf(f, "Package %u", o->logical_index);
		if (verbose && *info(o, "CPUModel"))
			fprintf(f, " (%s)", info(o, "CPUModel"));
		fputs(":\n", f);
		break;
	case HWLOC_OBJ_DIE:
		fprintf(f, "Die %u:\n", o->logical_index);
		break;
	case HWLOC_OBJ_L3CACHE:
		size_text(o->attr->cache.size, size, sizeof(size));
		fprintf(f, verbose ? "L3 Cache (%s):\n" : "L3 Cache:\n", size);
		break;
	case HWLOC_OBJ_NUMANODE:
		size_text(o->attr->numanode.local_memory, size, sizeof(size));
		fprintf(f, verbose ? "NUMA Node %u (%s)\n" : "NUMA Node %u\n", o->os_index, size);
		break;
	case HWLOC_OBJ_CORE:
		fprintf(f, "Core %u:\n", o->logical_index);
		break;
	case HWLOC_OBJ_PU:
		fprintf(f, "CPU %u\n", o->os_index);
		break;
	case HWLOC_OBJ_PCI_DEVICE:
		pci_line(f, o, verbose);
		break;
	case HWLOC_OBJ_OS_DEVICE:
		fprintf(f, "%s\n", o->name ? o->name : "?");
		break;
	default:
		break;
	}
}

static void print_tree(FILE *f, hwloc_obj_t o, unsigned depth, unsigned flags)
{
	if (hwloc_obj_type_is_io(o->type) && (flags & KVMRT_TOPO_NO_IO))
		return;
	if (has_line(o)) {
		fprintf(f, "%*s", (int)depth * 2, "");
		object_line(f, o, flags & KVMRT_TOPO_VERBOSE);
		depth++;
	}
	for (hwloc_obj_t c = o->memory_first_child; c; c = c->next_sibling)
		print_tree(f, c, depth, flags);
	for (hwloc_obj_t c = o->first_child; c; c = c->next_sibling)
		print_tree(f, c, depth, flags);
	for (hwloc_obj_t c = o->io_first_child; c; c = c->next_sibling)
		print_tree(f, c, depth, flags);
}

int kvmrt_topology_print(FILE *f, const struct kvmrt_topology *t, unsigned flags)
{
	print_tree(f, hwloc_get_root_obj(t->h), 0, flags);
	return ferror(f) ? -EIO : 0;
}

int kvmrt_topology_export(const struct kvmrt_topology *t, const char *path, char *why,
			  size_t why_len)
{
	if (hwloc_topology_export_xml(t->h, path, 0) < 0) {
		int r = -errno ?: -EIO;

		snprintf(why, why_len, "%s: cannot write the topology: %s", path, strerror(-r));
		return r;
	}
	return 0;
}
