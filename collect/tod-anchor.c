/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tod-anchor.c - placing a recording on time of day (DESIGN.md decision 2).
 *
 * The tai trace clock converts with the TAI-UTC offset alone. Every clock
 * is also anchored: the recorder writes "xtrace-anchor realtime=NS" markers
 * (CLOCK_REALTIME read just before the write) and readers pair each with
 * the marker's trace timestamp; mono and boot get exact pairs too, since
 * POSIX clocks read the same time as those trace clocks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>

#include "xcollect.h"

#define NSEC_PER_SEC 1000000000ull

static const struct {
	const char *arg;
	const char *trace_name;
} clocks[] = {
	[XC_CLOCK_TOD] = { "tod", "tai" },
	[XC_CLOCK_LOCAL] = { "local", "local" },
	[XC_CLOCK_MONO] = { "mono", "mono" },
	[XC_CLOCK_BOOT] = { "boot", "boot" },
	[XC_CLOCK_TSC] = { "tsc", "x86-tsc" },
};

const char *xc_clock_trace_name(enum xc_clock c)
{
	return (unsigned)c < sizeof(clocks) / sizeof(clocks[0]) ? clocks[c].trace_name : NULL;
}

int xc_clock_parse(const char *s, enum xc_clock *ret)
{
	for (unsigned i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		if (!strcmp(s, clocks[i].arg)) {
			*ret = i;
			return 0;
		}
	}
	return -EINVAL;
}

int xc_clock_posix_id(enum xc_clock c, clockid_t *ret)
{
	switch (c) {
	case XC_CLOCK_MONO:
		*ret = CLOCK_MONOTONIC;
		return 0;
	case XC_CLOCK_BOOT:
		*ret = CLOCK_BOOTTIME;
		return 0;
	default:
		return -ENOENT;
	}
}

uint64_t xc_now_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

int xc_tai_offset_ns(int64_t *ret)
{
	struct timex tx = {};

	/* modes = 0 only reads: allowed without privileges. */
	if (adjtimex(&tx) < 0)
		return -errno;
	*ret = (int64_t)tx.tai * (int64_t)NSEC_PER_SEC;
	return 0;
}

int xc_clock_pair(clockid_t id, uint64_t *ret_ts, uint64_t *ret_realtime)
{
	uint64_t before, ts, after;

	before = xc_now_ns(CLOCK_REALTIME);
	ts = xc_now_ns(id);
	after = xc_now_ns(CLOCK_REALTIME);
	if (!before || !ts || after < before)
		return -EIO;
	*ret_ts = ts;
	*ret_realtime = before + (after - before) / 2;
	return 0;
}

int xc_anchor_format(char *buf, size_t len, uint64_t realtime_ns)
{
	int n = snprintf(buf, len, XC_ANCHOR_PREFIX "%" PRIu64 "\n", realtime_ns);

	if (n < 0 || (size_t)n >= len)
		return -ENOBUFS;
	return n;
}

int xc_anchor_parse(const void *buf, size_t len, uint64_t *ret_realtime)
{
	const size_t prefix = sizeof(XC_ANCHOR_PREFIX) - 1;
	const char *s = buf;
	uint64_t v = 0;
	size_t i, digits = 0;

	if (len <= prefix || memcmp(s, XC_ANCHOR_PREFIX, prefix))
		return -EINVAL;
	for (i = prefix; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		unsigned d = s[i] - '0';

		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	if (!digits || digits > 20)
		return -EINVAL;
	if (i < len && s[i] == '\n')
		i++;
	/* The text ends at its NUL; what follows is record padding. */
	if (i < len && s[i] != '\0')
		return -EINVAL;
	*ret_realtime = v;
	return 0;
}
