/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-params.h - `kvmrt-latency run`: its options, the systems it measures,
 * the shell scripts it runs on them and the campaign that drives them.
 *
 *   run-args.c      parse_args: argv -> struct lat_run_params (pure)
 *   run-system.c    "[NAME=]local" / "[NAME=]ssh:HOST" and the system list (pure)
 *   run-script.c    the shell scripts run on every system (pure text)
 *   run-facts.c     "key = value" text: parsing the probe's answer, writing files
 *   remote.c        running a script on a system (sh -c or ssh), copying files back
 *   run-campaign.c  probe, start in parallel, watch, stop, collect
 *   spike.c         a --break spike: which system/thread/CPU, merge, explain
 */
#ifndef LAT_RUN_PARAMS_H
#define LAT_RUN_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LAT_MAX_SYSTEMS 16
#define LAT_NAME_MAX 64   /* bytes of a system name, NUL included */
#define LAT_HOST_MAX 256  /* bytes of an ssh destination, NUL included */
#define LAT_CPUS_MAX 1024 /* CPUs a CPU list may name */
#define LAT_MAX_DURATION_S (7ull * 24 * 3600)

enum lat_load { LAT_LOAD_NONE, LAT_LOAD_STRESS, LAT_LOAD_HACKBENCH };

struct lat_system {
	char name[LAT_NAME_MAX]; /* directory name under the results directory */
	char host[LAT_HOST_MAX]; /* ssh destination; "" for the local system */
};

struct lat_run_params {
	const char *output;    /* -o: the results directory (required) */
	uint64_t duration_s;   /* -D */
	uint64_t priority;     /* -p: SCHED_FIFO priority */
	uint64_t interval_us;  /* -i */
	uint64_t histogram_us; /* -h */
	const char *cpus;      /* --cpus: measured CPUs on every system, NULL: default */
	enum lat_load load;    /* --load */
	bool trace;            /* --trace (implied by --break) */
	uint64_t break_us;     /* --break, 0: none */
	const char *ssh_config; /* --ssh-config: ssh/scp -F FILE */
	const char *remote_path; /* --remote-path: prepended to PATH on ssh systems */
	const char *self_exe;  /* this kvmrt-latency, the local fallback measurer (NULL: PATH) */
	bool help, version;
	struct lat_system systems[LAT_MAX_SYSTEMS];
	unsigned nr_systems;
};

/*
 * Fills @p from @argv (argv[0] is the subcommand name). Pure: prints nothing.
 * Returns 0, or -EINVAL with @why naming the option or value at fault.
 */
int lat_run_parse_args(int argc, char **argv, struct lat_run_params *p, char *why,
		       size_t why_len);
void lat_run_usage(FILE *out);
/* "none", "stress" or "hackbench". */
const char *lat_load_name(enum lat_load load);

/*
 * Parses one SYSTEM argument, "[NAME=]local" or "[NAME=]ssh:[USER@]HOST",
 * into *ret. Without NAME a local system is "host" and an ssh one is named
 * after HOST. Returns 0 or -EINVAL with @why.
 */
int lat_system_parse(const char *spec, struct lat_system *ret, char *why, size_t why_len);
/* Adds @spec to @p's systems: -EINVAL (@why) for a bad spec, a duplicate name or too many. */
int lat_system_add(struct lat_run_params *p, const char *spec, char *why, size_t why_len);
/* "local" or "ssh:HOST" into @buf. */
const char *lat_system_target(const struct lat_system *s, char *buf, size_t len);
static inline bool lat_system_is_local(const struct lat_system *s)
{
	return s->host[0] == '\0';
}

/* A duration "90", "90s", "15m", "2h" or "1d" in seconds (1 s to 7 days). */
int lat_parse_duration(const char *s, uint64_t *ret_s);
/* Whether @s is a CPU list ("1-3,5") naming at least one CPU below LAT_CPUS_MAX. */
bool lat_cpus_valid(const char *s);

