/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-flush.c - xtrace-ctl flush: writes out what the session's ring buffers
 * hold, and keeps recording.
 */
#include "ctl.h"

int ctl_flush(struct ctl_context *c)
{
	return ctl_send(c, "flush");
}
