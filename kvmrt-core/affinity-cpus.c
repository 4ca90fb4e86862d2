/* SPDX-License-Identifier: GPL-2.0-or-later */
/* affinity-cpus.c - cpustat: per CPU its state, its shielding by kvmrt, and what is bound to it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "affinity-tool.h"
#include "cleanup.h"
#include "tool.h"

static const struct table_column cpu_columns[] = {
	{ "CPU", "cpu", TABLE_NUMBER },
	{ "ONLINE", "online", TABLE_BOOL },
	{ "ISOLATED", "isolated", TABLE_STRING },
	{ "SHIELDED", "shielded", TABLE_BOOL },
	{ "NODE", "node", TABLE_NUMBER },
	{ "CORE", "core", TABLE_NUMBER },
	{ "IRQS-ONLY", "irqs_only", TABLE_NUMBER },
	{ "IRQS", "irqs_allowed", TABLE_NUMBER },
	{ "TASKS-ONLY", "tasks_only", TABLE_NUMBER },
	{ "TASKS", "tasks_allowed", TABLE_NUMBER },
	{ "VM", "vm", TABLE_STRING },
};

/* What cpustat knows about the host, per CPU below @n. */
struct cpu_facts {
	unsigned n;
	struct kvmrt_ids shown, online, isolcpus, nohz, partitions, shielded;
	bool shield_known;
	struct kvmrt_tuning *tuning;   /* NULL without a journal */
	struct kvmrt_config *config;   /* names the VMs; NULL when it cannot be read */
	int *node;                     /* -1 when not known */
	unsigned *irqs_only, *irqs_allowed, *tasks_only, *tasks_allowed;
};

static void facts_done(struct cpu_facts *f)
{
	kvmrt_ids_done(&f->shown);
	kvmrt_ids_done(&f->online);
	kvmrt_ids_done(&f->isolcpus);
	kvmrt_ids_done(&f->nohz);
	kvmrt_ids_done(&f->partitions);
	kvmrt_ids_done(&f->shielded);
	kvmrt_tuning_close(f->tuning);
	if (f->config)
		kvmrt_config_free(f->config);
	free(f->node);
	free(f->irqs_only);
	free(f->irqs_allowed);
	free(f->tasks_only);
	free(f->tasks_allowed);
}

/* A CPU list file, or an empty set when the kernel does not have it. */
static int read_optional(const struct kvmrt_sysroot *s, const char *path, struct kvmrt_ids *ret,
			 char *why, size_t why_len)
{
	int r = kvmrt_sysroot_read_ids(s, path, ret, why, why_len);

	return r == -ENOENT ? kvmrt_ids_init(ret, 0) : r;
}

/* The CPUs that exist (possible, else online) and those to show. */
static int read_cpus(const struct affinity_params *p, const struct kvmrt_sysroot *s,
		     struct cpu_facts *f, char *why, size_t why_len)
{
	int r = kvmrt_sysroot_read_ids(s, "/sys/devices/system/cpu/online", &f->online, why,
				       why_len);

	if (r == 0)
		r = read_optional(s, "/sys/devices/system/cpu/possible", &f->shown, why, why_len);
	if (r == 0 && kvmrt_ids_count(&f->shown) == 0) {
		kvmrt_ids_done(&f->shown);
		r = kvmrt_ids_copy(&f->shown, &f->online);
	}
	if (r < 0)
		return r;
	f->n = f->shown.nbits;
	if (p->have_cpus) {
		struct kvmrt_ids outside;

		r = kvmrt_ids_copy(&outside, &f->shown);
		if (r < 0)
			return r;
		kvmrt_ids_andnot(&outside, &p->cpus);
		kvmrt_ids_andnot(&f->shown, &outside);
		kvmrt_ids_done(&outside);
	}
	return 0;
}

static int read_isolation(const struct kvmrt_sysroot *s, struct cpu_facts *f, char *why,
			  size_t why_len)
{
	int r = read_optional(s, "/sys/devices/system/cpu/isolated", &f->isolcpus, why, why_len);

	if (r == 0)
		r = read_optional(s, "/sys/devices/system/cpu/nohz_full", &f->nohz, why, why_len);
	if (r == 0)
		r = kvmrt_cpus_partitioned(s, &f->partitions, why, why_len);
	return r;
}

