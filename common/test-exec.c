/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "test-exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"

static const char *env_or_dot(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : ".";
}

char *test_source_path(const char *rel)
{
	char *p;

	return asprintf(&p, "%s/%s", env_or_dot("KVMRT_SOURCE_ROOT"), rel) < 0 ? NULL : p;
}

char *test_mkdtemp(void)
{
	char *p = strdup("/tmp/kvmrt-test-XXXXXX");

	if (p && !mkdtemp(p)) {
		free(p);
		return NULL;
	}
	return p;
}

void test_rm_rf(const char *path)
{
	pid_t pid = fork();

	if (pid == 0) {
		execlp("rm", "rm", "-rf", "--", path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

struct sink {
	int fd;
	char *buf;
	size_t len, cap;
};

static int sink_read(struct sink *s)
{
	if (s->len + 65536 + 1 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 131072;
		char *n = realloc(s->buf, cap);

		if (!n)
			return -ENOMEM;
		s->buf = n;
		s->cap = cap;
	}
	ssize_t got = read(s->fd, s->buf + s->len, s->cap - s->len - 1);

	if (got < 0)
		return errno == EINTR ? 1 : -errno;
	s->len += got;
	s->buf[s->len] = '\0';
	return got > 0;
}

/* Drains both pipes until the child closes them. */
static int drain(struct sink *out, struct sink *err)
{
	struct sink *sinks[2] = { out, err };
	bool open_[2] = { true, true };

	while (open_[0] || open_[1]) {
		struct pollfd p[2] = { { out->fd, POLLIN, 0 }, { err->fd, POLLIN, 0 } };

		for (int i = 0; i < 2; i++)
			if (!open_[i])
				p[i].fd = -1;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < 2; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			int r = sink_read(sinks[i]);

			if (r < 0)
				return r;
			if (r == 0)
				open_[i] = false;
		}
	}
	return 0;
}

int test_exec(char *const argv[], struct test_output *ret)
{
	_cleanup_free_ char *path = NULL;
	int outp[2], errp[2], status, r;
	struct sink out = {}, err = {};
	pid_t pid;

	if (argv[0][0] == '/')
		path = strdup(argv[0]);
	else if (asprintf(&path, "%s/%s", env_or_dot("KVMRT_BUILD_ROOT"), argv[0]) < 0)
		path = NULL;
	if (!path)
		return -ENOMEM;
	if (pipe2(outp, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(errp, O_CLOEXEC) < 0) {
		r = -errno;
		close(outp[0]);
		close(outp[1]);
		return r;
	}
	pid = fork();
	if (pid == 0) {
		dup2(outp[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		execv(path, argv);
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	out.fd = outp[0];
	err.fd = errp[0];
	r = pid < 0 ? -errno : drain(&out, &err);
	close(outp[0]);
	close(errp[0]);
	if (pid > 0 && waitpid(pid, &status, 0) < 0 && r >= 0)
		r = -errno;
	if (r < 0) {
		free(out.buf);
		free(err.buf);
		return r;
	}
	ret->out = out.buf ? out.buf : strdup("");
	ret->out_len = out.len;
	ret->err = err.buf ? err.buf : strdup("");
	ret->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

void test_output_free(struct test_output *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
}

void test_asan_slow_unwind(void)
{
	const char *asan = getenv("ASAN_OPTIONS");
	char options[512];

	snprintf(options, sizeof(options), "%s%sfast_unwind_on_malloc=0", asan ? asan : "",
		 asan && *asan ? ":" : "");
	setenv("ASAN_OPTIONS", options, 1);
}
