/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-dump.c - a dump written with xt_dump_writer (with this kernel's real
 * event formats from fixtures/formats) opens with xt_dump_open with the same
 * metadata, formats, CPUs, lost counts and clock; --force removes only a
 * dump; missing and corrupt files are refused with the file at fault.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <traceevent/event-parse.h>

#include "cleanup.h"
#include "dump-private.h"
#include "test-util.h"

#define EPOCH 1700000000000000000ull

static const char *const formats[] = {
	"header_page",
	"header_event",
	"sched/sched_switch/format",
	"sched/sched_wakeup/format",
	"kvm/kvm_entry/format",
	"kvm/kvm_exit/format",
	"kvm/kvm_inj_exception/format", /* libtraceevent cannot parse its print fmt */
	"ftrace/print/format",
	"irq/irq_handler_entry/format",
};

struct fixture {
	char *tmp;
	char *dir; /* tmp/dump */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->tmp = test_tmpdir();
	f->dir = test_path(f->tmp, "dump");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	test_rmtree(f->tmp);
	free(f->tmp);
	free(f->dir);
	free(f);
	return 0;
}

static void write_text(struct xt_dump_writer *w, const char *relpath, const char *text)
{
	assert_int_equal(xt_dump_writer_write_file(w, relpath, text, strlen(text)), 0);
}

/* A complete dump in @dir: local clock with anchors, data for CPUs 0 and 2. */
static void write_dump(const char *dir, unsigned flags)
{
	static const uint8_t page[64] = { 1, 2, 3 };
	struct xt_dump_writer *w;
	struct xt_frame_writer *fw;

	assert_int_equal(xt_dump_writer_create(dir, flags, &w), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_HOST, "%s", "host-a"), 0);
	assert_int_equal(xt_dump_writer_set(w, "kernel", "%s", "6.18.44"), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_PAGE_SIZE, "%d", 4096), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_LONG_SIZE, "%d", 8), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_TRACE_CLOCK, "%s", "local"), 0);
	assert_int_equal(xt_dump_writer_set(w, "cpu0.lost", "%d", 5), 0);
	assert_int_equal(xt_dump_writer_set(w, "Bad Key", "%d", 5), -EINVAL);
	assert_int_equal(xt_dump_writer_set_compression(w, 65536, 1), 0);
	assert_int_equal(xt_dump_writer_set_compression(w, 0, 1), -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		test_copy_format(w, formats[i]);
	write_text(w, "saved_cmdlines", "1234 myproc\n1 init\n");
	write_text(w, "printk_formats", "0xffffffff81000000 : \"hello world\\n\"\n0x1 : \"a\"\n");
	assert_int_equal(xt_dump_writer_add_anchor(w, 1000, EPOCH), 0);
	assert_int_equal(xt_dump_writer_add_anchor(w, 2000, EPOCH + 2000), 0);
	for (unsigned cpu = 0; cpu <= 2; cpu += 2) {
		struct xt_frame_writer *again;

		assert_int_equal(xt_dump_writer_cpu(w, cpu, &fw), 0);
		assert_int_equal(xt_dump_writer_cpu(w, cpu, &again), 0);
		assert_ptr_equal(fw, again);
		assert_int_equal(xt_frame_writer_append(fw, page, sizeof(page), 1, 2), 0);
	}
	assert_int_equal(xt_dump_writer_cpu(w, XT_MAX_CPUS, &fw), -EINVAL);
	assert_int_equal(xt_dump_writer_close(w), 0);
	assert_int_equal(xt_dump_writer_cpu(w, 1, &fw), -EBADF);
	xt_dump_writer_free(w);
}

