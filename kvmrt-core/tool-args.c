/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tool-args.c - the options of the kvmrt-* tools and hwtopo, parsed purely. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "kvmrt-tool.h"

enum {
	OPT_FILE = 1u << 0,
	OPT_CONNECT = 1u << 1,
	OPT_TOPOLOGY = 1u << 2,
	OPT_ALL = 1u << 3,
	OPT_REVERSE = 1u << 4,
	OPT_QUERY = 1u << 5,
	OPT_UPDATE = 1u << 6,
	OPT_VERBOSE = 1u << 7,
	OPT_NO_IO = 1u << 8,
	OPT_EXPORT = 1u << 9,
	OPT_VMS = 1u << 10, /* VM names as arguments */
	LONG_TOPOLOGY = 256,
	LONG_NO_IO,
	LONG_EXPORT,
};

struct tool_desc {
	const char *name;
	unsigned opts;
	const char *synopsis;
	const char *about;
	const char *specific; /* help lines of the tool's own options */
	const char *status;   /* exit status paragraph */
};

static const char common_status[] =
	"Exit status: 0 done, 1 failure (unreadable or invalid configuration, libvirt\n"
	"refused), 2 usage error.\n";

static const struct tool_desc tools[] = {
	[KVMRT_TOOL_VALIDATE] = {
		"kvmrt-validate-config", OPT_FILE | OPT_CONNECT | OPT_TOPOLOGY | OPT_ALL,
		"[-f FILE] [--all] [--topology T] [-c URI]",
		"Check every VM of a kvmrt configuration, and the VMs together, against the\n"
		"rules for real-time VMs and this host's topology.\n",
		"  -a, --all            also check disabled VMs\n"
		"  -c, --connect URI    also check that each VM is defined in this libvirt\n",
		"Exit status: 0 valid, 1 could not check (unreadable file or topology),\n"
		"2 usage error, 3 valid with warnings, 4 errors (or a file that does not parse).\n",
	},
	[KVMRT_TOOL_SHOW] = {
		"kvmrt-show-config", OPT_FILE | OPT_CONNECT | OPT_TOPOLOGY | OPT_VMS,
		"[-f FILE] [--topology T] [-c URI] [VM...]",
		"Show the configuration as kvmrt interprets it: every attribute with defaults\n"
		"resolved, CPUSETs expanded, and the placement plan of each VM.\n",
		"  -c, --connect URI    also say whether libvirt is in sync with each VM\n",
		common_status,
	},
	[KVMRT_TOOL_SYNC] = {
		"kvmrt-sync-config", OPT_FILE | OPT_CONNECT | OPT_TOPOLOGY | OPT_REVERSE |
				     OPT_QUERY | OPT_VMS,
		"[-f FILE] [-c URI] [--topology T] [-r | --query] [VM...]",
		"Write the configuration of all (or the named) VMs into their libvirt domain\n"
		"XML, changing only the elements kvmrt owns.\n",
		"  -r, --reverse        the other way: update the configuration from libvirt\n"
		"  -q, --query          change nothing; say per VM: in sync, differs (how) or\n"
		"                       missing (exit 1 unless all are in sync)\n"
		"  -c, --connect URI    libvirt URI\n",
		common_status,
	},
	[KVMRT_TOOL_IMPORT] = {
		"kvmrt-import", OPT_FILE | OPT_CONNECT | OPT_TOPOLOGY | OPT_UPDATE | OPT_VMS,
		"[-f FILE] [-c URI] [-u] [VM...]",
		"Add all (or the named) libvirt VMs to the configuration; VMs already there are\n"
		"skipped unless -u is given.\n",
		"  -u, --update         update the VMs already in the configuration\n"
		"  -c, --connect URI    libvirt URI\n",
		common_status,
	},
	[KVMRT_TOOL_EDIT] = {
		"kvmrt-edit-config", OPT_FILE | OPT_CONNECT | OPT_TOPOLOGY,
		"[-f FILE] [-c URI] [--topology T]",
		"Edit a copy of the configuration in $VISUAL or $EDITOR (default vi), validate\n"
		"it, reopen it with the errors while it has any, then sync libvirt and replace\n"
		"the file atomically.\n",
		"  -c, --connect URI    libvirt URI\n",
		"Exit status: 0 saved (or unchanged), 1 failure or the edit was abandoned\n"
		"(the file is unchanged), 2 usage error.\n",
	},
	[KVMRT_TOOL_HWTOPO] = {
		"hwtopo", OPT_TOPOLOGY | OPT_VERBOSE | OPT_NO_IO | OPT_EXPORT,
		"[-v] [--no-io] [--topology T] [--export FILE.xml]",
		"Show the hardware topology: machine, packages, caches, NUMA nodes, cores and\n"
		"CPUs, with the I/O devices attached to them.\n",
		"  -v, --verbose        sizes, models and every CPU\n"
		"      --no-io          leave out the I/O devices\n"
		"      --export FILE    also write the topology as hwloc XML (for --topology)\n",
		common_status,
	},
};

