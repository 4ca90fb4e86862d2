/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-vm-threads.c - bytes into what kvmrt reads of a QEMU process: the
 * locked-memory lines of /proc/PID/limits and /proc/PID/status, and thread
 * names. A vCPU name gives a vCPU number in range, other roles none.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kvmrt-host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	uint64_t v;
	int vcpu;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	kvmrt_limits_memlock(s, &v);
	if (kvmrt_status_vmlck(s, &v) == 0 && v > UINT64_MAX / 1024)
		abort();
	if (kvmrt_thread_role_of(s, &vcpu) == KVMRT_THREAD_VCPU
		    ? vcpu < 0 || vcpu >= KVMRT_MAX_VCPUS : vcpu != -1)
		abort();
	free(s);
	return 0;
}
