/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xcollect.h - libxcollect: recording ftrace events of this system into an
 * xtrace dump (DESIGN.md decisions 1, 2 and 7).
 *
 * The parts, one file each:
 *   event-set.c       which events to record (the default set, -e SYSTEM[:EVENT])
 *   trace-format.c    page layout and ftrace:print layout from the kernel's format files
 *   tod-anchor.c      time of day: TAI offset, anchor markers, exact clock pairs
 *   page-scan.c       what a ring-buffer page holds (events, timestamps, anchors)
 *   tracefs-session.c our own tracefs instance, from mount to removal
 *   cpu-reader.c      one thread per CPU moving pages from trace_pipe_raw to the dump
 *   dump-meta.c       the dump's metadata and copies of tracefs files
 *   recorder.c        the whole recording: session, readers, dump
 *   recorder-control.c what a running recording does on request: flush, pause, resume, status
 *   control.c         the per-session Unix socket under XC_CONTROL_DIR (both ends)
 *   control-request.c the request lines sent over it (parsed, formatted)
 *   command.c         running COMMAND with signals forwarded and a periodic tick
 *   run-args.c        xtrace-run's command line (run-params.h)
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure; nothing here prints. Functions that can fail for a reason worth a
 * sentence take a @why buffer and write one line naming what failed and the fix.
 */
#ifndef XCOLLECT_H
#define XCOLLECT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "xtrace.h"

/* ---- event-set.c ---------------------------------------------------------- */

struct xc_event_id {
	char *system;
	char *event;
};

/* A set of events, unique and in insertion order. Zero-initialise; free with xc_event_set_done(). */
struct xc_event_set {
	struct xc_event_id *ids;
	size_t n;
	size_t cap;
};

void xc_event_set_done(struct xc_event_set *s);

/* Whether @system:@event is in @s. */
bool xc_event_set_contains(const struct xc_event_set *s, const char *system, const char *event);

/*
 * Adds the events of the default set that exist under @events_dir (a tracefs
 * "events" directory, or a copy of one). Each default entry (a name or a
 * pattern such as "irq_vectors:*_entry") that matches nothing is added to
 * @missing as written, when @missing is not NULL. Returns the number of events
 * added, or a negative errno.
 */
int xc_event_set_add_defaults(struct xc_event_set *s, const char *events_dir,
			      struct xc_event_set *missing);

/*
 * Adds "SYSTEM" (all its events) or "SYSTEM:EVENT" (EVENT may be a glob
 * pattern). Returns the number of events added (0 when all were already in),
 * -EINVAL when @spec is malformed, -ENOENT when this kernel has no such
 * system or event, -EPERM for the ftrace system (its events are not
 * selectable: markers are always recorded).
 */
int xc_event_set_add_spec(struct xc_event_set *s, const char *events_dir, const char *spec);

/* Checks the syntax of a -e spec without looking at any kernel. 0 or -EINVAL. */
int xc_event_spec_check(const char *spec);

/* "sys:event,sys:event": must be freed with free(). NULL on ENOMEM. */
char *xc_event_set_join(const struct xc_event_set *s);

/* ---- trace-format.c ------------------------------------------------------- */

/* What a reader must know about this kernel's ring-buffer pages and markers. */
struct xc_trace_format {
	unsigned long_size;       /* bytes of the page's commit field: 4 or 8 */
	size_t page_size;         /* sub-buffer bytes, header included */
	int print_id;             /* common_type of ftrace:print, -1 if unknown */
	unsigned print_buf_offset;  /* offset of ftrace:print's buf in the record */
	unsigned common_pid_offset; /* offset of common_pid in every record */
};

/*
 * Fills @ret from the text of events/header_page and of
 * events/ftrace/print/format (may be NULL: then markers are not
 * recognised). Both texts are untrusted. Returns 0 or -EBADMSG.
 */
int xc_trace_format_parse(const char *header_page, size_t header_len, const char *print_format,
			  size_t print_len, struct xc_trace_format *ret);

