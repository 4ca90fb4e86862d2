/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostcheck-read.c - what the host checks read: the kernel command line, CPU
 * lists and masks as the kernel writes them, processes by name, CPU flags.
 * Everything comes from the sysroot and is untrusted.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "hostcheck-private.h"

/* The word of the kernel command line at or after @p; NULL at the end or at "--"
 * (init's arguments follow). */
static const char *cmdline_next(const char *p, size_t *ret_len)
{
	size_t n;

	p += strspn(p, " \t\n");
	n = strcspn(p, " \t\n");
	if (n == 0 || (n == 2 && !strncmp(p, "--", 2)))
		return NULL;
	*ret_len = n;
	return p;
}

const char *hc_cmdline_value(const struct hc_ctx *c, const char *name, char *buf, size_t len)
{
	size_t name_len = strlen(name), n;
	const char *found = NULL;

	for (const char *w = cmdline_next(c->cmdline, &n); w; w = cmdline_next(w + n, &n)) {
		if (n > name_len && !strncmp(w, name, name_len) && w[name_len] == '=') {
			size_t vlen = n - name_len - 1;

			if (vlen >= len)
				vlen = len - 1;
			memcpy(buf, w + name_len + 1, vlen);
			buf[vlen] = '\0';
			found = buf;
		}
	}
	return found;
}

int hc_parse_list(const char *s, struct kvmrt_ids *ret)
{
	char why[128];
	int r;

	s += strspn(s, " \t\n");
	if (!*s || !strcmp(s, "(null)"))
		return kvmrt_ids_init(ret, 0);
	r = kvmrt_idset_parse(s, KVMRT_MAX_IDS, ret, why, sizeof(why));
	return r == -ENOMEM ? r : r < 0 ? -EINVAL : 0;
}

int hc_parse_flagged_list(const char *s, struct kvmrt_ids *ret)
{
	/* "managed_irq,domain,2-7": flags are the leading words starting with a letter */
	while (isalpha((unsigned char)*s)) {
		const char *comma = strchr(s, ',');

		if (!comma)
			return kvmrt_ids_init(ret, 0);
		s = comma + 1;
	}
	return hc_parse_list(s, ret);
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)tolower((unsigned char)ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

int hc_parse_mask(const char *s, struct kvmrt_ids *ret)
{
	size_t len = strcspn(s, "\n"), digits = 0;
	struct kvmrt_ids ids;
	unsigned bit = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == ',')
			continue;
		if (hex_digit(s[i]) < 0)
			return -EINVAL;
		digits++;
	}
	if (digits == 0 || digits * 4 > KVMRT_MAX_IDS)
		return -EINVAL;
	if (kvmrt_ids_init(&ids, (unsigned)digits * 4) < 0)
		return -ENOMEM;
	for (size_t i = len; i-- > 0;) {
		int v = s[i] == ',' ? -1 : hex_digit(s[i]);

		for (int b = 0; v >= 0 && b < 4; b++, bit++)
			if (v >> b & 1)
				kvmrt_ids_add(&ids, bit);
	}
	*ret = ids;
	return 0;
}

static int read_with(const struct hc_ctx *c, const char *path, struct kvmrt_ids *ret,
		     int (*parse)(const char *s, struct kvmrt_ids *ret))
{
	_cleanup_free_ char *text = NULL;
	int r = kvmrt_sysroot_read_line(c->root, path, &text);

	return r < 0 ? r : parse(text, ret);
}

int hc_read_list(const struct hc_ctx *c, const char *path, struct kvmrt_ids *ret)
{
	return read_with(c, path, ret, hc_parse_list);
}

int hc_read_mask(const struct hc_ctx *c, const char *path, struct kvmrt_ids *ret)
{
	return read_with(c, path, ret, hc_parse_mask);
}

const char *hc_cpus(const struct kvmrt_ids *s, char *buf, size_t len)
{
	_cleanup_free_ char *list = NULL;
	unsigned n = kvmrt_ids_count(s);

	if (n == 0 || kvmrt_ids_format(s, &list) < 0)
		snprintf(buf, len, "%s", n ? "CPUs ?" : "no CPU");
	else if ((size_t)snprintf(buf, len, "CPU%s %s", n > 1 ? "s" : "", list) >= len && len > 4)
		strcpy(buf + len - 4, "...");
	return buf;
}

long hc_find_process(const struct hc_ctx *c, const char *comm)
{
	char **names = NULL;
	long found = 0;
	int n = kvmrt_sysroot_list(c->root, "proc", &names);

	if (n < 0)
		return n == -ENOMEM ? n : 0;
	for (int i = 0; i < n && !found; i++) {
		_cleanup_free_ char *text = NULL;
		char path[64];

		char *end;
		long pid = strtol(names[i], &end, 10);

		/* processes are the directories named by a whole positive number */
		if (!isdigit((unsigned char)names[i][0]) || *end || pid <= 0 || pid > INT32_MAX)
			continue;
		snprintf(path, sizeof(path), "proc/%ld/comm", pid);
		/* a process may exit while the list is read: skip it */
		if (kvmrt_sysroot_read_line(c->root, path, &text) == 0 && !strcmp(text, comm))
			found = pid;
	}
	kvmrt_strv_free(names);
	return found;
}

bool hc_cpu_flag(const struct hc_ctx *c, const char *flag)
{
	const char *line = c->cpuinfo;
	size_t flen = strlen(flag);

	/* the first "flags : ..." line (every CPU has the same) */
	while (line && strncmp(line, "flags", 5))
		line = (line = strchr(line, '\n')) ? line + 1 : NULL;
	if (!line)
		return false;
	for (const char *p = strchr(line, ':'); p && *p && *p != '\n';) {
		size_t n;

		p += strspn(p, ": \t");
		n = strcspn(p, " \t\n");
		if (n == flen && !strncmp(p, flag, n))
			return true;
		p += n;
	}
	return false;
}
