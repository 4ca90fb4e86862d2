/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-gsd.c - kvmrt-gsd's core fed kvm_hypercall records laid out by the
 * committed fixture's event format, through gsd_feed (the path live
 * records take): 10,000 hostile messages a second from one VM give at most
 * the rate limit of lines, all escaped; length caps; flush forwarding and
 * its limit; VM names from QEMU command lines; the daemon's arguments and
 * a replay of the fixture dump by the built tool.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <traceevent/event-parse.h>
#include <unistd.h>

#include "fileio.h"
#include "gs-test.h"
#include "gsd-run.h"
#include "test-exec.h"
#include "xtrace.h"

#define MAX_LINES 64
#define VCPU_TID 4321
#define QEMU_PID 4300

struct fixture {
	char *root; /* fake /: proc/4321/status, proc/4300/cmdline */
	struct xt_dump *dump;
	struct tep_handle *tep;
	struct tep_event *hc;
	struct gsd *g;
	char *lines[MAX_LINES];
	unsigned n_lines, all_lines;
	unsigned flushes, last_scope;
	char flush_vm[GSD_VM_NAME_MAX];
	char flush_cpus[GSD_CPU_LIST_MAX]; /* "all" for every CPU */
	uint64_t ts;
	uint32_t id;
};

static void on_log(void *userdata, const char *line)
{
	struct fixture *f = userdata;

	if (f->n_lines < MAX_LINES)
		f->lines[f->n_lines++] = strdup(line);
	f->all_lines++;
}

static void on_flush(void *userdata, const char *vm, unsigned scope, const char *cpus)
{
	struct fixture *f = userdata;

	f->flushes++;
	f->last_scope = scope;
	snprintf(f->flush_cpus, sizeof(f->flush_cpus), "%s", cpus ? cpus : "all");
	snprintf(f->flush_vm, sizeof(f->flush_vm), "%s", vm);
}

static void make_gsd(struct fixture *f, uint32_t rate, uint32_t max_len)
{
	struct gsd_options o = {.rate = rate, .max_len = max_len, .proc_root = f->root};
	struct gsd_sink sink = {.log = on_log, .flush = on_flush, .userdata = f};

	gsd_free(f->g);
	f->g = NULL;
	assert_int_equal(gsd_new(&o, &sink, &f->g), 0);
}

