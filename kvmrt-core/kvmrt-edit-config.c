/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt-edit-config: edit a copy of the configuration in $VISUAL/$EDITOR,
 * validate it, reopen it with the findings while it has errors, then replace
 * the file atomically (under the lock held throughout) and sync libvirt.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "kvmrt-tool.h"
#include "tool.h"

#define MAX_CONFIG (16u << 20)

/* Runs the editor on @file; returns its exit status (or 128 + signal), or a negative errno. */
static int run_editor(const char *file)
{
	const char *ed = getenv("VISUAL");
	_cleanup_free_ char *cmd = NULL;
	int status;
	pid_t pid;

	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	if (asprintf(&cmd, "%s \"$1\"", ed) < 0)
		return -ENOMEM;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, "sh", file, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int write_text(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return write_all(fd, text, strlen(text));
}

static char *read_text(const char *path, bool missing_ok)
{
	char *text = NULL;
	size_t len;
	int r = read_file_at(AT_FDCWD, path, MAX_CONFIG, &text, &len);

	if (r == -ENOENT && missing_ok)
		return strdup("");
	if (r < 0)
		tool_error(r, "%s", path);
	return r < 0 ? NULL : text;
}

enum edit_result {
	EDIT_FAILED = -1,   /* reported; the copy is removed */
	EDIT_GAVE_UP = -2,  /* errors left, saved unchanged: the copy is kept */
	EDIT_VALID = 0,     /* *ret holds the new text */
	EDIT_UNCHANGED = 1,
};

/* The edit loop: editor, check, annotate, editor again. */
static enum edit_result edit(const struct kvmrt_params *p, const struct kvmrt_topology *t,
			     const char *original, const char *tmp, char **ret)
{
	_cleanup_free_ char *presented = strdup(original);

	for (;;) {
		_cleanup_free_ char *edited = NULL, *report = NULL;
		char *plain = NULL;
		int r = run_editor(tmp);

		if (r != 0) {
			tool_error(r < 0 ? r : 0, "the editor failed (status %d): %s is unchanged", r,
				   p->config);
			return EDIT_FAILED;
		}
		if (!presented || !(edited = read_text(tmp, false)) ||
		    kvmrt_edit_strip(edited, &plain) < 0)
			return EDIT_FAILED;
		if (!strcmp(plain, original)) {
			free(plain);
			return EDIT_UNCHANGED;
		}
		if (strcmp(presented, original) && !strcmp(edited, presented)) {
			tool_error(0, "errors left: %s is unchanged; your edit is kept in %s",
				   p->config, tmp);
			free(plain);
			return EDIT_GAVE_UP;
		}
		r = kvmrt_edit_check(plain, p->config, t, &report);
		if (r >= 0)
			fputs(report, r ? stderr : stdout);
		if (r == 0) {
			*ret = plain;
			return EDIT_VALID;
		}
		free(presented);
		presented = NULL;
		if (r < 0 || kvmrt_edit_annotate(plain, report, &presented) < 0 ||
		    write_text(tmp, presented) < 0) {
			free(plain);
			return EDIT_FAILED;
		}
		free(plain);
	}
}

/* Syncs the VMs that are not disabled; returns 0 or -1 (reported). */
static int sync_all(const struct kvmrt_params *p, const struct kvmrt_topology *t, const char *text)
{
	_cleanup_(kvmrt_config_freep) struct kvmrt_config *c = NULL;
	_cleanup_(kvmrt_virt_closep) struct kvmrt_virt *v = NULL;
	char why[2048];
	int status = 0;

	if (kvmrt_config_parse(text, strlen(text), p->config, &c, why, sizeof(why)) < 0 ||
	    kvmrt_tool_virt(p, &v) < 0)
		return -1;
	for (unsigned i = 0; i < c->nr_vms; i++) {
		struct kvmrt_vm_plan plan;
		char *changes = NULL;

		if (c->vms[i].disabled || kvmrt_plan_vm(&c->vms[i], t, &plan) < 0)
			continue;
		if (kvmrt_sync_vm(v, &c->vms[i], &plan, &changes, why, sizeof(why)) < 0) {
			tool_error(0, "%s: %s", c->vms[i].name, why);
			status = -1;
		} else {
			printf("%s: %s%s\n", c->vms[i].name, changes ? "synced: " : "in sync",
			       changes ? changes : "");
		}
		free(changes);
		kvmrt_plan_vm_done(&plan);
	}
	return status;
}

int main(int argc, char **argv)
{
	_cleanup_(kvmrt_topology_freep) struct kvmrt_topology *t = NULL;
	_cleanup_free_ char *original = NULL, *text = NULL;
	_cleanup_close_ int lock = -1, fd = -1;
	const char *tmpdir = getenv("TMPDIR");
	_cleanup_free_ char *tmp = NULL;
	char why[1024];
	struct kvmrt_params p;
	enum edit_result e;
	int r = kvmrt_tool_start(KVMRT_TOOL_EDIT, argc, argv, &p);

	if (r >= 0)
		return r;
	if (kvmrt_tool_topology(&p, &t) < 0)
		return EXIT_TOOL_FAILURE;
	lock = kvmrt_config_lock(p.config);
	if (lock < 0)
		return tool_error(lock, "%s: cannot take the lock", p.config), EXIT_TOOL_FAILURE;
	original = read_text(p.config, true);
	if (asprintf(&tmp, "%s/kvmrt-edit-XXXXXX.cfg", tmpdir && *tmpdir ? tmpdir : "/tmp") < 0)
		return EXIT_TOOL_FAILURE;
	fd = mkostemps(tmp, 4, O_CLOEXEC);
	if (!original || fd < 0 || write_all(fd, original, strlen(original)) < 0)
		return tool_error(-errno, "%s: cannot make the copy to edit", tmp), EXIT_TOOL_FAILURE;
	e = edit(&p, t, original, tmp, &text);
	if (e != EDIT_GAVE_UP)
		unlink(tmp);
	if (e < 0)
		return EXIT_TOOL_FAILURE;
	if (e == EDIT_UNCHANGED) {
		printf("%s: no changes\n", p.config);
		return EXIT_TOOL_OK;
	}
	if (kvmrt_config_replace(p.config, text, why, sizeof(why)) < 0)
		return tool_error(0, "%s", why), EXIT_TOOL_FAILURE;
	printf("%s: saved\n", p.config);
	if (sync_all(&p, t, text) < 0)
		return tool_error(0, "%s was saved; libvirt is not fully in sync: fix the above, then "
				  "run kvmrt-sync-config", p.config), EXIT_TOOL_FAILURE;
	return EXIT_TOOL_OK;
}