/* ---- tod-anchor.c --------------------------------------------------------- */

enum xc_clock {
	XC_CLOCK_TOD,   /* the tai trace clock + TAI-UTC offset */
	XC_CLOCK_LOCAL, /* "local": per-CPU sched_clock */
	XC_CLOCK_MONO,  /* "mono": CLOCK_MONOTONIC */
	XC_CLOCK_BOOT,  /* "boot": CLOCK_BOOTTIME */
	XC_CLOCK_TSC,   /* "x86-tsc": raw TSC cycles */
};

/* The tracefs trace_clock name recording @c uses ("tai" for XC_CLOCK_TOD). */
const char *xc_clock_trace_name(enum xc_clock c);

/* Parses a -t argument ("tod", "local", "mono", "boot", "tsc"). 0 or -EINVAL. */
int xc_clock_parse(const char *s, enum xc_clock *ret);

/*
 * The POSIX clock that reads the same as trace clock @c, for exact anchor
 * pairs: CLOCK_MONOTONIC for mono, CLOCK_BOOTTIME for boot; -ENOENT for the
 * others (they are anchored through markers only).
 */
int xc_clock_posix_id(enum xc_clock c, clockid_t *ret);

/* TAI - UTC in ns as the kernel keeps it (a whole number of seconds). */
int xc_tai_offset_ns(int64_t *ret);

/* Current value of @id in ns. */
uint64_t xc_now_ns(clockid_t id);

/*
 * An exact anchor pair: @id read between two CLOCK_REALTIME reads, paired
 * with their midpoint. 0 or a negative errno.
 */
int xc_clock_pair(clockid_t id, uint64_t *ret_ts, uint64_t *ret_realtime);

#define XC_ANCHOR_PREFIX "xtrace-anchor realtime="

/* Writes the anchor marker text for @realtime_ns into @buf; returns its length or -ENOBUFS. */
int xc_anchor_format(char *buf, size_t len, uint64_t realtime_ns);

/*
 * Parses a marker text (not NUL-terminated, untrusted): "xtrace-anchor
 * realtime=DIGITS", an optional newline, then the end or a NUL. 0 and *ret_realtime,
 * or -EINVAL when it is not an anchor.
 */
int xc_anchor_parse(const void *buf, size_t len, uint64_t *ret_realtime);

/* ---- page-scan.c ---------------------------------------------------------- */

/* Called for every anchor marker written by the anchor writer's thread. */
typedef int (*xc_anchor_fn)(uint64_t trace_ts, uint64_t realtime_ns, void *userdata);

struct xc_page_info {
	uint64_t first_ts; /* first event (the page timestamp when there is none) */
	uint64_t last_ts;  /* last event, time extends included */
	unsigned events;   /* data events, padding and time records not counted */
	size_t data_len;   /* bytes of event data (the commit) */
	bool missed;       /* the kernel lost events before this page */
};

struct xc_page_scanner;

/*
 * A scanner of pages laid out as @fmt says. Markers of @anchor_pid that
 * are anchors are passed to @fn. Free with xc_page_scanner_free().
 */
int xc_page_scanner_new(const struct xc_trace_format *fmt, pid_t anchor_pid, xc_anchor_fn fn,
			void *userdata, struct xc_page_scanner **ret);
void xc_page_scanner_free(struct xc_page_scanner *s);

/*
 * Scans one page of fmt->page_size bytes. Returns 0 and fills *ret, -EBADMSG
 * when the page header is impossible, or the error returned by the anchor
 * callback.
 */
int xc_page_scan(struct xc_page_scanner *s, void *page, struct xc_page_info *ret);

/* ---- tracefs-session.c ---------------------------------------------------- */

#define XC_TRACEFS_PATH "/sys/kernel/tracing"
#define XC_INSTANCE_PREFIX "xtrace-"

