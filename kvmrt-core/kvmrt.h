/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvmrt.h - libkvmrt: the kvmrt configuration (kvmrt.cfg(5)), ID sets and
 * CPUSETs, the host topology, validation, the placement plan and the libvirt
 * mapping. See DESIGN.md decision 6.
 *
 * Conventions: functions return 0 (or a count) on success and a negative
 * errno on failure; functions that can fail on user input also write a
 * one-line reason into @why (naming the file, line or value at fault and the
 * accepted forms). Output parameters are written only on success.
 */
#ifndef KVMRT_H
#define KVMRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KVMRT_DEFAULT_CONFIG "/etc/kvmrt.cfg"
#define KVMRT_DEFAULT_URI "qemu:///system"
/* IDs (CPUs, NUMA nodes) above this are refused in any set. */
#define KVMRT_MAX_IDS 8192
#define KVMRT_MAX_VCPUS 4096
/* The SMBIOS OEM string that permits guest services to a VM (DESIGN.md decision 5). */
#define KVMRT_GS_OEM_STRING "kvmrt-gs:permit=1"

/* ---- ID sets: bitmaps of CPU or NUMA node numbers (idset.c) ---- */

struct kvmrt_ids {
	unsigned nbits; /* capacity: IDs 0 .. nbits-1 */
	uint64_t *w;
};

/* Makes an empty set for IDs below @nbits. Returns 0 or -ENOMEM. Free with kvmrt_ids_done(). */
int kvmrt_ids_init(struct kvmrt_ids *s, unsigned nbits);
/* Frees the bits; the set is empty (capacity 0) afterwards. Accepts a zeroed set. */
void kvmrt_ids_done(struct kvmrt_ids *s);
/* Makes @dst a copy of @src (@dst must not be initialised). Returns 0 or -ENOMEM. */
int kvmrt_ids_copy(struct kvmrt_ids *dst, const struct kvmrt_ids *src);

static inline bool kvmrt_ids_test(const struct kvmrt_ids *s, unsigned id)
{
	return id < s->nbits && (s->w[id / 64] >> (id % 64) & 1);
}

/* Adds @id, which must be below the capacity. */
static inline void kvmrt_ids_add(struct kvmrt_ids *s, unsigned id)
{
	s->w[id / 64] |= UINT64_C(1) << (id % 64);
}

unsigned kvmrt_ids_count(const struct kvmrt_ids *s);
/* The lowest ID >= @from, or -1 when there is none. */
int kvmrt_ids_next(const struct kvmrt_ids *s, unsigned from);
bool kvmrt_ids_intersects(const struct kvmrt_ids *a, const struct kvmrt_ids *b);
bool kvmrt_ids_subset(const struct kvmrt_ids *a, const struct kvmrt_ids *b); /* a within b */
bool kvmrt_ids_equal(const struct kvmrt_ids *a, const struct kvmrt_ids *b);
/* dst |= src, dst &= ~src (IDs of @src beyond @dst's capacity are ignored). */
void kvmrt_ids_or(struct kvmrt_ids *dst, const struct kvmrt_ids *src);
void kvmrt_ids_andnot(struct kvmrt_ids *dst, const struct kvmrt_ids *src);

/*
 * Parses a plain ID-set ("0,2,4-7", spaces allowed around numbers) with IDs
 * below @limit into @ret (not initialised by the caller; free with
 * kvmrt_ids_done()). Returns 0, -EINVAL when malformed or -ERANGE (ID too
 * large), with the reason in @why.
 */
int kvmrt_idset_parse(const char *s, unsigned limit, struct kvmrt_ids *ret, char *why,
		      size_t why_len);

/* Formats @s compactly ("0-3,8"). Returns 0 and *ret (free() it) or -ENOMEM. */
int kvmrt_ids_format(const struct kvmrt_ids *s, char **ret);

/* ---- Host topology from hwloc (topology.c) ---- */

struct kvmrt_topology;

#define KVMRT_TOPO_LOAD_IO 1u /* also discover I/O devices (PCI; for hwtopo) */