static char *meta_text(const char *dir)
{
	_cleanup_free_ char *path = test_path(dir, XT_META_FILE);
	size_t len;

	return test_read(path, &len);
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *meta = NULL, *cpu2 = NULL;
	struct tep_handle *tep;
	struct tep_event *ev;
	struct xt_dump *d;
	char why[256] = "";

	write_dump(f->dir, 0);
	meta = meta_text(f->dir);
	assert_non_null(strstr(meta, "status = complete\n"));
	assert_non_null(strstr(meta, "cpus = 0,2\n"));
	assert_true(strstr(meta, "format = ") < strstr(meta, "version = "));

	assert_int_equal(xt_dump_open_why(f->dir, why, sizeof(why), &d), 0);
	assert_string_equal(xt_dump_path(d), f->dir);
	assert_string_equal(xt_dump_host(d), "host-a");
	assert_string_equal(xt_dump_meta(d, "kernel"), "6.18.44");
	assert_string_equal(xt_dump_meta(d, XT_META_STATUS), "complete");
	assert_null(xt_dump_meta(d, "absent"));
	assert_int_equal(xt_dump_cpu_count(d), 3);
	assert_true(xt_dump_has_cpu(d, 0));
	assert_false(xt_dump_has_cpu(d, 1));
	assert_true(xt_dump_has_cpu(d, 2));
	assert_false(xt_dump_has_cpu(d, 3));
	assert_int_equal(xt_dump_lost(d, 0), 5);
	assert_int_equal(xt_dump_lost(d, 2), 0);
	assert_int_equal(xt_dump_lost(d, 100), 0);
	assert_int_equal(xt_dump_page_size(d), 4096);
	cpu2 = xt_dump_cpu_path(d, 2);
	assert_non_null(strstr(cpu2, "/cpu2.xtd"));
	assert_int_equal(access(cpu2, R_OK), 0);

	tep = xt_dump_tep(d);
	ev = tep_find_event_by_name(tep, "sched", "sched_switch");
	assert_non_null(ev);
	assert_int_equal(ev->id, 372);
	assert_non_null(tep_find_field(ev, "next_pid"));
	assert_non_null(tep_find_event_by_name(tep, "kvm", "kvm_inj_exception"));
	assert_non_null(tep_find_event_by_name(tep, "ftrace", "print"));
	assert_string_equal(tep_data_comm_from_pid(tep, 1234), "myproc");

	assert_string_equal(xt_clock_name(xt_dump_clock(d)), "local");
	assert_true(xt_clock_placeable(xt_dump_clock(d), NULL));
	assert_int_equal(xt_clock_to_tod(xt_dump_clock(d), 1500), EPOCH + 1000);
	xt_dump_free(d);
	xt_dump_free(NULL);
}

static void test_meta_while_recording(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *meta = NULL;
	struct xt_dump_writer *w;

	assert_int_equal(xt_dump_writer_create(f->dir, 0, &w), 0);
	meta = meta_text(f->dir);
	assert_non_null(strstr(meta, "format = xtrace-dump\n"));
	assert_non_null(strstr(meta, "version = 1\n"));
	assert_non_null(strstr(meta, "status = recording\n"));
	assert_int_equal(xt_dump_writer_set(w, XT_META_CPUS, "%s", "0-7"), 0);
	assert_int_equal(xt_dump_writer_close(w), 0);
	xt_dump_writer_free(w);
	free(meta);
	meta = meta_text(f->dir);
	assert_non_null(strstr(meta, "cpus = 0-7\n"));
	assert_null(strstr(meta, "anchors"));
}

static void test_tai_dump(void **state)
{
	struct fixture *f = *state;
	struct xt_dump_writer *w;
	struct xt_dump *d;

	assert_int_equal(xt_dump_writer_create(f->dir, 0, &w), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_TRACE_CLOCK, "tai"), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_TAI_OFFSET, "%lld", 37000000000ll), 0);
	test_copy_format(w, "header_page");
	assert_int_equal(xt_dump_writer_close(w), 0);
	xt_dump_writer_free(w);

	assert_int_equal(xt_dump_open(f->dir, &d), 0);
	assert_string_equal(xt_clock_name(xt_dump_clock(d)), "tai");
	assert_int_equal(xt_clock_to_tod(xt_dump_clock(d), EPOCH + 37000000000ull), EPOCH);
	assert_int_equal(xt_dump_cpu_count(d), 0);
	assert_string_equal(xt_dump_host(d), "unknown");
	xt_dump_free(d);
}

