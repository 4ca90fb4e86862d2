/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recorder-control.c - the requests xtrace-ctl sends to a running recording,
 * parsed by control-request.c, one handler each.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cpulist.h"
#include "xcollect.h"

static int do_flush(struct xc_recorder *rec, const struct xc_request *req, char *reply,
		    size_t len)
{
	const bool *cpus = req->nr_cpus ? req->cpus : NULL;
	int r = xc_recorder_flush(rec, "xtrace-ctl", cpus, req->nr_cpus);
	char list[XC_CONTROL_LINE_MAX];

	if (r < 0)
		return r;
	if (cpus && cpulist_format(cpus, req->nr_cpus, list, sizeof(list)) > 0)
		snprintf(reply, len, "ok flushed %d events (cpus %s)", r, list);
	else
		snprintf(reply, len, "ok flushed %d events", r);
	return 0;
}

static int do_pause(struct xc_recorder *rec, const struct xc_request *req, char *reply,
		     size_t len)
{
	int r = xc_recorder_pause(rec, true);

	(void)req;
	if (r >= 0)
		snprintf(reply, len, "ok paused");
	return r;
}

static int do_resume(struct xc_recorder *rec, const struct xc_request *req, char *reply,
		      size_t len)
{
	int r = xc_recorder_pause(rec, false);

	(void)req;
	if (r >= 0)
		snprintf(reply, len, "ok resumed");
	return r;
}

static int do_stop(struct xc_recorder *rec, const struct xc_request *req, char *reply,
		    size_t len)
{
	(void)req;
	(void)rec;
	snprintf(reply, len, "ok stopping");
	return 1;
}

static int do_status(struct xc_recorder *rec, const struct xc_request *req, char *reply,
		      size_t len)
{
	int r;

	(void)req;
	if (len < 4)
		return -ENOBUFS;
	memcpy(reply, "ok ", 3);
	r = xc_recorder_status(rec, reply + 3, len - 3);
	return r < 0 ? r : 0;
}

/* Indexed by enum xc_request_kind. */
static int (*const handlers[])(struct xc_recorder *rec, const struct xc_request *req,
			       char *reply, size_t len) = {
	[XC_REQUEST_FLUSH] = do_flush,
	[XC_REQUEST_PAUSE] = do_pause,
	[XC_REQUEST_RESUME] = do_resume,
	[XC_REQUEST_STOP] = do_stop,
	[XC_REQUEST_STATUS] = do_status,
};

int xc_recorder_control(struct xc_recorder *rec, const char *request, size_t request_len,
			char *reply, size_t len)
{
	struct xc_request req;
	char why[256];
	int r;

	r = xc_request_parse(request, request_len, &req, why, sizeof(why));
	if (r < 0) {
		snprintf(reply, len, "error %s", why);
		return r;
	}
	r = handlers[req.kind](rec, &req, reply, len);
	if (r < 0)
		snprintf(reply, len, "error %s: %s", xc_request_name(req.kind), strerror(-r));
	return r;
}
