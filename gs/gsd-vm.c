/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsd-vm.c - which VM a vCPU thread belongs to: its process (Tgid in
 * /proc/TID/status) is QEMU, whose command line names the guest with
 * "-name guest=NAME,..." (libvirt writes it so) or "-name NAME"; failing
 * that, libvirt's pid file /run/libvirt/qemu/NAME.pid holding that process.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gsd.h"
#include "xt-gs.h"

#define PROC_READ_MAX 65536
#define LIBVIRT_PIDS "/run/libvirt/qemu"

/* Reads @path (at most PROC_READ_MAX bytes) into @buf; the byte count or -errno. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	while ((size_t)len < cap - 1 && (n = read(fd, buf + len, cap - 1 - (size_t)len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

/* Copies the value of "guest=" (or the whole option) up to a comma, escaped. */
static void name_value(const char *opt, size_t len, char out[GSD_VM_NAME_MAX])
{
	const char *v = opt;
	size_t n;

	if (len > 6 && !strncmp(opt, "guest=", 6)) {
		v = opt + 6;
		len -= 6;
	} else {
		/* "-name NAME,debug-threads=on": the first comma ends NAME */
		const char *g = memmem(opt, len, ",guest=", 7);

		if (g) {
			len -= (size_t)(g + 7 - opt);
			v = g + 7;
		}
	}
	n = strcspn(v, ",");
	xt_gs_escape(v, n < len ? n : len, out, GSD_VM_NAME_MAX);
}

int gsd_qemu_name(const char *cmdline, size_t len, char out[GSD_VM_NAME_MAX])
{
	size_t at = 0;

	while (at < len) {
		const char *arg = cmdline + at;
		size_t alen = strnlen(arg, len - at);

		if (!strcmp(arg, "-name") && at + alen + 1 < len) {
			const char *opt = arg + alen + 1;

			name_value(opt, strnlen(opt, len - at - alen - 1), out);
			return out[0] ? 0 : -ENOENT;
		}
		at += alen + 1;
	}
	return -ENOENT;
}

static long status_tgid(const char *text)
{
	const char *p = strstr(text, "\nTgid:");

	return p ? strtol(p + 6, NULL, 10) : -1;
}

/* NAME of the libvirt pid file NAME.pid holding @tgid, escaped; 0 or -ENOENT. */
static int libvirt_name(const char *root, long tgid, char *buf, char out[GSD_VM_NAME_MAX])
{
	char dir[4096], path[4400];
	struct dirent *de;
	int r = -ENOENT;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s" LIBVIRT_PIDS, root);
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while (r < 0 && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len <= 4 || strcmp(de->d_name + len - 4, ".pid"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (read_small(path, buf, 32) > 0 && strtol(buf, NULL, 10) == tgid) {
			xt_gs_escape(de->d_name, len - 4, out, GSD_VM_NAME_MAX);
			r = 0;
		}
	}
	closedir(d);
	return r;
}

void gsd_vm_name(const char *proc_root, uint32_t tid, char out[GSD_VM_NAME_MAX])
{
	char path[4096];
	char *buf = malloc(PROC_READ_MAX);
	ssize_t n;
	long tgid;

	snprintf(out, GSD_VM_NAME_MAX, "tid-%u", tid);
	if (!buf)
		return;
	snprintf(path, sizeof(path), "%s/proc/%u/status", proc_root, tid);
	n = read_small(path, buf, PROC_READ_MAX);
	tgid = n > 0 ? status_tgid(buf) : -1;
	if (tgid > 0) {
		char name[GSD_VM_NAME_MAX];

		snprintf(path, sizeof(path), "%s/proc/%ld/cmdline", proc_root, tgid);
		n = read_small(path, buf, PROC_READ_MAX);
		if ((n > 0 && gsd_qemu_name(buf, (size_t)n, name) == 0) ||
		    libvirt_name(proc_root, tgid, buf, name) == 0)
			memcpy(out, name, GSD_VM_NAME_MAX);
	}
	free(buf);
}