static void test_force(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *foreign = test_path(f->dir, "notes.txt");
	_cleanup_free_ char *cpu2 = test_path(f->dir, "cpu2.xtd");
	_cleanup_free_ char *events = test_path(f->dir, "events/sched");
	_cleanup_free_ char *missing = test_path(f->tmp, "no/such");
	struct xt_dump_writer *w;

	/* an empty directory is reused without --force */
	assert_int_equal(mkdir(f->dir, 0755), 0);
	assert_int_equal(xt_dump_writer_create(f->dir, 0, &w), 0);
	xt_dump_writer_free(w);
	test_rmtree(f->dir);

	write_dump(f->dir, 0);
	assert_int_equal(xt_dump_writer_create(f->dir, 0, &w), -EEXIST);
	assert_int_equal(access(cpu2, F_OK), 0);

	/* a dump plus a file that is not a dump's: refused, nothing removed */
	test_write(foreign, "keep me", 7);
	assert_int_equal(xt_dump_writer_create(f->dir, XT_DUMP_FORCE, &w), -EEXIST);
	assert_int_equal(access(cpu2, F_OK), 0);
	assert_int_equal(access(events, F_OK), 0);
	assert_int_equal(access(foreign, F_OK), 0);
	unlink(foreign);

	/* only a dump: --force replaces it */
	write_dump(f->dir, XT_DUMP_FORCE);
	assert_int_equal(xt_dump_writer_create(f->dir, XT_DUMP_FORCE, &w), 0);
	assert_int_equal(access(cpu2, F_OK), -1);
	assert_int_equal(access(events, F_OK), -1);
	xt_dump_writer_free(w);

	assert_int_equal(xt_dump_writer_create(missing, 0, &w), -ENOENT);
}

static void test_write_file_paths(void **state)
{
	struct fixture *f = *state;
	struct xt_dump_writer *w;

	assert_int_equal(xt_dump_writer_create(f->dir, 0, &w), 0);
	assert_int_equal(xt_dump_writer_write_file(w, "../escape", "x", 1), -EINVAL);
	assert_int_equal(xt_dump_writer_write_file(w, "/etc/x", "x", 1), -EINVAL);
	assert_int_equal(xt_dump_writer_write_file(w, "a//b", "x", 1), -EINVAL);
	assert_int_equal(xt_dump_writer_write_file(w, "a/./b", "x", 1), -EINVAL);
	assert_int_equal(xt_dump_writer_write_file(w, "a/", "x", 1), -EINVAL);
	assert_int_equal(xt_dump_writer_write_file(w, "", "x", 1), -EINVAL);
	assert_int_equal(xt_dump_writer_write_file(w, "events/a/b/format", "x", 1), 0);
	assert_int_equal(xt_dump_writer_copy_file(w, "kallsyms", "/nonexistent"), -ENOENT);
	xt_dump_writer_free(w);
}

struct anchor_thread {
	struct xt_dump_writer *w;
	unsigned id;
};

/* Each thread adds anchors and frames of its own CPU at the same time as the others. */
static void *anchor_thread(void *arg)
{
	struct anchor_thread *t = arg;
	struct xt_frame_writer *fw;

	if (xt_dump_writer_cpu(t->w, t->id, &fw) < 0)
		return (void *)1;
	for (unsigned i = 0; i < 200; i++) {
		uint64_t ts = 1000000 + (uint64_t)i * 8 + t->id;

		if (xt_dump_writer_add_anchor(t->w, ts, EPOCH + ts) < 0 ||
		    xt_frame_writer_append(fw, &ts, sizeof(ts), ts, ts) < 0)
			return (void *)1;
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct fixture *f = *state;
	struct anchor_thread t[4];
	pthread_t tid[4];
	struct xt_dump_writer *w;
	struct xt_dump *d;
	void *res;

	assert_int_equal(xt_dump_writer_create(f->dir, 0, &w), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_TRACE_CLOCK, "mono"), 0);
	test_copy_format(w, "header_page");
	for (unsigned i = 0; i < 4; i++) {
		t[i] = (struct anchor_thread){ .w = w, .id = i };
		assert_int_equal(pthread_create(&tid[i], NULL, anchor_thread, &t[i]), 0);
	}
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(tid[i], &res), 0);
		assert_null(res);
	}
	assert_int_equal(xt_dump_writer_close(w), 0);
	xt_dump_writer_free(w);

	/* every line whole: the anchors parse, and TOD follows ts exactly */
	assert_int_equal(xt_dump_open(f->dir, &d), 0);
	assert_int_equal(xt_dump_cpu_count(d), 4);
	assert_string_equal(xt_dump_meta(d, XT_META_CPUS), "0-3");
	for (uint64_t ts = 1000000; ts < 1000000 + 1600; ts += 37)
		assert_int_equal(xt_clock_to_tod(xt_dump_clock(d), ts), EPOCH + ts);
	xt_dump_free(d);
}