/*
 * Loads the topology: live (@spec NULL, with disallowed CPUs included), from
 * an hwloc XML file (@spec ends in ".xml" or contains a '/') or from an hwloc
 * synthetic description ("pack:1 l3:4 numa:1 core:8 pu:2"). @flags: 0 or
 * KVMRT_TOPO_LOAD_IO. Returns 0 or a negative errno with the reason in @why.
 * Free with kvmrt_topology_free().
 */
int kvmrt_topology_load(const char *spec, unsigned flags, struct kvmrt_topology **ret, char *why,
			size_t why_len);
void kvmrt_topology_free(struct kvmrt_topology *t);

/* Capacity of CPU sets of this topology: one more than the highest CPU number. */
unsigned kvmrt_topology_nr_cpus(const struct kvmrt_topology *t);
/* Capacity of NUMA node sets: one more than the highest node number. */
unsigned kvmrt_topology_nr_nodes(const struct kvmrt_topology *t);
/* The CPUs that are online (shown by hwloc). Borrowed. */
const struct kvmrt_ids *kvmrt_topology_online(const struct kvmrt_topology *t);
/* The NUMA nodes that exist. Borrowed. */
const struct kvmrt_ids *kvmrt_topology_nodes(const struct kvmrt_topology *t);
/* NUMA node of @cpu, or -1. */
int kvmrt_topology_cpu_node(const struct kvmrt_topology *t, unsigned cpu);
/* The CPUs of @cpu's core (its SMT siblings and itself), or NULL. Borrowed. */
const struct kvmrt_ids *kvmrt_topology_core_cpus(const struct kvmrt_topology *t, unsigned cpu);
/* The NUMA nodes holding the CPUs of @cpus, into @ret (initialised by this call). */
int kvmrt_topology_nodes_of(const struct kvmrt_topology *t, const struct kvmrt_ids *cpus,
			    struct kvmrt_ids *ret);

#define KVMRT_TOPO_VERBOSE 1u /* names, models and sizes */
#define KVMRT_TOPO_NO_IO 2u   /* leave out I/O devices */

/*
 * Writes the topology tree as hwtopo shows it (machine, packages, dies, L3
 * caches, NUMA nodes, cores, CPUs, I/O devices) to @f. Returns 0 or -EIO.
 */
int kvmrt_topology_print(FILE *f, const struct kvmrt_topology *t, unsigned flags);
/* Writes the topology as hwloc XML to @path (for --topology). Returns 0 or a negative errno. */
int kvmrt_topology_export(const struct kvmrt_topology *t, const char *path, char *why,
			  size_t why_len);

/* ---- CPUSET syntax (cpuset.c) ---- */

/* What kvmrt_cpuset_parse() accepts, for messages. */
extern const char kvmrt_cpuset_forms[];

/*
 * Parses a CPUSET: a CPU list ("0,1,16-19"), NUMA node/core/die/package
 * numbers prefixed with n/c/d/p ("n1-n2", "c3"), mixed with commas; a leading
 * '~' takes the inverse of the whole set within the online CPUs ("~n0,n3" is
 * every online CPU outside nodes 0 and 3). Cores, dies and packages are
 * numbered as hwloc's logical indexes (0 .. count-1 across the machine), NUMA
 * nodes and CPUs by their OS numbers. With @t NULL only the syntax is checked
 * and *ret is not written (may be NULL). Otherwise *ret (initialised by this
 * call, capacity kvmrt_topology_nr_cpus()) holds the CPUs. Returns 0, -EINVAL
 * (syntax) or -ENOENT (names a CPU, node, core, die or package that does not
 * exist or is offline), with the reason in @why.
 */
int kvmrt_cpuset_parse(const char *s, const struct kvmrt_topology *t, struct kvmrt_ids *ret,
		       char *why, size_t why_len);

/* ---- The configuration file (config-parse.c, config-write.c) ---- */

