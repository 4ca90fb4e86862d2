/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-probe.c - what a system says about itself before a campaign (the
 * probe script's "key = value" answer, untrusted: it comes from a guest),
 * and the CPUs measured there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cpulist.h"
#include "run-params.h"

#define WORKDIR_PREFIX "/tmp/kvmrt-latency."

struct probe_key {
	const char *key;
	size_t offset, size;
};

#define FIELD(name) { #name, offsetof(struct lat_probe, name), sizeof(((struct lat_probe *)0)->name) }

static const struct probe_key keys[] = {
	FIELD(hostname), FIELD(kernel),  FIELD(kernel_version), FIELD(cmdline),    FIELD(online),
	FIELD(boot_id),  FIELD(workdir), FIELD(missing),        FIELD(fifo_error), FIELD(tracing_on),
};

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int set_value(struct lat_probe *p, const char *key, const char *value, char *why,
		     size_t why_len)
{
	if (!strcmp(key, "fifo") || !strcmp(key, "other") || !strcmp(key, "measure")) {
		bool *flag = !strcmp(key, "fifo") ? &p->fifo : !strcmp(key, "other") ? &p->other :
			     &p->measure;

		*flag = !strcmp(value, "yes");
		return 0;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(key, keys[i].key))
			continue;
		if (strlen(value) >= keys[i].size) {
			snprintf(why, why_len, "probe: %s is longer than %zu bytes", key,
				 keys[i].size - 1);
			return -EINVAL;
		}
		memcpy((char *)p + keys[i].offset, value, strlen(value) + 1);
		return 0;
	}
	return 0; /* a later version's key */
}

static bool workdir_ok(const char *w)
{
	size_t n = strlen(WORKDIR_PREFIX);

	if (strncmp(w, WORKDIR_PREFIX, n) || strlen(w + n) != 6)
		return false;
	for (w += n; *w; w++)
		if (!((*w >= 'a' && *w <= 'z') || (*w >= 'A' && *w <= 'Z') ||
		      (*w >= '0' && *w <= '9')))
			return false;
	return true;
}

static int check_probe(const struct lat_probe *p, char *why, size_t why_len)
{
	unsigned count;

	if (!workdir_ok(p->workdir)) {
		snprintf(why, why_len, "probe: no work directory (mktemp -d %sXXXXXX failed: is /tmp "
			 "writable?)", WORKDIR_PREFIX);
		return -EINVAL;
	}
	if (cpulist_parse(p->online, LAT_CPUS_MAX, NULL, &count) < 0 || count == 0) {
		snprintf(why, why_len, "probe: online CPUs '%s' is not a CPU list", p->online);
		return -EINVAL;
	}
	if (!p->hostname[0] || !p->kernel[0]) {
		snprintf(why, why_len, "probe: no host name or kernel release in the answer");
		return -EINVAL;
	}
	return 0;
}

int lat_probe_parse(const char *text, struct lat_probe *ret, char *why, size_t why_len)
{
	_cleanup_free_ char *copy = strdup(text);
	struct lat_probe p = {};
	char *save = NULL;
	int r;

	if (!copy)
		return -ENOMEM;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sep = strstr(line, " = ");

		if (!sep)
			continue; /* a login banner or a shell's complaint */
		*sep = '\0';
		if (!printable(sep + 3)) {
			snprintf(why, why_len, "probe: %s holds control characters", line);
			return -EINVAL;
		}
		r = set_value(&p, line, sep + 3, why, why_len);
		if (r < 0)
			return r;
	}
	r = check_probe(&p, why, why_len);
	if (r < 0)
		return r;
	*ret = p;
	return 0;
}

int lat_plan_cpus(const struct lat_run_params *p, const struct lat_system *s,
		  const struct lat_probe *probe, struct lat_plan *plan, char *why, size_t why_len)
{
	bool online[LAT_CPUS_MAX] = {}, want[LAT_CPUS_MAX] = {};
	unsigned n_online, n_want, nr = 0;

	if (cpulist_parse(probe->online, LAT_CPUS_MAX, online, &n_online) < 0)
		return -EINVAL; /* checked by lat_probe_parse() */
	if (p->cpus) {
		if (cpulist_parse(p->cpus, LAT_CPUS_MAX, want, &n_want) < 0)
			return -EINVAL; /* checked by parse_args */
		for (unsigned c = 0; c < n_want; c++) {
			if (want[c] && !online[c]) {
				snprintf(why, why_len, "%s: --cpus %s: CPU %u is not online there "
					 "(online: %s)", s->name, p->cpus, c, probe->online);
				return -EINVAL;
			}
		}
	} else {
		memcpy(want, online, sizeof(want));
		n_want = n_online;
		for (unsigned c = 0; c < n_want; c++)
			nr += want[c];
		/* A guest's CPU 0 does its housekeeping. */
		if (!lat_system_is_local(s) && nr > 1)
			want[0] = false;
	}
	nr = 0;
	for (unsigned c = 0; c < n_want; c++)
		nr += want[c];
	if (cpulist_format(want, n_want, plan->cpus, sizeof(plan->cpus)) < 0) {
		snprintf(why, why_len, "%s: the CPU list is too long", s->name);
		return -EINVAL;
	}
	plan->nr_cpus = nr;
	return 0;
}
