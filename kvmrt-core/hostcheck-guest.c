/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostcheck-guest.c - the guest time checks (--guest): the KVM PTP clock and
 * chrony following it, as the guide's time synchronisation chapter sets up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "hostcheck-private.h"

/* Whether a PTP clock of sys/class/ptp is KVM's ("KVM virtual PTP"). */
static bool kvm_ptp_clock(const struct hc_ctx *c)
{
	char **clocks = NULL;
	bool found = false;
	int n = kvmrt_sysroot_list(c->root, "sys/class/ptp", &clocks);

	for (int i = 0; i < n && !found; i++) {
		_cleanup_free_ char *name = NULL;
		char path[96];

		snprintf(path, sizeof(path), "sys/class/ptp/%s/clock_name", clocks[i]);
		found = kvmrt_sysroot_read_line(c->root, path, &name) == 0 && strstr(name, "KVM");
	}
	kvmrt_strv_free(clocks);
	return found;
}

HC_CHECK(ptp_kvm)
{
	if (kvmrt_sysroot_exists(c->root, "sys/module/ptp_kvm") || kvm_ptp_clock(c))
		return hc_pass(out);
	return hc_fail(out, "no KVM PTP clock: load ptp_kvm at boot (echo ptp_kvm > "
			    "/etc/modules-load.d/ptp_kvm.conf)");
}

/* What a chrony configuration synchronises to. */
struct chrony_sources {
	unsigned phc;	  /* refclock PHC lines */
	unsigned network; /* server, pool and peer lines */
};

static void count_sources(char *conf, struct chrony_sources *ret)
{
	char *save = NULL;

	for (char *line = strtok_r(conf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *word = line + strspn(line, " \t");
		size_t n = strcspn(word, " \t");

		/* comments start with #, %, ; or ! */
		if (n == 8 && !strncmp(word, "refclock", 8)) {
			char *driver = word + n + strspn(word + n, " \t");

			ret->phc +=
			    !strncmp(driver, "PHC", 3) && (driver[3] == ' ' || driver[3] == '\t');
		} else if ((n == 6 && !strncmp(word, "server", 6)) ||
			   (n == 4 && (!strncmp(word, "pool", 4) || !strncmp(word, "peer", 4)))) {
			ret->network++;
		}
	}
}

HC_CHECK(chrony_phc)
{
	static const char *const paths[] = {"etc/chrony/chrony.conf", "etc/chrony.conf"};
	struct chrony_sources src = {};

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		_cleanup_free_ char *conf = NULL;
		size_t len;
		int r = kvmrt_sysroot_read(c->root, paths[i], &conf, &len);

		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r == -ENOMEM
				   ? r
				   : hc_fail(out, "cannot read /%s: %s", paths[i], strerror(-r));
		count_sources(conf, &src);
		if (src.phc == 0)
			return hc_fail(out,
				       "/%s has no PHC refclock: add 'refclock PHC /dev/ptp0 "
				       "poll 3 dpoll -2 offset 0'",
				       paths[i]);
		if (src.network > 0)
			return hc_warn(out,
				       "/%s also has %u server, pool or peer lines: comment "
				       "them out so that only the host's clock counts",
				       paths[i], src.network);
		return hc_pass(out);
	}
	return hc_fail(out,
		       "no chrony configuration (/etc/chrony/chrony.conf or /etc/chrony.conf): "
		       "install chrony");
}

HC_CHECK(chronyd)
{
	long pid = hc_find_process(c, "chronyd");

	if (pid < 0)
		return (int)pid;
	return pid ? hc_pass(out) : hc_fail(out, "chronyd is not running: enable and start it");
}
