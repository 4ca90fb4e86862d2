/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virt-private.h - libkvmrt's libvirt adapter, shared by libvirt-sync.c
 * (reading and defining domains) and lifecycle.c (starting and stopping them).
 * libvirt's -1/virError convention becomes a negative errno only here.
 */
#ifndef KVMRT_VIRT_PRIVATE_H
#define KVMRT_VIRT_PRIVATE_H

#include <stddef.h>

#include <libvirt/libvirt.h>

#include "cleanup.h"

struct kvmrt_virt {
	virConnectPtr conn;
};

DEFINE_POINTER_CLEANUP(struct _virDomain, virDomainFree)

/* The last libvirt error as a negative errno, with "@what: libvirt's message" in @why. */
int kvmrt_virt_error(const char *what, char *why, size_t why_len);

/* The domain with UUID @uuid (free with virDomainFree()); -ENOENT when there is none. */
int kvmrt_virt_lookup(struct kvmrt_virt *v, const char *uuid, virDomainPtr *ret, char *why,
		      size_t why_len);

#endif
