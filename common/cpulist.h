/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpulist.h - CPU lists as the kernel writes them ("0-3,8,10-11").
 */
#ifndef KVMRT_CPULIST_H
#define KVMRT_CPULIST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Parses @s, marking its CPUs in @set (@limit entries, may be NULL), and
 * returns in *ret_count one more than the highest CPU listed (0 for an empty
 * list). Returns 0, -EBADMSG when malformed (descending range, junk), or
 * -ERANGE when a CPU is >= @limit.
 */
int cpulist_parse(const char *s, unsigned limit, bool *set, unsigned *ret_count);

/*
 * Writes the CPUs i < @n with @set[i] as a compact list into @buf (@len
 * bytes). Returns the string length, or -ENOBUFS when it does not fit.
 */
int cpulist_format(const bool *set, unsigned n, char *buf, size_t len);

#endif
