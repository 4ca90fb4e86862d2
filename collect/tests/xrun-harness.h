/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xrun-harness.h - running the built xtrace-run and xtrace-ctl from root
 * tests and reading back what they recorded. Each test gets a scratch
 * directory and must leave tracefs exactly as it found it (checked).
 */
#ifndef XRUN_HARNESS_H
#define XRUN_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <traceevent/event-parse.h>

#include "cleanup.h"
#include "xtrace.h"

#define T "/sys/kernel/tracing"

DEFINE_POINTER_CLEANUP(struct xt_dump, xt_dump_free)
#define SCAN_MAX_NAMES 256

struct fixture {
	char dir[64];  /* scratch directory of this test */
	char marker[96]; /* "xtrace-test-marker-XXXXXX": unique to this test */
	char **before; /* watched top-level files before the test */
	char *instances;
};

extern char xrun_bin[4096]; /* built xtrace-run */
extern char xctl_bin[4096]; /* built xtrace-ctl */

/* 0 when this machine can run root tests: root, tracefs, the built tools. */
int check_machine(void);
/* cmocka setup/teardown: scratch dir; teardown fails if tracefs changed. */
int setup(void **state);
int teardown(void **state);

char *slurp(const char *path);
/* "DIR/NAME" of the fixture's scratch dir: must be freed with free(). */
char *scratch(const struct fixture *f, const char *name);

/* Starts xtrace-run with @args (NULL-terminated), its stderr into DIR/stderr. */
pid_t start(struct fixture *f, const char *const *args);
int finish(pid_t pid);
int run(struct fixture *f, const char *const *args);
char *stderr_text(struct fixture *f);
void wait_for_file(const char *path);
long read_pid(const char *path);

struct name_count {
	char name[96]; /* "system:event" */
	uint64_t n;
};

struct scan {
	struct tep_handle *tep;
	long pid;           /* the recorded shell */
	unsigned damage;    /* diagnostics other than lost events and torn tails */
	bool allow_torn;    /* preset: a torn tail (a killed recorder) is not damage */
	unsigned torn;      /* torn tails met */
	uint64_t events;
	uint64_t shell_switch, shell_syscalls;
	const char *marker; /* preset: the fixture's marker, counted in @markers */
	uint64_t markers;
	uint64_t first_tod, last_tod;
	uint64_t cpu_events[64];
	struct name_count names[SCAN_MAX_NAMES];
	unsigned nr_names;
	/* Optional: called for every record. */
	void (*each)(struct scan *s, const struct xt_event *ev, struct tep_record *rec,
		     struct tep_event *te);
	void *userdata;
};

/* Reads every CPU of the dump at @path; fails on damage. @s->each may be preset. */
void scan_dump(const char *path, long pid, struct scan *s, struct xt_dump **ret);
/* Records of "system:event" the scan met. */
uint64_t scan_count(const struct scan *s, const char *name);
uint64_t meta_u64(struct xt_dump *d, const char *key);
/* Events lie on TOD between the start and the end of the recording. */
void assert_placed(struct xt_dump *d, const struct scan *s);

#endif
