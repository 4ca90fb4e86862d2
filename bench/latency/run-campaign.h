/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-campaign.h - one campaign of `kvmrt-latency run` (see run-campaign.c).
 */
#ifndef LAT_RUN_CAMPAIGN_H
#define LAT_RUN_CAMPAIGN_H

#include <signal.h>

#include "run-params.h"

/*
 * Runs the campaign @p describes into p->output, printing what fails (one
 * line each). *stop counts the signals received: 1 interrupts every system
 * (their results are still collected), 2 kills what is left. Returns the
 * exit code: 0 when every system was measured, 1 otherwise; or a negative
 * errno when the results directory could not be made (nothing was written).
 */
int lat_campaign_run(const struct lat_run_params *p, volatile sig_atomic_t *stop);

#endif
