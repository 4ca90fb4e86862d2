/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spike.c - the recordings of a campaign (--trace) and the spike that ended
 * it (--break): which thread of which system broke on which CPU (read from
 * cyclictest's own lines), the recordings merged into DIR/trace/merged, the
 * spike's marker found in the merged view, and what happened around it
 * written to DIR/trace/explain.txt; DIR/spike names all of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "cpulist.h"
#include "remote.h"
#include "spike.h"
#include "tool.h"

#define SPIKE_MARK "hit latency threshold"
#define CONTEXT_NS 1000000ull /* the explain file shows this much before the mark */

/* The value after @label at the start of a line of @log, or NULL. */
static const char *line_value(const char *log, const char *label)
{
	size_t n = strlen(label);

	for (const char *l = log; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, label, n))
			return l + n;
	return NULL;
}

static int read_number(const char *s, uint64_t max, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	while (*s == ' ')
		s++;
	if (*s < '0' || *s > '9')
		return -EBADMSG;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > max || (*end != '\n' && *end != '\0' && *end != ' '))
		return -EBADMSG;
	*ret = v;
	return 0;
}

/* The @index-th CPU (0-based) of the list @cpus, or -1. */
static int nth_cpu(const char *cpus, unsigned index)
{
	bool set[LAT_CPUS_MAX] = {};
	unsigned count;

	if (cpulist_parse(cpus, LAT_CPUS_MAX, set, &count) < 0)
		return -1;
	for (unsigned c = 0; c < count; c++)
		if (set[c] && index-- == 0)
			return (int)c;
	return -1;
}

int lat_break_parse(const char *log, const char *cpus, struct lat_break *ret)
{
	const char *ids = line_value(log, "# Thread Ids:");
	const char *thread = line_value(log, "# Break thread:");
	const char *value = line_value(log, "# Break value:");
	struct lat_break b = { .cpu = -1 };
	uint64_t tid, v;
	unsigned index = 0;

	if (!thread)
		return 0;
	if (!ids || !value || read_number(thread, INT32_MAX, &tid) < 0 ||
	    read_number(value, UINT32_MAX, &b.value_us) < 0)
		return -EBADMSG;
	b.tid = (long)tid;
	for (;;) {
		while (*ids == ' ')
			ids++;
		if (read_number(ids, INT32_MAX, &v) < 0)
			return -EBADMSG; /* the thread is not among the ids */
		if (v == tid)
			break;
		ids += strspn(ids, "0123456789");
		index++;
	}
	b.thread = index;
	b.cpu = nth_cpu(cpus, index);
	*ret = b;
	return 1;
}

int lat_trace_merge(const char *dir, const struct lat_run_params *p, char *why, size_t why_len)
{
	const char *argv[8 + 3 * LAT_MAX_SYSTEMS];
	char inputs[LAT_MAX_SYSTEMS][4096], out[4096], log[4096];
	_cleanup_close_ int fd = -1;
	unsigned n = 0, nr_inputs = 0;
	int r, status;

	snprintf(out, sizeof(out), "%s/trace/merged", dir);
	snprintf(log, sizeof(log), "%s/trace/merge.log", dir);
	argv[n++] = "xtrace-multi-merge";
	argv[n++] = "-q";
	argv[n++] = "-o";
	argv[n++] = out;
	for (unsigned i = 0; i < p->nr_systems; i++) {
		snprintf(inputs[i], sizeof(inputs[i]), "%s/trace/%s", dir, p->systems[i].name);
		if (access(inputs[i], F_OK) < 0)
			continue;
		argv[n++] = "--name";
		argv[n++] = p->systems[i].name;
		argv[n++] = inputs[i];
		nr_inputs++;
	}
	argv[n] = NULL;
	if (nr_inputs == 0) {
		snprintf(why, why_len, "%s/trace: no recording came back to merge", dir);
		return -ENOENT;
	}
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return snprintf(why, why_len, "%s: cannot create", log), -errno;
	r = lat_exec(argv, fd, &status);
	if (r < 0 || status != 0) {
		snprintf(why, why_len, "xtrace-multi-merge failed (%s): see %s",
			 r < 0 ? strerror(-r) : "exit status", log);
		return r < 0 ? r : -EIO;
	}
	return 0;
}

