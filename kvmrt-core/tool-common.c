/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tool-common.c - the start of every kvmrt tool, and loading what they all need. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "kvmrt-cleanup.h"
#include "kvmrt-tool.h"
#include "tool.h"

int kvmrt_tool_parsed(int parsed, const char *why, const struct kvmrt_params *p)
{
	if (parsed < 0) {
		tool_error(0, "%s", why);
		return EXIT_TOOL_USAGE;
	}
	if (p->version && !p->help)
		tool_print_version();
	return p->help || p->version ? EXIT_TOOL_OK : -1;
}

int kvmrt_tool_start(enum kvmrt_tool tool, int argc, char **argv, struct kvmrt_params *ret)
{
	char why[512];
	int r;

	tool_set_name(argv[0]);
	r = kvmrt_parse_args(tool, argc, argv, ret, why, sizeof(why));
	if (r == 0 && ret->help)
		kvmrt_print_help(tool);
	return kvmrt_tool_parsed(r, why, ret);
}

int kvmrt_tool_topology(const struct kvmrt_params *p, struct kvmrt_topology **ret)
{
	char why[512];
	bool io = p->tool == KVMRT_TOOL_HWTOPO && !p->no_io;
	int r = kvmrt_topology_load(p->topology, io ? KVMRT_TOPO_LOAD_IO : 0, ret, why, sizeof(why));

	if (r < 0)
		tool_error(0, "%s", why);
	return r;
}

int kvmrt_tool_config(const struct kvmrt_params *p, bool missing_ok, struct kvmrt_config **ret)
{
	char why[1024];
	int r = kvmrt_config_load(p->config, ret, why, sizeof(why));

	if (r == -ENOENT && missing_ok)
		r = kvmrt_config_new(p->config, ret);
	else if (r < 0)
		tool_error(0, "%s%s", why,
			   r == -EINVAL ? " (fix it with kvmrt-edit-config)" : "");
	return r;
}

bool kvmrt_tool_selected(const struct kvmrt_params *p, const struct kvmrt_vm *vm)
{
	char uuid[37];

	if (p->nr_vms == 0)
		return true;
	for (unsigned i = 0; i < p->nr_vms; i++) {
		if (kvmrt_uuid_parse(p->vms[i], uuid) == 0 ? !strcmp(uuid, vm->uuid)
							    : vm->name && !strcmp(vm->name, p->vms[i]))
			return true;
	}
	return false;
}

int kvmrt_tool_check_vms(const struct kvmrt_params *p, const struct kvmrt_config *c)
{
	for (unsigned i = 0; i < p->nr_vms; i++)
		if (kvmrt_config_find(c, p->vms[i]) < 0)
			return tool_error(-ENOENT, "%s: no VM '%s' in the configuration (by name or "
					  "UUID)", p->config, p->vms[i]);
	return 0;
}

void kvmrt_tool_print_diags(const struct kvmrt_config *c, const struct kvmrt_diags *d)
{
	for (unsigned i = 0; i < d->nr; i++)
		printf("%s:%u: %s: %s [%s]\n", c->path, d->d[i].line,
		       kvmrt_severity_name(d->d[i].severity), d->d[i].message, d->d[i].rule);
}

int kvmrt_tool_virt(const struct kvmrt_params *p, struct kvmrt_virt **ret)
{
	char why[1024];
	int r = kvmrt_virt_open(p->uri, ret, why, sizeof(why));

	if (r < 0)
		tool_error(0, "%s", why);
	return r;
}

int kvmrt_tool_check_libvirt(const struct kvmrt_params *p, const struct kvmrt_config *c,
			     const struct kvmrt_topology *t, struct kvmrt_diags *d)
{
	_cleanup_(kvmrt_virt_closep) struct kvmrt_virt *v = NULL;
	char why[1024];
	int r = kvmrt_tool_virt(p, &v);

	if (r < 0)
		return r;
	r = kvmrt_validate_libvirt(c, t, v, p->all ? KVMRT_VALIDATE_ALL : 0, d, why, sizeof(why));
	if (r < 0)
		tool_error(0, "%s", why);
	return r;
}

int kvmrt_tool_save(const struct kvmrt_params *p, const struct kvmrt_config *c)
{
	_cleanup_free_ char *old = NULL, *text = NULL;
	char why[1024];
	size_t len;
	int r = read_file_at(AT_FDCWD, p->config, 16u << 20, &old, &len);

	if (r < 0 && r != -ENOENT)
		return tool_error(r, "%s", p->config), -1;
	r = old ? kvmrt_config_update(old, c, &text) : kvmrt_config_format(c, &text);
	if (r < 0)
		return tool_error(r, "%s", p->config), -1;
	if (kvmrt_config_replace(p->config, text, why, sizeof(why)) < 0)
		return tool_error(0, "%s", why), -1;
	return 0;
}

int kvmrt_tool_check_option(const char *name, const struct option *opts, int c, bool allowed,
			    char **argv, char *why, size_t why_len)
{
	if (c == '?' || c == ':') {
		snprintf(why, why_len, "unknown option or missing value: '%s' (see --help)",
			 argv[optind - 1]);
		return -EINVAL;
	}
	if (allowed)
		return 0;
	for (; opts->name && opts->val != c; opts++)
		;
	snprintf(why, why_len, "%s does not take --%s (see --help)", name,
		 opts->name ? opts->name : "?");
	return -EINVAL;
}
