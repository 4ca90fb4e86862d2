/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-switch.c - the enable switches of SPEC G6, all default off:
 *   guest side   kvmrt_gs_hc_guest_enabled=1 and kvmrt_gs_syscall_enabled=1,
 *                on the kernel command line or in /etc/kvmrt-gs.conf
 *                (each switch is on when either source turns it on);
 *   host permit  what the host advertises to the VM: an SMBIOS OEM string
 *                "kvmrt-gs:permit=VALUE" or the fw_cfg file opt/org.kvmrt/gs
 *                holding "permit=VALUE" (kvmrt_gs_abi.h).
 * Everything read here is untrusted: bounded reads, strict parsing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gs-internal.h"

#define READ_MAX 65536
#define DMI_ENTRIES "/sys/firmware/dmi/entries"
#define FW_CFG_FILE "/sys/firmware/qemu_fw_cfg/by_name/" KVMRT_GS_FW_CFG_NAME "/raw"
#define SMBIOS_OEM_STRINGS 11
#define PERMIT_KEY "permit="

static const struct {
	const char *name;
	unsigned bit;
} switch_names[] = {
    {"kvmrt_gs_hc_guest_enabled", GS_SW_HC},
    {"kvmrt_gs_syscall_enabled", GS_SW_SYSCALL},
};

static const struct {
	const char *name;
	unsigned fn;
} function_names[] = {
    {"ping", KVMRT_GS_FN_PING},
    {"flush", KVMRT_GS_FN_FLUSH},
    {"log_data", KVMRT_GS_FN_LOG_DATA},
    {"log_msg", KVMRT_GS_FN_LOG_MSG},
};

static bool word_is(const char *p, size_t len, const char *word)
{
	return strlen(word) == len && !strncasecmp(p, word, len);
}

/* 1 on, 0 off, -1 neither. */
static int parse_bool(const char *p, size_t len)
{
	static const char *const on[] = {"1", "yes", "true", "on"};
	static const char *const off[] = {"0", "no", "false", "off"};

	for (size_t i = 0; i < 4; i++) {
		if (word_is(p, len, on[i]))
			return 1;
		if (word_is(p, len, off[i]))
			return 0;
	}
	return -1;
}

/* Applies "key" = "value" to @bits. */
static void apply_switch(unsigned *bits, const char *key, size_t klen, const char *val, size_t vlen)
{
	for (size_t i = 0; i < sizeof(switch_names) / sizeof(switch_names[0]); i++) {
		int b;

		if (strlen(switch_names[i].name) != klen ||
		    strncmp(key, switch_names[i].name, klen))
			continue;
		b = parse_bool(val, vlen);
		if (b == 1)
			*bits |= switch_names[i].bit;
		else if (b == 0)
			*bits &= ~switch_names[i].bit;
	}
}

unsigned gs_cmdline_switches(const char *cmdline)
{
	const char *p = cmdline;
	unsigned bits = 0;

	while (*p) {
		size_t len;
		const char *eq;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (len == 2 && !strncmp(p, "--", 2))
			break; /* what follows goes to init */
		eq = memchr(p, '=', len);
		if (eq)
			apply_switch(&bits, p, (size_t)(eq - p), eq + 1,
				     len - (size_t)(eq - p) - 1);
		p += len;
	}
	return bits;
}

static size_t trim_len(const char *p, size_t len)
{
	while (len && strchr(" \t\r", p[len - 1]))
		len--;
	return len;
}

unsigned gs_conf_switches(const char *conf)
{
	const char *line = conf;
	unsigned bits = 0;

	while (*line) {
		size_t len = strcspn(line, "\n");
		const char *p = line + strspn(line, " \t");
		const char *end = line + len;
		const char *eq = memchr(p, '=', (size_t)(end - p));

		if (*p != '#' && eq) {
			const char *val = eq + 1 + strspn(eq + 1, " \t");

			if (val > end)
				val = end;
			apply_switch(&bits, p, trim_len(p, (size_t)(eq - p)), val,
				     trim_len(val, (size_t)(end - val)));
		}
		line = *end ? end + 1 : end;
	}
	return bits;
}

