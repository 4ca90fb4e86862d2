/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reader-sched.c - where and how urgently the recorder's per-CPU readers
 * run.
 *
 * Measured under two dd bs=1 storms (bench/record-vs-trace-cmd.sh, 1 MiB
 * buffers that fill in about 5 ms): an unpinned reader was queued behind a
 * task running a long kernel path on the other CPU; a SCHED_OTHER reader,
 * even at nice -10 with EEVDF's shortest slice, was now and then left
 * runnable behind the storm until the next tick (4 ms at HZ=250) and the
 * buffer overflowed (0.1 % of the events lost, 0.5 % at the default
 * slice). Pinned and SCHED_FIFO 1 it lost nothing, and the storm did as
 * much work: the reader needs about a tenth of a CPU and sleeps in between.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "xcollect.h"

#define READER_NICE -10
#define READER_SLICE_NS 100000 /* EEVDF's shortest: a woken reader preempts longer slices */

/* sched_attr of sched_setattr(2), first version (no wrapper in glibc 2.36). */
struct sched_attr_v0 {
	uint32_t size;
	uint32_t policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
};

void xc_reader_set_nice(void)
{
	setpriority(PRIO_PROCESS, (id_t)gettid(), READER_NICE);
}

bool xc_reader_raise_priority(unsigned fifo_priority)
{
	struct sched_param param = { .sched_priority = (int)fifo_priority };
	struct sched_attr_v0 attr = {
		.size = sizeof(attr),
		.policy = SCHED_OTHER,
		.nice = READER_NICE,
		.runtime = READER_SLICE_NS,
	};

	if (fifo_priority && sched_setscheduler(0, SCHED_FIFO, &param) == 0)
		return true;
	/* Kernels before 6.12 ignore the slice of SCHED_OTHER: nice alone then. */
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		xc_reader_set_nice();
	return false;
}

void xc_reader_pin(unsigned cpu)
{
	cpu_set_t allowed, only;

	if (cpu >= CPU_SETSIZE || sched_getaffinity(0, sizeof(allowed), &allowed) < 0 ||
	    !CPU_ISSET(cpu, &allowed))
		return;
	CPU_ZERO(&only);
	CPU_SET(cpu, &only);
	sched_setaffinity(0, sizeof(only), &only);
}
