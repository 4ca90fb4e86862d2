/* SPDX-License-Identifier: GPL-2.0-or-later */
/* affinity-args.c - the options of irq-affinity, task-affinity and cpustat, parsed purely. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "affinity-tool.h"
#include "cleanup.h"
#include "kvmrt-tool.h"
#include "tool.h"

enum {
	OPT_CPUS = 1u << 0,
	OPT_SET = 1u << 1,
	OPT_DRY_RUN = 1u << 2,
	OPT_MANAGED = 1u << 3,
	OPT_THREADS = 1u << 4,
	OPT_PID = 1u << 5,
	OPT_JOURNAL = 1u << 6,
	OPT_FILE = 1u << 7,
	LONG_SYSROOT = 256,
	LONG_JOURNAL,
	LONG_MANAGED,
	LONG_UNMANAGED,
	LONG_DRY_RUN,
	LONG_JSON,
};

struct affinity_desc {
	const char *name;
	unsigned opts;
	const char *synopsis;
	const char *about;
	const char *specific; /* help lines of the tool's own options */
};

static const struct affinity_desc tools[] = {
	[AFFINITY_IRQ] = {
		"irq-affinity", OPT_CPUS | OPT_SET | OPT_DRY_RUN | OPT_MANAGED,
		"[--cpus LIST] [--managed | --unmanaged] [--set FROM:TO [--dry-run]] [--json]",
		"Show the CPU affinity of each IRQ: the CPUs it may run on, the CPU the kernel\n"
		"delivers it to, and whether the kernel manages it; or move IRQs off CPUs.\n",
		"  -c, --cpus LIST      only IRQs whose affinity or effective CPU is in LIST\n"
		"      --managed        only kernel-managed IRQs\n"
		"      --unmanaged      only IRQs not known to be managed\n"
		"  -s, --set FROM:TO    move every IRQ allowed on a CPU of FROM to TO (its CPUs\n"
		"                       outside FROM stay); managed IRQs are reported\n"
		"  -n, --dry-run        with --set: say what would move, change nothing\n",
	},
	[AFFINITY_TASK] = {
		"task-affinity", OPT_CPUS | OPT_SET | OPT_DRY_RUN | OPT_THREADS | OPT_PID,
		"[--cpus LIST] [--threads] [--pid PID] [--set FROM:TO [--dry-run]] [--json]",
		"Show the CPU affinity of each task: the CPUs it may run on, the CPU it last\n"
		"ran on, its scheduling policy and priority, and whether it is a kernel thread\n"
		"bound to its CPU; or move tasks off CPUs.\n",
		"  -c, --cpus LIST      only tasks allowed on a CPU of LIST\n"
		"  -t, --threads        every thread, not only processes\n"
		"  -p, --pid PID        only process PID (with its threads)\n"
		"  -s, --set FROM:TO    move every movable task allowed on a CPU of FROM to TO\n"
		"                       (its CPUs outside FROM stay)\n"
		"  -n, --dry-run        with --set: say what would move, change nothing\n",
	},
	[AFFINITY_CPUSTAT] = {
		"cpustat", OPT_CPUS | OPT_JOURNAL | OPT_FILE,
		"[--cpus LIST] [--journal DIR] [-f FILE] [--json]",
		"Show per CPU whether it is online and isolated, whether kvmrt shields it and\n"
		"for which VM, its NUMA node and core, and how many IRQs and tasks are bound\n"
		"to it alone or allowed on it.\n",
		"  -c, --cpus LIST      only these CPUs\n"
		"      --journal DIR    the kvmrt tuning journal (default " KVMRT_JOURNAL_DIR ")\n"
		"  -f, --file FILE      the configuration naming the VMs (default "
		KVMRT_DEFAULT_CONFIG ")\n",
	},
};

void affinity_print_help(enum affinity_tool tool)
{
	const struct affinity_desc *d = &tools[tool];

	printf("Usage: %s %s\n%s\n%s", d->name, d->synopsis, d->about, d->specific);
	printf("      --json           write JSON instead of a table\n"
	       "      --sysroot DIR    read /proc and /sys under DIR instead of /%s\n"
	       "  -h, --help           show this help\n"
	       "  -V, --version        show the version\n\n"
	       "LIST is a CPU list such as 0,2,4-7. Exit status: 0 done, 1 failure (a host\n"
	       "file unreadable, or a change refused), 2 usage error.\n",
	       d->opts & OPT_SET ? "\n                       (--set writes there)" : "");
}