/* The time of day (ns) of the spike marker of @name in the merged view, 0 if none. */
static uint64_t find_mark(const char *merged, const char *name)
{
	const char *argv[] = { "xtrace-view", "--time", "tod", "--event", "MARKER", "--host", name,
			       merged, NULL };
	_cleanup_free_ char *out = NULL;
	unsigned long long sec, nsec;
	int status;

	if (lat_exec_capture(argv, &out, &status) < 0 || status != 0)
		return 0;
	for (char *l = out; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char *end = strchr(l, '\n');

		if (end)
			*end = '\0';
		if (strstr(l, SPIKE_MARK) && sscanf(l, "%llu.%9llu", &sec, &nsec) == 2)
			return sec * 1000000000ull + nsec;
		if (end)
			*end = '\n';
	}
	return 0;
}

static void tod_text(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64 ".%09" PRIu64, ns / UINT64_C(1000000000),
		 ns % UINT64_C(1000000000));
}

/* DIR/trace/explain.txt: the CPU that broke before the mark, then xtrace-view --explain. */
static int write_explain(const char *dir, const struct lat_system *s, const struct lat_break *b,
			 uint64_t mark, const char *path)
{
	char merged[4096], t[32], from[32], cpu[16];
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int status;

	if (fd < 0)
		return -errno;
	snprintf(merged, sizeof(merged), "%s/trace/merged", dir);
	if (!mark) {
		dprintf(fd, "# %s: no \"%s\" marker of cyclictest in %s\n", s->name, SPIKE_MARK,
			merged);
		return 0;
	}
	tod_text(mark, t, sizeof(t));
	tod_text(mark - CONTEXT_NS, from, sizeof(from));
	snprintf(cpu, sizeof(cpu), "%d", b->cpu);
	dprintf(fd, "# Spike on %s: thread %u (tid %ld) on CPU %d woke %" PRIu64 " us late; its "
		"marker is at %s.\n# %s CPU %d in the millisecond before:\n", s->name, b->thread,
		b->tid, b->cpu, b->value_us, t, s->name, b->cpu);
	lat_exec((const char *[]){ "xtrace-view", "--time", "tod", "--host", s->name, "--cpu", cpu,
				   "--from", from, "--to", t, merged, NULL },
		 fd, &status);
	dprintf(fd, "# xtrace-view --explain %s:\n", t);
	return lat_exec((const char *[]){ "xtrace-view", "--explain", t, merged, NULL }, fd, &status);
}

int lat_spike_write(const char *dir, const struct lat_run_params *p, unsigned system,
		    const struct lat_break *b, char *why, size_t why_len)
{
	const struct lat_system *s = &p->systems[system];
	char path[4096], merged[4096], t[32] = "unknown";
	_cleanup_fclose_ FILE *f = NULL;
	uint64_t mark;
	int r;

	snprintf(merged, sizeof(merged), "%s/trace/merged", dir);
	mark = access(merged, F_OK) == 0 ? find_mark(merged, s->name) : 0;
	if (mark)
		tod_text(mark, t, sizeof(t));
	snprintf(path, sizeof(path), "%s/trace/explain.txt", dir);
	r = write_explain(dir, s, b, mark, path);
	if (r < 0)
		return snprintf(why, why_len, "%s: %s", path, strerror(-r)), r;
	snprintf(path, sizeof(path), "%s/spike", dir);
	f = fopen(path, "we");
	if (!f)
		return snprintf(why, why_len, "%s: cannot create", path), -errno;
	fprintf(f, "system = %s\ncpu = %d\nthread = %u\ntid = %ld\nlatency_us = %" PRIu64 "\n"
		"break_us = %" PRIu64 "\ntime = %s\ndump = trace/%s\nmerged = trace/merged\n"
		"explain = trace/explain.txt\n", s->name, b->cpu, b->thread, b->tid, b->value_us,
		p->break_us, t, s->name);
	if (fflush(f) != 0 || ferror(f))
		return snprintf(why, why_len, "%s: write failed", path), -EIO;
	return 0;
}
