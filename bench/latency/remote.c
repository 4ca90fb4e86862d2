/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * remote.c - running a script on a system of the campaign: `sh -c SCRIPT`
 * for the local one, `ssh HOST SCRIPT` for the others, each in a process
 * group of its own (a terminal's Ctrl-C reaches kvmrt-latency only, which
 * then stops every system in order); and copying results back (cp, scp).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "remote.h"

#define MAX_ARGS 16
#define MAX_OUTPUT (1u << 20)

/* ssh and scp options: the configuration file, never a password prompt, no endless connect. */
static unsigned ssh_options(const struct lat_run_params *p, const char **argv, unsigned n)
{
	if (p->ssh_config) {
		argv[n++] = "-F";
		argv[n++] = p->ssh_config;
	}
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	argv[n++] = "-o";
	argv[n++] = "ConnectTimeout=15";
	return n;
}

static void build_argv(const struct lat_run_params *p, const struct lat_system *s,
		       const char *script, const char **argv)
{
	unsigned n = 0;

	if (lat_system_is_local(s)) {
		argv[n++] = "sh";
		argv[n++] = "-c";
	} else {
		argv[n++] = "ssh";
		n = ssh_options(p, argv, n);
		argv[n++] = "-n";
		argv[n++] = "-T";
		argv[n++] = "--";
		argv[n++] = s->host;
	}
	argv[n++] = script;
	argv[n] = NULL;
}

/* In the child: output to @out_fd (or /dev/null), no input, a group of its own. */
static void exec_child(const char *const *argv, int out_fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	if (null < 0 || dup2(null, 0) < 0)
		_exit(126);
	if (out_fd < 0)
		out_fd = null;
	if (dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(126);
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

static int spawn_argv(const char *const *argv, int out_fd, pid_t *ret_pid)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		exec_child(argv, out_fd);
	/* Also here: no window where a signal to the group misses the child. */
	setpgid(pid, pid);
	*ret_pid = pid;
	return 0;
}

int lat_remote_spawn(const struct lat_run_params *p, const struct lat_system *s,
		     const char *script, int out_fd, pid_t *ret_pid)
{
	const char *argv[MAX_ARGS];

	build_argv(p, s, script, argv);
	return spawn_argv(argv, out_fd, ret_pid);
}

int lat_remote_wait(pid_t pid, bool block, int *ret_status)
{
	int status;
	pid_t r;

	do
		r = waitpid(pid, &status, block ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	*ret_status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	return 1;
}

int lat_exec(const char *const *argv, int out_fd, int *ret_status)
{
	pid_t pid = 0;
	int r = spawn_argv(argv, out_fd, &pid);

	if (r < 0)
		return r;
	r = lat_remote_wait(pid, true, ret_status);
	return r < 0 ? r : 0;
}

/*
 * Reads @fd to its end (at most MAX_OUTPUT bytes) into a NUL-terminated
 * *ret_out. Once *@stop is set, the process group @pid is sent SIGTERM (a
 * connection that hangs must not hold up a Ctrl-C).
 */
static int read_output(int fd, pid_t pid, const volatile sig_atomic_t *stop, char **ret_out)
{
	_cleanup_free_ char *out = malloc(MAX_OUTPUT + 1);
	size_t len = 0;
	ssize_t n;

	if (!out)
		return -ENOMEM;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (stop && *stop) {
			kill(-pid, SIGTERM);
			stop = NULL;
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fd, out + len, MAX_OUTPUT - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += n;
		if (len == MAX_OUTPUT)
			return -EFBIG;
	}
	out[len] = '\0';
	*ret_out = TAKE_PTR(out);
	return 0;
}

static int capture(const char *const *argv, const volatile sig_atomic_t *stop, char **ret_out,
		   int *ret_status)
{
	_cleanup_free_ char *out = NULL;
	int fds[2], r, status = 0;
	pid_t pid = 0;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	r = spawn_argv(argv, fds[1], &pid);
	close(fds[1]);
	if (r < 0) {
		close(fds[0]);
		return r;
	}
	r = read_output(fds[0], pid, stop, &out);
	close(fds[0]);
	if (r < 0)
		kill(-pid, SIGKILL);
	lat_remote_wait(pid, true, &status);
	if (r < 0)
		return r;
	if (ret_out)
		*ret_out = TAKE_PTR(out);
	*ret_status = status;
	return 0;
}

int lat_exec_capture(const char *const *argv, char **ret_out, int *ret_status)
{
	return capture(argv, NULL, ret_out, ret_status);
}

int lat_remote_run(const struct lat_run_params *p, const struct lat_system *s,
		   const char *script, const volatile sig_atomic_t *stop, char **ret_out,
		   int *ret_status)
{
	const char *argv[MAX_ARGS];

	build_argv(p, s, script, argv);
	return capture(argv, stop, ret_out, ret_status);
}

int lat_remote_fetch(const struct lat_run_params *p, const struct lat_system *s,
		     const char *remote, const char *local, char **ret_out, int *ret_status)
{
	_cleanup_free_ char *source = NULL;
	const char *argv[MAX_ARGS];
	bool v6 = strchr(s->host, ':') != NULL;
	const char *at = strchr(s->host, '@');
	unsigned n = 0;

	if (lat_system_is_local(s)) {
		argv[n++] = "cp";
		argv[n++] = "-r";
		argv[n++] = "--";
		argv[n++] = remote;
	} else {
		int user = at ? (int)(at - s->host + 1) : 0;

		/* scp wants an IPv6 address in brackets: USER@[ADDR]:PATH. */
		if (asprintf(&source, "%.*s%s%s%s:%s", user, s->host, v6 ? "[" : "",
			     s->host + user, v6 ? "]" : "", remote) < 0)
			return -ENOMEM;
		argv[n++] = "scp";
		n = ssh_options(p, argv, n);
		argv[n++] = "-q";
		argv[n++] = "-r";
		argv[n++] = "--";
		argv[n++] = source;
	}
	argv[n++] = local;
	argv[n] = NULL;
	return lat_exec_capture(argv, ret_out, ret_status);
}
