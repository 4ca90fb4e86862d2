/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-call.c - the guest-services calls on a context: checks, the guest
 * markers around each hypercall, the hypercalls themselves (kvmrt_gs_abi.h).
 * The ping path formats its marker on the stack: no allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gs-internal.h"

void gs_probe_default(struct gs_probe *p)
{
	const char *conf = secure_getenv(GS_CONF_ENV);
	const char *root = secure_getenv(GS_SYSROOT_ENV);

	*p = (struct gs_probe){
	    .cpuid = gs_cpuid,
	    .sysroot = root ? root : "",
	    .conf_path = conf && *conf ? conf : GS_CONF_PATH,
	    .marker_path = GS_MARKER_PATH,
	};
}

static int open_marker(const char *path)
{
	int fd;

	if (!path)
		return -1;
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && !strcmp(path, GS_MARKER_PATH))
		fd = open(GS_MARKER_PATH_OLD, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	return fd;
}

void gs_ctx_init(struct gs_ctx *c, const struct gs_probe *p)
{
	gs_hypercall_fn fn = NULL;

	*c = (struct gs_ctx){.present = -ENODEV, .marker_fd = -1};
	c->id_base = (uint32_t)getpid() << 16;
	atomic_init(&c->seq, 0);
	atomic_init(&c->msg, 0);
	if (gs_detect_kvm(p->cpuid, &fn) < 0)
		return; /* nothing else matters without a hypervisor to call */
	c->present = 0;
	c->hypercall = p->hypercall ? p->hypercall : fn;
	gs_switches_read(p, c);
	if (c->enabled && c->permit)
		c->marker_fd = open_marker(p->marker_path);
}

void gs_ctx_done(struct gs_ctx *c)
{
	if (c->marker_fd >= 0)
		close(c->marker_fd);
	c->marker_fd = -1;
}

int gs_ctx_check(const struct gs_ctx *c, unsigned fn)
{
	if (c->present < 0)
		return c->present;
	if (!c->enabled)
		return -EPERM;
	if (fn == 0)
		return c->permit ? 0 : -EPERM;
	return c->permit & GS_BIT(fn) ? 0 : -EPERM;
}

static unsigned long long tod_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* A marker is best effort: a full or missing trace buffer never fails the call. */
static void marker_write(const struct gs_ctx *c, const char *text, int len)
{
	if (c->marker_fd >= 0 && len > 0)
		(void)!write(c->marker_fd, text, (size_t)len);
}

#define MARK(c, buf, ...)                                                                          \
	do {                                                                                       \
		if ((c)->marker_fd >= 0)                                                           \
			marker_write(c, buf, snprintf(buf, sizeof(buf), __VA_ARGS__));             \
	} while (0)

long gs_ping(struct gs_ctx *c, unsigned long cookie)
{
	char text[GS_MARKER_MAX];
	unsigned long long tod;
	unsigned seq;
	int r = gs_ctx_check(c, KVMRT_GS_FN_PING);

	if (r < 0)
		return r;
	seq = atomic_fetch_add_explicit(&c->seq, 1, memory_order_relaxed) + 1;
	tod = tod_ns();
	MARK(c, text, KVMRT_GS_PING_MARKER_FMT, (unsigned long long)cookie, seq, tod);
	c->hypercall(KVMRT_GS_NR(KVMRT_GS_FN_PING), cookie, seq, (unsigned long)tod, 0);
	MARK(c, text, KVMRT_GS_PING_MARKER_FMT, (unsigned long long)cookie, seq, tod_ns());
	return 0;
}

long gs_flush(struct gs_ctx *c, unsigned long scope)
{
	char text[GS_MARKER_MAX];
	int r = gs_ctx_check(c, KVMRT_GS_FN_FLUSH);

	if (r < 0)
		return r;
	if (scope > KVMRT_GS_SCOPE_CPU_ALL)
		return -EINVAL;
	MARK(c, text, KVMRT_GS_FLUSH_MARKER_FMT, (unsigned)scope, tod_ns());
	c->hypercall(KVMRT_GS_NR(KVMRT_GS_FN_FLUSH), scope, 0, 0, 0);
	MARK(c, text, KVMRT_GS_FLUSH_MARKER_FMT, (unsigned)scope, tod_ns());
	return 0;
}

/* Bytes @from.. of @p packed little-endian into one register (zeros past @len). */
static unsigned long chunk_word(const uint8_t *p, size_t len, size_t from)
{
	unsigned long w = 0;

	for (size_t i = 0; i < 8 && from + i < len; i++)
		w |= (unsigned long)p[from + i] << (8 * i);
	return w;
}

long gs_log(struct gs_ctx *c, unsigned fn, const void *data, size_t size)
{
	const char *fmt =
	    fn == KVMRT_GS_FN_LOG_MSG ? KVMRT_GS_LOG_MSG_MARKER_FMT : KVMRT_GS_LOG_DATA_MARKER_FMT;
	char text[GS_MARKER_MAX];
	const uint8_t *p = data;
	unsigned id;
	int r = gs_ctx_check(c, fn);

	if (r < 0)
		return r;
	if (!data || size == 0)
		return -EINVAL;
	if (size > KVMRT_GS_MAX_PAYLOAD)
		return -E2BIG;
	id = c->id_base | (atomic_fetch_add_explicit(&c->msg, 1, memory_order_relaxed) & 0xffffu);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	MARK(c, text, fmt, id, (unsigned)size, tod_ns());
	for (size_t chunk = 0; chunk * KVMRT_GS_CHUNK_BYTES < size; chunk++) {
		size_t at = chunk * KVMRT_GS_CHUNK_BYTES;

		c->hypercall(KVMRT_GS_NR(fn), (unsigned long)KVMRT_GS_LOG_A0(id, size, chunk),
			     chunk_word(p, size, at), chunk_word(p, size, at + 8),
			     chunk_word(p, size, at + 16));
	}
	MARK(c, text, fmt, id, (unsigned)size, tod_ns());
#pragma GCC diagnostic pop
	return 0;
}
