/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-harness.h - what the e2e tests of `kvmrt-latency run` share: a
 * network-namespace "guest" named vm1 behind a real sshd (the recorder's
 * collect/tests/netns-sshd.sh) in the scratch directory of the recorder's
 * harness (collect/tests/xrun-harness.h: its teardown fails the test when
 * tracefs was not left as it was), the campaign run, and its files read back.
 */
#ifndef LAT_RUN_HARNESS_H
#define LAT_RUN_HARNESS_H

#include "kv.h"
#include "test-exec.h"
#include "xrun-harness.h"

/* cmocka setup/teardown: the harness's scratch directory plus the guest vm1. */
int guest_setup(void **state);
int guest_teardown(void **state);

#define CAMPAIGN_MAX_ARGS 48

/*
 * The argv of `kvmrt-latency run -o DIR/res --ssh-config ... --remote-path
 * ... ARGS... local vm1=ssh:vm1` (@args NULL-terminated), argv[0] relative to
 * the build root; release with campaign_argv_free().
 */
void campaign_argv(struct fixture *f, const char *const *args, char **argv);
void campaign_argv_free(char **argv);

/*
 * Runs `kvmrt-latency run -o DIR/res --ssh-config ... --remote-path ...
 * ARGS... local vm1=ssh:vm1` (@args NULL-terminated); returns its output
 * (test_output_free() it). The results directory is scratch(f, "res").
 */
void run_campaign(struct fixture *f, const char *const *args, struct test_output *ret);

/* Reads "key = value" file DIR/res/@rel (fails the test when unreadable). */
void read_kv(struct fixture *f, const char *rel, struct lat_kv_file *ret);

/* The value of @key in @kv, which must be there. */
const char *kv(const struct lat_kv_file *kv, const char *key);

/* 0 when this machine can run the e2e tests (root, tracefs, sshd, the tools). */
int check_e2e_machine(void);

#endif
