/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boot-args.c - the options of kvmrt-boot, kvmrt-shutdown and kvmrt-stat, parsed purely. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "boot-tool.h"
#include "tool.h"

enum {
	OPT_ALL = 1u << 0,
	OPT_CLEAN = 1u << 1,
	OPT_VERBOSE = 1u << 2,
	OPT_FORCE = 1u << 3,
	OPT_TIMEOUT = 1u << 4,
	OPT_THREADS = 1u << 5,
	OPT_SYSROOT = 1u << 6,
	OPT_IGNORE = 1u << 7,
	LONG_SYSROOT = 256,
	LONG_JOURNAL,
	LONG_CLEAN,
	LONG_FORCE,
	LONG_TIMEOUT,
	LONG_IGNORE,
};

struct boot_desc {
	const char *name;
	unsigned opts;
	const char *synopsis;
	const char *about;
	const char *specific;
	const char *status;
};

static const struct boot_desc tools[] = {
	[BOOT_TOOL_BOOT] = {
		"kvmrt-boot", OPT_ALL | OPT_CLEAN | OPT_SYSROOT | OPT_IGNORE,
		"[--all] [--clean | --ignore-validation] [-f FILE] [-c URI] [--sysroot DIR]\n"
		"       [--journal DIR] [VM...]",
		"Validate the configuration, then boot the VMs with autostart set (or all, or\n"
		"the named ones): sync each to libvirt, tune the host for the real-time ones,\n"
		"start them, and check that every QEMU thread runs where and how the plan says,\n"
		"putting back what libvirt could not. Running VMs are re-tuned, not restarted.\n",
		"  -a, --all            boot every VM that is not disabled\n"
		"      --clean          no VM of the configuration may be running, and any error\n"
		"                       (a refusal of SCHED_FIFO or memory locking too) fails\n"
		"      --ignore-validation\n"
		"                       boot although the configuration has errors (a host\n"
		"                       smaller than it needs: a laptop, a CI machine); the\n"
		"                       placement is then not what the rules require\n",
		"Exit status: 0 every VM asked for runs (refusals of the host are reported as\n"
		"warnings), 1 the configuration has errors (without --ignore-validation),\n"
		"libvirt is unreachable, host tuning failed, a VM could not be started, or with\n"
		"--clean: a VM was running or anything failed; 2 usage error.\n",
	},
	[BOOT_TOOL_SHUTDOWN] = {
		"kvmrt-shutdown", OPT_VERBOSE | OPT_FORCE | OPT_TIMEOUT | OPT_SYSROOT,
		"[-v] [--force[=SECONDS]] [--timeout SECONDS] [-f FILE] [-c URI] [--sysroot DIR]\n"
		"       [--journal DIR] [VM...]",
		"Shut down the running VMs of the configuration (or the named ones), all at\n"
		"once, and undo the host tuning kvmrt-boot did for them (also for VMs that are\n"
		"not running but left tuning behind, e.g. after a crash).\n",
		"  -v, --verbose        one VM after the other, saying each step\n"
		"      --force[=SECS]   destroy guests still running after the timeout\n"
		"                       (SECS sets the timeout)\n"
		"      --timeout SECS   wait this long for the guests (default 60)\n",
		"Exit status: 0 every VM asked for is shut off and its tuning undone, 1 a guest\n"
		"did not shut down in time (without --force), libvirt failed, or undoing the\n"
		"tuning failed; 2 usage error.\n",
	},
	[BOOT_TOOL_STAT] = {
		"kvmrt-stat", OPT_ALL | OPT_THREADS | OPT_SYSROOT,
		"[--all] [-t] [-f FILE] [-c URI] [--sysroot DIR] [--journal DIR] [VM...]",
		"Show the VMs of the configuration that are not disabled (or all, or the named\n"
		"ones): name, UUID, state, real-time, cpuset, whether host tuning is active.\n",
		"  -a, --all            also show disabled VMs\n"
		"  -t, --threads        each QEMU thread of running VMs: name, TID, allowed\n"
		"                       CPUs, last CPU, policy and priority, and whether it\n"
		"                       matches the plan (and why not)\n",
		"Exit status: 0 shown, 1 unreadable configuration or journal, 2 usage error.\n",
	},
};

void boot_print_help(enum boot_tool tool)
{
	const struct boot_desc *d = &tools[tool];

	printf("Usage: %s %s\n%s\n", d->name, d->synopsis, d->about);
	printf("%s", d->specific);
	printf("  -f, --file FILE      configuration file (default %s)\n"
	       "  -c, --connect URI    libvirt URI (default %s)\n",
	       KVMRT_DEFAULT_CONFIG, KVMRT_DEFAULT_URI);
	if (d->opts & OPT_SYSROOT)
		printf("      --sysroot DIR    the root of /proc and /sys that host tuning\n"
		       "                       changes (default /; the QEMU threads are always\n"
		       "                       the live ones)\n");
	printf("      --journal DIR    the host tuning journal (default %s)\n"
	       "  -h, --help           show this help\n"
	       "  -V, --version        show the version\n\n%s",
	       KVMRT_JOURNAL_DIR, d->status);
}

