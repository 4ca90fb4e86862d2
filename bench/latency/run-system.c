/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-system.c - the SYSTEM arguments of `kvmrt-latency run`:
 * "[NAME=]local" and "[NAME=]ssh:[USER@]HOST". NAME becomes a directory of
 * the results, HOST is handed to ssh and scp: both are checked strictly.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "run-params.h"

/* Names the results directory uses for itself. */
static const char *const reserved[] = { "trace", "campaign", "spike", "summary.txt",
					"summary.json" };

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static int check_name(const char *name, size_t len, char *why, size_t why_len)
{
	if (len == 0) {
		snprintf(why, why_len, "empty system name");
		return -EINVAL;
	}
	if (len >= LAT_NAME_MAX) {
		snprintf(why, why_len, "system name '%.*s' is longer than %d characters", (int)len,
			 name, LAT_NAME_MAX - 1);
		return -EINVAL;
	}
	if (name[0] == '.' || name[0] == '-') {
		snprintf(why, why_len, "system name '%.*s' must not start with '%c'", (int)len, name,
			 name[0]);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if (!name_char(name[i])) {
			snprintf(why, why_len,
				 "system name '%.*s': only letters, digits, '.', '_' and '-'",
				 (int)len, name);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		if (strlen(reserved[i]) == len && !memcmp(reserved[i], name, len)) {
			snprintf(why, why_len, "system name '%s' is reserved for the results", reserved[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/* [USER@]HOST: letters, digits, '.', '_', '-', ':' (IPv6), one '@' after a user. */
static int check_host(const char *host, char *why, size_t why_len)
{
	const char *at = strchr(host, '@');
	const char *name = at ? at + 1 : host;
	size_t len = strlen(host);

	if (len == 0 || *name == '\0' || at == host) {
		snprintf(why, why_len, "ssh:%s: no host after 'ssh:'", host);
		return -EINVAL;
	}
	if (len >= LAT_HOST_MAX) {
		snprintf(why, why_len, "ssh: host is longer than %d characters", LAT_HOST_MAX - 1);
		return -EINVAL;
	}
	if (host[0] == '-' || *name == '-' || strchr(name, '@')) {
		snprintf(why, why_len, "ssh:%s: not a host name", host);
		return -EINVAL;
	}
	for (const char *c = host; *c; c++) {
		if (!name_char(*c) && *c != ':' && *c != '@') {
			snprintf(why, why_len, "ssh:%s: '%c' is not allowed in a host", host, *c);
			return -EINVAL;
		}
	}
	return 0;
}

/* The default name of an ssh system: its host without the user, ':' as '_'. */
static int name_from_host(const char *host, char *name, char *why, size_t why_len)
{
	const char *at = strchr(host, '@');
	const char *h = at ? at + 1 : host;
	size_t i;

	if (strlen(h) >= LAT_NAME_MAX) {
		snprintf(why, why_len, "ssh:%s: host too long for a system name: give it a NAME= "
			 "prefix", host);
		return -EINVAL;
	}
	for (i = 0; h[i]; i++)
		name[i] = h[i] == ':' ? '_' : h[i];
	name[i] = '\0';
	return check_name(name, i, why, why_len);
}

int lat_system_parse(const char *spec, struct lat_system *ret, char *why, size_t why_len)
{
	struct lat_system s = {};
	const char *eq = strchr(spec, '=');
	const char *target = eq ? eq + 1 : spec;
	int r;

	if (eq) {
		r = check_name(spec, eq - spec, why, why_len);
		if (r < 0)
			return r;
		memcpy(s.name, spec, eq - spec);
	}
	if (!strcmp(target, "local")) {
		if (!eq)
			snprintf(s.name, sizeof(s.name), "host");
	} else if (!strncmp(target, "ssh:", 4)) {
		r = check_host(target + 4, why, why_len);
		if (r < 0)
			return r;
		snprintf(s.host, sizeof(s.host), "%s", target + 4);
		if (!eq) {
			r = name_from_host(s.host, s.name, why, why_len);
			if (r < 0)
				return r;
		}
	} else {
		snprintf(why, why_len, "system '%s': expected [NAME=]local or [NAME=]ssh:HOST", spec);
		return -EINVAL;
	}
	*ret = s;
	return 0;
}

int lat_system_add(struct lat_run_params *p, const char *spec, char *why, size_t why_len)
{
	struct lat_system s;
	int r = lat_system_parse(spec, &s, why, why_len);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < p->nr_systems; i++) {
		if (!strcmp(p->systems[i].name, s.name)) {
			snprintf(why, why_len, "system '%s' named twice: give one a NAME= prefix",
				 s.name);
			return -EINVAL;
		}
	}
	if (p->nr_systems == LAT_MAX_SYSTEMS) {
		snprintf(why, why_len, "more than %d systems", LAT_MAX_SYSTEMS);
		return -EINVAL;
	}
	p->systems[p->nr_systems++] = s;
	return 0;
}

const char *lat_system_target(const struct lat_system *s, char *buf, size_t len)
{
	if (lat_system_is_local(s))
		snprintf(buf, len, "local");
	else
		snprintf(buf, len, "ssh:%s", s->host);
	return buf;
}
