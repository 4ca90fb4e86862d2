/* SPDX-License-Identifier: GPL-2.0-or-later */
/* task-affinity: the CPU affinity and policy of the tasks, and moving them off CPUs. */
#include "affinity-tool.h"

int main(int argc, char **argv)
{
	return affinity_tool_main(AFFINITY_TASK, argc, argv);
}
