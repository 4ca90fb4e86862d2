/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cpustat: per CPU its state, its shielding by kvmrt and the IRQs and tasks bound to it. */
#include "affinity-tool.h"

int main(int argc, char **argv)
{
	return affinity_tool_main(AFFINITY_CPUSTAT, argc, argv);
}