/*
 * Makes sure tracefs is mounted at XC_TRACEFS_PATH, mounting it when it is
 * not (a fresh mount namespace, "ip netns exec"). *ret_mounted (may be NULL)
 * says whether it was mounted now. 0 or the negative errno of the mount.
 */
int xc_tracefs_mount(bool *ret_mounted);

/*
 * Removes every "xtrace-PID" instance whose PID no longer runs (left by a
 * killed recording). Returns the number removed, or a negative errno.
 */
int xc_session_remove_stale(void);

struct xc_session;

/* One CPU's ring-buffer statistics, from per_cpu/cpuN/stats. */
struct xc_cpu_stats {
	uint64_t entries;
	uint64_t overrun;        /* events overwritten before they were read */
	uint64_t commit_overrun; /* events lost inside an interrupted commit */
	uint64_t dropped;        /* events refused by a full, non-overwriting buffer */
};

/*
 * Creates the instance "xtrace-@pid" with tracing off (an old instance of
 * that name is replaced). With @top_level, uses the top-level buffer instead
 * (tracing off) and remembers its clock, size, options, CPU mask and enabled
 * events to restore them. Must be destroyed with xc_session_destroy().
 */
int xc_session_create(pid_t pid, bool top_level, struct xc_session **ret);

/*
 * Turns tracing off, removes the instance (the top-level buffer: puts back
 * what was saved, tracing_on included) and frees @s. Accepts NULL.
 */
void xc_session_destroy(struct xc_session *s);

/* Instance name and directory. Borrowed. */
const char *xc_session_name(const struct xc_session *s);
const char *xc_session_dir(const struct xc_session *s);

/* Whether the kernel offers trace clock @name. */
bool xc_session_has_clock(const struct xc_session *s, const char *name);

/* Selects the instance's trace_clock (this clears its buffers). -EINVAL if unknown. */
int xc_session_set_clock(struct xc_session *s, const char *name);

/* Sets the per-CPU buffer size in KiB. */
int xc_session_set_buffer_kb(struct xc_session *s, uint64_t kb);

/*
 * Sets buffer_percent: how full a CPU buffer must be before a poller of its
 * trace_pipe_raw wakes. -EOPNOTSUPP when this kernel lacks the file.
 */
int xc_session_set_buffer_percent(struct xc_session *s, unsigned percent);

/* Sets options/@name to @on. -EOPNOTSUPP when this kernel lacks the option. */
int xc_session_set_option(struct xc_session *s, const char *name, bool on);

/* Enables every event of @set in the instance. -ENOENT names none: check the set first. */
int xc_session_enable(struct xc_session *s, const struct xc_event_set *set);

/* Turns the instance's tracing_on on or off. */
int xc_session_tracing(struct xc_session *s, bool on);

/* 1 when the instance's tracing_on reads 1, 0 when 0, or a negative errno. */
int xc_session_is_tracing(const struct xc_session *s);

/* Writes @expr to the filter of @system:@event. -EINVAL when the kernel refuses it. */
int xc_session_set_filter(struct xc_session *s, const char *system, const char *event,
			  const char *expr);

/* Limits recording to the CPUs set in @cpus[0..@n) (tracing_cpumask). */
int xc_session_set_cpumask(struct xc_session *s, const bool *cpus, unsigned n);

/* Writes @trigger (e.g. "traceoff if nr == 1") to events/@system/@event/trigger. */
int xc_session_set_trigger(struct xc_session *s, const char *system, const char *event,
			   const char *trigger);

/* Removes the trigger of command @command ("traceoff") from @system:@event. */
int xc_session_clear_trigger(struct xc_session *s, const char *system, const char *event,
			     const char *command);

/* The text of events/@system/@event/trigger: must be freed with free(); NULL on error. */
char *xc_session_read_trigger(const struct xc_session *s, const char *system, const char *event);

/* Sub-buffer size of the instance (buffer_subbuf_size_kb); -ENOENT on older kernels. */
int xc_session_subbuf_size(const struct xc_session *s, size_t *ret);

