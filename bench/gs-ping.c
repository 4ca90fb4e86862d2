/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-ping.c - cost of kvmrt_gs_ping on this machine (a KVM guest): a bare
 * hypercall instruction loop against the library's ping without and with
 * its guest markers. Every hypercall is a real exit to the hypervisor.
 *
 *   ninja -C BUILD bench-gs-ping      (BENCH_GS_CALLS sets calls per round)
 *
 * The service switches are forced on in the benchmark's own context (the
 * library's checks still run on every call); nothing here is pass/fail.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gs-internal.h"

#define ROUNDS 9

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The instruction alone, inlined in the loop. */
static uint64_t bare_round(bool amd, unsigned calls)
{
	uint64_t t0 = now_ns();

	for (unsigned i = 0; i < calls; i++) {
		unsigned long nr = KVMRT_GS_NR(KVMRT_GS_FN_PING), ret;

		if (amd)
			__asm__ volatile("vmmcall"
					 : "=a"(ret)
					 : "a"(nr), "b"(0x1234ul), "c"(i), "d"(0ul), "S"(0ul)
					 : "memory");
		else
			__asm__ volatile("vmcall"
					 : "=a"(ret)
					 : "a"(nr), "b"(0x1234ul), "c"(i), "d"(0ul), "S"(0ul)
					 : "memory");
	}
	return now_ns() - t0;
}

/* Stands in for the instruction: what the library's own path costs. */
static long no_exit(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
		    unsigned long a3)
{
	return -1;
}

static uint64_t ping_round(struct gs_ctx *c, unsigned calls)
{
	uint64_t t0 = now_ns();

	for (unsigned i = 0; i < calls; i++)
		if (gs_ping(c, 0x1234) < 0)
			return 0;
	return now_ns() - t0;
}

struct figures {
	double min, median; /* ns per call */
};

static struct figures summarize(uint64_t *t, unsigned calls)
{
	qsort(t, ROUNDS, sizeof(t[0]), cmp_u64);
	return (struct figures){(double)t[0] / calls, (double)t[ROUNDS / 2] / calls};
}

static void print_row(const char *what, struct figures f, struct figures bare)
{
	printf("%-28s %8.0f %8.0f ns/call   %.3fx %.3fx\n", what, f.min, f.median, f.min / bare.min,
	       f.median / bare.median);
}

int main(void)
{
	const char *env = getenv("BENCH_GS_CALLS");
	unsigned calls = env ? (unsigned)strtoul(env, NULL, 10) : 20000;
	struct gs_probe p;
	struct gs_ctx c;
	static uint64_t t[4][ROUNDS];
	struct figures path;
	struct figures bare, plain, marked;
	int marker_fd;
	bool amd;

	gs_probe_default(&p);
	gs_ctx_init(&c, &p);
	if (c.present < 0 || calls == 0) {
		fprintf(stderr,
			"gs-ping: not a KVM guest (or BENCH_GS_CALLS=0): nothing to measure\n");
		return 1;
	}
	amd = c.hypercall == gs_vmmcall;
	c.enabled = true;
	c.permit = GS_ALL_FUNCTIONS;
	if (c.marker_fd >= 0)
		gs_ctx_done(&c);

	marker_fd = open(GS_MARKER_PATH, O_WRONLY | O_CLOEXEC);
	/* interleaved rounds: the three share whatever else the machine does */
	for (unsigned r = 0; r < ROUNDS; r++) {
		t[0][r] = bare_round(amd, calls);
		c.marker_fd = -1;
		t[1][r] = ping_round(&c, calls);
		c.marker_fd = marker_fd;
		t[2][r] = marker_fd >= 0 ? ping_round(&c, calls) : 0;
		c.marker_fd = -1;
		c.hypercall = no_exit;
		t[3][r] = ping_round(&c, calls);
		c.hypercall = amd ? gs_vmmcall : gs_vmcall;
		c.marker_fd = marker_fd;
	}
	gs_ctx_done(&c);
	bare = summarize(t[0], calls);
	plain = summarize(t[1], calls);
	marked = summarize(t[2], calls);
	path = summarize(t[3], calls);

	printf("%s, %u calls x %d interleaved rounds     min   median          min   median\n",
	       amd ? "vmmcall" : "vmcall", calls, ROUNDS);
	print_row(amd ? "bare vmmcall loop" : "bare vmcall loop", bare, bare);
	print_row("kvmrt_gs_ping, no marker", plain, bare);
	if (marker_fd >= 0)
		print_row("kvmrt_gs_ping, 2 markers", marked, bare);
	else
		printf("kvmrt_gs_ping, 2 markers: no writable %s\n", GS_MARKER_PATH);
	printf("library path without the exit: %.1f ns/call (min), %.1f (median)\n", path.min,
	       path.median);
	return 0;
}
