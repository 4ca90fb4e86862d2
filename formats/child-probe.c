/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "child-probe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void xt_probe_progress(int fd, const char *label)
{
	char line[XT_PROBE_LABEL_MAX + 1];
	size_t len = strnlen(label, XT_PROBE_LABEL_MAX - 1);

	if (fd < 0)
		return;
	memcpy(line, label, len);
	line[len] = '\n';
	/* One write of at most PIPE_BUF bytes: never interleaved, never split. */
	if (write(fd, line, len + 1) < 0)
		return;
}

/* Keeps the last complete line read from @fd in @last. */
static void read_last_label(int fd, char *last, size_t size)
{
	char buf[4096], cur[XT_PROBE_LABEL_MAX];
	size_t cur_len = 0;
	ssize_t n;

	last[0] = '\0';
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				memcpy(last, cur, cur_len < size ? cur_len : size - 1);
				last[cur_len < size ? cur_len : size - 1] = '\0';
				cur_len = 0;
			} else if (cur_len < sizeof(cur)) {
				cur[cur_len++] = buf[i];
			}
		}
	}
}

int xt_probe_in_child(xt_probe_fn fn, void *arg, struct xt_probe_report *ret)
{
	int fds[2], status;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0) {
		/* The caller's crash handlers (a test runner's, say) must not catch ours. */
		static const int deadly[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

		for (size_t i = 0; i < sizeof(deadly) / sizeof(deadly[0]); i++)
			signal(deadly[i], SIG_DFL);
		close(fds[0]);
		fn(arg, fds[1]);
		_exit(0); /* no atexit handlers, no stdio flush of the parent's buffers */
	}
	close(fds[1]);
	read_last_label(fds[0], ret->last, sizeof(ret->last));
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	/* A sanitizer reports a crash and exits non-zero instead of dying. */
	ret->crashed = WIFSIGNALED(status) || WEXITSTATUS(status) != 0;
	ret->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	return 0;
}
