/* SPDX-License-Identifier: GPL-2.0-or-later */
/* topology.c - the host's CPUs, cores, dies, packages and NUMA nodes, from hwloc. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmrt-cleanup.h"
#include "kvmrt-private.h"

static void level_done(struct kvmrt_level *l)
{
	for (unsigned i = 0; l->cpus && i < l->nr; i++)
		kvmrt_ids_done(&l->cpus[i]);
	free(l->cpus);
}

void kvmrt_topology_free(struct kvmrt_topology *t)
{
	if (!t)
		return;
	level_done(&t->node);
	level_done(&t->core);
	level_done(&t->die);
	level_done(&t->package);
	kvmrt_ids_done(&t->online);
	kvmrt_ids_done(&t->nodes);
	free(t->cpu_node);
	free(t->cpu_core);
	if (t->h)
		hwloc_topology_destroy(t->h);
	free(t);
}


/* Converts an hwloc cpuset into @ret (capacity t->nr_cpus). */
static int ids_from_bitmap(const struct kvmrt_topology *t, hwloc_const_bitmap_t b,
			   struct kvmrt_ids *ret)
{
	int r = kvmrt_ids_init(ret, t->nr_cpus);
	int i;

	if (r < 0)
		return r;
	hwloc_bitmap_foreach_begin(i, b)
	{
		if ((unsigned)i < t->nr_cpus)
			kvmrt_ids_add(ret, (unsigned)i);
	}
	hwloc_bitmap_foreach_end();
	return 0;
}

/* Fills @l with the objects of @type by logical index (or by OS index when @by_os). */
static int level_fill(struct kvmrt_topology *t, hwloc_obj_type_t type, bool by_os,
		      struct kvmrt_level *l)
{
	int n = hwloc_get_nbobjs_by_type(t->h, type);
	unsigned nr = 0;