enum kvmrt_attr {
	KVMRT_ATTR_NAME,
	KVMRT_ATTR_TITLE,
	KVMRT_ATTR_DESCRIPTION,
	KVMRT_ATTR_NR_VCPUS,
	KVMRT_ATTR_CPU_TOPOLOGY,
	KVMRT_ATTR_CPUSET,
	KVMRT_ATTR_RT,
	KVMRT_ATTR_RT_MEMORY,
	KVMRT_ATTR_NUMATUNE,
	KVMRT_ATTR_HIDE_KVM,
	KVMRT_ATTR_AUTOSTART,
	KVMRT_ATTR_DISABLED,
	KVMRT_ATTR_GUEST_SERVICES,
	KVMRT_ATTR_COMMENTS,
	KVMRT_ATTR_COUNT,
};

/* The attribute's name in the file ("nr_vcpus"). */
const char *kvmrt_attr_name(enum kvmrt_attr a);

enum kvmrt_auto { KVMRT_AUTO = -1, KVMRT_OFF = 0, KVMRT_ON = 1 };

struct kvmrt_vm {
	char uuid[37];          /* section name, lower case */
	char *name;             /* NULL when missing (an error for validation) */
	char *title, *description, *comments; /* never NULL ("" by default) */
	unsigned nr_vcpus;      /* default 1 */
	bool topology_auto;     /* cpu_topology = auto (default) */
	unsigned sockets, cores, threads; /* when !topology_auto */
	char *cpuset;           /* as written, never NULL ("" = no CPU binding) */
	bool rt;
	enum kvmrt_auto rt_memory; /* default auto */
	bool numatune_auto;     /* default true */
	char *numatune;         /* ID-set as written when !numatune_auto ("" = unrestricted) */
	bool hide_kvm, autostart, disabled, guest_services;
	unsigned line;          /* line of the section header (0 when not from a file) */
	unsigned attr_line[KVMRT_ATTR_COUNT]; /* line of each attribute, 0 = not set */
};

struct kvmrt_config {
	char *path;             /* file it was read from, for messages ("" if none) */
	unsigned nr_vms;
	struct kvmrt_vm *vms;
};

/* Resets @vm to the defaults (no name) with the given UUID. */
int kvmrt_vm_init(struct kvmrt_vm *vm, const char *uuid);
void kvmrt_vm_done(struct kvmrt_vm *vm);
/* "VM 'NAME'" or "VM [UUID]" into @buf, for messages. Returns @buf. */
const char *kvmrt_vm_label(const struct kvmrt_vm *vm, char *buf, size_t len);
/* Effective rt_memory: auto follows rt. */
bool kvmrt_vm_rt_memory(const struct kvmrt_vm *vm);

/* Checks a UUID ("8-4-4-4-12" hex digits); writes the lower-case form to @ret (37 bytes). */
int kvmrt_uuid_parse(const char *s, char ret[37]);

/*
 * Parses the INI text @text (@len bytes). @path names it in messages.
 * Unknown attributes, malformed values, duplicate sections or attributes are
 * -EINVAL with "PATH:LINE: ..." and the accepted forms in @why. Returns 0 and
 * *ret (free with kvmrt_config_free()).
 */
int kvmrt_config_parse(const char *text, size_t len, const char *path, struct kvmrt_config **ret,
		       char *why, size_t why_len);
/* Reads and parses @path (-ENOENT when it does not exist). */
int kvmrt_config_load(const char *path, struct kvmrt_config **ret, char *why, size_t why_len);
/* An empty configuration for @path. */
int kvmrt_config_new(const char *path, struct kvmrt_config **ret);
void kvmrt_config_free(struct kvmrt_config *c);
/* Index of the VM with UUID or name @key, or -ENOENT. */
int kvmrt_config_find(const struct kvmrt_config *c, const char *key);
/* Appends a VM (moved: @vm is emptied). Returns its index or -ENOMEM. */
int kvmrt_config_add(struct kvmrt_config *c, struct kvmrt_vm *vm);

