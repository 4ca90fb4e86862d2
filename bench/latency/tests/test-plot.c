/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-plot.c - the histogram pictures: the gnuplot script's content, the
 * SVG (well-formed XML) and PNG (signature) that gnuplot draws from it when
 * gnuplot is installed, and the message when it is not.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "fileio.h"
#include "latency-test.h"
#include "plot.h"
#include "results.h"
#include "test-exec.h"

#define TOOL "bench/latency/kvmrt-latency"

static bool have_gnuplot(void)
{
	char *argv[] = {"/bin/sh", "-c", "command -v gnuplot", NULL};
	struct test_output o;
	bool found;

	assert_int_equal(test_exec(argv, &o), 0);
	found = o.status == 0;
	test_output_free(&o);
	return found;
}

/* A copy of fixtures/latency/base in a new temporary directory. */
static char *copy_base(char **ret_tmp)
{
	*ret_tmp = test_mkdtemp();
	assert_non_null(*ret_tmp);
	return lt_copy_fixture("base", *ret_tmp, "base");
}

static void expect_pictures(const char *prefix)
{
	static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	char *svg, *png, *data = NULL;
	xmlDocPtr doc;
	size_t len;

	assert_true(asprintf(&svg, "%s.svg", prefix) > 0);
	assert_true(asprintf(&png, "%s.png", prefix) > 0);
	doc = xmlReadFile(svg, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		fail_msg("%s is not well-formed XML", svg);
	assert_string_equal((const char *)xmlDocGetRootElement(doc)->name, "svg");
	xmlFreeDoc(doc);
	assert_int_equal(read_file_at(AT_FDCWD, png, 16u << 20, &data, &len), 0);
	assert_true(len > sizeof(png_sig));
	assert_memory_equal(data, png_sig, sizeof(png_sig));
	free(data);
	free(svg);
	free(png);
}

static void test_pictures(void **state)
{
	char *tmp, *dir = copy_base(&tmp), *prefix, *other;
	char *argv[] = {TOOL, "report", dir, NULL, NULL, NULL};
	struct test_output o;

	if (!have_gnuplot()) {
		printf("skipped: gnuplot is not installed (Debian: gnuplot-nox)\n");
		test_rm_rf(tmp);
		free(tmp);
		free(dir);
		skip();
	}
	assert_int_equal(test_exec(argv, &o), 0);
	if (o.status != 0)
		fail_msg("report: %s", o.err);
	test_output_free(&o);
	assert_true(asprintf(&prefix, "%s/histogram", dir) > 0);
	expect_pictures(prefix);
	/* --plot PREFIX puts them elsewhere */
	assert_true(asprintf(&other, "%s/elsewhere", tmp) > 0);
	argv[2] = "--plot";
	argv[3] = other;
	argv[4] = dir;
	assert_int_equal(test_exec(argv, &o), 0);
	assert_int_equal(o.status, 0);
	test_output_free(&o);
	expect_pictures(other);
	test_rm_rf(tmp);
	free(tmp);
	free(dir);
	free(prefix);
	free(other);
}

static void test_no_gnuplot(void **state)
{
	char *tmp, *dir = copy_base(&tmp), *gp;
	char *argv[] = {TOOL, "report", dir, NULL};
	struct test_output o;

	assert_int_equal(setenv("KVMRT_GNUPLOT", "/nonexistent/gnuplot", 1), 0);
	assert_int_equal(test_exec(argv, &o), 0);
	assert_int_equal(unsetenv("KVMRT_GNUPLOT"), 0);
	assert_int_equal(o.status, 1);
	/* the table is still printed; the script is kept for later */
	assert_non_null(strstr(o.out, "System  CPU"));
	assert_non_null(strstr(o.err, "/nonexistent/gnuplot not found: install gnuplot"));
	assert_true(asprintf(&gp, "%s/histogram.gp", dir) > 0);
	assert_int_equal(access(gp, R_OK), 0);
	test_output_free(&o);
	test_rm_rf(tmp);
	free(tmp);
	free(dir);
	free(gp);
}

static void test_script(void **state)
{
	struct lat_thread t = {
	    .cycles = 7,
	    .max_us = 150,
	    .overflows = 2,
	    .n_buckets = 2,
	    .buckets = (struct lat_bucket[]){{3, 4}, {9, 1}},
	};
	struct lat_res_system s[] = {
	    {.name = "it's", .policy = "fifo", .n_threads = 1, .threads = &t},
	    {.name = "vm_1", .policy = "other", .n_threads = 1, .threads = &t},
	};
	struct lat_results r = {
	    .dir = "d", .campaign = {.histogram_us = 10}, .n_systems = 2, .systems = s};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(lat_plot_script(f, &r, "/x/h"), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(buf, "$d0 << EOD\n3 4\n\n9 1\nEOD\n"));
	assert_non_null(strstr(buf, "set logscale y\n"));
	assert_non_null(strstr(buf, "set output '/x/h.svg'"));
	assert_non_null(strstr(buf, "set output '/x/h.png'"));
	assert_non_null(strstr(buf, "title 'it''s (SCHED_FIFO, 2 above 10 us)'"));
	assert_non_null(strstr(buf, "'vm_1 (SCHED_OTHER, not real-time, 2 above 10 us)'"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_script),
	    cmocka_unit_test(test_no_gnuplot),
	    cmocka_unit_test(test_pictures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
