/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syscall-names.c - syscall numbers to names with libseccomp, for the
 * architecture the dump was recorded on (meta "arch"), each number looked
 * up once and cached.
 */
#include "view-internal.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>

/* Numbers beyond this are not cached (x32 and odd numbers): printed as numbers. */
#define MAX_CACHED 2048

/* A cache slot for a number libseccomp has no name for. */
static const char no_name[] = "";

struct xv_syscalls {
	uint32_t arch; /* SCMP_ARCH_*, 0 when unknown */
	const char *names[MAX_CACHED]; /* NULL: not looked up; no_name: none */
	uint8_t lens[MAX_CACHED];      /* strlen of names[] (syscall names are short) */
};

int xv_syscalls_new(const char *arch, struct xv_syscalls **ret)
{
	struct xv_syscalls *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	if (arch && *arch)
		c->arch = seccomp_arch_resolve_name(arch);
	*ret = c;
	return 0;
}

void xv_syscalls_free(struct xv_syscalls *c)
{
	unsigned i;

	if (!c)
		return;
	for (i = 0; i < MAX_CACHED; i++)
		if (c->names[i] != no_name)
			free((char *)c->names[i]);
	free(c);
}

const char *xv_syscalls_name_len(struct xv_syscalls *c, int64_t nr, uint32_t *ret_len)
{
	const char *name;

	if (!c->arch || nr < 0 || nr >= MAX_CACHED)
		return NULL;
	name = c->names[nr];
	if (!name) {
		name = seccomp_syscall_resolve_num_arch(c->arch, (int)nr);
		if (name && strlen(name) > UINT8_MAX) {
			free((char *)name);
			name = NULL;
		}
		c->names[nr] = name ? name : no_name;
		c->lens[nr] = name ? (uint8_t)strlen(name) : 0;
	}
	if (!name || name == no_name)
		return NULL;
	*ret_len = c->lens[nr];
	return name;
}
