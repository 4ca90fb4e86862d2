/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-edit-config with EDITOR set to scripts: a valid edit is saved and
 * synced (test:///); an invalid one is reopened with the findings appended
 * until fixed; an edit left broken, a failing editor and no change all leave
 * the file as it was.
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

#include "kvmrt-test.h"
#include "test-exec.h"

struct fixture {
	char *dir, *cfg, *original, *uri, *state;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *src = test_source_path("fixtures/kvmrt-core/configs/test-node.cfg");

	f->dir = test_mkdtemp();
	f->original = kt_read_file(src);
	f->uri = kt_node_uri();
	if (asprintf(&f->state, "%s/state", f->dir) < 0)
		return -1;
	f->cfg = kt_write_file(f->dir, "kvmrt.cfg", f->original, 0644);
	setenv("STATE", f->state, 1);
	setenv("TMPDIR", f->dir, 1);
	unsetenv("VISUAL");
	free(src);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_rm_rf(f->dir);
	free(f->dir);
	free(f->cfg);
	free(f->original);
	free(f->uri);
	free(f->state);
	free(f);
	return 0;
}

static struct test_output edit_with(struct fixture *f, const char *script)
{
	char *editor = kt_write_file(f->dir, "editor.sh", script, 0755);
	char *argv[] = { "kvmrt-core/kvmrt-edit-config", "-f", f->cfg, "-c", f->uri, "--topology",
			 "pack:1 numa:1 core:4 pu:2", NULL };
	struct test_output o;

	setenv("EDITOR", editor, 1);
	assert_int_equal(test_exec(argv, &o), 0);
	free(editor);
	return o;
}

static char *config_text(const struct fixture *f)
{
	return kt_read_file(f->cfg);
}

static void check(struct test_output o, int status, const char *out, const char *err)
{
	if (o.status != status || (out && !strstr(o.out, out)) || (err && !strstr(o.err, err)))
		fail_msg("status %d (want %d)\nstdout:\n%s\nstderr:\n%s", o.status, status, o.out,
			 o.err);
	test_output_free(&o);
}

static void assert_unchanged(const struct fixture *f)
{
	char *now = config_text(f);

	assert_string_equal(now, f->original);
	free(now);
}

static void valid_edit_is_saved_and_synced(void **state)
{
	struct fixture *f = *state;
	char *now;

	check(edit_with(f, "#!/bin/sh\nsed -i 's/^cpuset = 0-1$/cpuset = 0/' \"$1\"\n"), 0,
	      "plain-guest: synced: ", NULL);
	now = config_text(f);
	assert_non_null(strstr(now, "\ncpuset = 0\n"));
	free(now);
}

static void errors_reopen_until_fixed(void **state)
{
	struct fixture *f = *state;
	char *now;

	check(edit_with(f, "#!/bin/sh\n"
			   "n=$(cat \"$STATE\" 2>/dev/null || echo 0); echo $((n + 1)) > \"$STATE\"\n"
			   "if [ \"$n\" = 0 ]; then sed -i 's/^rt = yes$/rt = perhaps/' \"$1\"; "
			   "exit 0; fi\n"
			   "grep -q '^# kvmrt-edit-config: .*rt: bad value' \"$1\" || exit 3\n"
			   "sed -i 's/^rt = perhaps$/rt = yes/; s/^title = .*/title = fixed/' \"$1\"\n"),
	      0, "saved", "rt: bad value");
	now = config_text(f);
	assert_non_null(strstr(now, "title = fixed\n"));
	assert_null(strstr(now, "kvmrt-edit-config:"));
	free(now);
}

static void broken_edit_leaves_the_file(void **state)
{
	struct fixture *f = *state;

	check(edit_with(f, "#!/bin/sh\nsed -i 's/^nr_vcpus = 2$/nr_vcpus = 5/' \"$1\"\n"), 1, NULL,
	      "errors left");
	assert_unchanged(f);
	check(edit_with(f, "#!/bin/sh\nexit 1\n"), 1, NULL, "the editor failed (status 1)");
	assert_unchanged(f);
	check(edit_with(f, "#!/bin/sh\ntrue\n"), 0, "no changes", NULL);
	assert_unchanged(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(valid_edit_is_saved_and_synced, setup, teardown),
		cmocka_unit_test_setup_teardown(errors_reopen_until_fixed, setup, teardown),
		cmocka_unit_test_setup_teardown(broken_edit_leaves_the_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
