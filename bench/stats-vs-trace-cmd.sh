#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# stats-vs-trace-cmd.sh - counting and pairing speed: `xtrace-view --stats`
# (per-event counts, losses, KVM exit reasons with exit-to-entry times, time
# in guest, hypercall round trips, guest-services pairs) against
# `trace-cmd report --profile` (per-task event counts with wake-up, switch
# and interrupt latencies), trace-cmd's closest counting mode:
# `trace-cmd report --stat` only prints the buffer statistics stored in the
# file header and reads no event.
#
# Usage: bench/stats-vs-trace-cmd.sh [BUILD_DIR]   (or `ninja -C BUILD_DIR bench-stats`)
#
# Same data, environment and output as bench/view-vs-trace-cmd.sh, which
# does the work with the two commands set below.
set -eu

here=$(dirname "$0")
BENCH_VIEW_ARGS=--stats BENCH_TRACE_CMD_ARGS=--profile exec "$here/view-vs-trace-cmd.sh" "$@"