static const struct option all_options[] = {
	{ "cpus", required_argument, NULL, 'c' },
	{ "set", required_argument, NULL, 's' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "managed", no_argument, NULL, LONG_MANAGED },
	{ "unmanaged", no_argument, NULL, LONG_UNMANAGED },
	{ "threads", no_argument, NULL, 't' },
	{ "pid", required_argument, NULL, 'p' },
	{ "journal", required_argument, NULL, LONG_JOURNAL },
	{ "file", required_argument, NULL, 'f' },
	{ "sysroot", required_argument, NULL, LONG_SYSROOT },
	{ "json", no_argument, NULL, LONG_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{}
};

/* The option bit of getopt's return @c, 0 for the options every tool takes. */
static unsigned option_bit(int c)
{
	switch (c) {
	case 'c': return OPT_CPUS;
	case 's': return OPT_SET;
	case 'n': return OPT_DRY_RUN;
	case LONG_MANAGED: case LONG_UNMANAGED: return OPT_MANAGED;
	case 't': return OPT_THREADS;
	case 'p': return OPT_PID;
	case LONG_JOURNAL: return OPT_JOURNAL;
	case 'f': return OPT_FILE;
	default: return 0;
	}
}

static int parse_cpus(const char *opt, const char *arg, struct kvmrt_ids *ret, char *why,
		      size_t why_len)
{
	char reason[256];

	if (kvmrt_idset_parse(arg, KVMRT_MAX_IDS, ret, reason, sizeof(reason)) < 0) {
		snprintf(why, why_len, "--%s: %s", opt, reason);
		return -EINVAL;
	}
	if (kvmrt_ids_count(ret) == 0) {
		kvmrt_ids_done(ret);
		snprintf(why, why_len, "--%s: the CPU list is empty", opt);
		return -EINVAL;
	}
	return 0;
}

/* FROM:TO, two CPU lists. */
static int parse_set(struct affinity_params *p, const char *arg, char *why, size_t why_len)
{
	_cleanup_free_ char *from = strdup(arg);
	char *colon;
	int r;

	if (!from)
		return -ENOMEM;
	colon = strchr(from, ':');
	if (!colon) {
		snprintf(why, why_len, "--set '%s': expected FROM:TO, two CPU lists (3:0-1)", arg);
		return -EINVAL;
	}
	*colon = '\0';
	r = parse_cpus("set", from, &p->from, why, why_len);
	if (r < 0)
		return r;
	r = parse_cpus("set", colon + 1, &p->to, why, why_len);
	if (r < 0)
		return r;
	if (kvmrt_ids_intersects(&p->from, &p->to)) {
		snprintf(why, why_len, "--set '%s': FROM and TO share CPUs", arg);
		return -EINVAL;
	}
	p->have_set = true;
	return 0;
}

static int set_option(struct affinity_params *p, int c, const char *arg, char *why,
		      size_t why_len)
{
	uint64_t pid;

	switch (c) {
	case 'c':
		kvmrt_ids_done(&p->cpus);
		p->have_cpus = true;
		return parse_cpus("cpus", arg, &p->cpus, why, why_len);
	case 's':
		kvmrt_ids_done(&p->from);
		kvmrt_ids_done(&p->to);
		return parse_set(p, arg, why, why_len);
	case 'p':
		if (tool_parse_u64(arg, 1, 0x7fffffff, &pid) < 0) {
			snprintf(why, why_len, "--pid '%s': expected a process ID", arg);
			return -EINVAL;
		}
		p->pid = (pid_t)pid;
		return 0;
	case 'n': p->dry_run = true; return 0;
	case LONG_MANAGED: p->managed = true; return 0;
	case LONG_UNMANAGED: p->unmanaged = true; return 0;
	case 't': p->threads = true; return 0;
	case LONG_JOURNAL: p->journal = arg; return 0;
	case 'f': p->config = arg; return 0;
	case LONG_SYSROOT: p->sysroot = arg; return 0;
	case LONG_JSON: p->json = true; return 0;
	case 'h': p->help = true; return 0;
	case 'V': p->version = true; return 0;
	}
	return 0;
}

/* Checks the options together. */
static int check_params(const struct affinity_params *p, char *why, size_t why_len)
{
	if (p->managed && p->unmanaged) {
		snprintf(why, why_len, "--managed and --unmanaged exclude each other");
		return -EINVAL;
	}
	if (p->dry_run && !p->have_set) {
		snprintf(why, why_len, "--dry-run goes with --set FROM:TO");
		return -EINVAL;
	}
	if (p->have_set && p->json) {
		snprintf(why, why_len, "--json shows affinities; it does not go with --set");
		return -EINVAL;
	}
	return 0;
}

void affinity_params_done(struct affinity_params *p)
{
	kvmrt_ids_done(&p->cpus);
	kvmrt_ids_done(&p->from);
	kvmrt_ids_done(&p->to);
}

static int parse_options(struct affinity_params *p, int argc, char **argv, char *why,
			 size_t why_len)
{
	const struct affinity_desc *d = &tools[p->tool];
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:s:ntp:f:hV", all_options, NULL)) != -1) {
		unsigned bit = option_bit(c);

		r = kvmrt_tool_check_option(d->name, all_options, c, !bit || (d->opts & bit), argv,
					    why, why_len);
		if (r == 0)
			r = set_option(p, c, optarg, why, why_len);
		if (r < 0)
			return r;
	}
	if (optind < argc) {
		snprintf(why, why_len, "unexpected argument '%s' (see --help)", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

int affinity_parse_args(enum affinity_tool tool, int argc, char **argv,
			struct affinity_params *ret, char *why, size_t why_len)
{
	struct affinity_params p = { .tool = tool, .config = KVMRT_DEFAULT_CONFIG };
	int r = parse_options(&p, argc, argv, why, why_len);

	if (r == 0 && !p.help && !p.version)
		r = check_params(&p, why, why_len);
	if (r < 0) {
		affinity_params_done(&p);
		return r;
	}
	*ret = p;
	return 0;
}