/* The INI text of @c (every attribute written). Returns 0 and *ret (free() it). */
int kvmrt_config_format(const struct kvmrt_config *c, char **ret);
/*
 * The text @old_text (the file as it is) changed to hold @c: only the lines
 * of attributes whose values changed are rewritten, missing attributes are
 * added to their section, new VMs appended; comments, order and spelling of
 * everything else stay. (A text that does not parse is replaced by
 * kvmrt_config_format().) Returns 0 and *ret (free() it) or -ENOMEM.
 */
int kvmrt_config_update(const char *old_text, const struct kvmrt_config *c, char **ret);
/*
 * Takes the configuration lock of @path (an flock on "PATH.lock", waiting).
 * Returns the lock descriptor (close it to unlock) or a negative errno.
 */
int kvmrt_config_lock(const char *path);
/*
 * Writes @text to @path atomically: a temporary file in the same directory,
 * fsync, rename. Hold the lock. Returns 0 or a negative errno (@why says which step).
 */
int kvmrt_config_replace(const char *path, const char *text, char *why, size_t why_len);

/* ---- Placement plan (plan.c) ---- */

struct kvmrt_vm_plan {
	int status;              /* 0, or the cpuset/numatune error (see @why) */
	char why[256];
	struct kvmrt_ids cpus;   /* cpuset as resolved (empty: not bound) */
	struct kvmrt_ids nodes;  /* NUMA nodes of cpus */
	/* rt: one CPU per core of cpuset (the lowest of it in cpuset); the first
	 * nr_vcpus run the vCPUs, the rest run the emulator and I/O threads */
	struct kvmrt_ids rt_cpus;
	unsigned *vcpu_cpu;      /* rt: vCPU i -> host CPU (nr_vcpus entries) */
	struct kvmrt_ids emulator; /* rt: rt_cpus beyond the vCPUs (all rt_cpus when none
				    * is left); else cpus */
	struct kvmrt_ids siblings; /* rt: SMT siblings of rt_cpus taken offline */
	struct kvmrt_ids owned;  /* rt: cpus + siblings (no other VM may use them) */
	bool mem_restricted;     /* numatune restricts memory */
	struct kvmrt_ids mem_nodes;
	bool mem_locked;
	unsigned sockets, cores, threads; /* guest CPU topology */
	unsigned nr_vcpus;       /* entries of vcpu_cpu */
};

/* Builds @vm's plan on @t into @ret (initialised by this call; resolution
 * errors are recorded in ret->status, not returned). Returns 0 or -ENOMEM. */
int kvmrt_plan_vm(const struct kvmrt_vm *vm, const struct kvmrt_topology *t,
		  struct kvmrt_vm_plan *ret);
void kvmrt_plan_vm_done(struct kvmrt_vm_plan *p);

/*
 * Writes @vm as interpreted (defaults resolved, CPUSET expanded) with its plan
 * @p (for real-time VMs: vCPU i -> host CPU, emulator/I/O CPUs, NUMA nodes,
 * SMT siblings taken offline) to @f. Returns 0 or -EIO.
 */
int kvmrt_show_vm(FILE *f, const struct kvmrt_vm *vm, const struct kvmrt_vm_plan *p);

/* ---- Validation (validate.c) ---- */

enum kvmrt_severity { KVMRT_WARNING = 1, KVMRT_ERROR = 2 };

struct kvmrt_diag {
	enum kvmrt_severity severity;
	const char *rule;   /* short rule id, e.g. "rt-overlap" (kvmrt-validate-config(1)) */
	unsigned vm;        /* index in the configuration */
	enum kvmrt_attr attr;
	unsigned line;      /* line of the attribute (or of the section) */
	char *message;      /* "VM 'NAME': ATTR: what is wrong; how to fix it" */
};

struct kvmrt_diags {
	unsigned nr, cap;
	struct kvmrt_diag *d;
	unsigned errors, warnings;
};

#define KVMRT_VALIDATE_ALL 1u /* include disabled VMs */

/*
 * Checks @c against @t with every rule (kvmrt-validate-config(1) lists them)
 * and appends what it finds to @ret (zero-initialised by the caller, freed with
 * kvmrt_diags_done()). Returns the number of errors or -ENOMEM.
 */