static int setup(void **state)
{
	static const char status[] = "Name:\tCPU 0/KVM\nUmask:\t0022\nState:\tS\nTgid:\t4300\n";
	static const char cmdline[] = "/usr/bin/qemu-system-x86_64\0-name\0"
				      "guest=vm1,debug-threads=on\0-S\0";
	struct fixture *f = calloc(1, sizeof(*f));
	char *dump = test_source_path("fixtures/dumps/host");

	f->root = test_mkdtemp();
	gs_test_write(f->root, "proc/4321/status", status, sizeof(status) - 1);
	gs_test_write(f->root, "proc/4300/cmdline", cmdline, sizeof(cmdline) - 1);
	assert_int_equal(xt_dump_open(dump, &f->dump), 0);
	free(dump);
	f->tep = xt_dump_tep(f->dump);
	f->hc = tep_find_event_by_name(f->tep, "kvm", "kvm_hypercall");
	assert_non_null(f->hc);
	f->ts = 1000000000000ull;
	make_gsd(f, 0, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (unsigned i = 0; i < f->n_lines; i++)
		free(f->lines[i]);
	gsd_free(f->g);
	xt_dump_free(f->dump);
	test_rm_rf(f->root);
	free(f->root);
	free(f);
	return 0;
}

static void put_field(struct fixture *f, uint8_t *rec, const char *name, uint64_t v)
{
	struct tep_format_field *field = tep_find_any_field(f->hc, name);

	assert_non_null(field);
	memcpy(rec + field->offset, &v, field->size); /* little-endian, as recorded */
}

/* One kvm_hypercall record from @tid at @ts, fed as live records are. */
static void hypercall(struct fixture *f, uint32_t tid, uint64_t ts, const uint64_t r[5])
{
	static const char *const regs[] = {"nr", "a0", "a1", "a2", "a3"};
	uint8_t rec[64] = {0};
	struct xt_event ev = {.ts = ts, .data = rec, .size = 48, .kind = XT_EVENT_RECORD, .cpu = 2};

	put_field(f, rec, "common_type", (uint64_t)f->hc->id);
	put_field(f, rec, "common_pid", tid);
	for (unsigned i = 0; i < 5; i++)
		put_field(f, rec, regs[i], r[i]);
	assert_int_equal(gsd_feed(f->g, f->tep, &ev), 0);
}

static uint64_t word(const uint8_t *p, size_t len, size_t from)
{
	uint64_t w = 0;

	for (size_t i = 0; i < 8 && from + i < len; i++)
		w |= (uint64_t)p[from + i] << (8 * i);
	return w;
}

/* A log message from @tid, all its chunks at @ts. */
static void log_msg(struct fixture *f, uint32_t tid, uint64_t ts, const uint8_t *p, size_t len)
{
	uint32_t id = ++f->id;

	for (size_t k = 0; k * KVMRT_GS_CHUNK_BYTES < len; k++) {
		size_t at = k * KVMRT_GS_CHUNK_BYTES;
		uint64_t r[5] = {KVMRT_GS_NR(KVMRT_GS_FN_LOG_MSG), KVMRT_GS_LOG_A0(id, len, k),
				 word(p, len, at), word(p, len, at + 8), word(p, len, at + 16)};

		hypercall(f, tid, ts, r);
	}
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static void test_message(void **state)
{
	struct fixture *f = *state;

	log_msg(f, VCPU_TID, f->ts, (const uint8_t *)"VM1 is about to start A", 23);
	assert_int_equal(f->n_lines, 1);
	assert_string_equal(f->lines[0], "kvmrt-gs[vm1]: VM1 is about to start A");
	log_msg(f, 999999, f->ts, (const uint8_t *)"who?", 4);
	assert_string_equal(f->lines[1], "kvmrt-gs[tid-999999]: who?");
}

/* The acceptance check: a hostile flood is cut to the rate limit, every line escaped. */
static void test_hostile_flood(void **state)
{
	struct fixture *f = *state;
	const unsigned per_second = 10000;
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	uint8_t msg[40];

	for (unsigned i = 0; i < per_second; i++) {
		for (size_t b = 0; b < sizeof(msg); b++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			msg[b] = (uint8_t)(seed >> 56);
		}
		msg[0] = 0x1b; /* a terminal escape, at least */
		log_msg(f, VCPU_TID, f->ts + (uint64_t)i * (1000000000ull / per_second), msg,
			sizeof(msg));
	}
	assert_true(f->all_lines <= GSD_DEFAULT_RATE);
	assert_int_equal(f->all_lines, GSD_DEFAULT_RATE);
	for (unsigned i = 0; i < f->n_lines; i++) {
		assert_true(printable(f->lines[i]));
		assert_memory_equal(f->lines[i], "kvmrt-gs[vm1]: \\x1b", 19);
	}
	/* the next second: a report of what was suppressed, then lines again */
	log_msg(f, VCPU_TID, f->ts + 1500000000ull, (const uint8_t *)"calm again", 10);
	assert_int_equal(f->all_lines, GSD_DEFAULT_RATE + 2);
	assert_string_equal(f->lines[GSD_DEFAULT_RATE],
			    "kvmrt-gs[vm1]: 9990 messages suppressed (rate limit)");
	assert_string_equal(f->lines[GSD_DEFAULT_RATE + 1], "kvmrt-gs[vm1]: calm again");
}

static void test_length_cap(void **state)
{
	struct fixture *f = *state;
	uint8_t big[KVMRT_GS_MAX_PAYLOAD];

	memset(big, 'A', sizeof(big));
	big[3] = '\n';
	make_gsd(f, 5, 16);
	log_msg(f, VCPU_TID, f->ts, big, sizeof(big));
	assert_int_equal(f->n_lines, 1);
	assert_string_equal(f->lines[0], "kvmrt-gs[vm1]: AAA\\x0aAAAAAAAAAAAA...");
}

static void test_malformed_logged(void **state)
{
	struct fixture *f = *state;
	uint64_t bad[5] = {KVMRT_GS_NR(0x77), 0, 0, 0, 0};
	uint64_t torn[5] = {KVMRT_GS_NR(KVMRT_GS_FN_LOG_MSG), KVMRT_GS_LOG_A0(5, 100, 0), 1, 2, 3};

	hypercall(f, VCPU_TID, f->ts, bad);
	hypercall(f, VCPU_TID, f->ts, torn);
	gsd_finish(f->g);
	assert_int_equal(f->n_lines, 2);
	assert_string_equal(f->lines[0], "kvmrt-gs[vm1]: malformed call: unknown function 0x77");
	assert_string_equal(f->lines[1], "kvmrt-gs[vm1]: partial message: message 5: cut short "
					 "after 1 of 5 chunks");
}

static void test_flush(void **state)
{
	struct fixture *f = *state;
	uint64_t r[5] = {KVMRT_GS_NR(KVMRT_GS_FN_FLUSH), KVMRT_GS_SCOPE_CPU_VM, 0, 0, 0};

	for (unsigned i = 0; i < 100; i++)
		hypercall(f, VCPU_TID, f->ts + i * 1000000ull, r);
	assert_int_equal(f->flushes, GSD_DEFAULT_FLUSH_RATE);
	assert_int_equal(f->last_scope, KVMRT_GS_SCOPE_CPU_VM);
	assert_string_equal(f->flush_vm, "vm1");
	assert_string_equal(f->flush_cpus, "all"); /* the fixture tree has no threads */
	r[1] = 7; /* no such scope: reported, not forwarded */
	hypercall(f, VCPU_TID, f->ts + 5000000000ull, r);
	assert_int_equal(f->flushes, GSD_DEFAULT_FLUSH_RATE);
	assert_int_equal(f->n_lines, 1);
}

/* QEMU's threads in the fixture tree: two vCPUs on host CPUs 2-3 and 5, the rest anywhere. */
static void write_threads(const char *root)
{
	gs_test_write_text(root, "proc/4300/task/4300/status",
			   "Name:\tqemu-system-x86\nTgid:\t4300\nCpus_allowed_list:\t0-7\n");
	gs_test_write_text(root, "proc/4300/task/4321/status",
			   "Name:\tCPU 0/KVM\nTgid:\t4300\nCpus_allowed_list:\t2-3\n");
	gs_test_write_text(root, "proc/4300/task/4322/status",
			   "Name:\tCPU 1/KVM\nTgid:\t4300\nCpus_allowed:\t20\n"
			   "Cpus_allowed_list:\t5\nMems_allowed_list:\t0\n");
}

/* Each scope as host CPUs: the calling one, the VM's vCPUs' ones, all. */
static void test_flush_scopes(void **state)
{
	struct fixture *f = *state;
	uint64_t r[5] = {KVMRT_GS_NR(KVMRT_GS_FN_FLUSH), KVMRT_GS_SCOPE_CPU_CURRENT, 0, 0, 0};

	write_threads(f->root);
	hypercall(f, VCPU_TID, f->ts, r);
	assert_int_equal(f->last_scope, KVMRT_GS_SCOPE_CPU_CURRENT);
	assert_string_equal(f->flush_cpus, "2"); /* the record's CPU */
	r[1] = KVMRT_GS_SCOPE_CPU_VM;
	hypercall(f, VCPU_TID, f->ts + 2000000000ull, r);
	assert_string_equal(f->flush_cpus, "2-3,5");
	r[1] = KVMRT_GS_SCOPE_CPU_ALL;
	hypercall(f, VCPU_TID, f->ts + 4000000000ull, r);
	assert_string_equal(f->flush_cpus, "all");
	assert_int_equal(f->flushes, 3);
}

/* Threads not named as vCPUs: all of the process's; no process or no lists: unknown. */
static void test_vm_cpus(void **state)
{
	struct fixture *f = *state;
	char cpus[GSD_CPU_LIST_MAX];

	assert_int_equal(gsd_vm_cpus(f->root, VCPU_TID, cpus, sizeof(cpus)), -ENOENT);
	gs_test_write_text(f->root, "proc/4300/task/4300/status",
			   "Name:\tqemu\nCpus_allowed_list:\t1\n");
	gs_test_write_text(f->root, "proc/4300/task/4301/status",
			   "Name:\tworker\nCpus_allowed_list:\t6-7\n");
	assert_int_equal(gsd_vm_cpus(f->root, VCPU_TID, cpus, sizeof(cpus)), 0);
	assert_string_equal(cpus, "1,6-7");
	write_threads(f->root);
	assert_int_equal(gsd_vm_cpus(f->root, VCPU_TID, cpus, sizeof(cpus)), 0);
	assert_string_equal(cpus, "2-3,5");
	assert_int_equal(gsd_vm_cpus(f->root, VCPU_TID, cpus, 3), -ENOBUFS);
	assert_int_equal(gsd_vm_cpus(f->root, 999999, cpus, sizeof(cpus)), -ENOENT);
	/* Hostile lists (a fixture tree is as untrusted as any file) count for nothing. */
	gs_test_write_text(f->root, "proc/4300/task/4321/status",
			   "Name:\tCPU 0/KVM\nCpus_allowed_list:\t99999999\n");
	gs_test_write_text(f->root, "proc/4300/task/4322/status",
			   "Name:\tCPU 1/KVM\nCpus_allowed_list:\t3-1\n");
	assert_int_equal(gsd_vm_cpus(f->root, VCPU_TID, cpus, sizeof(cpus)), 0);
	assert_string_equal(cpus, "0-7"); /* no vCPU thread left: all threads */
}

/*
 * The real sink: the built daemon replays the fixture host dump (a VM-scope
 * flush from vCPU thread 4321) and runs xtrace-ctl (a script here) with the
 * VM's host CPUs for every live session of its control directory.
 */
static void test_sink_passes_cpus(void **state)
{
	struct fixture *f = *state;
	char *host = test_source_path("fixtures/dumps/host");
	char *ctl = NULL, *args = NULL, *dir = NULL, *sock = NULL, *expect = NULL;
	char *argv[] = {"gs/kvmrt-gsd", "--replay", host, "-o", "-", "--proc-root", f->root,
			"--xtrace-ctl", NULL, "--control-dir", NULL, NULL};
	struct test_output o = {0};
	char *seen = NULL;
	size_t seen_len;

	write_threads(f->root);
	assert_true(asprintf(&args, "%s/ctl-args", f->root) > 0);
	assert_true(asprintf(&ctl, "%s/xtrace-ctl", f->root) > 0);
	assert_true(asprintf(&dir, "%s/run-xtrace", f->root) > 0);
	assert_true(asprintf(&sock, "run-xtrace/%d.sock", (int)getpid()) > 0);
	gs_test_write_text(f->root, sock, "");
	{
		char *script = NULL;

		assert_true(asprintf(&script, "#!/bin/sh\necho \"$*\" >> %s\n", args) > 0);
		gs_test_write_text(f->root, "xtrace-ctl", script);
		assert_int_equal(chmod(ctl, 0755), 0);
		free(script);
	}
	argv[8] = ctl;
	argv[10] = dir;
	assert_int_equal(test_exec(argv, &o), 0);
	assert_int_equal(o.status, 0);
	test_output_free(&o);
	assert_int_equal(read_file_at(AT_FDCWD, args, 4096, &seen, &seen_len), 0);
	assert_true(asprintf(&expect, "--session %d flush --cpus 2-3,5\n", (int)getpid()) > 0);
	assert_string_equal(seen, expect);
	free(seen);
	free(expect);
	free(sock);
	free(dir);
	free(ctl);
	free(args);
	free(host);
}

/* A QEMU without -name: libvirt's pid file names it. */
static void test_libvirt_name(void **state)
{
	struct fixture *f = *state;
	static const char cmdline[] = "/usr/bin/qemu-system-x86_64\0-S\0";
	char out[GSD_VM_NAME_MAX];

	gs_test_write(f->root, "proc/4300/cmdline", cmdline, sizeof(cmdline) - 1);
	gsd_vm_name(f->root, VCPU_TID, out);
	assert_string_equal(out, "tid-4321");
	gs_test_write_text(f->root, "run/libvirt/qemu/other.pid", "4299\n");
	gs_test_write_text(f->root, "run/libvirt/qemu/rt-guest.pid", "4300\n");
	gsd_vm_name(f->root, VCPU_TID, out);
	assert_string_equal(out, "rt-guest");
}

static void test_qemu_name(void **state)
{
	static const char a[] = "qemu\0-name\0guest=web,debug-threads=on\0";
	static const char b[] = "qemu\0-name\0plain\0";
	static const char c[] = "qemu\0-name\0bad\x1bname\0";
	static const char d[] = "qemu\0-m\0002048\0-name";
	char out[GSD_VM_NAME_MAX];

	assert_int_equal(gsd_qemu_name(a, sizeof(a) - 1, out), 0);
	assert_string_equal(out, "web");
	assert_int_equal(gsd_qemu_name(b, sizeof(b) - 1, out), 0);
	assert_string_equal(out, "plain");
	assert_int_equal(gsd_qemu_name(c, sizeof(c) - 1, out), 0);
	assert_string_equal(out, "bad\\x1bname");
	assert_int_equal(gsd_qemu_name(d, sizeof(d) - 1, out), -ENOENT);
}

static void test_window(void **state)
{
	struct gsd_window w = {0};
	uint64_t report;

	(void)state;
	assert_true(gsd_window_allow(&w, 5000000000ull, 2, &report));
	assert_true(gsd_window_allow(&w, 5000000001ull, 2, &report));
	assert_false(gsd_window_allow(&w, 5900000000ull, 2, &report));
	assert_true(gsd_window_allow(&w, 6000000000ull, 2, &report));
	assert_int_equal(report, 1);
	assert_false(gsd_window_allow(&w, 6000000001ull, 2, &report));
	/* time going backwards (another CPU's clock) opens a window, never blocks forever */
	assert_true(gsd_window_allow(&w, 1000, 2, &report));
}

static void test_args(void **state)
{
	char *ok[] = {"kvmrt-gsd", "--rate", "5",	  "--max-len", "64",
		      "-o",	   "-",	     "--session", "42",	       NULL};
	char *bad[] = {"kvmrt-gsd", "--rate", "0", NULL};
	char *extra[] = {"kvmrt-gsd", "now", NULL};
	struct gsd_params p;
	char why[256];

	(void)state;
	assert_int_equal(gsd_parse_args(9, ok, &p, why, sizeof(why)), 0);
	assert_int_equal(p.o.rate, 5);
	assert_int_equal(p.o.max_len, 64);
	assert_string_equal(p.log_file, "-");
	assert_int_equal(p.session, 42);
	assert_string_equal(p.control_dir, "/run/xtrace");
	assert_int_equal(gsd_parse_args(3, bad, &p, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "--rate: '0' is not a number in 1..100000");
	assert_int_equal(gsd_parse_args(2, extra, &p, why, sizeof(why)), -EINVAL);
}

/* The built daemon replays the fixture dumps (no log messages in them, one flush). */
static void test_replay_tool(void **state)
{
	char *host = test_source_path("fixtures/dumps/host");
	char *argv[] = {"gs/kvmrt-gsd",	 "--replay",	 host, "-o", "-",
			"--control-dir", "/nonexistent", NULL};
	char *missing[] = {"gs/kvmrt-gsd", "--replay", "/nonexistent", NULL};
	struct test_output o = {0};

	(void)state;
	assert_int_equal(test_exec(argv, &o), 0);
	assert_int_equal(o.status, 0);
	assert_string_equal(o.out, "");
	test_output_free(&o);
	assert_int_equal(test_exec(missing, &o), 0);
	assert_int_equal(o.status, 1);
	assert_non_null(strstr(o.err, "/nonexistent"));
	test_output_free(&o);
	free(host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_message, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_hostile_flood, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_length_cap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_logged, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_flush_scopes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vm_cpus, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sink_passes_cpus, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_libvirt_name, setup, teardown),
	    cmocka_unit_test(test_qemu_name),
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_args),
	    cmocka_unit_test(test_replay_tool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
