/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsd.h - kvmrt-gsd, the host half of guest services (SPEC G5): recorded
 * or live kvm_hypercall records go through one path (gsd_feed) into the
 * decoder; log messages become `kvmrt-gs[VM]: text` lines, flush requests
 * go to the running xtrace sessions. Guest bytes are capped, escaped and
 * rate-limited per VM before anything is written.
 */
#ifndef GSD_H
#define GSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xt-event.h"

struct tep_handle;

#define GSD_VM_NAME_MAX 64
#define GSD_DEFAULT_RATE 10	 /* log lines per VM per second */
#define GSD_DEFAULT_MAX_LEN 256	 /* bytes of a guest message shown */
#define GSD_DEFAULT_FLUSH_RATE 1 /* flushes forwarded per VM per second */
#define GSD_CPU_LIST_MAX 1024	 /* bytes of the CPU list of a flush */

/* Where the daemon's output goes: syslog and xtrace-ctl live, a buffer in tests. */
struct gsd_sink {
	/* One whole line, "kvmrt-gs[VM]: text", printable ASCII only. */
	void (*log)(void *userdata, const char *line);
	/*
	 * A flush request from @vm (escaped name) with scope KVMRT_GS_SCOPE_*,
	 * as the host CPUs it covers: @cpus is a CPU list ("2", "2-5"), or
	 * NULL for every CPU (scope all, or a VM whose CPUs are unknown).
	 */
	void (*flush)(void *userdata, const char *vm, unsigned scope, const char *cpus);
	void *userdata;
};

struct gsd_options {
	uint32_t rate;	       /* log lines per VM per second (0: default) */
	uint32_t flush_rate;   /* flushes per VM per second (0: default) */
	uint32_t max_len;      /* message bytes shown (0: default), longer ones are cut */
	const char *proc_root; /* "" or a fixture tree standing for / (proc/, run/libvirt/) */
};

struct gsd;

/* 0, -EINVAL or -ENOMEM. Free with gsd_free(). */
int gsd_new(const struct gsd_options *o, const struct gsd_sink *sink, struct gsd **ret);
void gsd_free(struct gsd *g);

/*
 * One recorded event (live or from a dump) with the event formats of its
 * recording: kvm_hypercall records with guest-services numbers are acted
 * on, everything else is ignored. 0 or a negative errno (-EBADMSG).
 */
int gsd_feed(struct gsd *g, struct tep_handle *tep, const struct xt_event *ev);

/* Reports messages still in flight (a stream that ended mid-message). */
void gsd_finish(struct gsd *g);

/* --- gsd-vm.c --- */

/*
 * Name of the VM whose thread @tid this is, from @proc_root/proc: the QEMU
 * process's "-name guest=NAME" (or "-name NAME"), else the libvirt pid file
 * @proc_root/run/libvirt/qemu/NAME.pid naming it; escaped; "tid-N" when unknown. Writes at most GSD_VM_NAME_MAX bytes with the NUL.
 */
void gsd_vm_name(const char *proc_root, uint32_t tid, char out[GSD_VM_NAME_MAX]);

/*
 * The host CPUs the vCPUs of the VM of thread @tid may run on, as a CPU
 * list into @out: the union of the Cpus_allowed_list of its process's
 * threads named "CPU N/..." (QEMU's vCPU threads), or of all its threads
 * when none is named so (from @proc_root/proc). 0, -ENOENT (no such
 * process or nothing readable), -ENOBUFS, -ENOMEM.
 */
int gsd_vm_cpus(const char *proc_root, uint32_t tid, char *out, size_t len);

/* The NAME of a QEMU command line (NUL-separated @len bytes); 0 or -ENOENT. */
int gsd_qemu_name(const char *cmdline, size_t len, char out[GSD_VM_NAME_MAX]);

/* --- gsd-limit.c: fixed one-second windows on trace time --- */

struct gsd_window {
	uint64_t start;	     /* ns: start of the current window */
	uint32_t used;	     /* lines in it */
	uint64_t suppressed; /* refused since the last report */
};

/*
 * Whether one more line fits in the window at time @ts with @limit per
 * second. *ret_report is set to the count suppressed in earlier windows
 * when a new window opens with some (the caller reports it as one line,
 * already counted).
 */
bool gsd_window_allow(struct gsd_window *w, uint64_t ts, uint32_t limit, uint64_t *ret_report);

#endif