int kvmrt_validate(const struct kvmrt_config *c, const struct kvmrt_topology *t, unsigned flags,
		   struct kvmrt_diags *ret);
void kvmrt_diags_done(struct kvmrt_diags *d);
const char *kvmrt_severity_name(enum kvmrt_severity s);

/* ---- Editing (config-edit.c, for kvmrt-edit-config) ---- */

/*
 * Parses and validates @text (named @path in messages) on @t. *ret_report
 * (free() it) has one finding per line. Returns the number of errors (a file
 * that does not parse counts one), or a negative errno.
 */
int kvmrt_edit_check(const char *text, const char *path, const struct kvmrt_topology *t,
		     char **ret_report);
/* @text with @report appended as "# kvmrt-edit-config: " comment lines (earlier ones dropped). */
int kvmrt_edit_annotate(const char *text, const char *report, char **ret);
/* @text without the kvmrt-edit-config comment lines. */
int kvmrt_edit_strip(const char *text, char **ret);

/* ---- libvirt domain XML (domain-xml.c) ---- */

/*
 * Edits the domain XML @xml for @vm and its plan @p, changing only the
 * elements kvmrt owns (kvmrt-sync-config(1) lists them) and keeping all other
 * XML. Returns 0 and *ret (free() it), or -EINVAL (not domain XML) with @why.
 */
int kvmrt_domain_apply(const char *xml, const struct kvmrt_vm *vm, const struct kvmrt_vm_plan *p,
		       char **ret, char *why, size_t why_len);

/*
 * The values of the elements kvmrt owns in @xml, one "key value" line each,
 * normalised (CPU lists compact, libvirt's defaults folded) so that two texts
 * compare equal when libvirt would behave the same. Returns 0 and *ret (free() it).
 */
int kvmrt_domain_owned(const char *xml, char **ret, char *why, size_t why_len);

/*
 * What differs between two kvmrt_domain_owned() texts, as "key: HAVE -> WANT"
 * items joined by "; " (*ret is NULL when they are equal; free() it).
 */
int kvmrt_owned_diff(const char *have, const char *want, char **ret);

/*
 * Reads the attributes kvmrt maps from the domain XML @xml into @vm (from
 * libvirt to the configuration): name, title, description, nr_vcpus,
 * cpu_topology, cpuset, rt, rt_memory, numatune, hide_kvm, guest_services.
 * An attribute whose current value in @vm means the same on @t is kept as
 * written (so "n1" stays "n1"). Returns 0 when nothing changed, a positive
 * number when something did, or a negative errno with @why.
 */
int kvmrt_domain_to_vm(const char *xml, const struct kvmrt_topology *t, struct kvmrt_vm *vm,
		       char *why, size_t why_len);

/* ---- libvirt (libvirt-sync.c) ---- */

struct kvmrt_virt;

/* Connects to libvirt at @uri (e.g. qemu:///system, test:///path/node.xml). Free with
 * kvmrt_virt_close(). Returns 0 or a negative errno with @why. */
int kvmrt_virt_open(const char *uri, struct kvmrt_virt **ret, char *why, size_t why_len);
void kvmrt_virt_close(struct kvmrt_virt *v);

/* The UUIDs of every libvirt domain (defined or running). *ret is an array of
 * 37-byte strings (free() it). Returns the count or a negative errno. */
int kvmrt_virt_list(struct kvmrt_virt *v, char (**ret)[37], char *why, size_t why_len);

/* The inactive (persistent) XML of domain @uuid and its autostart flag.
 * -ENOENT when there is no such domain. *ret_xml must be freed with free(). */
int kvmrt_virt_domain(struct kvmrt_virt *v, const char *uuid, char **ret_xml,
		      bool *ret_autostart, char *why, size_t why_len);

enum kvmrt_sync_state { KVMRT_SYNC_IN_SYNC, KVMRT_SYNC_DIFFERS, KVMRT_SYNC_MISSING };

