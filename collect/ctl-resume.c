/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl-resume.c - xtrace-ctl resume: traces again after pause.
 */
#include "ctl.h"

int ctl_resume(struct ctl_context *c)
{
	return ctl_send(c, "resume");
}