/* Opens per_cpu/cpu@cpu/trace_pipe_raw non-blocking. Returns the fd or a negative errno. */
int xc_session_open_cpu(const struct xc_session *s, unsigned cpu);

/*
 * Parses the text of a per_cpu/cpuN/stats file ("name: number" lines;
 * unknown or malformed lines are skipped, missing counts are 0).
 */
int xc_cpu_stats_parse(const char *text, struct xc_cpu_stats *ret);

/* Reads per_cpu/cpu@cpu/stats. */
int xc_session_cpu_stats(const struct xc_session *s, unsigned cpu, struct xc_cpu_stats *ret);

/* Writes @text into the instance's trace_marker (one ftrace:print record). */
int xc_session_mark(struct xc_session *s, const char *text);

/* ---- dump-meta.c ---------------------------------------------------------- */

/* Sets the host, kernel and arch keys from uname(). */
int xc_dump_set_system_meta(struct xt_dump_writer *w);

/*
 * Copies events/header_page, events/header_event, ftrace/print and the
 * format of every event of @set from the tracefs @tracing_dir.
 */
int xc_dump_copy_formats(struct xt_dump_writer *w, const char *tracing_dir,
			 const struct xc_event_set *set);

/* Copies printk_formats, saved_cmdlines and saved_tgids (those that exist). */
int xc_dump_copy_tables(struct xt_dump_writer *w, const char *tracing_dir);

/* ---- reader-sched.c ------------------------------------------------------- */

#define XC_READER_FIFO_DEFAULT 1 /* the lowest real-time priority */

/* Nice -10 for the calling thread, and the threads it starts afterwards. */
void xc_reader_set_nice(void);

/*
 * Raises the calling thread: SCHED_FIFO @fifo_priority (1-99), so that a
 * woken reader preempts the work filling its buffer at once, yet yields to
 * every real-time task above it. With 0, or where real-time is refused (no
 * CAP_SYS_NICE, a cgroup without RT runtime), SCHED_OTHER at nice -10 with
 * EEVDF's shortest slice (kernels 6.12 and later). Returns true when the
 * thread runs real-time.
 */
bool xc_reader_raise_priority(unsigned fifo_priority);

/*
 * Pins the calling thread to @cpu when the recorder may run there: the work
 * that fills the buffer then yields to its reader, and a CPU held by
 * something else holds up no other CPU's reader. CPUs the recorder was kept
 * off (isolated, taskset) stay untouched: their readers run wherever the
 * recorder may. Best effort.
 */
void xc_reader_pin(unsigned cpu);

/* ---- cpu-reader.c --------------------------------------------------------- */

struct xc_cpu_reader_config {
	unsigned cpu;
	int raw_fd;                     /* trace_pipe_raw, non-blocking: taken over (also on failure) */
	int stop_fd;                    /* borrowed: readable once the reader must drain and end */
	size_t page_size;
	unsigned fifo_priority;         /* the thread's SCHED_FIFO priority, 0: SCHED_OTHER */
	struct xt_frame_writer *writer; /* borrowed: this CPU's frame writer */
	struct xc_page_scanner *scanner; /* taken over (also on failure) */
	bool on_demand;                 /* no thread: pages move only in xc_cpu_reader_drain() */
};

struct xc_cpu_reader_result {
	uint64_t pages;
	uint64_t events;
	int error;     /* first negative errno met, 0 if none */
	bool realtime; /* the thread ran at its SCHED_FIFO priority */
};

struct xc_cpu_reader;

/* Starts the reader thread (none when on_demand). Free with xc_cpu_reader_join(). */
int xc_cpu_reader_start(const struct xc_cpu_reader_config *cfg, struct xc_cpu_reader **ret);

/*
 * On-demand readers only: moves everything the buffer holds (call with
 * tracing off) into the writer and flushes it. Returns the events moved or
 * a negative errno.
 */
int xc_cpu_reader_drain(struct xc_cpu_reader *r);

