/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The trace.dat v6 writer: `trace-cmd report` reads what it writes (every
 * event, at its timestamp, on its CPU), and bad descriptions are refused.
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

#include "test-util.h"
#include "xt-page.h"
#include "xt-tracedat.h"

#define CPUS 2
#define PAGE_BYTES 4096u
#define PER_CPU 300 /* more than one page each */
#define BASE_TS 5000000000ull

struct fixture_formats {
	char *header_page, *header_event, *wakeup;
	size_t header_page_len, header_event_len, wakeup_len;
	struct xt_tracedat_format formats[1];
	struct xt_tracedat_info info;
};

static char *read_fixture(const char *rel, size_t *ret_len)
{
	const char *root = getenv("KVMRT_SOURCE_ROOT");
	char path[512];

	snprintf(path, sizeof(path), "%s/fixtures/formats/%s", root ? root : ".", rel);
	return test_read(path, ret_len);
}

static void load(struct fixture_formats *f, const char *clock)
{
	f->header_page = read_fixture("header_page", &f->header_page_len);
	f->header_event = read_fixture("header_event", &f->header_event_len);
	f->wakeup = read_fixture("sched/sched_wakeup/format", &f->wakeup_len);
	f->formats[0] = (struct xt_tracedat_format){ "sched", f->wakeup, f->wakeup_len };
	f->info = (struct xt_tracedat_info){
		.page_size = PAGE_BYTES,
		.ncpus = CPUS,
		.clock = clock,
		.header_page = f->header_page,
		.header_page_len = f->header_page_len,
		.header_event = f->header_event,
		.header_event_len = f->header_event_len,
		.formats = f->formats,
		.n_formats = 1,
		.cmdlines = "4711 rtapp\n",
	};
}

static void unload(struct fixture_formats *f)
{
	free(f->header_page);
	free(f->header_event);
	free(f->wakeup);
}

/* Event k of @cpu: sched_wakeup from pid 4711 waking pid 1000 + k, at a known timestamp. */
static uint64_t event_ts(unsigned cpu, unsigned k)
{
	/* Every 100th gap needs a time extend (more than 2^27 ns). */
	return BASE_TS + cpu * 333 + k * 1000ull + (k / 100) * 200000000ull;
}

static int write_cpu(struct xt_tracedat *td, struct xt_page_builder *b, unsigned cpu, int id)
{
	uint8_t rec[40] = { 0 };
	int32_t pid = 4711, woken;
	int r;

	rec[0] = (uint8_t)id;
	rec[1] = (uint8_t)(id >> 8);
	memcpy(rec + 4, &pid, 4);
	memcpy(rec + 8, "rtapp", 5);
	assert_int_equal(xt_tracedat_cpu_begin(td, cpu), 0);
	xt_page_builder_reset(b);
	for (unsigned k = 0; k < PER_CPU; k++) {
		woken = 1000 + (int32_t)k;
		memcpy(rec + 24, &woken, 4);
		r = xt_page_builder_add(b, event_ts(cpu, k), rec, sizeof(rec));
		if (r == -ENOSPC) {
			assert_int_equal(xt_tracedat_page(td, xt_page_builder_page(b)), 0);
			xt_page_builder_reset(b);
			r = xt_page_builder_add(b, event_ts(cpu, k), rec, sizeof(rec));
		}
		assert_int_equal(r, 0);
	}
	return xt_tracedat_page(td, xt_page_builder_page(b));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void trace_cmd_reads_every_event(void **state)
{
	char *dir = test_tmpdir(), *path = test_path(dir, "trace.dat"), cmd[600], line[512];
	uint64_t want[CPUS * PER_CPU], got[CPUS * PER_CPU];
	struct fixture_formats f;
	struct xt_page_builder *b;
	struct xt_tracedat *td;
	unsigned n = 0, cpu, k;
	FILE *p;
	int id;

	load(&f, "local");
	assert_int_equal(sscanf(strstr(f.wakeup, "ID: "), "ID: %d", &id), 1);
	assert_int_equal(xt_page_builder_new(PAGE_BYTES, &b), 0);
	assert_int_equal(xt_tracedat_create(path, &f.info, &td), 0);
	for (cpu = 0; cpu < CPUS; cpu++)
		assert_int_equal(write_cpu(td, b, cpu, id), 0);
	assert_int_equal(xt_tracedat_close(td), 0);
	xt_tracedat_free(td);
	xt_page_builder_free(b);

	snprintf(cmd, sizeof(cmd), "trace-cmd report -t -i '%s' 2>/dev/null", path);
	p = popen(cmd, "re");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		unsigned long long sec, ns;
		char *w = strstr(line, "sched_wakeup:");

		if (!w)
			continue;
		/* "rtapp-4711  [001]  5.000000333: sched_wakeup: ..." */
		assert_non_null(strchr(line, '['));
		assert_int_equal(sscanf(strchr(line, ']') + 1, " %llu.%llu:", &sec, &ns), 2);
		assert_true(n < CPUS * PER_CPU);
		got[n++] = sec * 1000000000ull + ns;
		assert_non_null(strstr(w, "rtapp:"));
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(n, CPUS * PER_CPU);
	for (cpu = 0, n = 0; cpu < CPUS; cpu++)
		for (k = 0; k < PER_CPU; k++)
			want[n++] = event_ts(cpu, k);
	qsort(want, n, sizeof(want[0]), cmp_u64);
	qsort(got, n, sizeof(got[0]), cmp_u64);
	assert_memory_equal(want, got, sizeof(want));
	unload(&f);
	test_rmtree(dir);
	free(path);
	free(dir);
}

static void bad_descriptions_are_refused(void **state)
{
	char *dir = test_tmpdir(), *path = test_path(dir, "trace.dat");
	struct fixture_formats f;
	struct xt_tracedat *td = NULL;

	load(&f, "a-clock-name-much-longer-than-thirty-two-bytes");
	assert_int_equal(xt_tracedat_create(path, &f.info, &td), -EINVAL);
	f.info.clock = "local";
	f.info.ncpus = 0;
	assert_int_equal(xt_tracedat_create(path, &f.info, &td), -EINVAL);
	f.info.ncpus = XT_TRACEDAT_MAX_CPUS + 1;
	assert_int_equal(xt_tracedat_create(path, &f.info, &td), -EINVAL);
	f.info.ncpus = 1;
	f.info.page_size = 4000;
	assert_int_equal(xt_tracedat_create(path, &f.info, &td), -EINVAL);
	f.info.page_size = PAGE_BYTES;
	f.formats[0].system = NULL;
	assert_int_equal(xt_tracedat_create(path, &f.info, &td), -EINVAL);
	assert_null(td);
	f.formats[0].system = "sched";
	assert_int_equal(xt_tracedat_create(path, &f.info, &td), 0);
	/* CPUs come in ascending order, pages after a CPU began. */
	assert_int_equal(xt_tracedat_page(td, f.header_page), -EINVAL);
	assert_int_equal(xt_tracedat_cpu_begin(td, 1), -EINVAL);
	assert_int_equal(xt_tracedat_cpu_begin(td, 0), 0);
	assert_int_equal(xt_tracedat_cpu_begin(td, 0), -EINVAL);
	assert_int_equal(xt_tracedat_close(td), 0);
	xt_tracedat_free(td);
	assert_int_equal(xt_tracedat_create("/nonexistent/dir/trace.dat", &f.info, &td), -ENOENT);
	unload(&f);
	test_rmtree(dir);
	free(path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trace_cmd_reads_every_event),
		cmocka_unit_test(bad_descriptions_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