/* A merged dir's systems/I/: a dump without data files, its CPUs from meta. */
static void test_system_without_data(void **state)
{
	struct fixture *f = *state;
	struct xt_dump_writer *w;
	struct xt_dump *d;

	assert_int_equal(xt_dump_writer_create(f->dir, 0, &w), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_CPUS, "0-3"), 0);
	assert_int_equal(xt_dump_writer_set(w, XT_META_TRACE_CLOCK, "local"), 0);
	assert_int_equal(xt_dump_writer_set(w, "cpu3.lost", "9"), 0);
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		test_copy_format(w, formats[i]);
	assert_int_equal(xt_dump_writer_close(w), 0);
	xt_dump_writer_free(w);

	assert_int_equal(xt_dump_open(f->dir, &d), 0);
	assert_int_equal(xt_dump_cpu_count(d), 4);
	for (unsigned cpu = 0; cpu < 4; cpu++)
		assert_false(xt_dump_has_cpu(d, cpu));
	assert_int_equal(xt_dump_lost(d, 3), 9);
	assert_false(xt_clock_placeable(xt_dump_clock(d), NULL));
	xt_dump_free(d);
}

static void expect_open_fails(const char *dir, int err, const char *why_part)
{
	struct xt_dump *d = NULL;
	char why[256] = "";

	assert_int_equal(xt_dump_open_why(dir, why, sizeof(why), &d), err);
	assert_null(d);
	if (!strstr(why, why_part))
		fail_msg("reason '%s' does not mention '%s'", why, why_part);
}

/* Replaces @relpath of the dump in @dir with @text (NULL: removes it). */
static void damage(const char *dir, const char *relpath, const char *text)
{
	_cleanup_free_ char *path = test_path(dir, relpath);

	if (text)
		test_write(path, text, strlen(text));
	else
		assert_int_equal(unlink(path), 0);
}

/* A good dump in f->dir with one key of its metadata set to @value. */
static void dump_with_meta(struct fixture *f, const char *key, const char *value)
{
	_cleanup_free_ char *meta = NULL, *text = NULL;

	write_dump(f->dir, XT_DUMP_FORCE);
	meta = meta_text(f->dir);
	assert_true(asprintf(&text, "%s%s = %s\n", meta, key, value) > 0);
	damage(f->dir, XT_META_FILE, text);
}

static void test_missing_meta(void **state)
{
	struct fixture *f = *state;

	expect_open_fails(f->dir, -ENOENT, f->dir);
	write_dump(f->dir, 0);
	damage(f->dir, XT_META_FILE, NULL);
	expect_open_fails(f->dir, -ENOENT, XT_META_FILE);
}

static void test_corrupt_meta(void **state)
{
	struct fixture *f = *state;

	write_dump(f->dir, 0);
	damage(f->dir, XT_META_FILE, "format = xtrace-dump\nversion = 1\nbroken line\n");
	expect_open_fails(f->dir, -EBADMSG, "xtrace.meta:3:");
	damage(f->dir, XT_META_FILE, "format = xtrace-dump\nversion = 2\n");
	expect_open_fails(f->dir, -EPROTONOSUPPORT, "version 2");
	damage(f->dir, XT_META_FILE, "format = xtrace-merged\nversion = 1\n");
	expect_open_fails(f->dir, -EBADMSG, "xtrace-merged");

	/* the last line of a key wins nowhere: keys set twice are refused */
	dump_with_meta(f, XT_META_HOST, "again");
	expect_open_fails(f->dir, -EBADMSG, "set twice");
	dump_with_meta(f, "cpu1.lost", "many");
	expect_open_fails(f->dir, -EBADMSG, "cpu1.lost");
	dump_with_meta(f, XT_META_CPUS, "0-99999");
	expect_open_fails(f->dir, -EBADMSG, "cpus");
	dump_with_meta(f, XT_META_CPUS, "3-1");
	expect_open_fails(f->dir, -EBADMSG, "cpus");
}

