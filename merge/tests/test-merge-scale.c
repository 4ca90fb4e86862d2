/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory stays bounded by the number of input streams: a merge of 8
 * generated systems x 4 CPUs x 1 M events peaks under 64 MiB resident
 * (getrusage of the merge process, measured from a child that runs only it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cleanup.h"
#include "test-exec.h"

#define MERGE "merge/xtrace-multi-merge"
#define GEN "fixtures/xtrace-fixture-gen"
#define SYSTEMS 8
#define EVENTS_PER_SYSTEM "4000000" /* 4 CPUs x 1 M */
#define LIMIT_KB (64 * 1024)

static void generate(const char *dir, unsigned seed)
{
	char seed_text[16];
	struct test_output o;

	snprintf(seed_text, sizeof(seed_text), "%u", seed);
	assert_int_equal(test_exec((char *[]){ GEN, "-o", (char *)dir, "--scenario", "large",
					       "--events", EVENTS_PER_SYSTEM, "--seed", seed_text,
					       NULL }, &o), 0);
	if (o.status != 0)
		fail_msg("%s", o.err);
	test_output_free(&o);
}

/*
 * Runs @argv in a child of a child: the first child's RUSAGE_CHILDREN then
 * holds the merge alone. Returns its peak RSS in KiB; ret->status its status.
 */
static long peak_rss_kb(char **argv, struct test_output *ret)
{
	int fds[2];
	long kb = -1;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct test_output o;
		struct rusage ru;
		long msg[2] = { -1, -1 };

		close(fds[0]);
		if (test_exec(argv, &o) == 0 && getrusage(RUSAGE_CHILDREN, &ru) == 0) {
			msg[0] = ru.ru_maxrss;
			msg[1] = o.status;
		}
		_exit(write(fds[1], msg, sizeof(msg)) == sizeof(msg) ? 0 : 1);
	}
	close(fds[1]);
	long msg[2];

	assert_int_equal(read(fds[0], msg, sizeof(msg)), sizeof(msg));
	close(fds[0]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	kb = msg[0];
	ret->status = (int)msg[1];
	return kb;
}

static void merge_of_8x4x1M_stays_under_64_MiB(void **state)
{
	_cleanup_free_ char *tmp = test_mkdtemp(), *out = NULL;
	char *argv[4 + SYSTEMS + 1] = { MERGE, "-q", "-o" };
	char *inputs[SYSTEMS];
	struct test_output o = {};
	long kb;

	assert_non_null(tmp);
	assert_true(asprintf(&out, "%s/merged", tmp) > 0);
	argv[3] = out;
	for (unsigned i = 0; i < SYSTEMS; i++) {
		_cleanup_free_ char *dir = NULL;

		assert_true(asprintf(&dir, "%s/s%u", tmp, i) > 0);
		generate(dir, i + 1);
		assert_true(asprintf(&inputs[i], "%s/host", dir) > 0);
		argv[4 + i] = inputs[i];
	}
	argv[4 + SYSTEMS] = NULL;
	kb = peak_rss_kb(argv, &o);
	print_message("peak RSS of the merge: %ld KiB\n", kb);
	assert_int_equal(o.status, 0);
	assert_true(kb > 0);
	assert_true(kb < LIMIT_KB);
	for (unsigned i = 0; i < SYSTEMS; i++)
		free(inputs[i]);
	test_rm_rf(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_of_8x4x1M_stays_under_64_MiB),
	};

#ifdef __SANITIZE_ADDRESS__
	fprintf(stderr, "skipped: the resident size of an AddressSanitizer build says nothing "
			"about the merge's own\n");
	return 77;
#endif
	return cmocka_run_group_tests(tests, NULL, NULL);
}