static const struct option options[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "connect", required_argument, NULL, 'c' },
	{ "sysroot", required_argument, NULL, LONG_SYSROOT },
	{ "journal", required_argument, NULL, LONG_JOURNAL },
	{ "all", no_argument, NULL, 'a' },
	{ "clean", no_argument, NULL, LONG_CLEAN },
	{ "verbose", no_argument, NULL, 'v' },
	{ "force", optional_argument, NULL, LONG_FORCE },
	{ "timeout", required_argument, NULL, LONG_TIMEOUT },
	{ "threads", no_argument, NULL, 't' },
	{ "ignore-validation", no_argument, NULL, LONG_IGNORE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{}
};

/* The option bit of getopt's return @c (0: every tool takes it). */
static unsigned option_bit(int c)
{
	switch (c) {
	case 'a': return OPT_ALL;
	case LONG_CLEAN: return OPT_CLEAN;
	case 'v': return OPT_VERBOSE;
	case LONG_FORCE: return OPT_FORCE;
	case LONG_TIMEOUT: return OPT_TIMEOUT;
	case 't': return OPT_THREADS;
	case LONG_SYSROOT: return OPT_SYSROOT;
	case LONG_IGNORE: return OPT_IGNORE;
	default: return 0;
	}
}

static int parse_seconds(const char *arg, unsigned *ret, char *why, size_t why_len)
{
	uint64_t v;

	if (tool_parse_u64(arg, 0, 86400, &v) < 0) {
		snprintf(why, why_len, "'%s' is not a number of seconds (0-86400)", arg);
		return -EINVAL;
	}
	*ret = (unsigned)v;
	return 0;
}

static int set_option(struct boot_params *p, int c, const char *arg, char *why, size_t why_len)
{
	switch (c) {
	case 'f': p->base.config = arg; break;
	case 'c': p->base.uri = arg; p->base.uri_given = true; break;
	case LONG_SYSROOT: p->sysroot = arg; break;
	case LONG_JOURNAL: p->journal = arg; break;
	case 'a': p->base.all = true; break;
	case LONG_CLEAN: p->clean = true; break;
	case LONG_IGNORE: p->ignore_validation = true; break;
	case 'v': p->base.verbose = true; break;
	case 't': p->threads = true; break;
	case 'h': p->base.help = true; break;
	case 'V': p->base.version = true; break;
	case LONG_FORCE:
		p->force = true;
		return arg ? parse_seconds(arg, &p->timeout, why, why_len) : 0;
	case LONG_TIMEOUT:
		return parse_seconds(arg, &p->timeout, why, why_len);
	}
	return 0;
}

int boot_parse_args(enum boot_tool tool, int argc, char **argv, struct boot_params *ret,
		    char *why, size_t why_len)
{
	const struct boot_desc *d = &tools[tool];
	struct boot_params p = {
		.base = { .config = KVMRT_DEFAULT_CONFIG, .uri = KVMRT_DEFAULT_URI },
		.tool = tool, .sysroot = "/", .journal = KVMRT_JOURNAL_DIR,
		.timeout = BOOT_SHUTDOWN_TIMEOUT,
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:c:avthV", options, NULL)) != -1) {
		unsigned bit = option_bit(c);

		if (c == '?' || c == ':') {
			snprintf(why, why_len, "unknown option or missing value: '%s' (see --help)",
				 argv[optind - 1]);
			return -EINVAL;
		}
		if (bit && !(d->opts & bit)) {
			/* the option as typed: before its value when that was a word of its own */
			bool apart = optarg && optind >= 2 && optarg == argv[optind - 1];

			snprintf(why, why_len, "%s does not take '%s' (see --help)", d->name,
				 argv[optind - 1 - apart]);
			return -EINVAL;
		}
		if (set_option(&p, c, optarg, why, why_len) < 0)
			return -EINVAL;
	}
	if (p.clean && p.ignore_validation) {
		snprintf(why, why_len, "--clean tolerates no error, --ignore-validation ignores "
			 "them: give one of the two");
		return -EINVAL;
	}
	p.base.vms = argv + optind;
	p.base.nr_vms = (unsigned)(argc - optind);
	*ret = p;
	return 0;
}

int boot_tool_start(enum boot_tool tool, int argc, char **argv, struct boot_params *ret)
{
	char why[512];
	int r;

	tool_set_name(argv[0]);
	r = boot_parse_args(tool, argc, argv, ret, why, sizeof(why));
	if (r == 0 && ret->base.help)
		boot_print_help(tool);
	return kvmrt_tool_parsed(r, why, &ret->base);
}
