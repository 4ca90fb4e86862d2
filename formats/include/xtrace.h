/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xtrace.h - libxtrace: recording dumps, merged streams and their readers.
 * Include this one header; it pulls in the parts.
 */
#ifndef XTRACE_H
#define XTRACE_H

#include "xt-clock.h"
#include "xt-diag.h"
#include "xt-dump.h"
#include "xt-event.h"
#include "xt-frame.h"
#include "xt-gs.h"
#include "xt-merged.h"
#include "xt-page.h"
#include "xt-sync.h"
#include "xt-tracedat.h"

#endif
