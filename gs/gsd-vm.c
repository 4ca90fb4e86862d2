/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gsd-vm.c - which VM a vCPU thread belongs to: its process (Tgid in
 * /proc/TID/status) is QEMU, whose command line names the guest with
 * "-name guest=NAME,..." (libvirt writes it so) or "-name NAME"; failing
 * that, libvirt's pid file /run/libvirt/qemu/NAME.pid holding that process.
 * And which host CPUs that VM's vCPUs may run on (a guest's flush of "its"
 * CPUs), from the affinity of QEMU's vCPU threads.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpulist.h"
#include "gsd.h"
#include "xt-gs.h"

#define PROC_READ_MAX 65536
#define LIBVIRT_PIDS "/run/libvirt/qemu"
#define CPUS_MAX 4096 /* host CPUs a VM is mapped onto: 0 .. CPUS_MAX - 1 */

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

/* The value of "\n@key" in a /proc status text (ends at the line's end), or NULL. */
static const char *status_value(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? p + strlen(key) + strspn(p + strlen(key), " \t") : NULL;
}

/* QEMU names its vCPU threads "CPU N/KVM" (or /TCG). */
static bool vcpu_thread(const char *status)
{
	const char *name = status_value(status, "Name:");

	return name && !strncmp(name, "CPU ", 4) && name[4] >= '0' && name[4] <= '9';
}

/*
 * Adds the Cpus_allowed_list of each thread of @tgid into @set: of the vCPU
 * threads when @vcpus_only. Returns the threads counted or -ENOENT.
 */
static int add_thread_cpus(const char *root, long tgid, bool vcpus_only, bool *set, char *buf)
{
	char dir[4096], path[4400];
	struct dirent *de;
	int counted = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/proc/%ld/task", root, tgid);
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		const char *list;
		unsigned count;
		char line[1024];

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%s/status", dir, de->d_name);
		if (read_small(path, buf, PROC_READ_MAX) <= 0 || (vcpus_only && !vcpu_thread(buf)))
			continue;
		list = status_value(buf, "\nCpus_allowed_list:");
		if (!list)
			continue;
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(list, "\n"), list);
		if (cpulist_parse(line, CPUS_MAX, set, &count) == 0 && count > 0)
			counted++;
	}
	closedir(d);
	return counted;
}

int gsd_vm_cpus(const char *proc_root, uint32_t tid, char *out, size_t len)
{
	char path[4096];
	char *buf = malloc(PROC_READ_MAX);
	bool *set = calloc(CPUS_MAX, sizeof(*set));
	long tgid = -1;
	int r = -ENOMEM;

	if (buf && set) {
		snprintf(path, sizeof(path), "%s/proc/%u/status", proc_root, tid);
		if (read_small(path, buf, PROC_READ_MAX) > 0)
			tgid = status_tgid(buf);
		r = tgid > 0 ? add_thread_cpus(proc_root, tgid, true, set, buf) : -ENOENT;
		if (r == 0)
			r = add_thread_cpus(proc_root, tgid, false, set, buf);
		if (r == 0)
			r = -ENOENT;
	}
	if (r > 0)
		r = cpulist_format(set, CPUS_MAX, out, len);
	free(buf);
	free(set);
	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}
