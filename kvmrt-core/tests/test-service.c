/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt.service: `systemd-analyze verify` accepts it without a warning (with
 * its commands pointed at the built tools, which must exist), and what it
 * runs is what the guide says: a oneshot that stays active, kvmrt-boot
 * --clean at start, kvmrt-shutdown at stop, after libvirtd. Without
 * systemd-analyze only the content is checked, and the test says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kvmrt-test.h"
#include "test-exec.h"

#define ANALYZE "/usr/bin/systemd-analyze"

/* The unit's text with @BINDIR@ replaced by @bindir (free() it). */
static char *unit_text(const char *bindir)
{
	char *path = test_source_path("kvmrt-core/kvmrt.service.in");
	char *in = kt_read_file(path), *out = NULL, *at;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	for (char *p = in; *p; p = at + strlen("@BINDIR@")) {
		at = strstr(p, "@BINDIR@");
		if (!at) {
			fputs(p, f);
			break;
		}
		fprintf(f, "%.*s%s", (int)(at - p), p, bindir);
	}
	assert_int_equal(fclose(f), 0);
	free(in);
	free(path);
	return out;
}

/* Fails unless @unit has the whole line @line. */
static void expect_line(const char *unit, const char *line)
{
	const char *p = unit;

	while ((p = strstr(p, line))) {
		if ((p == unit || p[-1] == '\n') && (p[strlen(line)] == '\n' || !p[strlen(line)]))
			return;
		p++;
	}
	fail_msg("kvmrt.service lacks the line '%s'", line);
}

static void content(void **state)
{
	char *unit = unit_text("/usr/bin");

	(void)state;
	expect_line(unit, "[Service]");
	expect_line(unit, "Type=oneshot");
	expect_line(unit, "RemainAfterExit=yes");
	expect_line(unit, "ExecStart=/usr/bin/kvmrt-boot --clean");
	expect_line(unit, "ExecStop=/usr/bin/kvmrt-shutdown --force");
	expect_line(unit, "After=libvirtd.service virtqemud.service");
	expect_line(unit, "WantedBy=multi-user.target");
	assert_null(strstr(unit, "@"));
	free(unit);
}

static void systemd_verify(void **state)
{
	char *build = getenv("KVMRT_BUILD_ROOT"), *bindir, *unit, *dir, *path;
	char *argv[] = { ANALYZE, "verify", "--man=no", NULL, NULL };
	struct test_output o;

	(void)state;
	if (access(ANALYZE, X_OK) != 0) {
		fprintf(stderr, "service: no %s: only the content of kvmrt.service is checked\n",
			ANALYZE);
		skip();
	}
	assert_non_null(build);
	assert_true(asprintf(&bindir, "%s/kvmrt-core", build) > 0);
	unit = unit_text(bindir);
	dir = test_mkdtemp();
	path = kt_write_file(dir, "kvmrt.service", unit, 0644);
	argv[3] = path;
	assert_int_equal(test_exec(argv, &o), 0);
	if (o.status != 0 || o.err[0] || o.out[0])
		fail_msg("systemd-analyze verify: status %d\n%s%s", o.status, o.out, o.err);
	test_output_free(&o);
	test_rm_rf(dir);
	free(dir);
	free(path);
	free(unit);
	free(bindir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(content),
		cmocka_unit_test(systemd_verify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
