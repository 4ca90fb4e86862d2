/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-export.c - the ABI of the shared library: libkvmrt_gs.so.1 exports
 * exactly the nine functions of SPEC G1 (nothing of its insides), and a
 * program loading it at run time can call each of them.
 */
#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char *const api[] = {
	"kvmrt_gs_available",
	"kvmrt_gs_ping_available",
	"kvmrt_gs_log_msg_available",
	"kvmrt_gs_xtrace_flush_available",
	"kvmrt_gs_xtrace_log_data_available",
	"kvmrt_gs_ping",
	"kvmrt_gs_log_msg",
	"kvmrt_gs_xtrace_flush",
	"kvmrt_gs_xtrace_log_data",
};

static char *library(void)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/gs/libkvmrt_gs.so.1", getenv("KVMRT_BUILD_ROOT")) > 0);
	return p;
}

static void test_exports(void **state)
{
	char *lib = library(), *cmd = NULL, name[256];
	unsigned found = 0;
	FILE *f;

	assert_true(asprintf(&cmd, "nm -D --defined-only '%s' | awk '$2 == \"T\" { print $3 }'",
			     lib) > 0);
	f = popen(cmd, "re");
	assert_non_null(f);
	while (fgets(name, sizeof(name), f)) {
		bool known = false;

		name[strcspn(name, "\n")] = '\0';
		for (size_t i = 0; i < sizeof(api) / sizeof(api[0]); i++)
			known |= !strcmp(name, api[i]);
		if (!known)
			fail_msg("libkvmrt_gs exports %s", name);
		found++;
	}
	assert_int_equal(pclose(f), 0);
	assert_int_equal(found, sizeof(api) / sizeof(api[0]));
	free(cmd);
	free(lib);
}

/* Loaded at run time: every function resolves; with the service off nothing runs. */
static void test_dlopen(void **state)
{
	char *lib = library();
	void *h;
	long (*ping)(unsigned long);
	long (*log_data)(void *, long);
	bool (*available)(void);

	setenv("KVMRT_GS_CONF", "/nonexistent", 1);
	setenv("KVMRT_GS_SYSROOT", "/nonexistent", 1);
	h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	assert_non_null(h);
	for (size_t i = 0; i < sizeof(api) / sizeof(api[0]); i++)
		assert_non_null(dlsym(h, api[i]));
	*(void **)&available = dlsym(h, "kvmrt_gs_available");
	*(void **)&ping = dlsym(h, "kvmrt_gs_ping");
	*(void **)&log_data = dlsym(h, "kvmrt_gs_xtrace_log_data");
	assert_false(available());
	/* a KVM guest answers -EPERM (switched off), anything else -ENODEV */
	assert_true(ping(1) == -EPERM || ping(1) == -ENODEV);
	assert_true(log_data(NULL, -1) == -EPERM || log_data(NULL, -1) == -ENODEV);
	dlclose(h);
	free(lib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exports),
		cmocka_unit_test(test_dlopen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