void kvmrt_print_help(enum kvmrt_tool tool)
{
	const struct tool_desc *d = &tools[tool];

	printf("Usage: %s %s\n%s\n", d->name, d->synopsis, d->about);
	if (d->opts & OPT_FILE)
		printf("  -f, --file FILE      configuration file (default %s)\n",
		       KVMRT_DEFAULT_CONFIG);
	printf("%s", d->specific);
	if (d->opts & OPT_CONNECT)
		printf("                       (default %s)\n", KVMRT_DEFAULT_URI);
	if (d->opts & OPT_TOPOLOGY)
		printf("      --topology T     plan for another machine: an hwloc XML file or a\n"
		       "                       synthetic description ('pack:1 numa:2 core:4 pu:2')\n");
	printf("  -h, --help           show this help\n"
	       "  -V, --version        show the version\n\n%s",
	       d->status);
}

static const struct option all_options[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "connect", required_argument, NULL, 'c' },
	{ "topology", required_argument, NULL, LONG_TOPOLOGY },
	{ "all", no_argument, NULL, 'a' },
	{ "reverse", no_argument, NULL, 'r' },
	{ "query", no_argument, NULL, 'q' },
	{ "update", no_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "no-io", no_argument, NULL, LONG_NO_IO },
	{ "export", required_argument, NULL, LONG_EXPORT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{}
};

/* The option bit of getopt's return @c, 0 for help and version. */
static unsigned option_bit(int c)
{
	switch (c) {
	case 'f': return OPT_FILE;
	case 'c': return OPT_CONNECT;
	case LONG_TOPOLOGY: return OPT_TOPOLOGY;
	case 'a': return OPT_ALL;
	case 'r': return OPT_REVERSE;
	case 'q': return OPT_QUERY;
	case 'u': return OPT_UPDATE;
	case 'v': return OPT_VERBOSE;
	case LONG_NO_IO: return OPT_NO_IO;
	case LONG_EXPORT: return OPT_EXPORT;
	default: return 0;
	}
}

static const char *option_name(int c)
{
	for (const struct option *o = all_options; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

static void set_option(struct kvmrt_params *p, int c, const char *arg)
{
	switch (c) {
	case 'f': p->config = arg; break;
	case 'c': p->uri = arg; p->uri_given = true; break;
	case LONG_TOPOLOGY: p->topology = arg; break;
	case 'a': p->all = true; break;
	case 'r': p->reverse = true; break;
	case 'q': p->query = true; break;
	case 'u': p->update = true; break;
	case 'v': p->verbose = true; break;
	case LONG_NO_IO: p->no_io = true; break;
	case LONG_EXPORT: p->export_path = arg; break;
	case 'h': p->help = true; break;
	case 'V': p->version = true; break;
	}
}

int kvmrt_parse_args(enum kvmrt_tool tool, int argc, char **argv, struct kvmrt_params *ret,
		     char *why, size_t why_len)
{
	const struct tool_desc *d = &tools[tool];
	struct kvmrt_params p = { .tool = tool, .config = KVMRT_DEFAULT_CONFIG,
				  .uri = KVMRT_DEFAULT_URI };
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:c:arquvhV", all_options, NULL)) != -1) {
		unsigned bit = option_bit(c);

		if (bit && !(d->opts & bit)) {
			snprintf(why, why_len, "%s does not take --%s (see --help)", d->name,
				 option_name(c));
			return -EINVAL;
		}
		if (c == '?' || c == ':') {
			snprintf(why, why_len, "unknown option or missing value: '%s' (see --help)",
				 argv[optind - 1]);
			return -EINVAL;
		}
		set_option(&p, c, optarg);
	}
	if (p.help || p.version) {
		*ret = p;
		return 0;
	}
	if (p.reverse && p.query) {
		snprintf(why, why_len, "-r and --query exclude each other");
		return -EINVAL;
	}
	if (optind < argc && !(d->opts & OPT_VMS)) {
		snprintf(why, why_len, "unexpected argument '%s' (see --help)", argv[optind]);
		return -EINVAL;
	}
	p.vms = argv + optind;
	p.nr_vms = (unsigned)(argc - optind);
	*ret = p;
	return 0;
}
