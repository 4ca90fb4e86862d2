/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-sysroot.c - the scratch sysroot tree of the host file fuzz targets. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz-sysroot.h"

/* The tree to remove at exit (a fuzz target makes one per process). */
static const char *made_root;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_root(void)
{
	nftw(made_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void fuzz_sysroot_make(char *root, const struct fuzz_file *files, struct kvmrt_sysroot *s)
{
	char why[256];

	if (!mkdtemp(root))
		abort();
	made_root = root;
	atexit(remove_root);
	for (; files->rel; files++)
		fuzz_sysroot_put(root, files->rel, files->text, strlen(files->text));
	if (kvmrt_sysroot_open(root, s, why, sizeof(why)) < 0)
		abort();
}

void fuzz_sysroot_put(const char *root, const char *rel, const char *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = strchr(path + strlen(root) + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "we");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
}
