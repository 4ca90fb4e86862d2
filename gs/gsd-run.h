/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsd-run.h - kvmrt-gsd around its core: the parameters, the live tracefs
 * reader, the replay of a recorded dump (the same gsd_feed path), and the
 * real sinks (syslog or a file; xtrace-ctl flush per session).
 */
#ifndef GSD_RUN_H
#define GSD_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "gsd.h"
#include "kvmrt_gs_abi.h"

#define GSD_INSTANCE "kvmrt-gsd"
#define GSD_CONTROL_DIR "/run/xtrace" /* xtrace-run's session sockets: PID.sock */
#define GSD_FILTER "nr >= 0x4b525401 && nr <= 0x4b5254ff"

struct gsd_params {
	struct gsd_options o;
	const char *replay;	 /* --replay DIR: feed a recorded dump instead of tracefs */
	const char *log_file;	 /* --log-file FILE ("-": standard output); NULL: syslog */
	const char *xtrace_ctl;	 /* --xtrace-ctl PATH */
	const char *control_dir; /* --control-dir DIR */
	long session;		 /* --session PID: forward flushes to this session only */
	unsigned poll_ms;	 /* --poll-ms */
	bool help, version;
};

/* Pure: fills *p from argv. 0, or -EINVAL with a one-line reason in @why. */
int gsd_parse_args(int argc, char **argv, struct gsd_params *p, char *why, size_t why_len);

/* What the real sinks need. */
struct gsd_outputs {
	const struct gsd_params *params;
	FILE *log;	  /* NULL: syslog */
	unsigned flushes; /* forwarded so far (sessions reached) */
};
void gsd_sink_init(struct gsd_sink *s, struct gsd_outputs *out);

/*
 * Feeds every kvm_hypercall record of the dump @dir, all CPUs in time
 * order, through gsd_feed. 0 or a negative errno; @why says which file.
 */
int gsd_replay(struct gsd *g, const char *dir, char *why, size_t why_len);

/*
 * Creates the tracefs instance GSD_INSTANCE (removing a stale one), enables
 * kvm:kvm_hypercall filtered on the guest-services numbers and feeds what
 * it records until *@stop; removes the instance on the way out.
 */
int gsd_live(struct gsd *g, unsigned poll_ms, volatile sig_atomic_t *stop, char *why,
	     size_t why_len);

#endif