/* The tuning journal, when there is one (cpustat never creates it). */
static int read_shielding(const struct affinity_params *p, const struct kvmrt_sysroot *s,
			  struct cpu_facts *f, char *why, size_t why_len)
{
	const char *dir = p->journal ? p->journal : KVMRT_JOURNAL_DIR;
	int r;

	f->shield_known = true;
	if (access(dir, F_OK) < 0)
		return kvmrt_ids_init(&f->shielded, 0);
	r = kvmrt_tuning_open(s, dir, &f->tuning, why, why_len);
	if (r == 0)
		r = kvmrt_tuning_state(f->tuning, &f->shielded, NULL);
	/* without a readable configuration the VMs show as UUIDs */
	if (r == 0 && kvmrt_config_load(p->config, &f->config, why, why_len) < 0)
		f->config = NULL;
	if (r < 0 && r != -ENOMEM) {
		/* not ours to read (not root): shielding unknown, the rest still shown */
		f->shield_known = false;
		kvmrt_tuning_close(f->tuning);
		f->tuning = NULL;
		return kvmrt_ids_init(&f->shielded, 0);
	}
	return r;
}

static int read_nodes(const struct kvmrt_sysroot *s, struct cpu_facts *f, char *why,
		      size_t why_len)
{
	char **names;
	int n, r = 0;

	for (unsigned c = 0; c < f->n; c++)
		f->node[c] = -1;
	n = kvmrt_sysroot_list(s, "/sys/devices/system/node", &names);
	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return n;
	for (int i = 0; i < n && r == 0; i++) {
		struct kvmrt_ids cpus;
		char path[96];
		unsigned node;
		char end;

		if (sscanf(names[i], "node%u%c", &node, &end) != 1)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/node/%s/cpulist", names[i]);
		r = read_optional(s, path, &cpus, why, why_len);
		for (unsigned c = 0; r == 0 && c < f->n; c++)
			if (kvmrt_ids_test(&cpus, c))
				f->node[c] = (int)node;
		if (r == 0)
			kvmrt_ids_done(&cpus);
	}
	kvmrt_strv_free(names);
	return r;
}

/* Counts @set into the per-CPU counters: alone (@only) or among others (@allowed). */
static void count_on(const struct cpu_facts *f, const struct kvmrt_ids *set, unsigned *only,
		     unsigned *allowed)
{
	int first = kvmrt_ids_next(set, 0);
	bool single = first >= 0 && kvmrt_ids_next(set, (unsigned)first + 1) < 0;

	for (int c = first; c >= 0 && (unsigned)c < f->n;
	     c = kvmrt_ids_next(set, (unsigned)c + 1)) {
		allowed[c]++;
		if (single)
			only[c]++;
	}
}

static int count_bound(const struct kvmrt_sysroot *s, struct cpu_facts *f, char *why,
		       size_t why_len)
{
	struct kvmrt_task *tasks;
	struct kvmrt_irq *irqs;
	int n;

	n = kvmrt_irqs_list(s, &irqs, why, why_len);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		count_on(f, &irqs[i].affinity, f->irqs_only, f->irqs_allowed);
	kvmrt_irqs_free(irqs, (unsigned)n);
	n = kvmrt_tasks_list(s, KVMRT_TASKS_THREADS, &tasks, why, why_len);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		count_on(f, &tasks[i].allowed, f->tasks_only, f->tasks_allowed);
	kvmrt_tasks_free(tasks, (unsigned)n);
	return 0;
}

static int facts_read(const struct affinity_params *p, const struct kvmrt_sysroot *s,
		      struct cpu_facts *f, char *why, size_t why_len)
{
	size_t n;
	int r = read_cpus(p, s, f, why, why_len);

