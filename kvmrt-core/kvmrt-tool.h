/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-tool.h - what the kvmrt-* tools and hwtopo share: one options parser
 * (pure: tests feed it argv arrays), help texts, and loading the config and
 * topology with one-line messages.
 */
#ifndef KVMRT_CORE_TOOL_H
#define KVMRT_CORE_TOOL_H

#include <stdbool.h>
#include <stddef.h>

#include "kvmrt-cleanup.h"

enum kvmrt_tool {
	KVMRT_TOOL_VALIDATE,
	KVMRT_TOOL_SHOW,
	KVMRT_TOOL_SYNC,
	KVMRT_TOOL_IMPORT,
	KVMRT_TOOL_EDIT,
	KVMRT_TOOL_HWTOPO,
};

/* Exit codes of kvmrt-validate-config beyond tool.h's 0/1/2. */
enum {
	EXIT_VALIDATE_WARNINGS = 3, /* valid, with warnings */
	EXIT_VALIDATE_ERRORS = 4,   /* errors (or a file that does not parse) */
};

struct kvmrt_params {
	enum kvmrt_tool tool;
	const char *config;      /* -f FILE (default /etc/kvmrt.cfg) */
	const char *uri;         /* -c URI (default qemu:///system) */
	bool uri_given;
	const char *topology;    /* --topology FILE.xml|SYNTHETIC, NULL = this host */
	const char *export_path; /* hwtopo --export FILE.xml */
	bool all, reverse, query, update, verbose, no_io;
	bool help, version;
	char *const *vms;        /* VM names or UUIDs, borrowed from argv */
	unsigned nr_vms;
};

/* Parses argv for @tool into *ret. Returns 0 or -EINVAL with the reason in @why. */
int kvmrt_parse_args(enum kvmrt_tool tool, int argc, char **argv, struct kvmrt_params *ret,
		     char *why, size_t why_len);
/* Prints @tool's usage to stdout. */
void kvmrt_print_help(enum kvmrt_tool tool);

/*
 * Runs the common start of a tool: program name, parse, --help/--version.
 * Returns -1 to go on, or the exit code to return from main.
 */
int kvmrt_tool_start(enum kvmrt_tool tool, int argc, char **argv, struct kvmrt_params *ret);
/*
 * The end of a tool's start, after its parser returned @parsed (the reason in
 * @why) and printed the usage for p->help: reports a usage error, prints the
 * version for p->version (without p->help). Returns -1 to go on, or the exit
 * code for main.
 */
int kvmrt_tool_parsed(int parsed, const char *why, const struct kvmrt_params *p);

/* Loads p->topology (or the live one), reporting failures. Returns 0 or a negative errno. */
int kvmrt_tool_topology(const struct kvmrt_params *p, struct kvmrt_topology **ret);
/* Loads p->config, reporting failures; a missing file is an empty config when @missing_ok. */
int kvmrt_tool_config(const struct kvmrt_params *p, bool missing_ok, struct kvmrt_config **ret);
/* Checks that every VM named on the command line is in @c; reports the first that is not. */
int kvmrt_tool_check_vms(const struct kvmrt_params *p, const struct kvmrt_config *c);
/* Whether VM @i of @c was selected (all when none were named). */
bool kvmrt_tool_selected(const struct kvmrt_params *p, const struct kvmrt_vm *vm);
/* With -c: adds the libvirt findings of kvmrt_validate_libvirt() to @d, reporting failures. */
int kvmrt_tool_check_libvirt(const struct kvmrt_params *p, const struct kvmrt_config *c,
			     const struct kvmrt_topology *t, struct kvmrt_diags *d);
/* Connects to p->uri, reporting failures. */
int kvmrt_tool_virt(const struct kvmrt_params *p, struct kvmrt_virt **ret);
/* Writes @c to p->config atomically (hold the lock), changing only the lines of changed
 * values (kvmrt_config_update()), reporting failures. Returns 0 or -1. */
int kvmrt_tool_save(const struct kvmrt_params *p, const struct kvmrt_config *c);
struct option;
/*
 * Checks getopt_long()'s return @c in tool @name's parser: -EINVAL with the
 * reason in @why for an unknown option or a missing value, or for an option
 * of @opts that this tool does not take (@allowed false). Returns 0 otherwise.
 */
int kvmrt_tool_check_option(const char *name, const struct option *opts, int c, bool allowed,
			    char **argv, char *why, size_t why_len);
/* Prints each finding as "FILE:LINE: error: MESSAGE [rule]" to stdout. */
void kvmrt_tool_print_diags(const struct kvmrt_config *c, const struct kvmrt_diags *d);

#endif
