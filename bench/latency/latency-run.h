/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kvmrt-latency run: cyclictest campaigns on the host and guests. */
#pragma once

/*
 * Entry point of `kvmrt-latency run`. argv[0] is "run" (the subcommand name).
 * Returns the process exit code: 0 ok, 1 failure, 2 usage.
 */
int lat_run_main(int argc, char **argv);