/*
 * Compares libvirt's domain of @vm with what @p plans, without changing
 * anything. *ret_diff (free() it; NULL when in sync or missing) says how it
 * differs, as "what: LIBVIRT -> CONFIG" items.
 */
int kvmrt_sync_query(struct kvmrt_virt *v, const struct kvmrt_vm *vm,
		     const struct kvmrt_vm_plan *p, enum kvmrt_sync_state *ret_state,
		     char **ret_diff, char *why, size_t why_len);

/*
 * Writes @vm's plan into its libvirt domain: reads the inactive XML, edits the
 * elements kvmrt owns, renames the domain if the name changed, defines it with
 * validation, sets autostart, and reads it back to check that libvirt kept
 * what was written. *ret_changes (free() it) lists what changed, NULL when
 * nothing did. -ENOENT when libvirt has no such domain.
 */
int kvmrt_sync_vm(struct kvmrt_virt *v, const struct kvmrt_vm *vm, const struct kvmrt_vm_plan *p,
		  char **ret_changes, char *why, size_t why_len);

/*
 * The other way: updates @vm from its libvirt domain (kvmrt_domain_to_vm()
 * and autostart). Returns 0 (unchanged), positive (changed) or a negative errno.
 */
int kvmrt_sync_reverse(struct kvmrt_virt *v, const struct kvmrt_topology *t, struct kvmrt_vm *vm,
		       char *why, size_t why_len);

/*
 * Checks the VMs of @c (disabled ones with KVMRT_VALIDATE_ALL) against libvirt:
 * warnings "libvirt-missing" (no domain with the VM's UUID) and
 * "libvirt-differs" (not in sync, saying how). Appends to @ret; returns the
 * number of findings added or a negative errno with @why.
 */
int kvmrt_validate_libvirt(const struct kvmrt_config *c, const struct kvmrt_topology *t,
			   struct kvmrt_virt *v, unsigned flags, struct kvmrt_diags *ret, char *why,
			   size_t why_len);

/* ---- libvirt lifecycle (lifecycle.c, for kvmrt-boot, kvmrt-shutdown, kvmrt-stat) ---- */

/* The SCHED_FIFO priority of the vCPU threads of real-time VMs (domain-xml.c's <vcpusched>). */
#define KVMRT_RT_PRIORITY 1

enum kvmrt_vm_state {
	KVMRT_VM_MISSING,       /* libvirt has no domain with the UUID */
	KVMRT_VM_SHUTOFF,
	KVMRT_VM_CRASHED,
	KVMRT_VM_RUNNING,       /* the states from here on have a QEMU process */
	KVMRT_VM_PAUSED,
	KVMRT_VM_SHUTTING_DOWN,
};

/* "missing", "shut off", "crashed", "running", "paused", "shutting down". */
const char *kvmrt_vm_state_name(enum kvmrt_vm_state s);
static inline bool kvmrt_vm_state_active(enum kvmrt_vm_state s)
{
	return s >= KVMRT_VM_RUNNING;
}

/* The state of domain @uuid (KVMRT_VM_MISSING is not an error). Returns 0 or a negative errno. */
int kvmrt_virt_state(struct kvmrt_virt *v, const char *uuid, enum kvmrt_vm_state *ret,
		     char *why, size_t why_len);

/*
 * Starts domain @uuid from its persistent XML. With KVMRT_START_DEGRADED the
 * domain is started from that XML without what hosts may refuse to give QEMU
 * (<vcpusched> and <memoryBacking><locked/>): its persistent XML is kept, so
 * the next start asks again. -EBUSY when it is already running.
 */
#define KVMRT_START_DEGRADED 1u
int kvmrt_virt_start(struct kvmrt_virt *v, const char *uuid, unsigned flags, char *why,
		     size_t why_len);
/* Asks the guest to shut down (ACPI power button); returns at once. */
int kvmrt_virt_shutdown(struct kvmrt_virt *v, const char *uuid, char *why, size_t why_len);
/* Stops domain @uuid at once (pulls the plug). */
int kvmrt_virt_destroy(struct kvmrt_virt *v, const char *uuid, char *why, size_t why_len);

#endif
