/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-test.h - what the libkvmrt tests share: topologies and fixture paths. */
#ifndef KVMRT_TEST_H
#define KVMRT_TEST_H

/* The guide's workstation: 32 cores, 64 threads (CPU n and n+32 are siblings), 4 NUMA
 * nodes of 8 cores, one package. */
#define WORKSTATION "pack:1 l3:4 numa:1 core:8 pu:2(indexes=2*32:1*2)"
#define WORKSTATION_XML "fixtures/kvmrt-core/topologies/workstation.xml"

/* Writes @text to DIR/NAME with @mode; returns the path (free() it). Fails the test on error. */
char *kt_write_file(const char *dir, const char *name, const char *text, unsigned mode);
/* The whole file (free() it). Fails the test on error. */
char *kt_read_file(const char *path);

#endif
