/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-hostcheck.h - the checks of kvmrt-validate-host(1): is this host (or,
 * with the guest checks, this guest) set up for real-time VMs? Every check
 * reads the host through a struct kvmrt_sysroot, so it is tested on fixture
 * trees; none changes anything.
 *
 * Conventions as in kvmrt.h: 0 or a count on success, a negative errno on
 * failure; output parameters written only on success.
 */
#ifndef KVMRT_HOSTCHECK_H
#define KVMRT_HOSTCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kvmrt-host.h"
#include "kvmrt.h"

enum kvmrt_verdict { KVMRT_PASS, KVMRT_WARN, KVMRT_FAIL };

/* "PASS", "WARN" or "FAIL". */
const char *kvmrt_verdict_name(enum kvmrt_verdict v);

/* What the checks look at. */
struct kvmrt_hostcheck_env {
	const struct kvmrt_sysroot *root;
	/* The CPUs of the real-time VMs (with their SMT siblings); NULL or
	 * empty when none are configured: the checks that need them warn. */
	const struct kvmrt_ids *rt_cpus;
	bool locked_memory; /* real-time VMs lock their memory (huge pages wanted) */
	bool guest;	    /* also the guest time checks (ptp_kvm, chrony) */
};

/* The result of one check. */
struct kvmrt_hostcheck {
	const char *id;	  /* short name ("isolation"), static */
	const char *what; /* what is checked ("isolation of the rt CPUs"), static */
	enum kvmrt_verdict verdict;
	char *hint;  /* unless PASS: what is wrong and how to fix it */
	char *param; /* kernel parameters that fix it (computed also on
		      * PASS), or NULL when the fix is not a boot option */
};

struct kvmrt_hostchecks {
	unsigned nr;
	struct kvmrt_hostcheck *c;
};

/*
 * Runs every check (the guest ones with env->guest) in a fixed order.
 * *ret (free with kvmrt_hostchecks_done()) holds one result per check.
 * Returns 0 or -ENOMEM; what the host lacks is a verdict, not an error.
 */
int kvmrt_hostcheck_run(const struct kvmrt_hostcheck_env *env, struct kvmrt_hostchecks *ret);
void kvmrt_hostchecks_done(struct kvmrt_hostchecks *r);

/* The number of checks that ended in @v. */
unsigned kvmrt_hostchecks_count(const struct kvmrt_hostchecks *r, enum kvmrt_verdict v);

/*
 * The kernel command line to add: the parameters of the checks that did not
 * pass, in check order, separated by spaces ("" when none). *ret: free() it.
 */
int kvmrt_hostcheck_cmdline(const struct kvmrt_hostchecks *r, char **ret);

/* The number of checks (the guest ones included), and the id of check @i below it (static). */
unsigned kvmrt_hostcheck_nr(void);
const char *kvmrt_hostcheck_id(unsigned i);

/*
 * The CPUs the enabled real-time VMs of @c own on @t (their cpusets with the
 * SMT siblings taken offline: kvmrt_vm_plan.owned) into @ret (initialised by
 * this call), and whether any of them locks its memory. VMs whose cpuset
 * does not resolve are skipped (kvmrt-validate-config reports them).
 */
int kvmrt_hostcheck_plan_cpus(const struct kvmrt_config *c, const struct kvmrt_topology *t,
			      struct kvmrt_ids *ret, bool *ret_locked);

/*
 * Writes one "Checking WHAT : PASS | WARN (hint) | FAIL (hint)" line per
 * check (only WARN and FAIL with @quiet), then the kernel command line to add.
 * Returns 0 or -EIO.
 */
int kvmrt_hostchecks_print(FILE *f, const struct kvmrt_hostchecks *r, bool quiet);
/* The same as one JSON object: {"checks": [{id, what, verdict, hint, param}...], "cmdline"}. */
int kvmrt_hostchecks_print_json(FILE *f, const struct kvmrt_hostchecks *r);

/* ---- kvmrt-validate-host's options (hostcheck-args.c, in libkvmrt-tool) ---- */

struct kvmrt_hostcheck_params {
	const char *config;   /* -f FILE; NULL = SYSROOT/etc/kvmrt.cfg when it exists */
	const char *cpus;     /* --cpus LIST (instead of a configuration) */
	const char *topology; /* --topology T (plan the configuration on another machine) */
	const char *sysroot;  /* --sysroot DIR (default "/") */
	bool guest, json, quiet, help, version;
};

/* Parses argv into *ret (pure). Returns 0 or -EINVAL with the reason in @why. */
int kvmrt_hostcheck_parse_args(int argc, char **argv, struct kvmrt_hostcheck_params *ret, char *why,
			       size_t why_len);
/* Prints kvmrt-validate-host's usage to stdout. */
void kvmrt_hostcheck_print_help(void);

#endif