/*
 * What the probe learnt of one system and how it is measured there.
 */
struct lat_probe {
	char hostname[256];
	char kernel[256];
	char kernel_version[512];
	char cmdline[4096];
	char online[512];      /* online CPUs, a CPU list */
	char boot_id[64];      /* systems with the same boot_id share one kernel */
	char tracing_on[8];    /* the top-level tracing_on before the run ("": unknown) */
	char workdir[128];     /* /tmp/kvmrt-latency.XXXXXX on that system */
	char missing[256];     /* tools not found, space-separated ("" when none) */
	bool fifo;             /* cyclictest could use SCHED_FIFO */
	bool other;            /* cyclictest ran with --policy other */
	bool measure;          /* `kvmrt-latency measure` is there (the SCHED_OTHER fallback) */
	char fifo_error[256];  /* what cyclictest said when SCHED_FIFO was refused */
};

/* How one system is measured, decided from its probe and the options. */
struct lat_plan {
	char cpus[512];        /* measured CPUs */
	unsigned nr_cpus;
	bool fifo;             /* SCHED_FIFO (else --policy other) */
	bool measure;          /* `kvmrt-latency measure` instead of cyclictest (never with fifo) */
	bool top_level;        /* the recorder uses the top-level buffer */
};

/*
 * Parses the probe script's "key = value" answer. Untrusted: every value is
 * bounded, the work directory must be one mktemp made. Returns 0 or -EINVAL
 * with @why.
 */
int lat_probe_parse(const char *text, struct lat_probe *ret, char *why, size_t why_len);

/*
 * The measured CPUs of a system: --cpus when given (each must be online),
 * else every online CPU, less CPU 0 on a guest (an ssh system) with more than
 * one. Returns 0 or -EINVAL with @why.
 */
int lat_plan_cpus(const struct lat_run_params *p, const struct lat_system *s,
		  const struct lat_probe *probe, struct lat_plan *plan, char *why, size_t why_len);

/*
 * Scripts (POSIX sh) run on a system. Each returns a string to free(), or NULL
 * on ENOMEM. @work is the probe's work directory.
 */
char *lat_script_probe(const struct lat_run_params *p, const struct lat_system *s);
char *lat_script_main(const struct lat_run_params *p, const struct lat_system *s,
		      const struct lat_plan *plan, const char *work);
/* Waits (up to 10 s) for the recorder started by the main script to listen. */
char *lat_script_wait_recorder(const struct lat_system *s, const char *work,
			       const struct lat_run_params *p);
/* Flushes and stops the recorder of the main script (retrying while it starts). */
char *lat_script_flush_stop(const struct lat_run_params *p, const struct lat_system *s,
			    const char *work);
/* Interrupts the main script's command (cyclictest writes its results on SIGINT). */
char *lat_script_interrupt(const char *work);
/*
 * Ends a load still running and removes the work directory; with @tracing_on
 * ("0" or "1", else NULL) puts the top-level tracing_on back to it: the
 * cyclictest -b of another system on the same kernel may have turned it off
 * after this system's recorder put it back.
 */
char *lat_script_cleanup(const char *work, const char *tracing_on);
/* Appends @s to @f single-quoted for sh. */
void lat_sh_quote(FILE *f, const char *s);

/*
 * A cyclictest break (-b) read from its output: "# Thread Ids: ...",
 * "# Break thread: TID", "# Break value: US".
 */
struct lat_break {
	long tid;
	unsigned thread;    /* index of the thread (0-based) */
	uint64_t value_us;
	int cpu;            /* the CPU the thread ran on, -1 unknown */
};

/*
 * Looks for a break in cyclictest's output @log; the thread's CPU is the
 * thread's position in @cpus (cyclictest -a LIST -t N places thread i on the
 * i-th CPU of LIST). Returns 1 and *ret when there was a break, 0 when none,
 * -EBADMSG when the break lines are malformed.
 */
int lat_break_parse(const char *log, const char *cpus, struct lat_break *ret);

#endif
