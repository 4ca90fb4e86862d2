/* SPDX-License-Identifier: GPL-2.0-or-later */
/* array.c - growing the arrays libkvmrt builds one item at a time. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "kvmrt-private.h"

void *kvmrt_array_grow(void *v, unsigned nr, unsigned *cap, size_t size, unsigned first)
{
	unsigned ncap;
	void *nv;

	if (nr < *cap)
		return v;
	if (*cap > UINT_MAX / 2)
		return NULL;
	ncap = *cap ? *cap * 2 : first;
	nv = reallocarray(v, ncap, size);
	if (nv)
		*cap = ncap;
	return nv;
}
