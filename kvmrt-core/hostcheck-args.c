/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostcheck-args.c - the options of kvmrt-validate-host, parsed purely. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kvmrt-hostcheck.h"

enum {
	LONG_CPUS = 256,
	LONG_TOPOLOGY,
	LONG_SYSROOT,
	LONG_GUEST,
	LONG_JSON,
};

void kvmrt_hostcheck_print_help(void)
{
	printf("Usage: kvmrt-validate-host [-f FILE | --cpus LIST] [--topology T] [--sysroot DIR]\n"
	       "                           [--guest] [--json | -q]\n"
	       "Check that this host is set up for real-time VMs: one line per check, PASS,\n"
	       "WARN or FAIL with what to do, then the kernel command line to add.\n\n"
	       "  -f, --file FILE      configuration whose real-time VMs give the rt CPUs\n"
	       "                       (default SYSROOT%s when it exists)\n"
	       "      --cpus LIST      the rt CPUs as a list (0-3,8) instead of a configuration\n"
	       "      --topology T     plan the configuration on another machine: an hwloc XML\n"
	       "                       file or a synthetic description ('pack:1 core:8 pu:2')\n"
	       "      --sysroot DIR    read /proc, /sys, /dev and /etc under DIR (default /)\n"
	       "      --guest          also check the guest time setup (ptp_kvm, chrony)\n"
	       "      --json           one JSON object with every check and the command line\n"
	       "  -q, --quiet          only the checks that WARN or FAIL\n"
	       "  -h, --help           show this help\n"
	       "  -V, --version        show the version\n\n"
	       "Exit status: 0 no check failed (warnings allowed), 1 a check failed or the\n"
	       "checks could not run, 2 usage error.\n",
	       KVMRT_DEFAULT_CONFIG);
}

static const struct option options[] = {{"file", required_argument, NULL, 'f'},
					{"cpus", required_argument, NULL, LONG_CPUS},
					{"topology", required_argument, NULL, LONG_TOPOLOGY},
					{"sysroot", required_argument, NULL, LONG_SYSROOT},
					{"guest", no_argument, NULL, LONG_GUEST},
					{"json", no_argument, NULL, LONG_JSON},
					{"quiet", no_argument, NULL, 'q'},
					{"help", no_argument, NULL, 'h'},
					{"version", no_argument, NULL, 'V'},
					{}};

static int __attribute__((format(printf, 3, 4)))
invalid(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int kvmrt_hostcheck_parse_args(int argc, char **argv, struct kvmrt_hostcheck_params *ret, char *why,
			       size_t why_len)
{
	struct kvmrt_hostcheck_params p = {.sysroot = "/"};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:qhV", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			p.config = optarg;
			break;
		case LONG_CPUS:
			p.cpus = optarg;
			break;
		case LONG_TOPOLOGY:
			p.topology = optarg;
			break;
		case LONG_SYSROOT:
			p.sysroot = optarg;
			break;
		case LONG_GUEST:
			p.guest = true;
			break;
		case LONG_JSON:
			p.json = true;
			break;
		case 'q':
			p.quiet = true;
			break;
		case 'h':
			p.help = true;
			break;
		case 'V':
			p.version = true;
			break;
		default:
			return invalid(why, why_len,
				       "unknown option or missing value: '%s' "
				       "(see --help)",
				       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return invalid(why, why_len, "unexpected argument '%s' (see --help)", argv[optind]);
	if (!p.help && !p.version) {
		if (p.config && p.cpus)
			return invalid(why, why_len,
				       "-f and --cpus exclude each other: give the rt "
				       "CPUs one way");
		if (p.json && p.quiet)
			return invalid(why, why_len, "--json and -q exclude each other");
		if (!*p.sysroot)
			return invalid(why, why_len, "--sysroot needs a directory");
	}
	*ret = p;
	return 0;
}
