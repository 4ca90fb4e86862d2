/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirtd-harness.h - a real libvirtd for the e2e tests. There is no systemd
 * here: when no libvirtd runs, virtlogd and libvirtd are started by hand (the
 * libvirt-qemu user created first if the packages did not), and exactly those
 * daemons are stopped again, by pid. A lock file serialises the e2e tests of
 * every build directory, so one never stops the daemons another still uses.
 */
#ifndef KVMRT_LIBVIRTD_HARNESS_H
#define KVMRT_LIBVIRTD_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

#include <libvirt/libvirt.h>

#define HARNESS_URI "qemu:///system"

struct libvirtd_harness {
	pid_t started[2];   /* virtlogd, libvirtd: 0 when they were running already */
	int lock_fd;
	virConnectPtr conn; /* to HARNESS_URI */
};

/* Whether this machine can run the e2e tests (root, libvirtd); says why not on stderr. */
bool harness_usable(void);
/* Takes the lock, starts the daemons if needed and connects. Returns 0 or -1 (reported). */
int harness_start(struct libvirtd_harness *h);
/* Closes the connection, stops the daemons it started, releases the lock. Accepts a zeroed h. */
void harness_stop(struct libvirtd_harness *h);

/* Defines the domain of the fixture file @rel (relative to the source root), after
 * removing a domain left with @uuid. Returns 0 or -1 (reported). */
int harness_define(struct libvirtd_harness *h, const char *rel, const char *uuid);
/* Destroys (when running) and undefines domain @uuid, if it exists. */
void harness_undefine(struct libvirtd_harness *h, const char *uuid);

#endif
