/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --explain on the committed host + vm1 fixtures: the vCPU -> host thread
 * mapping learnt from the ping pairs (the generator runs vCPU 0 as thread
 * 4321 on host CPU 2, vCPU 1 as 4322 on CPU 3), the guest clock offset
 * (3.2 ms ahead), and the lines listed: exactly what --host host --cpu 2
 * --from/--to shows for the window the header names.
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

/* A guest-side moment: vm1's second ping marker on vCPU 0 (guest clock). */
#define MOMENT "1741944413.013241469"

static void run(char **args, struct test_output *o, bool with_host)
{
	_cleanup_free_ char *host = test_source_path("fixtures/dumps/host");
	_cleanup_free_ char *vm1 = test_source_path("fixtures/dumps/vm1");
	char *argv[16] = { "view/xtrace-view" };
	unsigned n = 1;

	for (; *args; args++)
		argv[n++] = *args;
	if (with_host)
		argv[n++] = host;
	argv[n++] = vm1;
	argv[n] = NULL;
	assert_int_equal(test_exec(argv, o), 0);
	assert_int_equal(o->status, 0);
}

/* The lines of @out after the line holding @after up to the next "summary:" line. */
static char *section(const char *out, const char *after)
{
	const char *p = strstr(out, after), *end;

	assert_non_null(p);
	p = strchr(p, '\n');
	assert_non_null(p);
	p++;
	end = strstr(p, "summary:");
	assert_non_null(end);
	return strndup(p, (size_t)(end - p));
}

static void explain_lists_the_vcpu_cpu_window(void **state)
{
	char *args[] = { "--explain", MOMENT, "--window", "20000", NULL };
	char from[32], to[32];
	char *filter[] = { "--host", "host", "--cpu", "2", "--from", from, "--to", to, NULL };
	_cleanup_free_ char *lines = NULL;
	struct test_output e, f;
	const char *w;
	long long off;

	run(args, &e, true);
	assert_non_null(strstr(e.out, "vm1 vCPU 0 runs as host thread 4321 (CPU 0/KVM): found from "
				      "20 guest-services ping pairs"));
	assert_non_null(strstr(e.out, "vm1 vCPU 1 runs as host thread 4322 (CPU 1/KVM): found from "
				      "20 guest-services ping pairs"));
	w = strstr(e.out, "guest clock offset ");
	assert_non_null(w);
	off = strtoll(w + 19, NULL, 10);
	assert_true(off < -3200000 && off > -3203500);
	w = strstr(e.out, "; window ");
	assert_non_null(w);
	assert_int_equal(sscanf(w, "; window %31s to %31s", from, to), 2);
	run(filter, &f, true);
	lines = section(e.out, "; window ");
	assert_string_equal(lines, f.out);
	assert_non_null(strstr(lines, " host 2 KVM_EXIT_VM_PID [4321 hlt]"));
	assert_non_null(strstr(e.out, "summary: 8 host events on its CPU, 3 exits, 0 preemptions, "
				      "1 blocks, 0 IRQs, 0 timers"));
	test_output_free(&e);
	test_output_free(&f);
}

/*
 * --format json: per vCPU an "explain" object, the window's events as the
 * view's JSON lines, and a "summary" object whose counts match the text one.
 */
static void explain_as_json_lines(void **state)
{
	char *text_args[] = { "--explain", MOMENT, "--window", "20000", NULL };
	char *json_args[] = { "--explain", MOMENT, "--window", "20000", "--format", "json", NULL };
	unsigned explains = 0, summaries = 0, events = 0;
	unsigned long long n, exits, first_events = 0;
	struct test_output t, j;
	char *line, *save = NULL;

	run(text_args, &t, true);
	run(json_args, &j, true);
	for (line = strtok_r(j.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		assert_true(line[0] == '{' && line[strlen(line) - 1] == '}');
		if (!strncmp(line, "{\"explain\":{\"guest\":\"vm1\",\"vcpu\":", 33)) {
			assert_non_null(strstr(line, "\"thread\":432"));
			assert_non_null(strstr(line, "\"comm\":\"CPU "));
			explains++;
		} else if (sscanf(line, "{\"summary\":{\"events\":%llu,\"exits\":%llu", &n,
				  &exits) == 2) {
			if (!summaries++)
				first_events = n;
		} else {
			assert_non_null(strstr(line, "\"event\":"));
			events++;
		}
	}
	assert_int_equal(explains, 2);
	assert_int_equal(summaries, 2);
	assert_true(events > 0);
	/* The text summary of the first vCPU says the same count. */
	line = strstr(t.out, "summary: ");
	assert_non_null(line);
	assert_int_equal(strtoull(line + 9, NULL, 10), first_events);
	test_output_free(&t);
	test_output_free(&j);
}

static void explain_without_pairs_says_so(void **state)
{
	char *args[] = { "--around", MOMENT, NULL };
	struct test_output e;

	run(args, &e, false);
	assert_non_null(strstr(e.out, "no guest-services ping pairs"));
	test_output_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(explain_lists_the_vcpu_cpu_window),
		cmocka_unit_test(explain_as_json_lines),
		cmocka_unit_test(explain_without_pairs_says_so),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
