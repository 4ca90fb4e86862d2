/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --stats on the committed host + vm1 fixtures. The expected numbers are
 * computed here, independently of stats.c, from the text lines of
 * `xtrace-view --time tod --fields host,cpu,time,event,arg`: exits to the
 * next entry on the CPU, entries to the next exit, hypercalls to their
 * KVM_HOST_HC_EXIT, ping cookies and sequences on both sides.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-exec.h"
#include "view-test.h"

#define CPUS 4
#define MAX_REASONS 16
#define MAX_PINGS 256

struct sum {
	unsigned long long count, total, max;
};

struct reason {
	char name[32];
	struct sum sum;
};

struct cpu {
	unsigned long long exit_at, entry_at, hc_at;
	int reason; /* -1: none pending */
	bool in_guest;
	long pid;
};

struct expect {
	struct reason reasons[MAX_REASONS];
	unsigned n_reasons;
	struct cpu cpu[CPUS];
	unsigned long long guest_ns[2]; /* pids 4321, 4322 */
	unsigned long long entries[2];
	struct sum hc;
	unsigned long long host_records, vm1_records;
	unsigned long long host_pings[MAX_PINGS], guest_pings[MAX_PINGS];
	unsigned n_host_pings, n_guest_pings;
};

static void sum_add(struct sum *s, unsigned long long v)
{
	s->count++;
	s->total += v;
	if (v > s->max)
		s->max = v;
}

static int reason_of(struct expect *x, const char *name)
{
	unsigned i;

	for (i = 0; i < x->n_reasons; i++)
		if (!strcmp(x->reasons[i].name, name))
			return (int)i;
	assert_true(x->n_reasons < MAX_REASONS);
	snprintf(x->reasons[x->n_reasons].name, sizeof(x->reasons[0].name), "%s", name);
	return (int)x->n_reasons++;
}

/* A ping as cookie << 32 | seq, counted once however many markers show it. */
static void ping(unsigned long long *set, unsigned *n, const char *arg)
{
	unsigned long long cookie = 0, seq = 0, key;
	const char *c = strstr(arg, "cookie="), *q = strstr(arg, "seq=");
	unsigned i;

	assert_non_null(c);
	assert_non_null(q);
	cookie = strtoull(c + 7, NULL, 16);
	seq = strtoull(q + 4, NULL, 10);
	key = cookie << 32 | seq;
	for (i = 0; i < *n; i++)
		if (set[i] == key)
			return;
	assert_true(*n < MAX_PINGS);
	set[(*n)++] = key;
}

static void host_line(struct expect *x, struct cpu *c, unsigned long long t, const char *event,
		      const char *arg)
{
	char reason[32];
	long pid;

	if (!strcmp(event, "KVM_EXIT_VM_PID")) {
		assert_int_equal(sscanf(arg, "[%ld %31[^]]]", &pid, reason), 2);
		if (c->in_guest)
			x->guest_ns[c->pid - 4321] += t - c->entry_at;
		c->in_guest = false;
		c->reason = reason_of(x, reason);
		c->exit_at = t;
	} else if (!strcmp(event, "KVM_ENTER_VM_PID")) {
		assert_int_equal(sscanf(arg, "[%ld]", &pid), 1);
		if (c->reason >= 0)
			sum_add(&x->reasons[c->reason].sum, t - c->exit_at);
		c->reason = -1;
		c->in_guest = true;
		c->entry_at = t;
		c->pid = pid;
		x->entries[pid - 4321]++;
	} else if (!strcmp(event, "KVM_HOST_HC_ENTER")) {
		c->hc_at = t;
	} else if (!strcmp(event, "KVM_HOST_HC_EXIT")) {
		sum_add(&x->hc, t - c->hc_at);
	} else if (!strcmp(event, "KVMRT_GS_PING_HOST")) {
		ping(x->host_pings, &x->n_host_pings, arg);
	} else if (!strcmp(event, "LOST_EVENTS")) {
		c->reason = -1;
		c->in_guest = false;
	}
	if (strcmp(event, "LOST_EVENTS") && strcmp(event, "KVM_HOST_HC_EXIT") &&
	    strncmp(event, "KVMRT_GS_", 9))
		x->host_records++;
}

static void expect_from_text(struct expect *x, char *text)
{
	char *save = NULL, *line;

	memset(x, 0, sizeof(*x));
	for (unsigned i = 0; i < CPUS; i++)
		x->cpu[i].reason = -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char host[16], event[64], arg[256] = "";
		unsigned long long sec, ns;
		unsigned cpu;

		assert_true(sscanf(line, "%15s %u %llu.%llu %63s %255[^\n]", host, &cpu, &sec, &ns,
				   event, arg) >= 5);
		if (!strcmp(host, "vm1")) {
			/* Derived from the marker record that follows it on the same line. */
			if (!strcmp(event, "KVM_GUEST_HC_START"))
				continue;
			x->vm1_records++;
			if (!strcmp(event, "KVMRT_GS_PING_GUEST"))
				ping(x->guest_pings, &x->n_guest_pings, arg);
			continue;
		}
		assert_true(cpu < CPUS);
		host_line(x, &x->cpu[cpu], sec * 1000000000ull + ns, event, arg);
	}
}

