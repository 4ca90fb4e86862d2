/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host-cpus.c - CPU list files of the host (online, isolated, affinities). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "kvmrt-host.h"

int kvmrt_sysroot_read_ids(const struct kvmrt_sysroot *s, const char *path,
			   struct kvmrt_ids *ret, char *why, size_t why_len)
{
	_cleanup_free_ char *line = NULL;
	char reason[256];
	int r;

	r = kvmrt_sysroot_read_line(s, path, &line);
	if (r < 0) {
		snprintf(why, why_len, "%s%s: %s", kvmrt_sysroot_label(s), path, strerror(-r));
		return r;
	}
	r = kvmrt_idset_parse(line, KVMRT_MAX_IDS, ret, reason, sizeof(reason));
	if (r < 0) {
		snprintf(why, why_len, "%s%s: %s", kvmrt_sysroot_label(s), path, reason);
		return -EINVAL;
	}
	return 0;
}

int kvmrt_cpus_check_online(const struct kvmrt_sysroot *s, const struct kvmrt_ids *cpus,
			    char *why, size_t why_len)
{
	static const char online_path[] = "/sys/devices/system/cpu/online";
	struct kvmrt_ids online;
	bool ok;
	int r;

	if (!kvmrt_sysroot_exists(s, online_path)) {
		ok = kvmrt_ids_count(cpus) > 0;
	} else {
		r = kvmrt_sysroot_read_ids(s, online_path, &online, why, why_len);
		if (r < 0)
			return r;
		ok = kvmrt_ids_intersects(cpus, &online);
		kvmrt_ids_done(&online);
	}
	if (!ok) {
		snprintf(why, why_len, "the CPU set holds no online CPU (see %s%s)",
			 kvmrt_sysroot_label(s), online_path);
		return -EINVAL;
	}
	return 0;
}

/* Adds to @acc the isolated partitions of cgroup @dir and of the cgroups below it. */
static int walk_partitions(const struct kvmrt_sysroot *s, const char *dir, unsigned depth,
			   struct kvmrt_ids *acc, char *why, size_t why_len)
{
	_cleanup_free_ char *file = NULL, *mode = NULL;
	char **names;
	int n, r = 0;

	if (asprintf(&file, "%s/cpuset.cpus.partition", dir) < 0)
		return -ENOMEM;
	/* "isolated invalid (reason)" is a partition the kernel could not make */
	if (kvmrt_sysroot_read_line(s, file, &mode) == 0 && !strcmp(mode, "isolated")) {
		struct kvmrt_ids cpus;

		free(file);
		if (asprintf(&file, "%s/cpuset.cpus.effective", dir) < 0)
			return -ENOMEM;
		r = kvmrt_sysroot_read_ids(s, file, &cpus, why, why_len);
		if (r == -ENOENT) {
			/* kernels show it; fixture trees may have cpuset.cpus only */
			file[strlen(file) - strlen(".effective")] = '\0';
			r = kvmrt_sysroot_read_ids(s, file, &cpus, why, why_len);
		}
		if (r < 0)
			return r;
		kvmrt_ids_or(acc, &cpus);
		kvmrt_ids_done(&cpus);
	}
	if (depth >= 8)
		return 0;
	n = kvmrt_sysroot_list(s, dir, &names);
	for (int i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *sub = NULL, *marker = NULL;

		if (asprintf(&sub, "%s/%s", dir, names[i]) < 0 ||
		    asprintf(&marker, "%s/cgroup.procs", sub) < 0)
			r = -ENOMEM;
		else if (kvmrt_sysroot_exists(s, marker))
			r = walk_partitions(s, sub, depth + 1, acc, why, why_len);
	}
	if (n >= 0)
		kvmrt_strv_free(names);
	return r;
}

int kvmrt_cpus_partitioned(const struct kvmrt_sysroot *s, struct kvmrt_ids *ret, char *why,
			   size_t why_len)
{
	/* the unified hierarchy of a hybrid setup, else a pure cgroup v2 mount */
	const char *root = kvmrt_sysroot_exists(s, "/sys/fs/cgroup/unified/cgroup.controllers")
				   ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup";
	struct kvmrt_ids acc;
	int r = kvmrt_ids_init(&acc, KVMRT_MAX_IDS);

	if (r < 0)
		return r;
	if (kvmrt_sysroot_exists(s, "/sys/fs/cgroup/cgroup.controllers") ||
	    strcmp(root, "/sys/fs/cgroup"))
		r = walk_partitions(s, root, 0, &acc, why, why_len);
	if (r < 0) {
		kvmrt_ids_done(&acc);
		if (r == -ENOMEM)
			snprintf(why, why_len, "out of memory");
		return r;
	}
	*ret = acc;
	return 0;
}
