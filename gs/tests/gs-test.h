/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-test.h - what the gs tests share: fixture files under a scratch root.
 */
#ifndef GS_TEST_H
#define GS_TEST_H

#include <stddef.h>

/* Writes @len bytes as @root/@rel, creating its directories; fails the test on error. */
void gs_test_write(const char *root, const char *rel, const void *data, size_t len);

/* The same for a NUL-terminated @text. */
void gs_test_write_text(const char *root, const char *rel, const char *text);

#endif
