/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isolation.c - the CPUs of rt VMs taken from the scheduler at run time: a
 * cgroup v2 isolated partition, else a cgroup v1 exclusive cpuset without load
 * balancing, else a warning with the isolcpus= to add (docs/host-tuning.md).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "tuning-private.h"

#define CGROUP_ROOT "sys/fs/cgroup"
#define CGROUP_UNIFIED "sys/fs/cgroup/unified"
#define CGROUP_V1_CPUSET "sys/fs/cgroup/cpuset"
/* What a part of the cgroup step returns when it noted a failure: the step stops there. */
#define STEP_STOPPED 1

/* What a kernel puts in a new cpuset cgroup: the stand-ins made on a fixture tree. */
static const char *const v2_files[][2] = {
    {"cgroup.procs", ""},
    {"cpuset.cpus", "\n"},
    {"cpuset.mems", "\n"},
    {"cpuset.cpus.partition", "member\n"},
};
static const char *const v1_files[][2] = {
    {"cgroup.procs", ""},
    {"tasks", ""},
    {"cpuset.cpus", "\n"},
    {"cpuset.mems", "\n"},
    {"cpuset.cpu_exclusive", "0\n"},
    {"cpuset.sched_load_balance", "1\n"},
};

static int make_file(int dir_fd, const char *name, const char *text)
{
	_cleanup_close_ int fd =
	    openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	return write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -EIO;
}

