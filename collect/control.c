/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control.c - the per-session control socket XC_CONTROL_DIR/PID.sock, both
 * ends. One request line per connection, one reply line: "ok ..." or
 * "error ...". The directory is root's alone (0700), so only root talks to
 * a recording.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "xcollect.h"

#define IO_TIMEOUT_MS 5000

struct xc_control {
	int fd;
	struct sockaddr_un addr;
};

static int socket_addr(pid_t session, struct sockaddr_un *ret)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int n = snprintf(a.sun_path, sizeof(a.sun_path), XC_CONTROL_DIR "/%d.sock", (int)session);

	if (n < 0 || (size_t)n >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	*ret = a;
	return 0;
}

/* XC_CONTROL_DIR exists, is a directory and root's alone. */
static int make_dir(void)
{
	struct stat st;

	if (mkdir(XC_CONTROL_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(XC_CONTROL_DIR, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0)
		return -EPERM;
	return chmod(XC_CONTROL_DIR, 0700) < 0 ? -errno : 0;
}

int xc_control_listen(pid_t session, struct xc_control **ret)
{
	_cleanup_free_ struct xc_control *c = calloc(1, sizeof(*c));
	_cleanup_close_ int fd = -1;
	int r;

	if (!c)
		return -ENOMEM;
	r = socket_addr(session, &c->addr);
	if (r >= 0)
		r = make_dir();
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A socket of a dead process with our PID is stale. */
	unlink(c->addr.sun_path);
	if (bind(fd, (struct sockaddr *)&c->addr, sizeof(c->addr)) < 0 ||
	    chmod(c->addr.sun_path, 0600) < 0 || listen(fd, 8) < 0) {
		r = -errno;
		unlink(c->addr.sun_path);
		return r;
	}
	c->fd = TAKE_FD(fd);
	*ret = TAKE_PTR(c);
	return 0;
}

void xc_control_free(struct xc_control *c)
{
	if (!c)
		return;
	unlink(c->addr.sun_path);
	close(c->fd);
	free(c);
}

int xc_control_fd(const struct xc_control *c)
{
	return c->fd;
}

/* Waits up to IO_TIMEOUT_MS for @fd to be ready for @events. */
static int wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&p, 1, IO_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

/*
 * Reads one line into @buf (@len bytes), NUL-terminated without its newline;
 * *ret_len says how long it is. A line that does not fit is -E2BIG.
 */
static int read_line(int fd, char *buf, size_t len, size_t *ret_len)
{
	size_t got = 0;
	char *nl = NULL;

	while (!nl && got + 1 < len) {
		ssize_t n;
		int r = wait_fd(fd, POLLIN);

		if (r < 0)
			return r;
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		nl = memchr(buf + got, '\n', n);
		got += n;
	}
	if (got == 0)
		return -ECONNRESET;
	if (!nl && got + 1 >= len)
		return -E2BIG;
	/* One line per connection: what follows its newline is ignored. */
	*ret_len = nl ? (size_t)(nl - buf) : got;
	buf[*ret_len] = '\0';
	return 0;
}

static int write_line(int fd, const char *text)
{
	size_t len = strlen(text), done = 0;
	char nl = '\n';

	while (done < len) {
		ssize_t n = send(fd, text + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && wait_fd(fd, POLLOUT) >= 0)
			continue;
		if (n < 0)
			return -errno;
		done += n;
	}
	return send(fd, &nl, 1, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

int xc_control_serve(struct xc_control *c, xc_request_fn fn, void *userdata)
{
	char request[XC_CONTROL_LINE_MAX + 1], reply[XC_CONTROL_LINE_MAX + 64];
	_cleanup_close_ int fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	size_t request_len;
	int r, w;

	if (fd < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	r = read_line(fd, request, sizeof(request), &request_len);
	if (r == -E2BIG) {
		snprintf(reply, sizeof(reply), "error request longer than %u bytes",
			 XC_CONTROL_LINE_MAX - 1);
		write_line(fd, reply);
	}
	if (r < 0)
		return r;
	r = fn(request, request_len, reply, sizeof(reply), userdata);
	w = write_line(fd, reply);
	return w < 0 && r >= 0 ? w : r;
}

int xc_control_request(pid_t session, const char *request, char *reply, size_t len)
{
	_cleanup_close_ int fd = -1;
	struct sockaddr_un addr;
	size_t reply_len;
	int r;

	r = socket_addr(session, &addr);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return errno == ECONNREFUSED ? -ENOENT : -errno;
	r = write_line(fd, request);
	if (r >= 0)
		r = read_line(fd, reply, len, &reply_len);
	if (r < 0)
		return r;
	return strncmp(reply, "ok", 2) ? -EREMOTEIO : 0;
}

/* The session of a socket name "PID.sock", or 0. */
static pid_t socket_session(const char *name)
{
	char *end;
	long v;

	if (name[0] < '1' || name[0] > '9')
		return 0;
	errno = 0;
	v = strtol(name, &end, 10);
	if (errno || v <= 0 || v > INT_MAX || strcmp(end, ".sock"))
		return 0;
	return v;
}

static bool running(pid_t pid)
{
	return kill(pid, 0) == 0 || errno != ESRCH;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Calls @fn for every "PID.sock" in XC_CONTROL_DIR; a negative return ends the walk. */
static int each_socket(int (*fn)(pid_t pid, const char *name, void *userdata), void *userdata)
{
	struct dirent *de;
	DIR *dir = opendir(XC_CONTROL_DIR);
	int r = 0;

	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while (r >= 0 && (de = readdir(dir))) {
		pid_t pid = socket_session(de->d_name);

		if (pid > 0)
			r = fn(pid, de->d_name, userdata);
	}
	closedir(dir);
	return r;
}

struct pid_list {
	pid_t *pids;
	size_t n;
};

static int add_live(pid_t pid, const char *name, void *userdata)
{
	struct pid_list *l = userdata;
	pid_t *pids;

	(void)name;
	if (!running(pid))
		return 0;
	pids = reallocarray(l->pids, l->n + 1, sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	l->pids = pids;
	l->pids[l->n++] = pid;
	return 0;
}

int xc_control_sessions(pid_t **ret)
{
	struct pid_list l = {};
	int r = each_socket(add_live, &l);

	if (r < 0) {
		free(l.pids);
		return r;
	}
	if (l.n > 1)
		qsort(l.pids, l.n, sizeof(*l.pids), cmp_pid);
	*ret = l.pids;
	return (int)l.n;
}

static int remove_dead(pid_t pid, const char *name, void *userdata)
{
	int *removed = userdata;
	char path[PATH_MAX];

	if (running(pid))
		return 0;
	snprintf(path, sizeof(path), XC_CONTROL_DIR "/%s", name);
	if (unlink(path) < 0)
		return errno == ENOENT ? 0 : -errno;
	++*removed;
	return 0;
}

int xc_control_remove_stale(void)
{
	int removed = 0, r = each_socket(remove_dead, &removed);

	return r < 0 ? r : removed;
}