int gs_permit_parse(const char *value, size_t len, unsigned *ret)
{
	unsigned bits = 0;
	size_t at = 0;

	len = trim_len(value, len);
	while (len && value[len - 1] == '\n')
		len = trim_len(value, len - 1);
	if (word_is(value, len, "1") || word_is(value, len, "all")) {
		*ret = GS_ALL_FUNCTIONS;
		return 0;
	}
	if (word_is(value, len, "0") || word_is(value, len, "none")) {
		*ret = 0;
		return 0;
	}
	while (at < len) {
		const char *w = value + at;
		const char *comma = memchr(w, ',', len - at);
		size_t wlen = comma ? (size_t)(comma - w) : len - at;
		bool known = false;

		for (size_t i = 0; i < sizeof(function_names) / sizeof(function_names[0]); i++) {
			if (word_is(w, wlen, function_names[i].name)) {
				bits |= GS_BIT(function_names[i].fn);
				known = true;
			}
		}
		if (!known)
			return -EINVAL;
		at += wlen + 1;
	}
	if (!bits)
		return -EINVAL;
	*ret = bits;
	return 0;
}

/* Permit bits of "permit=VALUE" at @p, 0 when it is something else. */
static unsigned permit_text(const char *p, size_t len)
{
	size_t k = strlen(PERMIT_KEY);
	unsigned bits;

	if (len < k || strncmp(p, PERMIT_KEY, k) || gs_permit_parse(p + k, len - k, &bits) < 0)
		return 0;
	return bits;
}

unsigned gs_permit_from_smbios(const uint8_t *raw, size_t len)
{
	size_t prefix = strlen(KVMRT_GS_SMBIOS_PREFIX);
	size_t at;

	/* header: type, length of the formatted part, handle, string count */
	if (len < 5 || raw[0] != SMBIOS_OEM_STRINGS || raw[1] < 5 || raw[1] > len)
		return 0;
	at = raw[1];
	while (at < len && raw[at]) {
		const char *s = (const char *)raw + at;
		const uint8_t *nul = memchr(raw + at, 0, len - at);
		size_t slen;

		if (!nul)
			return 0; /* unterminated: torn structure */
		slen = (size_t)(nul - (raw + at));
		if (slen > prefix && !strncmp(s, KVMRT_GS_SMBIOS_PREFIX, prefix))
			return permit_text(s + prefix, slen - prefix);
		at += slen + 1;
	}
	return 0;
}

unsigned gs_permit_from_fw_cfg(const char *text, size_t len)
{
	return permit_text(text, len);
}

/* Reads sysroot + @path, NUL-terminated, at most READ_MAX bytes. */
static char *read_under(const char *root, const char *path, size_t *ret_len)
{
	char full[4096];
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd;

	if ((size_t)snprintf(full, sizeof(full), "%s%s", root, path) >= sizeof(full))
		return NULL;
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return NULL;
	buf = malloc(READ_MAX + 1);
	while (buf && len < READ_MAX && (n = read(fd, buf + len, READ_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (buf) {
		buf[len] = '\0';
		*ret_len = len;
	}
	return buf;
}

static unsigned smbios_permit(const char *root)
{
	char dir[4096];
	struct dirent *de;
	unsigned bits = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s" DMI_ENTRIES, root);
	d = opendir(dir);
	if (!d)
		return 0;
	while (!bits && (de = readdir(d))) {
		char rel[512];
		size_t len;
		uint8_t *raw;

		if (strncmp(de->d_name, "11-", 3))
			continue;
		snprintf(rel, sizeof(rel), DMI_ENTRIES "/%s/raw", de->d_name);
		raw = (uint8_t *)read_under(root, rel, &len);
		if (raw)
			bits = gs_permit_from_smbios(raw, len);
		free(raw);
	}
	closedir(d);
	return bits;
}

void gs_switches_read(const struct gs_probe *p, struct gs_ctx *c)
{
	unsigned sw = 0;
	size_t len;
	char *text;

	text = read_under(p->sysroot, "/proc/cmdline", &len);
	if (text)
		sw |= gs_cmdline_switches(text);
	free(text);
	text = p->conf_path ? read_under("", p->conf_path, &len) : NULL;
	if (text)
		sw |= gs_conf_switches(text);
	free(text);
	c->enabled = (sw & GS_SW_BOTH) == GS_SW_BOTH;

	c->permit = smbios_permit(p->sysroot);
	text = read_under(p->sysroot, FW_CFG_FILE, &len);
	if (text)
		c->permit |= gs_permit_from_fw_cfg(text, len);
	free(text);
}
