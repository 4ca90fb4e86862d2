/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * latency-test.h - what the kvmrt-latency tests share: the committed result
 * fixtures (fixtures/latency) and copies of them to edit. For tests only;
 * failures are cmocka failures.
 */
#ifndef LAT_TEST_H
#define LAT_TEST_H

/* $KVMRT_SOURCE_ROOT/fixtures/latency/@name; free() it. */
char *lt_fixture(const char *name);

/* Runs /bin/sh -c with the command made from @fmt; it must exit 0. */
void lt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copies fixtures/latency/@name to @dir/@as; returns that path (free() it). */
char *lt_copy_fixture(const char *name, const char *dir, const char *as);

#endif
