/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-cpuset.c - bytes into the CPUSET and ID-set parsers: a set that
 * resolves on a topology passes the syntax check, stays within the online
 * CPUs, and formats to a CPU list that parses back to the same set.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kvmrt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvmrt_topology *t;
	struct kvmrt_ids set, back;
	char why[512], *s, *text;

	if (!t &&
	    kvmrt_topology_load("pack:2 die:2 numa:1 core:4 pu:2", 0, &t, why, sizeof(why)) < 0)
		abort();
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (kvmrt_idset_parse(s, KVMRT_MAX_IDS, &set, why, sizeof(why)) == 0)
		kvmrt_ids_done(&set);
	if (kvmrt_cpuset_parse(s, t, &set, why, sizeof(why)) == 0) {
		if (kvmrt_cpuset_parse(s, NULL, NULL, why, sizeof(why)) != 0 ||
		    !kvmrt_ids_subset(&set, kvmrt_topology_online(t)) ||
		    kvmrt_ids_format(&set, &text) < 0 ||
		    kvmrt_cpuset_parse(text, t, &back, why, sizeof(why)) != 0 ||
		    !kvmrt_ids_equal(&set, &back))
			abort();
		kvmrt_ids_done(&back);
		kvmrt_ids_done(&set);
		free(text);
	}
	free(s);
	return 0;
}