static void run_view(char **extra, unsigned n_extra, struct test_output *o)
{
	_cleanup_free_ char *host = test_source_path("fixtures/dumps/host");
	_cleanup_free_ char *vm1 = test_source_path("fixtures/dumps/vm1");
	char *argv[12] = { "view/xtrace-view" };
	unsigned n = 1;

	for (unsigned i = 0; i < n_extra; i++)
		argv[n++] = extra[i];
	argv[n++] = host;
	argv[n++] = vm1;
	argv[n] = NULL;
	assert_int_equal(test_exec(argv, o), 0);
	assert_int_equal(o->status, 0);
}

static void expect_line(const char *out, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!strstr(out, line))
		fail_msg("--stats lacks \"%s\"", line);
}

static void stats_match_the_events(void **state)
{
	char *text_args[] = { "--time", "tod", "--fields", "host,cpu,time,event,arg" };
	char *stats_args[] = { "--stats" };
	struct test_output t, s;
	struct expect x;
	unsigned i, matched = 0;

	run_view(text_args, 4, &t);
	run_view(stats_args, 1, &s);
	expect_from_text(&x, t.out);
	expect_line(s.out, "host: %llu events, 38 lost in 3 losses\n", x.host_records);
	expect_line(s.out, "vm1: %llu events, 0 lost in 0 losses\n", x.vm1_records);
	assert_int_equal(x.n_reasons, 6);
	for (i = 0; i < x.n_reasons; i++)
		expect_line(s.out, "  %-20s %10llu %14llu %12llu\n", x.reasons[i].name,
			    x.reasons[i].sum.count, x.reasons[i].sum.total, x.reasons[i].sum.max);
	expect_line(s.out, "host: vCPU thread 4321 (CPU 0/KVM): %llu entries, %llu ns in guest\n",
		    x.entries[0], x.guest_ns[0]);
	expect_line(s.out, "host: vCPU thread 4322 (CPU 1/KVM): %llu entries, %llu ns in guest\n",
		    x.entries[1], x.guest_ns[1]);
	expect_line(s.out, "host: hypercall round trips: %llu, total %llu ns, max %llu ns\n",
		    x.hc.count, x.hc.total, x.hc.max);
	for (i = 0; i < x.n_host_pings; i++)
		for (unsigned j = 0; j < x.n_guest_pings; j++)
			matched += x.host_pings[i] == x.guest_pings[j];
	/* The generator pings every 10 cycles of 1 ms on each of 2 vCPUs for 0.2 s. */
	assert_int_equal(matched, 40);
	expect_line(s.out, "guest-services pings: %u matched, %u host only, %u guest only\n",
		    matched, x.n_host_pings - matched, x.n_guest_pings - matched);
	test_output_free(&t);
	test_output_free(&s);
}

/* --stats --format json is one JSON document with the same numbers. */
static void stats_json_parses(void **state)
{
	struct test_output o;

	vt_view_python("--stats --format json",
		       "import sys, json\n"
		       "d = json.load(sys.stdin)\n"
		       "h, g = d[\"systems\"]\n"
		       "assert h[\"host\"] == \"host\" and g[\"host\"] == \"vm1\"\n"
		       "assert h[\"lost\"] == 38 and h[\"losses\"] == 3 and g[\"lost\"] == 0\n"
		       "assert d[\"pings\"] == {\"matched\": 40, \"host_only\": 0, "
		       "\"guest_only\": 0}\n"
		       "assert sum(c[\"count\"] for c in h[\"counts\"]) == h[\"events\"]\n"
		       "assert sorted(t[\"pid\"] for t in h[\"threads\"]) == [4321, 4322]\n"
		       "assert h[\"hypercalls\"][\"count\"] == 43\n"
		       "print(\"ok\")",
		       &o);
	assert_string_equal(o.out, "ok\n");
	test_output_free(&o);
}

/* Filters apply: only CPU 3 of host leaves vCPU thread 4322 alone. */
static void stats_follow_the_filters(void **state)
{
	char *args[] = { "--stats", "--host", "host", "--cpu", "3" };
	struct test_output s;

	run_view(args, 5, &s);
	assert_null(strstr(s.out, "vm1:"));
	assert_null(strstr(s.out, "thread 4321"));
	assert_non_null(strstr(s.out, "thread 4322"));
	test_output_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stats_match_the_events),
		cmocka_unit_test(stats_json_parses),
		cmocka_unit_test(stats_follow_the_filters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
