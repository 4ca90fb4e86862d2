/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * time-format.c - the time column: relative, time of day or raw.
 */
#include "xview.h"

#include <errno.h>
#include <string.h>

#include "cleanup.h"

#define NSEC_PER_SEC 1000000000ull

int xv_time_mode_parse(const char *s, enum xv_time_mode *ret)
{
	static const struct {
		const char *name;
		enum xv_time_mode mode;
	} modes[] = {
		{ "rel", XV_TIME_REL },
		{ "tod", XV_TIME_TOD },
		{ "raw", XV_TIME_RAW },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		if (strcmp(s, modes[i].name) == 0) {
			*ret = modes[i].mode;
			return 0;
		}
	}
	return -EINVAL;
}

static void write_seconds(struct xv_out *o, uint64_t ns)
{
	xv_out_u64(o, ns / NSEC_PER_SEC);
	xv_out_putc(o, '.');
	xv_out_frac9(o, (uint32_t)(ns % NSEC_PER_SEC));
}

void xv_time_write(struct xv_out *o, enum xv_time_mode mode, uint64_t tod, uint64_t ts,
		   uint64_t base, bool ts_is_ns)
{
	switch (mode) {
	case XV_TIME_REL:
		if (tod < base) {
			/* Only a source out of TOD order gets here: say so by the sign. */
			xv_out_putc(o, '-');
			write_seconds(o, base - tod);
		} else {
			write_seconds(o, tod - base);
		}
		break;
	case XV_TIME_TOD:
		write_seconds(o, tod);
		break;
	case XV_TIME_RAW:
		if (ts_is_ns)
			write_seconds(o, ts);
		else
			xv_out_u64(o, ts);
		break;
	}
}
