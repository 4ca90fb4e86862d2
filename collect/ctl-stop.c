/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-stop.c - xtrace-ctl stop: ends the recording: the dump completes, the command gets SIGTERM.
 */
#include "ctl.h"

int ctl_stop(struct ctl_context *c)
{
	return ctl_send(c, "stop");
}
