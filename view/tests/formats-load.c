/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "formats-load.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <traceevent/event-parse.h>

#include "cleanup.h"

DEFINE_POINTER_CLEANUP(struct tep_handle, tep_free)
DEFINE_POINTER_CLEANUP(DIR, closedir)

static int load_format(struct tep_handle *tep, const char *path, const char *sys)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *buf = malloc(65536);
	size_t n;

	if (!f)
		return errno == ENOENT ? 0 : -errno; /* a directory without a format */
	if (!buf)
		return -ENOMEM;
	n = fread(buf, 1, 65536, f);
	return tep_parse_event(tep, buf, n, sys) == 0 ? 0 : -EBADMSG;
}

static int load_system(struct tep_handle *tep, const char *dir, const char *sys)
{
	char path[PATH_MAX];
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, sys);
	d = opendir(path);
	if (!d)
		return errno == ENOTDIR ? 0 : -errno; /* header_page, KERNEL */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s/format", dir, sys, de->d_name);
		r = load_format(tep, path, sys);
		if (r < 0)
			return r;
	}
	return 0;
}

int vt_formats_load(const char *dir, struct tep_handle **ret)
{
	_cleanup_(tep_freep) struct tep_handle *tep = tep_alloc();
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct dirent *de;
	int r;

	if (!tep)
		return -ENOMEM;
	if (!d)
		return -errno;
	tep_set_long_size(tep, 8);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		r = load_system(tep, dir, de->d_name);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(tep);
	return 0;
}
