/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * command.c - running the recorded COMMAND: started with its own signal
 * mask and environment, waited for while a timer ticks the recorder, and
 * handed the signals another process sends us (a terminal's Ctrl-C reaches
 * it directly, through the process group).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "xcollect.h"

static void handled_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
}

int xc_signals_block(sigset_t *ret_old)
{
	sigset_t set;

	handled_signals(&set);
	return -pthread_sigmask(SIG_BLOCK, &set, ret_old);
}

static int open_timer(unsigned tick_ms)
{
	struct itimerspec its = {
		.it_interval = { .tv_sec = tick_ms / 1000, .tv_nsec = (tick_ms % 1000) * 1000000L },
	};
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);

	if (fd < 0)
		return -errno;
	its.it_value = its.it_interval;
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* A terminating signal already pending (before the command exists), or 0. */
static int pending_stop_signal(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si))
		if (si.ssi_signo != SIGCHLD)
			return si.ssi_signo;
	return 0;
}

static int spawn(char *const *argv, char *const *env, const sigset_t *child_mask, pid_t *ret)
{
	posix_spawnattr_t attr;
	int r;

	r = posix_spawnattr_init(&attr);
	if (r)
		return -r;
	r = posix_spawnattr_setsigmask(&attr, child_mask);
	if (!r)
		r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if (!r)
		r = posix_spawnp(ret, argv[0], NULL, &attr, argv, env);
	posix_spawnattr_destroy(&attr);
	return -r;
}

static int exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Handles one signal: 1 and *ret_status once the command has ended. */
static int on_signal(const struct signalfd_siginfo *si, pid_t pid, int *ret_status)
{
	int status;
	pid_t w;

	if (si->ssi_signo != SIGCHLD) {
		/* The terminal's signals (SI_KERNEL) already reached the command's group. */
		if (si->ssi_code != SI_KERNEL)
			kill(pid, si->ssi_signo);
		return 0;
	}
	w = waitpid(pid, &status, WNOHANG);
	if (w < 0)
		return -errno;
	if (w != pid)
		return 0;
	*ret_status = exit_code(status);
	return 1;
}

/* Asked by a hook to end: the command gets SIGTERM, once. */
static void end_command(pid_t pid, bool *ended)
{
	if (!*ended)
		kill(pid, SIGTERM);
	*ended = true;
}

static int wait_command(pid_t pid, int sfd, int tfd, const struct xc_command_hooks *h,
			int *ret_status)
{
	struct pollfd fds[3] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = tfd, .events = POLLIN },
		{ .fd = h->fd, .events = POLLIN },
	};
	bool ended = false;

	for (;;) {
		struct signalfd_siginfo si;
		uint64_t expirations;
		int r;

		if (poll(fds, h->fd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (fds[1].revents & POLLIN &&
		    read(tfd, &expirations, sizeof(expirations)) == sizeof(expirations) &&
		    h->tick && h->tick(h->userdata) > 0)
			end_command(pid, &ended);
		if (h->fd >= 0 && fds[2].revents & POLLIN && h->on_fd(h->fd, h->userdata) > 0)
			end_command(pid, &ended);
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			r = on_signal(&si, pid, ret_status);
			if (r != 0)
				return r < 0 ? r : 0;
		}
	}
}

int xc_command_run(char *const *argv, char *const *env, const sigset_t *child_mask,
		   const struct xc_command_hooks *hooks, int *ret_status)
{
	_cleanup_close_ int sfd = -1, tfd = -1;
	sigset_t set;
	pid_t pid;
	int r, sig;

	handled_signals(&set);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return -errno;
	tfd = open_timer(hooks->tick_ms);
	if (tfd < 0)
		return tfd;
	sig = pending_stop_signal(sfd);
	if (sig) {
		*ret_status = 128 + sig;
		return 0;
	}
	r = spawn(argv, env, child_mask, &pid);
	if (r < 0)
		return r;
	return wait_command(pid, sfd, tfd, hooks, ret_status);
}

/* Whether @entry ("NAME=value") sets the NAME that @assignment sets. */
static bool same_name(const char *entry, const char *assignment)
{
	size_t len = strcspn(assignment, "=");

	return !strncmp(entry, assignment, len) && entry[len] == '=';
}

int xc_env_with(char *const *env, char *const *set, char ***ret)
{
	size_t n_env = 0, n_set = 0, n = 0;
	char **out;

	while (env[n_env])
		n_env++;
	while (set[n_set])
		n_set++;
	out = calloc(n_env + n_set + 1, sizeof(*out));
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n_env; i++) {
		bool replaced = false;

		for (size_t j = 0; j < n_set && !replaced; j++)
			replaced = same_name(env[i], set[j]);
		if (!replaced)
			out[n++] = env[i];
	}
	for (size_t j = 0; j < n_set; j++)
		out[n++] = set[j];
	out[n] = NULL;
	*ret = out;
	return 0;
}
