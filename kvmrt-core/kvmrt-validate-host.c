/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-validate-host: check that a host is set up for real-time VMs, and say how to fix it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvmrt-cleanup.h"
#include "kvmrt-hostcheck.h"
#include "kvmrt-tool.h"
#include "tool.h"

/* Whether any enabled VM of @c is real-time (only then is a topology needed). */
static bool has_rt_vm(const struct kvmrt_config *c)
{
	for (unsigned i = 0; i < c->nr_vms; i++)
		if (c->vms[i].rt && !c->vms[i].disabled)
			return true;
	return false;
}

/* The rt CPUs of the configuration's real-time VMs. Reports failures. */
static int config_cpus(const struct kvmrt_hostcheck_params *p, struct kvmrt_ids *ret,
		       bool *ret_locked)
{
	_cleanup_(kvmrt_topology_freep) struct kvmrt_topology *t = NULL;
	_cleanup_(kvmrt_config_freep) struct kvmrt_config *c = NULL;
	_cleanup_free_ char *path = NULL;
	struct kvmrt_params kp = {.tool = KVMRT_TOOL_VALIDATE, .topology = p->topology};
	int r;

	if (!p->config && asprintf(&path, "%s%s", strcmp(p->sysroot, "/") ? p->sysroot : "",
				   KVMRT_DEFAULT_CONFIG) < 0)
		return -ENOMEM;
	kp.config = p->config ? p->config : path;
	r = kvmrt_tool_config(&kp, !p->config, &c);
	if (r < 0)
		return r;
	if (!has_rt_vm(c))
		return kvmrt_ids_init(ret, 0);
	r = kvmrt_tool_topology(&kp, &t);
	if (r < 0)
		return r;
	r = kvmrt_hostcheck_plan_cpus(c, t, ret, ret_locked);
	return r < 0 ? tool_error(r, "%s", kp.config) : 0;
}

/* The rt CPUs from --cpus or the configuration. Returns 0 or an exit code. */
static int rt_cpus(const struct kvmrt_hostcheck_params *p, struct kvmrt_ids *ret, bool *ret_locked)
{
	char why[256];

	if (p->cpus) {
		if (kvmrt_idset_parse(p->cpus, KVMRT_MAX_IDS, ret, why, sizeof(why)) < 0) {
			tool_error(0, "--cpus: %s", why);
			return EXIT_TOOL_USAGE;
		}
		/* rt VMs lock their memory unless told otherwise */
		*ret_locked = true;
		return 0;
	}
	return config_cpus(p, ret, ret_locked) < 0 ? EXIT_TOOL_FAILURE : 0;
}

static int check(const struct kvmrt_hostcheck_params *p, const struct kvmrt_sysroot *root)
{
	struct kvmrt_ids cpus = {};
	struct kvmrt_hostchecks res;
	struct kvmrt_hostcheck_env env = {.root = root, .rt_cpus = &cpus, .guest = p->guest};
	int r = rt_cpus(p, &cpus, &env.locked_memory);

	if (r != 0)
		return r;
	r = kvmrt_hostcheck_run(&env, &res);
	kvmrt_ids_done(&cpus);
	if (r < 0)
		return tool_error(r, "%s", root->prefix), EXIT_TOOL_FAILURE;
	r = p->json ? kvmrt_hostchecks_print_json(stdout, &res)
		    : kvmrt_hostchecks_print(stdout, &res, p->quiet);
	if (r == 0 && fflush(stdout) != 0)
		r = -errno;
	if (r < 0)
		tool_error(r, "standard output");
	else
		r = kvmrt_hostchecks_count(&res, KVMRT_FAIL) ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
	kvmrt_hostchecks_done(&res);
	return r < 0 ? EXIT_TOOL_FAILURE : r;
}

int main(int argc, char **argv)
{
	struct kvmrt_hostcheck_params p;
	struct kvmrt_sysroot root;
	char why[512];
	int r;

	tool_set_name(argv[0]);
	if (kvmrt_hostcheck_parse_args(argc, argv, &p, why, sizeof(why)) < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_USAGE;
	}
	if (p.help) {
		kvmrt_hostcheck_print_help();
		return EXIT_TOOL_OK;
	}
	if (p.version) {
		tool_print_version();
		return EXIT_TOOL_OK;
	}
	if (kvmrt_sysroot_open(p.sysroot, &root, why, sizeof(why)) < 0) {
		tool_error(0, "--sysroot %s", why);
		return EXIT_TOOL_FAILURE;
	}
	r = check(&p, &root);
	kvmrt_sysroot_close(&root);
	return r;
}
