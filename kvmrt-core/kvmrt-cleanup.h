/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-cleanup.h - cleanup helpers for libkvmrt objects (see common/cleanup.h). */
#ifndef KVMRT_CLEANUP_H_
#define KVMRT_CLEANUP_H_

#include "cleanup.h"
#include "kvmrt.h"

DEFINE_POINTER_CLEANUP(struct kvmrt_topology, kvmrt_topology_free)
DEFINE_POINTER_CLEANUP(struct kvmrt_config, kvmrt_config_free)
DEFINE_POINTER_CLEANUP(struct kvmrt_virt, kvmrt_virt_close)

#endif