/*
 * Flushes this CPU now: an on-demand reader drains (as above, its CPU's
 * tracing off); a thread is asked to move what the buffer holds, partial
 * page included, and to write its frame, and is waited for. Returns the
 * events moved or a negative errno (-ETIMEDOUT: the thread did not answer).
 */
int xc_cpu_reader_flush(struct xc_cpu_reader *r);

/* Events moved so far; safe to call while the thread runs. */
uint64_t xc_cpu_reader_events(const struct xc_cpu_reader *r);

/*
 * Waits for the thread (once stop_fd is readable it drains trace_pipe_raw
 * to empty, flushes its writer and ends), fills @ret and frees @r.
 */
void xc_cpu_reader_join(struct xc_cpu_reader *r, struct xc_cpu_reader_result *ret);

/* ---- recorder.c ----------------------------------------------------------- */

enum xc_mode {
	XC_MODE_STREAM,    /* everything goes to disk as it comes */
	XC_MODE_OVERWRITE, /* flight recorder: the ring buffer overwrites, written at flushes */
};

/* Parses "stream" or "overwrite". 0 or -EINVAL. */
int xc_mode_parse(const char *s, enum xc_mode *ret);
const char *xc_mode_name(enum xc_mode m);

/* The guest-services flush hypercall (DESIGN.md decision 5) and the trigger stopping on it. */
#define XC_GS_FLUSH_NR 0x4b525402u
#define XC_GS_FLUSH_TRIGGER "traceoff if nr == 0x4b525402"

struct xc_record_config {
	const char *output;             /* dump directory */
	bool force;                     /* reuse a non-empty output directory */
	enum xc_clock clock;
	enum xc_mode mode;
	const char *const *specs;       /* -e SYSTEM[:EVENT] */
	const char *const *filters;     /* per spec: ftrace filter or NULL; may be NULL */
	unsigned nr_specs;
	bool no_default;                /* only the events of @specs */
	uint64_t buffer_kb;             /* per-CPU buffer, 0 = kernel default */
	const char *cpus;               /* CPU list to record, NULL = all */
	bool top_level;                 /* record in the top-level buffer */
	bool stop_on_trigger;           /* tracing_on 0 from elsewhere ends the recording */
	int gs_flush;                   /* 1 arm, 0 not, -1 when kvm:kvm_hypercall is recorded */
	unsigned reader_fifo;           /* SCHED_FIFO priority of the readers, 0: SCHED_OTHER */
	pid_t session;                  /* names the instance "xtrace-SESSION" */
};

struct xc_record_summary {
	uint64_t events;
	uint64_t bytes;    /* bytes of CPU data files */
	unsigned nr_cpus;  /* entries of @lost */
	const uint64_t *lost; /* per CPU: overruns + dropped events; borrowed from the recorder */
	int reader_error;  /* first error of a reader thread, 0 if none */
	unsigned reader_error_cpu;
	unsigned readers, readers_realtime; /* reader threads, and those that ran SCHED_FIFO */
};

struct xc_recorder;

/*
 * Prepares a recording: tracefs mounted, stale instances removed, the
 * instance created and configured, the dump directory created with its
 * formats and metadata (status = recording). Nothing is recorded yet.
 * Free with xc_recorder_free().
 */
int xc_recorder_new(const struct xc_record_config *cfg, struct xc_recorder **ret, char *why,
		    size_t why_len);

/* Default events this kernel lacks. Borrowed. */
const struct xc_event_set *xc_recorder_missing(const struct xc_recorder *r);
/* Stale instances removed at start. */
unsigned xc_recorder_stale_removed(const struct xc_recorder *r);
/* Whether tracefs had to be mounted. */
bool xc_recorder_mounted(const struct xc_recorder *r);
/* Absolute path of the dump directory. Borrowed. */
const char *xc_recorder_output(const struct xc_recorder *r);
/* The trace clock in use. Borrowed. */
const char *xc_recorder_trace_clock(const struct xc_recorder *r);

