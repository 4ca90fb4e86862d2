/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cleanup.h - scope-bound cleanup helpers shared by every kvmrt folder.
 *
 * _cleanup_free_ char *s = ...;  frees s when it leaves scope.
 * TAKE_PTR(p) / TAKE_FD(fd) hand ownership out of a scope.
 */
#ifndef KVMRT_CLEANUP_H
#define KVMRT_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Declares NAME##p, a cleanup function calling FUNC on a non-NULL TYPE *. */
#define DEFINE_POINTER_CLEANUP(type, func)                                                         \
	static inline void func##p(type **p)                                                        \
	{                                                                                          \
		if (*p)                                                                            \
			func(*p);                                                                  \
	}

#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _taken = (p);                                                        \
		(p) = NULL;                                                                        \
		_taken;                                                                            \
	})

#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _taken = (fd);                                                                 \
		(fd) = -1;                                                                         \
		_taken;                                                                            \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