	if (n < 0)
		n = 0;
	for (int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(t->h, type, (unsigned)i);
		unsigned id = by_os ? o->os_index : o->logical_index;

		if (id >= KVMRT_MAX_IDS)
			return -ERANGE;
		if (id + 1 > nr)
			nr = id + 1;
	}
	l->cpus = calloc(nr ? nr : 1, sizeof(*l->cpus));
	if (!l->cpus)
		return -ENOMEM;
	l->nr = nr;
	for (int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(t->h, type, (unsigned)i);
		unsigned id = by_os ? o->os_index : o->logical_index;
		int r;

		if (l->cpus[id].w)
			continue;
		r = ids_from_bitmap(t, o->cpuset, &l->cpus[id]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* cpu -> object number of level @l. */
static int *map_cpus(const struct kvmrt_topology *t, const struct kvmrt_level *l)
{
	int *map = malloc(sizeof(*map) * (t->nr_cpus ? t->nr_cpus : 1));

	if (!map)
		return NULL;
	for (unsigned c = 0; c < t->nr_cpus; c++)
		map[c] = -1;
	for (unsigned i = 0; i < l->nr; i++)
		for (int c = kvmrt_ids_next(&l->cpus[i], 0); c >= 0;
		     c = kvmrt_ids_next(&l->cpus[i], (unsigned)c + 1))
			map[c] = (int)i;
	return map;
}

static int topology_index(struct kvmrt_topology *t)
{
	hwloc_const_bitmap_t all = hwloc_topology_get_topology_cpuset(t->h);
	int last = hwloc_bitmap_last(all), r;

	if (last < 0 || last >= KVMRT_MAX_IDS)
		return -ERANGE;
	t->nr_cpus = (unsigned)last + 1;
	r = ids_from_bitmap(t, all, &t->online);
	if (r < 0)
		return r;
	if ((r = level_fill(t, HWLOC_OBJ_NUMANODE, true, &t->node)) < 0 ||
	    (r = level_fill(t, HWLOC_OBJ_CORE, false, &t->core)) < 0 ||
	    (r = level_fill(t, HWLOC_OBJ_PACKAGE, false, &t->package)) < 0)
		return r;
	/* without dies, each package is one die */
	r = level_fill(t, hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_DIE) > 0 ? HWLOC_OBJ_DIE
									 : HWLOC_OBJ_PACKAGE,
		       false, &t->die);
	if (r < 0)
		return r;
	r = kvmrt_ids_init(&t->nodes, t->node.nr);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < t->node.nr; i++)
		if (t->node.cpus[i].w)
			kvmrt_ids_add(&t->nodes, i);
	t->cpu_node = map_cpus(t, &t->node);
	t->cpu_core = map_cpus(t, &t->core);
	return t->cpu_node && t->cpu_core ? 0 : -ENOMEM;
}

static bool is_xml_path(const char *spec)
{
	size_t n = strlen(spec);

	return strchr(spec, '/') || (n > 4 && !strcmp(spec + n - 4, ".xml"));
}

int kvmrt_topology_load(const char *spec, unsigned flags, struct kvmrt_topology **ret, char *why,
			size_t why_len)
{
	_cleanup_(kvmrt_topology_freep) struct kvmrt_topology *t = calloc(1, sizeof(*t));
	int r;

	if (!t || hwloc_topology_init(&t->h) < 0)
		return -ENOMEM;
	hwloc_topology_set_flags(t->h, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED);
	hwloc_topology_set_io_types_filter(t->h, flags & KVMRT_TOPO_LOAD_IO
							 ? HWLOC_TYPE_FILTER_KEEP_IMPORTANT
							 : HWLOC_TYPE_FILTER_KEEP_NONE);
	if (spec && is_xml_path(spec)) {
		if (hwloc_topology_set_xml(t->h, spec) < 0) {
			r = -errno ?: -EINVAL;
			snprintf(why, why_len, "topology %s: not a readable hwloc XML file", spec);
			return r;
		}
	} else if (spec && hwloc_topology_set_synthetic(t->h, spec) < 0) {
		snprintf(why, why_len,
			 "topology '%s': not an hwloc synthetic description such as "
			 "'pack:1 l3:4 numa:1 core:8 pu:2' (or give an XML file ending in .xml)",
			 spec);
		return -EINVAL;
	}
	if (hwloc_topology_load(t->h) < 0) {
		r = -errno ?: -EINVAL;
		snprintf(why, why_len, "topology %s: hwloc could not load it",
			 spec ? spec : "of this host");
		return r;
	}
	r = topology_index(t);
	if (r < 0) {
		snprintf(why, why_len, "topology %s: %s", spec ? spec : "of this host",
			 r == -ERANGE ? "CPU or node numbers too large" : "out of memory");
		return r;
	}
	*ret = TAKE_PTR(t);
	return 0;
}

unsigned kvmrt_topology_nr_cpus(const struct kvmrt_topology *t)
{
	return t->nr_cpus;
}

unsigned kvmrt_topology_nr_nodes(const struct kvmrt_topology *t)
{
	return t->node.nr;
}

const struct kvmrt_ids *kvmrt_topology_online(const struct kvmrt_topology *t)
{
	return &t->online;
}

const struct kvmrt_ids *kvmrt_topology_nodes(const struct kvmrt_topology *t)
{
	return &t->nodes;
}

int kvmrt_topology_cpu_node(const struct kvmrt_topology *t, unsigned cpu)
{
	return cpu < t->nr_cpus ? t->cpu_node[cpu] : -1;
}

const struct kvmrt_ids *kvmrt_topology_core_cpus(const struct kvmrt_topology *t, unsigned cpu)
{
	if (cpu >= t->nr_cpus || t->cpu_core[cpu] < 0)
		return NULL;
	return &t->core.cpus[t->cpu_core[cpu]];
}

int kvmrt_topology_nodes_of(const struct kvmrt_topology *t, const struct kvmrt_ids *cpus,
			    struct kvmrt_ids *ret)
{
	struct kvmrt_ids nodes;
	int r = kvmrt_ids_init(&nodes, t->node.nr);

	if (r < 0)
		return r;
	for (int c = kvmrt_ids_next(cpus, 0); c >= 0; c = kvmrt_ids_next(cpus, (unsigned)c + 1))
		if ((unsigned)c < t->nr_cpus && t->cpu_node[c] >= 0)
			kvmrt_ids_add(&nodes, (unsigned)t->cpu_node[c]);
	*ret = nodes;
	return 0;
}