static int fixture_cgroup_files(const struct kvmrt_sysroot *s, const char *path)
{
	_cleanup_close_ int fd = openat(s->fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_free_ char *controllers = NULL;
	const char *slash = strrchr(path, '/');
	const char *const(*files)[2];
	unsigned n;
	int r = 0;

	if (fd < 0)
		return -errno;
	/* A cgroup v2 parent has cgroup.controllers. */
	if (asprintf(&controllers, "%.*s/cgroup.controllers", slash ? (int)(slash - path) : 0,
		     path) < 0)
		return -ENOMEM;
	if (kvmrt_sysroot_exists(s, controllers))
		files = v2_files, n = sizeof(v2_files) / sizeof(*v2_files);
	else
		files = v1_files, n = sizeof(v1_files) / sizeof(*v1_files);
	for (unsigned i = 0; i < n && r == 0; i++)
		r = make_file(fd, files[i][0], files[i][1]);
	return r;
}

int cgroup_mkdir(const struct kvmrt_sysroot *s, const char *path)
{
	if (mkdirat(s->fd, path, 0755) < 0)
		return errno == EEXIST ? 0 : -errno;
	/* On the live host the kernel makes the control files. */
	return s->live ? 0 : fixture_cgroup_files(s, path);
}

int cgroup_rmdir(const struct kvmrt_sysroot *s, const char *path)
{
	if (!s->live) {
		_cleanup_close_ int fd = openat(s->fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *dir = fd < 0 ? NULL : fdopendir(fd);
		struct dirent *de;

		if (!dir)
			return -errno;
		fd = -1;
		while ((de = readdir(dir)))
			if (de->d_type == DT_REG)
				unlinkat(dirfd(dir), de->d_name, 0);
		closedir(dir);
	}
	return unlinkat(s->fd, path, AT_REMOVEDIR) < 0 ? -errno : 0;
}

/* Whether the space-separated word list @text holds @word. */
static bool has_word(const char *text, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
		if ((p == text || p[-1] == ' ') && (!p[len] || strchr(" \n", p[len])))
			return true;
	return false;
}

/* The word list @text with @word ("cpuset") added first or removed. */
static int edit_words(const char *text, const char *word, bool add, char **ret)
{
	char *out = NULL, *save = NULL, *tok;
	_cleanup_free_ char *copy = strdup(text);
	size_t len = 0;
	FILE *f = copy ? open_memstream(&out, &len) : NULL;
	bool first = true;

	if (!f)
		return -ENOMEM;
	if (add) {
		fputs(word, f);
		first = false;
	}
	for (tok = strtok_r(copy, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (!strcmp(tok, word))
			continue;
		fprintf(f, "%s%s", first ? "" : " ", tok);
		first = false;
	}
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(out);
		return -ENOMEM;
	}
	*ret = out;
	return 0;
}

int cgroup_control_write(const struct kvmrt_sysroot *s, const char *path, const char *value)
{
	_cleanup_free_ char *text = NULL, *edited = NULL;
	int r;

	if (s->live)
		return kvmrt_sysroot_write(s, path, value);
	/* The stand-in of the kernel's parsing on a fixture tree. */
	r = kvmrt_sysroot_read(s, path, &text, &(size_t){0});
	if (r == 0 && has_word(text, value + 1) == (*value == '+'))
		return 0;
	if (r == 0)
		r = edit_words(text, value + 1, *value == '+', &edited);
	return r < 0 ? r : kvmrt_sysroot_write(s, path, edited);
}

/* Whether the journal holds @key (of kind @k) for any VM. */
static bool held(const struct journal *j, enum journal_kind k, const char *key)
{
	for (unsigned i = 0; i < j->nr; i++)
		if (j->e[i].kind == k && !strcmp(j->e[i].key, key))
			return true;
	return false;
}

/* Notes that @what failed on @path with @err; the cgroup step stops there. */
static int step_failed(struct tuning_ctx *c, const char *path, const char *what, int err)
{
	int r = tuning_note(c, KVMRT_ERROR, "VM %s: %s/%s: %s: %s; the CPUs are not isolated",
			    c->uuid, kvmrt_sysroot_label(c->t->s), path, what, strerror(-err));

	return r < 0 ? r : STEP_STOPPED;
}

static int make_cgroup(struct tuning_ctx *c, const char *dir)
{
	int r, made;

	r = tuning_journal(c, J_MKDIR, "cgroup", dir, "", "", NULL);
	if (r < 0)
		return r;
	made = cgroup_mkdir(c->t->s, dir);
	tuning_made(c);
	if (made < 0)
		return step_failed(c, dir, "making the cgroup", made);
	return 0;
}

/* Sets the file DIR/NAME to @value (journaled as @k). */
static int set_file(struct tuning_ctx *c, enum journal_kind k, const char *dir, const char *name,
		    const char *value)
{
	_cleanup_free_ char *key = NULL;

	if (asprintf(&key, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	return tuning_write_file(c, k, "cgroup", key, value, NULL);
}

/* Turns the cpuset controller on for the children of the cgroup v2 root @root. */
static int enable_cpuset(struct tuning_ctx *c, const char *root)
{
	_cleanup_free_ char *key = NULL, *before = NULL;
	int r, made;

	if (asprintf(&key, "%s/cgroup.subtree_control", root) < 0)
		return -ENOMEM;
	r = kvmrt_sysroot_read(c->t->s, key, &before, &(size_t){0});
	if (r < 0)
		return step_failed(c, key, "reading", r);
	if (has_word(before, "cpuset") && !held(&c->t->j, J_CONTROL, key))
		return 0; /* on already, not by kvmrt */
	r = tuning_journal(c, J_CONTROL, "cgroup", key, before, "+cpuset", NULL);
	if (r < 0)
		return r;
	made = cgroup_control_write(c->t->s, key, "+cpuset");
	tuning_made(c);
	if (made < 0)
		return step_failed(c, key, "writing +cpuset", made);
	return 0;
}

/* Checks what the kernel made of the partition (it says "isolated invalid (why)"). */
static int check_partition(struct tuning_ctx *c, const char *dir, const char *cpus)
{
	_cleanup_free_ char *key = NULL, *state = NULL;

	if (asprintf(&key, "%s/cpuset.cpus.partition", dir) < 0)
		return -ENOMEM;
	if (kvmrt_sysroot_read_line(c->t->s, key, &state) < 0 || !strstr(state, "invalid"))
		return 0;
	return tuning_note(c, KVMRT_ERROR,
			   "VM %s: %s/%s: the kernel did not isolate the CPUs: '%s'; move other "
			   "cgroups off CPUs %s or add isolcpus= (kvmrt-validate-host shows it)",
			   c->uuid, kvmrt_sysroot_label(c->t->s), key, state, cpus);
}

static int isolate_v2(struct tuning_ctx *c, const char *root)
{
	_cleanup_free_ char *dir = NULL, *cpus = NULL;
	int r;

	if (asprintf(&dir, "%s/" KVMRT_CGROUP, root) < 0 ||
	    kvmrt_ids_format(&c->all_owned, &cpus) < 0)
		return -ENOMEM;
	r = enable_cpuset(c, root);
	if (r == 0)
		r = make_cgroup(c, dir);
	if (r == 0)
		r = set_file(c, J_CPUS_UNION, dir, "cpuset.cpus", cpus);
	if (r == 0)
		r = set_file(c, J_SET, dir, "cpuset.cpus.partition", "isolated");
	if (r == 0)
		r = check_partition(c, dir, cpus);
	return r == STEP_STOPPED ? 0 : r;
}

/* Whether the cpuset @name under the v1 root holds any of the owned CPUs. */
static bool cpuset_overlaps(struct tuning_ctx *c, const char *name)
{
	_cleanup_free_ char *path = NULL;
	struct kvmrt_ids cpus;
	char why[256];
	bool overlaps;

	if (!strcmp(name, KVMRT_CGROUP) ||
	    asprintf(&path, CGROUP_V1_CPUSET "/%s/cpuset.cpus", name) < 0 ||
	    kvmrt_sysroot_read_ids(c->t->s, path, &cpus, why, sizeof(why)) < 0)
		return false;
	overlaps = kvmrt_ids_intersects(&cpus, &c->all_owned);
	kvmrt_ids_done(&cpus);
	return overlaps;
}

/*
 * The kernel refuses an exclusive cpuset whose CPUs a sibling cpuset also
 * holds (libvirt's "machine" holds them all): name those siblings.
 */
static int warn_v1_overlap(struct tuning_ctx *c)
{
	_cleanup_free_ char *list = NULL;
	size_t len = 0;
	char **names;
	FILE *f;
	int n;

	n = kvmrt_sysroot_list(c->t->s, CGROUP_V1_CPUSET, &names);
	if (n < 0)
		return 0;
	f = open_memstream(&list, &len);
	for (int i = 0; f && i < n; i++)
		if (cpuset_overlaps(c, names[i]))
			fprintf(f, "%s%s", ftell(f) ? ", " : "", names[i]);
	kvmrt_strv_free(names);
	if (!f || fclose(f) != 0)
		return -ENOMEM;
	if (!len)
		return 0;
	return tuning_note(c, KVMRT_WARNING,
			   "VM %s: the cpusets %s under %s/" CGROUP_V1_CPUSET
			   " hold CPUs of the rt VMs: the kernel keeps them load balanced and "
			   "refuses an exclusive kvmrt cpuset until they leave those CPUs",
			   c->uuid, list, kvmrt_sysroot_label(c->t->s));
}

/*
 * A v1 cpuset takes no process before it has memory nodes (ENOSPC): the
 * kvmrt cpuset gets the root's, every node (numatune stays QEMU's binding).
 */
static int set_mems_v1(struct tuning_ctx *c, const char *dir)
{
	_cleanup_free_ char *mems = NULL;
	int r = kvmrt_sysroot_read_line(c->t->s, CGROUP_V1_CPUSET "/cpuset.mems", &mems);

	if (r < 0)
		return step_failed(c, CGROUP_V1_CPUSET "/cpuset.mems", "reading", r);
	return set_file(c, J_SET, dir, "cpuset.mems", mems);
}

static int isolate_v1(struct tuning_ctx *c)
{
	_cleanup_free_ char *cpus = NULL;
	const char *dir = CGROUP_V1_CPUSET "/" KVMRT_CGROUP;
	int r;

	if (kvmrt_ids_format(&c->all_owned, &cpus) < 0)
		return -ENOMEM;
	r = warn_v1_overlap(c);
	if (r == 0)
		r = make_cgroup(c, dir);
	if (r == 0)
		r = set_file(c, J_CPUS_UNION, dir, "cpuset.cpus", cpus);
	if (r == 0)
		r = set_mems_v1(c, dir);
	if (r == 0)
		r = set_file(c, J_SET, dir, "cpuset.cpu_exclusive", "1");
	if (r == 0)
		r = set_file(c, J_SET, dir, "cpuset.sched_load_balance", "0");
	/* The root balancing over every CPU would undo the isolation. */
	if (r == 0)
		r = set_file(c, J_SET, CGROUP_V1_CPUSET, "cpuset.sched_load_balance", "0");
	return r == STEP_STOPPED ? 0 : r;
}

static int warn_no_isolation(struct tuning_ctx *c)
{
	_cleanup_free_ char *cpus = NULL;

	if (kvmrt_ids_format(&c->all_owned, &cpus) < 0)
		return -ENOMEM;
	return tuning_note(c, KVMRT_WARNING,
			   "VM %s: no cpuset cgroup controller under %s/" CGROUP_ROOT ": CPUs %s "
			   "stay in the scheduler's load balancing; add isolcpus=domain,"
			   "managed_irq,%s nohz_full=%s rcu_nocbs=%s to the kernel command line",
			   c->uuid, kvmrt_sysroot_label(c->t->s), cpus, cpus, cpus, cpus);
}

/* The cgroup v2 hierarchy holding the cpuset controller, or NULL. */
static const char *v2_cpuset_root(const struct kvmrt_sysroot *s)
{
	static const char *const roots[] = {CGROUP_ROOT, CGROUP_UNIFIED};

	for (size_t i = 0; i < sizeof(roots) / sizeof(*roots); i++) {
		_cleanup_free_ char *path = NULL, *text = NULL;
		bool cpuset;

		if (asprintf(&path, "%s/cgroup.controllers", roots[i]) < 0)
			return NULL;
		if (kvmrt_sysroot_read(s, path, &text, &(size_t){0}) < 0)
			continue;
		cpuset = has_word(text, "cpuset");
		if (cpuset)
			return roots[i];
	}
	return NULL;
}

const char *isolation_cgroup_root(const struct kvmrt_sysroot *s, const char **ret_controller)
{
	const char *root = v2_cpuset_root(s);

	*ret_controller = root ? "" : "cpuset";
	if (root || !kvmrt_sysroot_exists(s, CGROUP_V1_CPUSET "/cpuset.cpus"))
		return root;
	return CGROUP_V1_CPUSET;
}

int isolation_apply(struct tuning_ctx *c)
{
	const struct kvmrt_sysroot *s = c->t->s;
	const char *root = v2_cpuset_root(s);
	int r;

	if (root)
		return isolate_v2(c, root);
	if (!kvmrt_sysroot_exists(s, CGROUP_V1_CPUSET "/cpuset.cpus"))
		return warn_no_isolation(c);
	if (kvmrt_sysroot_exists(s, CGROUP_UNIFIED "/cgroup.controllers")) {
		r = tuning_note(c, 0,
				"VM %s: cgroup v1/v2 hybrid: the cpuset controller is on cgroup v1 "
				"(%s/" CGROUP_V1_CPUSET "): isolating with an exclusive v1 cpuset",
				c->uuid, kvmrt_sysroot_label(s));
		if (r < 0)
			return r;
	}
	return isolate_v1(c);
}
