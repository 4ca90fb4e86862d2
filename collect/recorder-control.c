/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recorder-control.c - the requests xtrace-ctl sends to a running recording,
 * one handler each, dispatched by name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "xcollect.h"

static int do_flush(struct xc_recorder *rec, char *reply, size_t len)
{
	int r = xc_recorder_flush(rec, "xtrace-ctl");

	if (r >= 0)
		snprintf(reply, len, "ok flushed %d events", r);
	return r < 0 ? r : 0;
}

static int do_pause(struct xc_recorder *rec, char *reply, size_t len)
{
	int r = xc_recorder_pause(rec, true);

	if (r >= 0)
		snprintf(reply, len, "ok paused");
	return r;
}

static int do_resume(struct xc_recorder *rec, char *reply, size_t len)
{
	int r = xc_recorder_pause(rec, false);

	if (r >= 0)
		snprintf(reply, len, "ok resumed");
	return r;
}

static int do_stop(struct xc_recorder *rec, char *reply, size_t len)
{
	(void)rec;
	snprintf(reply, len, "ok stopping");
	return 1;
}

static int do_status(struct xc_recorder *rec, char *reply, size_t len)
{
	int r;

	if (len < 4)
		return -ENOBUFS;
	memcpy(reply, "ok ", 3);
	r = xc_recorder_status(rec, reply + 3, len - 3);
	return r < 0 ? r : 0;
}

static const struct {
	const char *name;
	int (*fn)(struct xc_recorder *rec, char *reply, size_t len);
} requests[] = {
	{ "flush", do_flush },
	{ "pause", do_pause },
	{ "resume", do_resume },
	{ "stop", do_stop },
	{ "status", do_status },
};

int xc_recorder_control(struct xc_recorder *rec, const char *request, char *reply, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(requests); i++) {
		int r;

		if (strcmp(request, requests[i].name))
			continue;
		r = requests[i].fn(rec, reply, len);
		if (r < 0)
			snprintf(reply, len, "error %s: %s", request, strerror(-r));
		return r;
	}
	snprintf(reply, len, "error '%.64s': unknown request (flush, pause, resume, stop, status)",
		 request);
	return -EINVAL;
}
