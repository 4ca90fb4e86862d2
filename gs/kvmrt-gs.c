/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-gs - guest services from the command line (SPEC G2, kvmrt-gs(1)).
 */
#include <stdio.h>

#include "gs-cli.h"
#include "tool.h"

static void usage(void)
{
	printf("Usage: %s [OPTIONS] COMMAND [ARG] [COMMAND [ARG]]...\n"
	       "Guest services of a KVM guest: commands run in order, the first failure stops.\n\n"
	       "Commands:\n"
	       "  available                  succeed if guest services are available\n"
	       "  ping_available             succeed if ping is available\n"
	       "  ping COOKIE                ping the hypervisor with COOKIE (unsigned number)\n"
	       "  log_msg_available          succeed if log_msg is available\n"
	       "  log_msg MESSAGE            log MESSAGE in the host's log\n"
	       "  xtrace_flush_available     succeed if xtrace_flush is available\n"
	       "  xtrace_flush SCOPE         flush the host's recordings: 0 this CPU, 1 the VM's\n"
	       "                             CPUs, 2 all host CPUs\n"
	       "  xtrace_log_data_available  succeed if xtrace_log_data is available\n"
	       "  xtrace_log_data DATA       log DATA as KVMRT_GS_LOG_DATA events\n\n"
	       "MESSAGE and DATA: text, hex bytes (0x48690a) or text with \\xNN escapes.\n\n"
	       "Options:\n"
	       "  -v, --verbose  print one line per command that succeeded\n"
	       "  -h, --help     show this help\n"
	       "  -V, --version  show the version\n\n"
	       "Exit status: 0 success, 1 failure, 2 usage, 3 no KVM hypervisor,\n"
	       "4 not enabled or not permitted.\n",
	       tool_name());
}

int main(int argc, char **argv)
{
	struct gs_params p;
	struct gs_probe probe;
	struct gs_ctx c;
	char why[256] = "";
	int r;

	tool_set_name("kvmrt-gs");
	r = gs_parse_args(argc, argv, &p, why, sizeof(why));
	if (r < 0) {
		tool_error(0, "%s", why[0] ? why : "out of memory");
		return GS_EXIT_USAGE;
	}
	if (p.help || p.version) {
		if (p.help)
			usage();
		else
			tool_print_version();
		gs_params_done(&p);
		return GS_EXIT_OK;
	}
	gs_probe_default(&probe);
	gs_ctx_init(&c, &probe);
	r = gs_run(&c, &p);
	gs_ctx_done(&c);
	gs_params_done(&p);
	return r;
}
