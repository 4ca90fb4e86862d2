/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-test.h - what the libkvmrt tests share: topologies and fixture paths. */
#ifndef KVMRT_TEST_H
#define KVMRT_TEST_H

#include "kvmrt-host.h"
#include "test-exec.h"

/* The guide's workstation: 32 cores, 64 threads (CPU n and n+32 are siblings), 4 NUMA
 * nodes of 8 cores, one package. */
#define WORKSTATION "pack:1 l3:4 numa:1 core:8 pu:2(indexes=2*32:1*2)"
#define WORKSTATION_XML "fixtures/kvmrt-core/topologies/workstation.xml"

/* Writes @text to DIR/NAME with @mode; returns the path (free() it). Fails the test on error. */
char *kt_write_file(const char *dir, const char *name, const char *text, unsigned mode);
/* Writes @text to DIR/@rel, making its directories. Fails the test on error. */
void kt_put(const char *dir, const char *rel, const char *text);
/* The whole file (free() it). Fails the test on error. */
char *kt_read_file(const char *path);
/*
 * Copies the fixture tree $KVMRT_SOURCE_ROOT/@rel into a fresh temporary
 * directory (remove it with test_rm_rf()); returns its path (free() it).
 * Fails the test on error.
 */
char *kt_copy_tree(const char *rel);

/* A fixture sysroot: a copy of a tree of fixtures/ (or an empty directory), opened. */
struct kt_tree {
	char *dir;
	struct kvmrt_sysroot root;
};

/* Copies $KVMRT_SOURCE_ROOT/@rel (NULL: makes an empty root). Fails the test on error. */
struct kt_tree *kt_tree_new(const char *rel);
/* Closes the root, removes the copy. */
void kt_tree_free(struct kt_tree *t);
/* Writes @text to the file @rel of the tree, making its directories. Fails the test on error. */
void kt_tree_put(const struct kt_tree *t, const char *rel, const char *text);

/* The fixture host of the IRQ and task tests (fixtures/kvmrt-core/affinity/host). */
#define KT_AFFINITY_TREE "fixtures/kvmrt-core/affinity/host"

/* cmocka setups: *state = a kt_tree of KT_AFFINITY_TREE, or an empty one. */
int kt_setup_affinity_tree(void **state);
int kt_setup_empty_tree(void **state);
/* cmocka teardown of either: kt_tree_free(*state). */
int kt_teardown_tree(void **state);
/* A cmocka test of @f on a copy of KT_AFFINITY_TREE, or on an empty tree. */
#define kt_affinity_tree_test(f) \
	cmocka_unit_test_setup_teardown(f, kt_setup_affinity_tree, kt_teardown_tree)
#define kt_empty_tree_test(f) \
	cmocka_unit_test_setup_teardown(f, kt_setup_empty_tree, kt_teardown_tree)

/* Fails the test unless @ids formats as @want ("0-3,8"). */
void kt_assert_ids(const struct kvmrt_ids *ids, const char *want);

/* The libvirt test:/// driver URI of fixtures/kvmrt-core/libvirt/node.xml (free() it). */
char *kt_node_uri(void);
/* Fails the test unless virt-xml-validate accepts @xml as a libvirt domain. */
void kt_assert_valid_domain(const char *xml);

/* Runs kvmrt-core/@tool with the NULL-terminated arguments. Fails the test if it cannot run. */
struct test_output kt_run(const char *tool, ...);
/*
 * Fails the test unless @o exited with @status, its stdout holds @out and its stderr @err
 * (NULL: anything); frees @o.
 */
void kt_expect(struct test_output o, int status, const char *out, const char *err);

#endif