static void test_corrupt_settings(void **state)
{
	static const char *const bad_page_sizes[] = { "0", "12", "4097", "999999999999" };
	struct fixture *f = *state;
	_cleanup_free_ char *meta = NULL;
	char *page, *lsize;

	write_dump(f->dir, 0);
	meta = meta_text(f->dir);
	page = strstr(meta, "page_size = 4096");
	lsize = strstr(meta, "long_size = 8");
	assert_non_null(page);
	assert_non_null(lsize);
	for (size_t i = 0; i < ARRAY_SIZE(bad_page_sizes); i++) {
		_cleanup_free_ char *text = NULL;

		*page = '\0';
		assert_true(asprintf(&text, "%spage_size = %s%s", meta, bad_page_sizes[i],
				     page + strlen("page_size = 4096")) > 0);
		*page = 'p';
		damage(f->dir, XT_META_FILE, text);
		expect_open_fails(f->dir, -EBADMSG, "page_size");
	}
	lsize[strlen("long_size = ")] = '4';
	damage(f->dir, XT_META_FILE, meta);
	expect_open_fails(f->dir, -EBADMSG, "header_page");
	lsize[strlen("long_size = ")] = '7';
	damage(f->dir, XT_META_FILE, meta);
	expect_open_fails(f->dir, -EBADMSG, "long_size");
}

static void test_corrupt_clock(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *meta = NULL;
	char *p;

	write_dump(f->dir, 0);
	damage(f->dir, XT_ANCHORS_FILE, "1000 5\n2000 x\n");
	expect_open_fails(f->dir, -EBADMSG, "anchors:2:");
	damage(f->dir, XT_ANCHORS_FILE, "1000 5\n-3 5\n");
	expect_open_fails(f->dir, -EBADMSG, "anchors:2:");
	damage(f->dir, XT_ANCHORS_FILE, "1000  5\n");
	expect_open_fails(f->dir, -EBADMSG, "anchors:1:");
	damage(f->dir, XT_ANCHORS_FILE, "99999999999999999999999 5\n");
	expect_open_fails(f->dir, -EBADMSG, "anchors:1:");
	damage(f->dir, XT_ANCHORS_FILE, "1000 5\n\n2000 6");
	{
		struct xt_dump *d;

		assert_int_equal(xt_dump_open(f->dir, &d), 0);
		xt_dump_free(d);
	}

	meta = meta_text(f->dir);
	p = strstr(meta, "trace_clock = local");
	assert_non_null(p);
	memcpy(p + strlen("trace_clock = "), "tai  ", 5);
	damage(f->dir, XT_META_FILE, meta);
	expect_open_fails(f->dir, -EBADMSG, "tai_offset_ns");
	memcpy(p, "#", 1);
	damage(f->dir, XT_META_FILE, meta);
	expect_open_fails(f->dir, -EBADMSG, "trace_clock");
}

static void test_corrupt_formats(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *sched_dir = NULL, *dup = NULL;
	size_t len;

	write_dump(f->dir, 0);
	damage(f->dir, "events/sched/sched_switch/format", "this is not a format\n");
	expect_open_fails(f->dir, -EBADMSG, "events/sched/sched_switch/format");
	damage(f->dir, "events/sched/sched_switch/format",
	       "name: sched_switch\nID: 372\nformat:\n\tfield:garbage\n");
	expect_open_fails(f->dir, -EBADMSG, "events/sched/sched_switch/format");
	damage(f->dir, "events/sched/sched_switch/format", "name: x\nID: 70000\nformat:\n");
	expect_open_fails(f->dir, -EBADMSG, "events/sched/sched_switch/format");

	/* two formats claiming one ID */
	write_dump(f->dir, XT_DUMP_FORCE);
	sched_dir = test_path(f->dir, "events/sched/sched_copy");
	assert_int_equal(mkdir(sched_dir, 0755), 0);
	{
		_cleanup_free_ char *src = test_path(f->dir, "events/sched/sched_switch/format");
		_cleanup_free_ char *text = test_read(src, &len);

		dup = test_path(sched_dir, "format");
		test_write(dup, text, len);
	}
	expect_open_fails(f->dir, -EBADMSG, "ID 372");
	unlink(dup);
	expect_open_fails(f->dir, -EBADMSG, "events/sched/sched_copy/format: missing");
	rmdir(sched_dir);

	damage(f->dir, "events/header_page", "garbage\n");
	expect_open_fails(f->dir, -EBADMSG, "header_page");
	damage(f->dir, "events/header_page", "");
	expect_open_fails(f->dir, -EBADMSG, "header_page");
	damage(f->dir, "events/header_page", NULL);
	expect_open_fails(f->dir, -EBADMSG, "header_page");
}

/*
 * Format texts that crash libtraceevent's own parser (found by fuzzing the
 * recorder's format reader) must be refused before it sees them.
 */
