/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * remote.h - running scripts on the systems of a campaign and copying their
 * files back (see remote.c).
 */
#ifndef LAT_REMOTE_H
#define LAT_REMOTE_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "run-params.h"

/*
 * Starts @script on @s (sh -c, or ssh) in a new process group whose id is
 * *ret_pid, its standard output and error on @out_fd (-1: /dev/null).
 * Returns 0 or a negative errno.
 */
int lat_remote_spawn(const struct lat_run_params *p, const struct lat_system *s,
		     const char *script, int out_fd, pid_t *ret_pid);

/*
 * Reaps @pid (waiting when @block): 1 and its status (128 + signal when
 * killed), 0 while it runs, or a negative errno.
 */
int lat_remote_wait(pid_t pid, bool block, int *ret_status);

/*
 * Runs @script on @s and waits. *ret_out (may be NULL; free() it) gets its
 * standard output and error, *ret_status its exit status. When *@stop (may
 * be NULL) becomes non-zero, the script is sent SIGTERM. Returns 0, or a
 * negative errno when it could not be run.
 */
int lat_remote_run(const struct lat_run_params *p, const struct lat_system *s,
		   const char *script, const volatile sig_atomic_t *stop, char **ret_out,
		   int *ret_status);

/* Copies @remote (a file or directory on @s) to @local: cp -r, or scp -r. As lat_remote_run(). */
int lat_remote_fetch(const struct lat_run_params *p, const struct lat_system *s,
		     const char *remote, const char *local, char **ret_out, int *ret_status);

/*
 * Runs @argv here (PATH searched) and waits: output on @out_fd (-1:
 * /dev/null), or captured into *ret_out (may be NULL; free() it). Returns 0
 * and *ret_status, or a negative errno when it could not be run.
 */
int lat_exec(const char *const *argv, int out_fd, int *ret_status);
int lat_exec_capture(const char *const *argv, char **ret_out, int *ret_status);

#endif
