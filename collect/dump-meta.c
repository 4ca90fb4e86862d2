/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dump-meta.c - what a dump holds besides the CPU data files: who recorded
 * it (host, kernel, arch) and the tracefs files a reader needs to decode
 * the pages (formats) and to name tasks (saved cmdlines and tgids).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "xcollect.h"

int xc_dump_set_system_meta(struct xt_dump_writer *w)
{
	struct utsname u;
	int r;

	if (uname(&u) < 0)
		return -errno;
	/* format, version and status are the dump writer's own keys. */
	r = xt_dump_writer_set(w, XT_META_HOST, "%s", u.nodename);
	if (r >= 0)
		r = xt_dump_writer_set(w, "kernel", "%s", u.release);
	if (r >= 0)
		r = xt_dump_writer_set(w, "arch", "%s", u.machine);
	return r;
}

/* Copies @tracing_dir/@rel to the same relative path in the dump. */
static int copy_rel(struct xt_dump_writer *w, const char *tracing_dir, const char *rel)
{
	_cleanup_free_ char *src = NULL;

	if (asprintf(&src, "%s/%s", tracing_dir, rel) < 0)
		return -ENOMEM;
	return xt_dump_writer_copy_file(w, rel, src);
}

static int copy_event_format(struct xt_dump_writer *w, const char *tracing_dir,
			     const char *system, const char *event)
{
	_cleanup_free_ char *rel = NULL;

	if (asprintf(&rel, "events/%s/%s/format", system, event) < 0)
		return -ENOMEM;
	return copy_rel(w, tracing_dir, rel);
}

int xc_dump_copy_formats(struct xt_dump_writer *w, const char *tracing_dir,
			 const struct xc_event_set *set)
{
	int r;

	r = copy_rel(w, tracing_dir, "events/header_page");
	if (r >= 0)
		r = copy_rel(w, tracing_dir, "events/header_event");
	if (r >= 0)
		r = copy_event_format(w, tracing_dir, "ftrace", "print");
	for (size_t i = 0; r >= 0 && i < set->n; i++)
		r = copy_event_format(w, tracing_dir, set->ids[i].system, set->ids[i].event);
	return r;
}

int xc_dump_copy_tables(struct xt_dump_writer *w, const char *tracing_dir)
{
	static const char *const tables[] = { "printk_formats", "saved_cmdlines", "saved_tgids" };

	for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
		int r = copy_rel(w, tracing_dir, tables[i]);

		/* Older kernels lack some tables: a dump without them still reads. */
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}
