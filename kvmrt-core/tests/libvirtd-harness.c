/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvirtd-harness.c - virtlogd and libvirtd started by hand for the e2e tests. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "fileio.h"
#include "libvirtd-harness.h"
#include "test-exec.h"

#define LOCK_PATH "/run/lock/kvmrt-e2e-libvirtd.lock"

static const struct {
	const char *prog, *pidfile;
} daemons[] = {
	{ "/usr/sbin/virtlogd", "/run/virtlogd.pid" },
	{ "/usr/sbin/libvirtd", "/run/libvirtd.pid" },
};

static pid_t running_pid(const char *pidfile)
{
	char *text;
	size_t len;
	long pid;

	if (read_file_at(AT_FDCWD, pidfile, 64, &text, &len) < 0)
		return 0;
	pid = strtol(text, NULL, 10);
	free(text);
	return pid > 0 && kill((pid_t)pid, 0) == 0 ? (pid_t)pid : 0;
}

static void quiet(void *ud, virErrorPtr e)
{
}

static virConnectPtr connect_wait(void)
{
	for (int i = 0; i < 100; i++) {
		virConnectPtr c = virConnectOpen(HARNESS_URI);

		if (c)
			return c;
		usleep(200 * 1000);
	}
	return NULL;
}

static int run(char *const argv[])
{
	struct test_output o;
	int r = test_exec(argv, &o);

	if (r < 0)
		return r;
	r = o.status == 0 ? 0 : -1;
	if (r < 0)
		fprintf(stderr, "%s: exit %d: %s%s\n", argv[0], o.status, o.out, o.err);
	test_output_free(&o);
	return r;
}

/* libvirt's QEMU driver runs guests as libvirt-qemu (Debian's package creates it). */
static int ensure_qemu_user(void)
{
	char *argv[] = { "/usr/sbin/useradd", "--system", "--no-create-home", "--user-group",
			 "--shell", "/usr/sbin/nologin", "libvirt-qemu", NULL };

	return getpwnam("libvirt-qemu") ? 0 : run(argv);
}

bool harness_usable(void)
{
	if (geteuid() != 0 || access("/usr/sbin/libvirtd", X_OK) != 0) {
		fprintf(stderr, "e2e: needs root and libvirtd: skipped\n");
		return false;
	}
	return true;
}

static int start_daemons(struct libvirtd_harness *h)
{
	if (ensure_qemu_user() < 0) {
		fprintf(stderr, "cannot create the libvirt-qemu user\n");
		return -1;
	}
	for (size_t i = 0; i < sizeof(daemons) / sizeof(daemons[0]); i++) {
		char *argv[] = { (char *)daemons[i].prog, "-d", NULL };

		if (running_pid(daemons[i].pidfile))
			continue;
		if (run(argv) < 0) {
			fprintf(stderr, "cannot start %s\n", daemons[i].prog);
			return -1;
		}
		for (int k = 0; k < 50 && !h->started[i]; k++) {
			h->started[i] = running_pid(daemons[i].pidfile);
			usleep(100 * 1000);
		}
	}
	return 0;
}

int harness_start(struct libvirtd_harness *h)
{
	*h = (struct libvirtd_harness){ .lock_fd = -1 };
	h->lock_fd = open(LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (h->lock_fd < 0 || flock(h->lock_fd, LOCK_EX) < 0) {
		fprintf(stderr, "%s: %s\n", LOCK_PATH, strerror(errno));
		return -1;
	}
	virSetErrorFunc(NULL, quiet);
	if (start_daemons(h) < 0)
		return -1;
	h->conn = connect_wait();
	if (!h->conn) {
		fprintf(stderr, "cannot connect to %s: %s\n", HARNESS_URI,
			virGetLastErrorMessage());
		return -1;
	}
	return 0;
}

void harness_stop(struct libvirtd_harness *h)
{
	if (h->conn)
		virConnectClose(h->conn);
	h->conn = NULL;
	for (size_t i = sizeof(daemons) / sizeof(daemons[0]); i-- > 0;) {
		pid_t pid = h->started[i];

		if (!pid)
			continue;
		kill(pid, SIGTERM);
		for (int k = 0; k < 100 && kill(pid, 0) == 0; k++)
			usleep(100 * 1000);
		h->started[i] = 0;
	}
	if (h->lock_fd >= 0)
		close(h->lock_fd); /* releases the flock */
	h->lock_fd = -1;
}

void harness_undefine(struct libvirtd_harness *h, const char *uuid)
{
	virDomainPtr d = h->conn ? virDomainLookupByUUIDString(h->conn, uuid) : NULL;

	if (!d)
		return;
	if (virDomainIsActive(d) == 1)
		virDomainDestroy(d);
	virDomainUndefine(d);
	virDomainFree(d);
}

int harness_define(struct libvirtd_harness *h, const char *rel, const char *uuid)
{
	char *path = test_source_path(rel), *xml = NULL;
	virDomainPtr d = NULL;
	size_t len;

	harness_undefine(h, uuid);
	if (read_file_at(AT_FDCWD, path, 1 << 20, &xml, &len) == 0)
		d = virDomainDefineXMLFlags(h->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
	if (!d)
		fprintf(stderr, "define %s: %s\n", path,
			xml ? virGetLastErrorMessage() : "unreadable");
	free(xml);
	free(path);
	if (!d)
		return -1;
	virDomainFree(d);
	return 0;
}