/* Starts the reader threads and tracing, writes the first anchors. */
int xc_recorder_start(struct xc_recorder *r, char *why, size_t why_len);

/*
 * Periodic work (call several times a second): anchors once a second, and
 * the watch on tracing_on: when something else turned it off (a trigger,
 * cyclictest -b), flushes and re-arms it. Returns 1 when the recording
 * must end (--stop-on-trigger), 0, or a negative errno.
 */
int xc_recorder_tick(struct xc_recorder *r);

/*
 * Writes out what the ring buffers of the CPUs set in @cpus[0..@nr_cpus)
 * hold (@cpus NULL: every CPU), frames included: overwrite mode stops
 * tracing on those CPUs for the time of the drain (all of them: tracing_on,
 * some: tracing_cpumask); stream mode has their readers move what the
 * buffers hold now. CPUs not recorded are skipped; other CPUs are left
 * alone. Logs the flush, with @reason and its CPUs, in the metadata
 * ("flush.N = TOD REASON events=N cpus=LIST|all"). Returns the events
 * written or a negative errno.
 */
int xc_recorder_flush(struct xc_recorder *r, const char *reason, const bool *cpus,
		      unsigned nr_cpus);

/* Pauses or resumes tracing (a paused recording is not re-armed by the watch). */
int xc_recorder_pause(struct xc_recorder *r, bool pause);

/*
 * One line "key=value ..." describing the running recording: pid, output,
 * mode, clock, state, events, lost. Returns its length or -ENOBUFS.
 */
int xc_recorder_status(struct xc_recorder *r, char *buf, size_t len);

/*
 * Handles one control request line of @request_len untrusted bytes (flush
 * [cpus=LIST], pause, resume, stop, status), writing the reply line to
 * @reply. Returns 1 for stop (the caller ends the recording), 0, or a
 * negative errno (the reply says why).
 */
int xc_recorder_control(struct xc_recorder *r, const char *request, size_t request_len,
			char *reply, size_t len);

/*
 * Writes the last anchors, turns tracing off, drains every CPU, removes the
 * tracefs instance, copies the end-of-run tables and completes the dump.
 * *ret is valid until the recorder is freed.
 */
int xc_recorder_stop(struct xc_recorder *r, struct xc_record_summary *ret, char *why,
		     size_t why_len);

/* Stops what still runs, removes the tracefs instance, frees. Accepts NULL. */
void xc_recorder_free(struct xc_recorder *r);

/* ---- command.c ------------------------------------------------------------ */

/*
 * Blocks SIGINT, SIGTERM, SIGHUP and SIGCHLD in the calling thread (threads
 * started later inherit the mask) so that xc_command_run() receives them.
 * The previous mask is written to @ret_old, for the command.
 */
int xc_signals_block(sigset_t *ret_old);

/* Return 1 to end the command (it gets SIGTERM), 0 to go on. */
typedef int (*xc_tick_fn)(void *userdata);
typedef int (*xc_fd_fn)(int fd, void *userdata);

struct xc_command_hooks {
	unsigned tick_ms;
	xc_tick_fn tick;  /* called about every tick_ms */
	int fd;           /* -1, or polled: @on_fd is called when it is readable */
	xc_fd_fn on_fd;
	void *userdata;
};

/*
 * Runs @argv (PATH searched) with @env as its environment and @child_mask as
 * its signal mask, calling the hooks until it exits. SIGINT, SIGTERM and
 * SIGHUP sent to this process by another process are passed on to the
 * command (a terminal's signals reach it directly); either way this waits
 * for the command to end. Returns 0 and *ret_status: the exit code, or
 * 128 + signal when it was killed; if a signal was already pending, the
 * command is not started and the status is 128 + that signal. Returns a
 * negative errno when it cannot be started (-ENOENT: not found).
 */
int xc_command_run(char *const *argv, char *const *env, const sigset_t *child_mask,
		   const struct xc_command_hooks *hooks, int *ret_status);

