/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-switch.c - the enable switches (SPEC G6): kernel command line,
 * kvmrt-gs.conf, the host permit in SMBIOS OEM strings and fw_cfg, read
 * through a sysroot; hostile inputs (torn SMBIOS, garbage values).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "gs-internal.h"
#include "gs-test.h"
#include "test-exec.h"

static void test_cmdline(void **state)
{
	assert_int_equal(gs_cmdline_switches(""), 0);
	assert_int_equal(gs_cmdline_switches("quiet kvmrt_gs_hc_guest_enabled=1"), GS_SW_HC);
	assert_int_equal(gs_cmdline_switches("kvmrt_gs_hc_guest_enabled=1 "
					     "kvmrt_gs_syscall_enabled=1\n"),
			 GS_SW_BOTH);
	/* the last setting counts; values after "--" belong to init */
	assert_int_equal(gs_cmdline_switches("kvmrt_gs_hc_guest_enabled=1 "
					     "kvmrt_gs_hc_guest_enabled=0"),
			 0);
	assert_int_equal(gs_cmdline_switches("-- kvmrt_gs_hc_guest_enabled=1"), 0);
	assert_int_equal(gs_cmdline_switches("kvmrt_gs_hc_guest_enabled=2 "
					     "kvmrt_gs_syscall_enabled"),
			 0);
	assert_int_equal(gs_cmdline_switches("xkvmrt_gs_hc_guest_enabled=1"), 0);
}

static void test_conf(void **state)
{
	assert_int_equal(gs_conf_switches("# kvmrt_gs_hc_guest_enabled = 1\n"), 0);
	assert_int_equal(gs_conf_switches("kvmrt_gs_hc_guest_enabled = yes\n"
					  "  kvmrt_gs_syscall_enabled=On  \r\n"),
			 GS_SW_BOTH);
	assert_int_equal(gs_conf_switches("kvmrt_gs_syscall_enabled = maybe"), 0);
	assert_int_equal(gs_conf_switches("kvmrt_gs_syscall_enabled ="), 0);
	assert_int_equal(gs_conf_switches("=\n=\n\n"), 0);
}

static void test_permit(void **state)
{
	unsigned bits = 99;

	assert_int_equal(gs_permit_parse("1", 1, &bits), 0);
	assert_int_equal(bits, GS_ALL_FUNCTIONS);
	assert_int_equal(gs_permit_parse("none\n", 5, &bits), 0);
	assert_int_equal(bits, 0);
	assert_int_equal(gs_permit_parse("ping,log_msg", 12, &bits), 0);
	assert_int_equal(bits, GS_BIT(KVMRT_GS_FN_PING) | GS_BIT(KVMRT_GS_FN_LOG_MSG));
	assert_int_equal(gs_permit_parse("ping,,", 6, &bits), -EINVAL);
	assert_int_equal(gs_permit_parse("ping,reboot", 11, &bits), -EINVAL);
	assert_int_equal(gs_permit_parse("", 0, &bits), -EINVAL);
	assert_int_equal(gs_permit_from_fw_cfg("permit=flush\n", 13), GS_BIT(KVMRT_GS_FN_FLUSH));
	assert_int_equal(gs_permit_from_fw_cfg("permit", 6), 0);
}

/* An SMBIOS type 11 structure with @strings (NUL-separated, as given). */
static size_t smbios(uint8_t *out, const char *strings, size_t len)
{
	out[0] = 11;
	out[1] = 5;
	out[2] = out[3] = 0;
	out[4] = 2;
	memcpy(out + 5, strings, len);
	return 5 + len;
}

static void test_smbios(void **state)
{
	static const char good[] = "vendor stuff\0kvmrt-gs:permit=ping\0";
	uint8_t raw[128];
	size_t n = smbios(raw, good, sizeof(good));

	assert_int_equal(gs_permit_from_smbios(raw, n), GS_BIT(KVMRT_GS_FN_PING));
	/* torn: the last string has no NUL */
	assert_int_equal(gs_permit_from_smbios(raw, n - 2), 0);
	raw[0] = 1; /* another structure type */
	assert_int_equal(gs_permit_from_smbios(raw, n), 0);
	raw[0] = 11;
	raw[1] = 200; /* formatted part longer than the structure */
	assert_int_equal(gs_permit_from_smbios(raw, n), 0);
	assert_int_equal(gs_permit_from_smbios(raw, 3), 0);
}

static void test_sysroot(void **state)
{
	static const char oem[] = "kvmrt-gs:permit=all\0";
	char *root = test_mkdtemp();
	char conf[4200];
	uint8_t raw[64];
	struct gs_probe p = {.cpuid = gs_cpuid, .conf_path = conf};
	struct gs_ctx c = {0};

	assert_non_null(root);
	p.sysroot = root;
	snprintf(conf, sizeof(conf), "%s/kvmrt-gs.conf", root);
	gs_switches_read(&p, &c);
	assert_false(c.enabled);
	assert_int_equal(c.permit, 0);

	gs_test_write(root, "proc/cmdline", "kvmrt_gs_hc_guest_enabled=1\n", 28);
	gs_test_write(root, "kvmrt-gs.conf", "kvmrt_gs_syscall_enabled = 1\n", 29);
	gs_test_write(root, "sys/firmware/dmi/entries/11-0/raw", raw,
		      smbios(raw, oem, sizeof(oem)));
	gs_switches_read(&p, &c);
	assert_true(c.enabled);
	assert_int_equal(c.permit, GS_ALL_FUNCTIONS);
	test_rm_rf(root);
	free(root);

	root = test_mkdtemp();
	p.sysroot = root;
	gs_test_write(root, "sys/firmware/qemu_fw_cfg/by_name/opt/org.kvmrt/gs/raw",
		      "permit=log_msg", 14);
	gs_switches_read(&p, &c);
	assert_int_equal(c.permit, GS_BIT(KVMRT_GS_FN_LOG_MSG));
	test_rm_rf(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cmdline), cmocka_unit_test(test_conf),
	    cmocka_unit_test(test_permit),  cmocka_unit_test(test_smbios),
	    cmocka_unit_test(test_sysroot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
