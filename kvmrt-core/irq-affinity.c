/* SPDX-License-Identifier: GPL-2.0-or-later */
/* irq-affinity: the CPU affinity of the IRQs, and moving them off CPUs (--set FROM:TO). */
#include "affinity-tool.h"

int main(int argc, char **argv)
{
	return affinity_tool_main(AFFINITY_IRQ, argc, argv);
}
