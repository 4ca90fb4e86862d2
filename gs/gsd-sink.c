/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsd-sink.c - kvmrt-gsd's outputs: log lines to syslog (the journal picks
 * them up) or a file, and flush requests forwarded to every running xtrace
 * session (a socket PID.sock under /run/xtrace whose recorder runs) with
 * `xtrace-ctl --session PID flush [--cpus LIST]`, LIST being the host CPUs
 * of the scope the guest asked for (gsd-core.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>

#include "gsd-run.h"

extern char **environ;

static void sink_log(void *userdata, const char *line)
{
	struct gsd_outputs *out = userdata;

	if (out->log) {
		fprintf(out->log, "%s\n", line);
		fflush(out->log);
	} else {
		syslog(LOG_INFO, "%s", line);
	}
}

/* Runs xtrace-ctl --session @pid flush [--cpus @cpus]; 0 when it succeeded. */
static int ctl_flush(const char *ctl, long pid, const char *cpus)
{
	char session[32];
	char *argv[] = {(char *)ctl, "--session", session, "flush", "--cpus", (char *)cpus, NULL};
	posix_spawn_file_actions_t fa;
	pid_t child;
	int status, r;

	snprintf(session, sizeof(session), "%ld", pid);
	if (!cpus)
		argv[4] = NULL; /* every CPU */
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&child, ctl, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r)
		return -r;
	if (waitpid(child, &status, 0) != child)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* The session PID of a "PID.sock" name whose recorder still runs, else 0. */
static long session_of(const char *name)
{
	char *end;
	long pid = strtol(name, &end, 10);

	if (pid <= 0 || strcmp(end, ".sock") || kill((pid_t)pid, 0) < 0)
		return 0;
	return pid;
}

static void sink_flush(void *userdata, const char *vm, unsigned scope, const char *cpus)
{
	struct gsd_outputs *out = userdata;
	const struct gsd_params *p = out->params;
	struct dirent *de;
	DIR *d = opendir(p->control_dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		long pid = session_of(de->d_name);

		if (!pid || (p->session && pid != p->session))
			continue;
		if (ctl_flush(p->xtrace_ctl, pid, cpus) == 0)
			out->flushes++;
		else if (out->log)
			fprintf(out->log, "kvmrt-gsd: flush of session %ld for %s (scope %u, cpus "
				"%s) failed\n", pid, vm, scope, cpus ? cpus : "all");
		else
			syslog(LOG_WARNING, "flush of session %ld for %s (scope %u, cpus %s) failed",
			       pid, vm, scope, cpus ? cpus : "all");
	}
	closedir(d);
}

void gsd_sink_init(struct gsd_sink *s, struct gsd_outputs *out)
{
	*s = (struct gsd_sink){.log = sink_log, .flush = sink_flush, .userdata = out};
}