/*
 * A copy of @env (NULL-terminated) where each "NAME=value" of @set (NULL-
 * terminated) replaces any entry of that NAME or is added. The strings are
 * borrowed; free only the array, with free().
 */
int xc_env_with(char *const *env, char *const *set, char ***ret);

/* ---- control.c ------------------------------------------------------------ */

#define XC_CONTROL_DIR "/run/xtrace"
#define XC_CONTROL_LINE_MAX 1024 /* bytes of a request line, its newline included */

struct xc_control;

/*
 * Listens on XC_CONTROL_DIR/@session.sock (the directory made 0700, the
 * socket 0600). Free with xc_control_free(), which removes the socket.
 */
int xc_control_listen(pid_t session, struct xc_control **ret);
void xc_control_free(struct xc_control *c);

/* The listening fd, to poll. Borrowed. */
int xc_control_fd(const struct xc_control *c);

/* @request: the @request_len bytes of the line before its newline, unchecked. */
typedef int (*xc_request_fn)(const char *request, size_t request_len, char *reply, size_t len,
			     void *userdata);

/*
 * Accepts one connection, reads its request line, answers with what @fn
 * writes to the reply (a line too long for XC_CONTROL_LINE_MAX is refused
 * without calling @fn: -E2BIG). Returns what @fn returned (or 0 when
 * nobody was waiting), or a negative errno of the connection.
 */
int xc_control_serve(struct xc_control *c, xc_request_fn fn, void *userdata);

/*
 * Sends @request to session @session and reads the reply line into @reply.
 * Returns 0 when the session answered "ok ...", -EREMOTEIO when it answered
 * with an error (the reply says which), -ENOENT when no such session runs.
 */
int xc_control_request(pid_t session, const char *request, char *reply, size_t len);

/*
 * The sessions with a socket whose recorder still runs, ascending, into
 * *ret (must be freed with free()). Returns their number or a negative errno
 * (0 when XC_CONTROL_DIR does not exist).
 */
int xc_control_sessions(pid_t **ret);

/* Removes sockets of sessions that no longer run. Returns the number removed. */
int xc_control_remove_stale(void);

/* ---- control-request.c ---------------------------------------------------- */

enum xc_request_kind {
	XC_REQUEST_FLUSH,
	XC_REQUEST_PAUSE,
	XC_REQUEST_RESUME,
	XC_REQUEST_STOP,
	XC_REQUEST_STATUS,
};

#define XC_REQUEST_CPUS_MAX 4096 /* a request names CPUs 0 .. XC_REQUEST_CPUS_MAX - 1 */

/* One control request: "NAME" or "flush cpus=LIST". */
struct xc_request {
	enum xc_request_kind kind;
	unsigned nr_cpus; /* flush: highest CPU of cpus= plus one; 0 without cpus= (every CPU) */
	bool cpus[XC_REQUEST_CPUS_MAX];
};

/* "flush", "pause"...; "?" for a value out of the enum. */
const char *xc_request_name(enum xc_request_kind kind);

/*
 * Parses a request line: @len untrusted bytes, no newline, need not be
 * NUL-terminated. Returns 0 and fills *ret; or, with one line naming the
 * fault in @why: -E2BIG (longer than XC_CONTROL_LINE_MAX - 1 bytes),
 * -EBADMSG (a byte other than printable ASCII or a tab), -EOPNOTSUPP (an
 * unknown request), -EINVAL (empty, unknown or repeated argument, an
 * argument where none is taken, a malformed CPU list), -ERANGE (a CPU from
 * XC_REQUEST_CPUS_MAX on).
 */
int xc_request_parse(const char *line, size_t len, struct xc_request *ret, char *why,
		     size_t why_len);

/* Writes the request line of @req (no newline). Returns its length or -ENOBUFS. */
int xc_request_format(const struct xc_request *req, char *buf, size_t len);

#endif