static void test_hostile_format_text(void **state)
{
	static const char *const hostile[] = {
		/* a non-ASCII byte as an array size: libtraceevent strcmp()s NULL */
		"name: print\nID: 5\nformat:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n"
		"\tfield:char buf[\xc0];\toffset:16;\tsize:0;\tsigned:0;\n\n"
		"print fmt: \"%s\", REC->buf\n",
		/* unbalanced bracket, control byte, a field line missing its offset */
		"name: print\nID: 5\nformat:\n\tfield:char buf[;\toffset:16;\tsize:0;\tsigned:0;\n",
		"name: print\nID: 5\nformat:\n\tfield:char \x01buf;\toffset:16;\tsize:1;\tsigned:0;\n",
		"name: print\nID: 5\nformat:\n\tfield:char buf;\tsize:1;\tsigned:0;\n",
		"name: pr int\nID: 5\nformat:\n",
		"name: print\nID: 5\nformat:\n\tfield:int x;\toffset:99999999999;\tsize:4;\tsigned:1;\n",
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		write_dump(f->dir, XT_DUMP_FORCE);
		damage(f->dir, "events/sched/sched_switch/format", hostile[i]);
		expect_open_fails(f->dir, -EBADMSG, "events/sched/sched_switch/format");
	}
}

/*
 * A format that passes the lexical check but kills libtraceevent's print-fmt
 * parser (a division by zero found by fuzzing) costs only its print format:
 * the dump opens, the warning names the file, the other formats are whole.
 */
static void test_format_crashing_the_parser(void **state)
{
	struct fixture *f = *state;
	_cleanup_free_ char *crash = NULL, *text = NULL;
	struct xt_dump *d;
	char why[256] = "";
	size_t len;

	assert_true(asprintf(&crash, "%s/formats/fuzz/corpus/format/print-fmt-division-by-zero",
			     getenv("KVMRT_SOURCE_ROOT")) > 0);
	text = test_read(crash, &len);
	write_dump(f->dir, 0);
	{
		_cleanup_free_ char *path = test_path(f->dir, "events/kvm/kvm_exit/format");

		test_write(path, text, len);
	}
	assert_int_equal(xt_dump_open_why(f->dir, why, sizeof(why), &d), 0);
	assert_non_null(xt_dump_warning(d));
	assert_non_null(strstr(xt_dump_warning(d), "events/kvm/kvm_exit/format"));
	assert_non_null(tep_find_event_by_name(xt_dump_tep(d), "kvm", "kvm_exit"));
	assert_non_null(tep_find_event_by_name(xt_dump_tep(d), "sched", "sched_wakeup"));
	xt_dump_free(d);

	write_dump(f->dir, XT_DUMP_FORCE);
	assert_int_equal(xt_dump_open(f->dir, &d), 0);
	assert_null(xt_dump_warning(d));
	xt_dump_free(d);
}

static void test_corrupt_tables(void **state)
{
	struct fixture *f = *state;

	write_dump(f->dir, 0);
	damage(f->dir, "printk_formats", "0xffff : \"ok string\"\nno colon here\n");
	expect_open_fails(f->dir, -EBADMSG, "printk_formats:2:");
	damage(f->dir, "printk_formats", ":\n");
	expect_open_fails(f->dir, -EBADMSG, "printk_formats:1:");
	damage(f->dir, "printk_formats", "zz : \"x\"\n");
	expect_open_fails(f->dir, -EBADMSG, "printk_formats:1:");
	damage(f->dir, "printk_formats", "0x1 :\n0x2 : \n0x3 : \"\"\n");
	{
		struct xt_dump *d;

		assert_int_equal(xt_dump_open(f->dir, &d), 0);
		xt_dump_free(d);
	}
	damage(f->dir, "saved_cmdlines", "notapid comm\n");
	expect_open_fails(f->dir, -EBADMSG, "saved_cmdlines");
	damage(f->dir, "saved_cmdlines", "1 init\n");
	damage(f->dir, "kallsyms", "not kallsyms\n");
	expect_open_fails(f->dir, -EBADMSG, "kallsyms");
	damage(f->dir, "kallsyms", "ffffffff81000000 T _text\nffffffff81000100 t foo [mod]\n");
	{
		struct xt_dump *d;

		assert_int_equal(xt_dump_open(f->dir, &d), 0);
		xt_dump_free(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta_while_recording, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tai_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_file_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_system_without_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_meta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_meta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_formats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_format_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format_crashing_the_parser, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