	if (r == 0)
		r = read_isolation(s, f, why, why_len);
	if (r == 0)
		r = read_shielding(p, s, f, why, why_len);
	if (r < 0)
		return r;
	n = f->n ? f->n : 1;
	f->node = calloc(n, sizeof(*f->node));
	f->irqs_only = calloc(n, sizeof(unsigned));
	f->irqs_allowed = calloc(n, sizeof(unsigned));
	f->tasks_only = calloc(n, sizeof(unsigned));
	f->tasks_allowed = calloc(n, sizeof(unsigned));
	if (!f->node || !f->irqs_only || !f->irqs_allowed || !f->tasks_only || !f->tasks_allowed)
		return -ENOMEM;
	r = read_nodes(s, f, why, why_len);
	return r < 0 ? r : count_bound(s, f, why, why_len);
}

/* "isolcpus,nohz_full,partition" as they apply to @cpu, or "-". */
static void isolation_of(const struct cpu_facts *f, unsigned cpu, char *buf, size_t len)
{
	const struct { const struct kvmrt_ids *set; const char *name; } kinds[] = {
		{ &f->isolcpus, "isolcpus" }, { &f->nohz, "nohz_full" },
		{ &f->partitions, "partition" },
	};
	size_t pos = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kvmrt_ids_test(kinds[i].set, cpu) && pos < len)
			pos += (size_t)snprintf(buf + pos, len - pos, "%s%s", pos ? "," : "",
						kinds[i].name);
	if (!pos)
		snprintf(buf, len, "-");
}

/* The name (else the UUID) of the VM shielding @cpu, or NULL. */
static const char *owner_of(const struct cpu_facts *f, unsigned cpu)
{
	const char *uuid = f->tuning ? kvmrt_tuning_owner(f->tuning, cpu) : NULL;
	int i = uuid && f->config ? kvmrt_config_find(f->config, uuid) : -ENOENT;

	return i >= 0 && f->config->vms[i].name ? f->config->vms[i].name : uuid;
}

static int cpu_row(const struct kvmrt_sysroot *s, const struct cpu_facts *f, unsigned c,
		   struct table *t)
{
	char cpu[16], iso[48], node[16], core[24], counts[4][16], path[96];
	const char *vm = owner_of(f, c);
	long core_id;

	snprintf(cpu, sizeof(cpu), "%u", c);
	isolation_of(f, c, iso, sizeof(iso));
	if (f->node[c] < 0)
		snprintf(node, sizeof(node), "-");
	else
		snprintf(node, sizeof(node), "%d", f->node[c]);
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/topology/core_id", c);
	if (kvmrt_sysroot_read_long(s, path, &core_id) == 0)
		snprintf(core, sizeof(core), "%ld", core_id);
	else
		snprintf(core, sizeof(core), "-");
	snprintf(counts[0], sizeof(counts[0]), "%u", f->irqs_only[c]);
	snprintf(counts[1], sizeof(counts[1]), "%u", f->irqs_allowed[c]);
	snprintf(counts[2], sizeof(counts[2]), "%u", f->tasks_only[c]);
	snprintf(counts[3], sizeof(counts[3]), "%u", f->tasks_allowed[c]);
	return table_add_row(t, (const char *const[]){
		cpu, table_yes_no(kvmrt_ids_test(&f->online, c), true), iso,
		table_yes_no(kvmrt_ids_test(&f->shielded, c), f->shield_known), node, core,
		counts[0], counts[1], counts[2], counts[3], vm ? vm : "-" });
}

int cpustat_run(const struct affinity_params *p, const struct kvmrt_sysroot *s)
{
	struct cpu_facts f = {};
	struct table t;
	char why[512];
	int r;

	r = facts_read(p, s, &f, why, sizeof(why));
	if (r < 0) {
		if (r == -ENOMEM)
			tool_error(r, "reading the CPUs");
		else
			tool_error(0, "%s", why);
		facts_done(&f);
		return EXIT_TOOL_FAILURE;
	}
	table_init(&t, cpu_columns, ARRAY_SIZE(cpu_columns));
	for (int c = kvmrt_ids_next(&f.shown, 0); c >= 0 && r == 0;
	     c = kvmrt_ids_next(&f.shown, (unsigned)c + 1))
		r = cpu_row(s, &f, (unsigned)c, &t);
	facts_done(&f);
	return table_emit(&t, r, p->json, "listing the CPUs");
}
