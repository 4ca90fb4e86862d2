/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-pause.c - xtrace-ctl pause: stops tracing until resume.
 */
#include "ctl.h"

int ctl_pause(struct ctl_context *c)
{
	return ctl_send(c, "pause");
}
