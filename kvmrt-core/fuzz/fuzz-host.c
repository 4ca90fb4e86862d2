/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-host.c - bytes into the host file parsers, through a scratch sysroot:
 * a first byte 'I' makes the rest /proc/interrupts (listed with two IRQs),
 * anything else makes it PID 5's stat and status (split at the first NUL).
 * A task that lists is changed (scheduler, affinity) and must list again as
 * changed.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-sysroot.h"
#include "fuzz.h"
#include "kvmrt-host.h"

static char root[] = "/tmp/kvmrt-fuzz-host-XXXXXX";

/* Two IRQs on the two online CPUs; the input adds /proc/interrupts or PID 5. */
static const struct fuzz_file host_files[] = {
	{ "proc/irq/1/smp_affinity_list", "0-1\n" },
	{ "proc/irq/5/smp_affinity_list", "1\n" },
	{ "sys/devices/system/cpu/online", "0-1\n" },
	{},
};

static void fuzz_interrupts(const struct kvmrt_sysroot *s, const uint8_t *data, size_t size)
{
	struct kvmrt_irq *irqs;
	char why[256];
	int n;

	fuzz_sysroot_put(root, "proc/interrupts", (const char *)data, size);
	n = kvmrt_irqs_list(s, &irqs, why, sizeof(why));
	if (n != 2)
		abort();
	kvmrt_irqs_free(irqs, (unsigned)n);
}

/* Lists the tasks: -1 on error, else the count with task 5's first one in *ret. */
static int list_one(const struct kvmrt_sysroot *s, struct kvmrt_task *ret)
{
	struct kvmrt_task *tasks;
	char why[256];
	int n = kvmrt_tasks_list(s, 0, &tasks, why, sizeof(why));

	if (n < 0)
		return -1;
	if (n > 1)
		abort();
	if (n == 1) {
		*ret = tasks[0];
		if (kvmrt_ids_copy(&ret->allowed, &tasks[0].allowed) < 0)
			abort();
	}
	kvmrt_tasks_free(tasks, (unsigned)n);
	return n;
}

static void fuzz_task(const struct kvmrt_sysroot *s, const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t stat_len = nul ? (size_t)(nul - data) : size;
	struct kvmrt_task t;
	struct kvmrt_ids zero;
	char why[256];

	fuzz_sysroot_put(root, "proc/5/stat", (const char *)data, stat_len);
	fuzz_sysroot_put(root, "proc/5/status", nul ? (const char *)nul + 1 : "",
			 nul ? size - stat_len - 1 : 0);
	if (list_one(s, &t) != 1)
		return;
	kvmrt_ids_done(&t.allowed);
	if (kvmrt_ids_init(&zero, 1) < 0)
		abort();
	kvmrt_ids_add(&zero, 0);
	if (kvmrt_task_set_scheduler(s, 5, SCHED_FIFO, 7, why, sizeof(why)) == 0) {
		if (list_one(s, &t) != 1 || t.policy != SCHED_FIFO || t.rt_priority != 7)
			abort();
		kvmrt_ids_done(&t.allowed);
	}
	if (!t.pinned && kvmrt_task_set_affinity(s, 5, &zero, why, sizeof(why)) == 0) {
		if (list_one(s, &t) != 1 || !kvmrt_ids_equal(&t.allowed, &zero))
			abort();
		kvmrt_ids_done(&t.allowed);
	}
	kvmrt_ids_done(&zero);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kvmrt_sysroot s = { .fd = -1 };

	if (s.fd < 0)
		fuzz_sysroot_make(root, host_files, &s);
	if (size > 0 && data[0] == 'I')
		fuzz_interrupts(&s, data + 1, size - 1);
	else
		fuzz_task(&s, data, size);
	return 0;
}
