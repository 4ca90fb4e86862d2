/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recorder.c - one recording from start to end: the tracefs session, the
 * per-CPU readers and the dump they fill, with the clock anchors that place
 * it on time of day.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "cleanup.h"
#include "cpulist.h"
#include "fileio.h"
#include "xcollect.h"

#define FORMAT_FILE_MAX (1u << 20)
#define CPU_LIST_MAX 4096
#define READER_WAKE_PERCENT 10 /* bench/record-vs-trace-cmd.sh: 50 lost 10x more */
/*
 * Ring-buffer pages repeat at short distances: on the pages of a syscall
 * storm, zstd level 1 writes 3 % less than level 3 in 3/4 of its CPU time.
 */
#define ZSTD_LEVEL 1
#define FRAME_BYTES (1u << 20)

struct xc_recorder {
	struct xc_record_config cfg;
	struct xc_session *session;
	struct xt_dump_writer *writer;
	struct xc_event_set events;
	struct xc_event_set missing;
	struct xc_trace_format fmt;
	char *output;
	const char *trace_clock;
	clockid_t posix_clock; /* exact pairs when has_posix_clock */
	bool has_posix_clock;
	bool mounted;
	unsigned stale_removed;
	pid_t anchor_tid; /* the thread writing anchor markers */

	bool gs_flush;    /* the guest-services flush trigger is armed */
	bool gs_flush_armed; /* it was armed at start */
	bool paused;      /* by request: the watch leaves tracing_on alone */
	uint64_t last_anchor;  /* CLOCK_MONOTONIC of the last periodic anchors */
	unsigned flushes; /* entries of the flush log (flush.N) */
	unsigned nr_filters; /* filter.N entries */

	unsigned nr_cpus; /* CPUs the instance has (per_cpu/cpuN) */
	struct xc_cpu_reader **readers; /* nr_cpus entries, NULL for CPUs not recorded */
	bool *recorded;                 /* nr_cpus entries: a reader was started */
	uint64_t *lost;
	int stop_fd;
	bool tracing;

	pthread_mutex_t anchor_lock; /* readers add anchors from their threads */
	struct xc_record_summary summary;
};

static const char *const mode_names[] = {
	[XC_MODE_STREAM] = "stream",
	[XC_MODE_OVERWRITE] = "overwrite",
};

int xc_mode_parse(const char *s, enum xc_mode *ret)
{
	for (size_t i = 0; i < ARRAY_SIZE(mode_names); i++)
		if (!strcmp(s, mode_names[i])) {
			*ret = i;
			return 0;
		}
	return -EINVAL;
}

const char *xc_mode_name(enum xc_mode m)
{
	return (size_t)m < ARRAY_SIZE(mode_names) ? mode_names[m] : "?";
}

static int explain(char *why, size_t why_len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *why, size_t why_len, int err, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Writes a self-explaining one-line reason to @why and returns @err. */
static int explain(char *why, size_t why_len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return err;
}

/* Writes "WHAT: strerror(err)[; FIX]" to @why and returns @err. */
static int fail(char *why, size_t why_len, int err, const char *fix, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	n = strlen(why);
	snprintf(why + n, why_len - n, ": %s%s%s", strerror(-err), fix ? "; " : "", fix ? fix : "");
	return err;
}

static int load_trace_format(struct xc_recorder *rec)
{
	const char *dir = XC_TRACEFS_PATH;
	_cleanup_free_ char *page_path = NULL, *print_path = NULL, *page = NULL, *print = NULL;
	size_t page_len, print_len, subbuf;
	int r;

	if (asprintf(&page_path, "%s/events/header_page", dir) < 0 ||
	    asprintf(&print_path, "%s/events/ftrace/print/format", dir) < 0)
		return -ENOMEM;
	r = read_file_at(AT_FDCWD, page_path, FORMAT_FILE_MAX, &page, &page_len);
	if (r >= 0)
		r = read_file_at(AT_FDCWD, print_path, FORMAT_FILE_MAX, &print, &print_len);
	if (r >= 0)
		r = xc_trace_format_parse(page, page_len, print, print_len, &rec->fmt);
	if (r < 0)
		return r;
	/* The instance's own sub-buffer size wins over the default one in header_page. */
	if (xc_session_subbuf_size(rec->session, &subbuf) >= 0)
		rec->fmt.page_size = subbuf;
	return 0;
}

static int select_events(struct xc_recorder *rec, char *why, size_t why_len)
{
	const char *events_dir = XC_TRACEFS_PATH "/events";
	int r;

	if (!rec->cfg.no_default)
		r = xc_event_set_add_defaults(&rec->events, events_dir, &rec->missing);
	else
		r = 0;
	if (r < 0)
		return fail(why, why_len, r, NULL, "%s: cannot list events", events_dir);
	if (rec->cfg.gs_flush > 0) {
		r = xc_event_set_add_spec(&rec->events, events_dir, "kvm:kvm_hypercall");
		if (r < 0)
			return fail(why, why_len, r, "this kernel has no KVM events; drop --gs-flush",
				    "--gs-flush: kvm:kvm_hypercall");
	}
	for (unsigned i = 0; i < rec->cfg.nr_specs; i++) {
		const char *spec = rec->cfg.specs[i];

		r = xc_event_set_add_spec(&rec->events, events_dir, spec);
		if (r == -ENOENT)
			return explain(why, why_len, r,
				       "-e %s: no such event on this kernel; list them with 'cat "
				       XC_TRACEFS_PATH "/available_events'", spec);
		if (r == -EPERM)
			return explain(why, why_len, r,
				       "-e %s: ftrace events cannot be selected; markers "
				       "(ftrace:print) are always recorded", spec);
		if (r < 0)
			return fail(why, why_len, r, NULL, "-e %s", spec);
	}
	return 0;
}

/* Picks and sets the trace clock; TOD falls back to mono (anchored) without tai. */
static int setup_clock(struct xc_recorder *rec, int64_t *ret_tai_offset, char *why,
		       size_t why_len)
{
	enum xc_clock clock = rec->cfg.clock;
	int r;

	if (clock == XC_CLOCK_TOD && !xc_session_has_clock(rec->session, "tai"))
		clock = XC_CLOCK_MONO;
	rec->trace_clock = xc_clock_trace_name(clock);
	r = xc_session_set_clock(rec->session, rec->trace_clock);
	if (r == -EINVAL)
		return explain(why, why_len, r,
			       "trace clock '%s' is not offered by this kernel; choose another -t "
			       "(see " XC_TRACEFS_PATH "/trace_clock)", rec->trace_clock);
	if (r < 0)
		return fail(why, why_len, r, NULL, "%s/trace_clock: cannot select '%s'",
			    xc_session_dir(rec->session), rec->trace_clock);
	rec->has_posix_clock = xc_clock_posix_id(clock, &rec->posix_clock) >= 0;
	*ret_tai_offset = 0;
	if (clock == XC_CLOCK_TOD) {
		r = xc_tai_offset_ns(ret_tai_offset);
		if (r < 0)
			return fail(why, why_len, r, "try -t mono", "adjtimex: cannot read the TAI offset");
	}
	return 0;
}

/* Sets "@prefix.N" (N = *@n, then counted) and "@prefix_count". */
static int set_numbered(struct xc_recorder *rec, const char *prefix, unsigned *n,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int set_numbered(struct xc_recorder *rec, const char *prefix, unsigned *n,
			const char *fmt, ...)
{
	_cleanup_free_ char *value = NULL;
	char key[64];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	snprintf(key, sizeof(key), "%s.%u", prefix, *n);
	r = xt_dump_writer_set(rec->writer, key, "%s", value);
	snprintf(key, sizeof(key), "%s_count", prefix);
	if (r >= 0)
		r = xt_dump_writer_set(rec->writer, key, "%u", *n + 1);
	if (r >= 0)
		++*n;
	return r;
}

/* -f EXPR: the filter of every event the spec before it names. */
static int apply_filter(struct xc_recorder *rec, const char *spec, const char *expr, char *why,
			size_t why_len)
{
	struct xc_event_set named = {};
	int r;

	r = xc_event_set_add_spec(&named, XC_TRACEFS_PATH "/events", spec);
	for (size_t i = 0; r >= 0 && i < named.n; i++) {
		const struct xc_event_id *id = &named.ids[i];

		r = xc_session_set_filter(rec->session, id->system, id->event, expr);
		if (r == -EINVAL)
			explain(why, why_len, r, "-f '%s': %s:%s refuses this filter; see "
				XC_TRACEFS_PATH "/events/%s/%s/format for its fields", expr,
				id->system, id->event, id->system, id->event);
		else if (r < 0)
			fail(why, why_len, r, NULL, "-f '%s': %s:%s", expr, id->system, id->event);
		else
			r = set_numbered(rec, "filter", &rec->nr_filters, "%s:%s %s", id->system,
					 id->event, expr);
	}
	xc_event_set_done(&named);
	return r;
}

/* -C CPULIST: which CPUs record; rec->recorded[cpu] says. */
static int select_cpus(struct xc_recorder *rec, char *why, size_t why_len)
{
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	unsigned count;
	int r;

	rec->nr_cpus = conf > 0 && conf < 65536 ? conf : 1;
	rec->recorded = calloc(rec->nr_cpus, sizeof(*rec->recorded));
	if (!rec->recorded)
		return explain(why, why_len, -ENOMEM, "out of memory");
	if (!rec->cfg.cpus) {
		memset(rec->recorded, true, rec->nr_cpus * sizeof(*rec->recorded));
		return 0;
	}
	r = cpulist_parse(rec->cfg.cpus, rec->nr_cpus, rec->recorded, &count);
	if (r < 0 || count == 0)
		return explain(why, why_len, -EINVAL, "-C '%s': not a list of CPUs of this machine "
			       "(it has %u: 0-%u)", rec->cfg.cpus, rec->nr_cpus, rec->nr_cpus - 1);
	r = xc_session_set_cpumask(rec->session, rec->recorded, rec->nr_cpus);
	if (r < 0)
		return fail(why, why_len, r, NULL, "%s/tracing_cpumask: cannot limit to %s",
			    xc_session_dir(rec->session), rec->cfg.cpus);
	return 0;
}

/* The guest-services flush trigger (DESIGN.md decision 5), when kvm_hypercall is recorded. */
static int arm_gs_flush(struct xc_recorder *rec, char *why, size_t why_len)
{
	int r;

	if (rec->cfg.gs_flush == 0 || !xc_event_set_contains(&rec->events, "kvm", "kvm_hypercall"))
		return 0;
	r = xc_session_set_trigger(rec->session, "kvm", "kvm_hypercall", XC_GS_FLUSH_TRIGGER);
	if (r < 0)
		return fail(why, why_len, r, "add --no-gs-flush",
			    "%s/events/kvm/kvm_hypercall/trigger: cannot arm '" XC_GS_FLUSH_TRIGGER
			    "'", xc_session_dir(rec->session));
	rec->gs_flush = rec->gs_flush_armed = true;
	return 0;
}

static int setup_session(struct xc_recorder *rec, int64_t *ret_tai_offset, char *why,
			 size_t why_len)
{
	const char *dir;
	int r;

	r = xc_session_create(rec->cfg.session, rec->cfg.top_level, &rec->session);
	if (r < 0)
		return fail(why, why_len, r, "run as root",
			    "%s/instances: cannot create instance " XC_INSTANCE_PREFIX "%d",
			    XC_TRACEFS_PATH, (int)rec->cfg.session);
	dir = xc_session_dir(rec->session);
	r = setup_clock(rec, ret_tai_offset, why, why_len);
	if (r < 0)
		return r;
	/* Markers written to the top-level trace_marker are copied into the instance. */
	r = xc_session_set_option(rec->session, "copy_trace_marker", true);
	if (r < 0 && r != -EOPNOTSUPP)
		return fail(why, why_len, r, NULL, "%s/options/copy_trace_marker", dir);
	/* saved_tgids is filled only while some instance records tgids. */
	xc_session_set_option(rec->session, "record-tgid", true);
	if (rec->cfg.buffer_kb) {
		r = xc_session_set_buffer_kb(rec->session, rec->cfg.buffer_kb);
		if (r < 0)
			return fail(why, why_len, r, "try a smaller -b",
				    "%s/buffer_size_kb: cannot set %" PRIu64 " KiB", dir,
				    rec->cfg.buffer_kb);
	}
	/* Readers wake early enough that the rest of the buffer absorbs their delays. */
	r = xc_session_set_buffer_percent(rec->session, READER_WAKE_PERCENT);
	if (r < 0 && r != -EOPNOTSUPP)
		return fail(why, why_len, r, NULL, "%s/buffer_percent", dir);
	r = xc_session_enable(rec->session, &rec->events);
	if (r < 0)
		return fail(why, why_len, r, NULL, "%s/events: cannot enable the events", dir);
	r = select_cpus(rec, why, why_len);
	if (r >= 0)
		r = arm_gs_flush(rec, why, why_len);
	if (r < 0)
		return r;
	r = load_trace_format(rec);
	if (r < 0)
		return fail(why, why_len, r, NULL,
			    "%s/events/header_page or ftrace/print/format: unreadable or not "
			    "understood", XC_TRACEFS_PATH);
	return 0;
}

static int write_start_meta(struct xc_recorder *rec, int64_t tai_offset)
{
	struct xt_dump_writer *w = rec->writer;
	_cleanup_free_ char *events = xc_event_set_join(&rec->events);
	int r;

	if (!events)
		return -ENOMEM;
	r = xc_dump_set_system_meta(w);
	if (r >= 0)
		r = xt_dump_writer_set(w, XT_META_PAGE_SIZE, "%zu", rec->fmt.page_size);
	if (r >= 0)
		r = xt_dump_writer_set(w, "long_size", "%u", rec->fmt.long_size);
	if (r >= 0)
		r = xt_dump_writer_set(w, XT_META_TRACE_CLOCK, "%s", rec->trace_clock);
	if (r >= 0 && !strcmp(rec->trace_clock, "tai"))
		r = xt_dump_writer_set(w, XT_META_TAI_OFFSET, "%" PRId64, tai_offset);
	if (r >= 0)
		r = xt_dump_writer_set(w, "mode", "%s", xc_mode_name(rec->cfg.mode));
	if (r >= 0)
		r = xt_dump_writer_set(w, "buffer", "%s", rec->cfg.top_level ? "top-level" :
				       "instance");
	if (r >= 0 && rec->gs_flush)
		r = xt_dump_writer_set(w, "gs_flush_trigger", "%s", XC_GS_FLUSH_TRIGGER);
	if (r >= 0)
		r = xt_dump_writer_set(w, "events", "%s", events);
	if (r >= 0)
		r = xt_dump_writer_set(w, XT_META_STATUS, "recording");
	return r;
}

static int setup_dump(struct xc_recorder *rec, int64_t tai_offset, char *why, size_t why_len)
{
	const char *out = rec->cfg.output;
	int r;

	r = xt_dump_writer_create(out, rec->cfg.force ? XT_DUMP_FORCE : 0, &rec->writer);
	if (r == -EEXIST)
		return explain(why, why_len, r,
			       "%s: not empty; choose another -o DIR, or add --force to replace "
			       "the dump in it", out);
	if (r >= 0)
		r = xt_dump_writer_set_compression(rec->writer, FRAME_BYTES, ZSTD_LEVEL);
	if (r < 0)
		return fail(why, why_len, r, NULL, "%s: cannot create the dump directory", out);
	rec->output = realpath(out, NULL);
	if (!rec->output)
		return fail(why, why_len, -errno, NULL, "%s", out);
	r = xc_dump_copy_formats(rec->writer, XC_TRACEFS_PATH, &rec->events);
	if (r < 0)
		return fail(why, why_len, r, NULL, "%s: cannot copy the event formats", out);
	for (unsigned i = 0; rec->cfg.filters && i < rec->cfg.nr_specs; i++) {
		if (!rec->cfg.filters[i])
			continue;
		r = apply_filter(rec, rec->cfg.specs[i], rec->cfg.filters[i], why, why_len);
		if (r < 0)
			return r;
	}
	r = write_start_meta(rec, tai_offset);
	if (r >= 0)
		r = xt_dump_writer_save_meta(rec->writer);
	if (r < 0)
		return fail(why, why_len, r, NULL, "%s/" XT_META_FILE ": cannot write", out);
	return 0;
}

int xc_recorder_new(const struct xc_record_config *cfg, struct xc_recorder **ret, char *why,
		    size_t why_len)
{
	struct xc_recorder *rec;
	int64_t tai_offset = 0;
	int r;

	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return explain(why, why_len, -ENOMEM, "out of memory");
	rec->cfg = *cfg;
	rec->stop_fd = -1;
	rec->anchor_tid = gettid();
	pthread_mutex_init(&rec->anchor_lock, NULL);

	r = xc_tracefs_mount(&rec->mounted);
	if (r < 0) {
		fail(why, why_len, r, "mount tracefs or run as root",
		     "%s: not mounted and mount failed", XC_TRACEFS_PATH);
		goto fail;
	}
	r = xc_session_remove_stale();
	rec->stale_removed = r > 0 ? r : 0;
	r = select_events(rec, why, why_len);
	if (r >= 0)
		r = setup_session(rec, &tai_offset, why, why_len);
	if (r >= 0)
		r = setup_dump(rec, tai_offset, why, why_len);
	if (r < 0)
		goto fail;
	*ret = rec;
	return 0;
fail:
	xc_recorder_free(rec);
	return r;
}

const struct xc_event_set *xc_recorder_missing(const struct xc_recorder *r)
{
	return &r->missing;
}

unsigned xc_recorder_stale_removed(const struct xc_recorder *r)
{
	return r->stale_removed;
}

bool xc_recorder_mounted(const struct xc_recorder *r)
{
	return r->mounted;
}

const char *xc_recorder_output(const struct xc_recorder *r)
{
	return r->output;
}

const char *xc_recorder_trace_clock(const struct xc_recorder *r)
{
	return r->trace_clock;
}

/* Called by the reader threads for every anchor marker they pass. */
static int add_anchor(uint64_t trace_ts, uint64_t realtime_ns, void *userdata)
{
	struct xc_recorder *rec = userdata;
	int r;

	pthread_mutex_lock(&rec->anchor_lock);
	r = xt_dump_writer_add_anchor(rec->writer, trace_ts, realtime_ns);
	pthread_mutex_unlock(&rec->anchor_lock);
	return r;
}

/*
 * Writes an anchor marker. With -C, from a recorded CPU: the kernel refuses
 * markers on the CPUs tracing_cpumask leaves out. A buffer that is off
 * (paused, stopped by a trigger) refuses them too (-EBADF): no anchor then.
 */
static int mark_anchor(struct xc_recorder *rec, const char *text)
{
	cpu_set_t old, only;
	bool pinned = false;
	int r;

	if (rec->cfg.cpus && sched_getaffinity(0, sizeof(old), &old) == 0) {
		CPU_ZERO(&only);
		for (unsigned cpu = 0; cpu < rec->nr_cpus && cpu < CPU_SETSIZE; cpu++)
			if (rec->recorded[cpu])
				CPU_SET(cpu, &only);
		pinned = sched_setaffinity(0, sizeof(only), &only) == 0;
	}
	r = xc_session_mark(rec->session, text);
	if (pinned)
		sched_setaffinity(0, sizeof(old), &old);
	return r == -EBADF ? 0 : r;
}

/* Anchors now: a marker for every clock, an exact pair where a POSIX clock matches. */
static int write_anchors(struct xc_recorder *rec)
{
	char text[64];
	uint64_t ts, realtime;
	int r;

	r = xc_anchor_format(text, sizeof(text), xc_now_ns(CLOCK_REALTIME));
	if (r >= 0)
		r = mark_anchor(rec, text);
	if (r < 0 || !rec->has_posix_clock)
		return r;
	r = xc_clock_pair(rec->posix_clock, &ts, &realtime);
	if (r >= 0)
		r = add_anchor(ts, realtime, rec);
	return r;
}

static int start_reader(struct xc_recorder *rec, unsigned cpu)
{
	struct xc_cpu_reader_config cfg = {
		.cpu = cpu,
		.stop_fd = rec->stop_fd,
		.page_size = rec->fmt.page_size,
		.fifo_priority = rec->cfg.reader_fifo,
		.on_demand = rec->cfg.mode == XC_MODE_OVERWRITE,
	};
	int fd, r;

	fd = xc_session_open_cpu(rec->session, cpu);
	if (fd < 0)
		return fd;
	cfg.raw_fd = fd;
	r = xt_dump_writer_cpu(rec->writer, cpu, &cfg.writer);
	if (r >= 0)
		r = xc_page_scanner_new(&rec->fmt, rec->anchor_tid, add_anchor, rec, &cfg.scanner);
	if (r < 0) {
		close(fd);
		return r;
	}
	return xc_cpu_reader_start(&cfg, &rec->readers[cpu]);
}

/* One reader per selected CPU that has a ring buffer; "cpus" lists them. */
static int start_readers(struct xc_recorder *rec, char *why, size_t why_len)
{
	char cpus[CPU_LIST_MAX];
	int r;

	rec->readers = calloc(rec->nr_cpus, sizeof(*rec->readers));
	rec->lost = calloc(rec->nr_cpus, sizeof(*rec->lost));
	if (!rec->readers || !rec->lost)
		return explain(why, why_len, -ENOMEM, "out of memory");
	for (unsigned cpu = 0; cpu < rec->nr_cpus; cpu++) {
		if (!rec->recorded[cpu])
			continue;
		r = start_reader(rec, cpu);
		/* Offline or impossible CPUs have no buffer to read. */
		if (r == -ENOENT || r == -ENODEV) {
			rec->recorded[cpu] = false;
			continue;
		}
		if (r < 0)
			return fail(why, why_len, r, NULL, "%s/per_cpu/cpu%u: cannot start its reader",
				    xc_session_dir(rec->session), cpu);
	}
	r = cpulist_format(rec->recorded, rec->nr_cpus, cpus, sizeof(cpus));
	if (r == 0)
		return fail(why, why_len, -ENODEV, NULL, "%s/per_cpu: no CPU buffer can be read",
			    xc_session_dir(rec->session));
	if (r > 0)
		r = xt_dump_writer_set(rec->writer, XT_META_CPUS, "%s", cpus);
	if (r >= 0)
		r = xt_dump_writer_save_meta(rec->writer);
	if (r < 0)
		return fail(why, why_len, r, NULL, "%s/" XT_META_FILE ": cannot write", rec->output);
	return 0;
}

int xc_recorder_start(struct xc_recorder *rec, char *why, size_t why_len)
{
	uint64_t start;
	int r;

	rec->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (rec->stop_fd < 0)
		return fail(why, why_len, -errno, NULL, "eventfd");
	r = start_readers(rec, why, why_len);
	if (r < 0)
		return r;
	r = xc_session_tracing(rec->session, true);
	if (r < 0)
		return fail(why, why_len, r, NULL, "%s/tracing_on: cannot start tracing",
			    xc_session_dir(rec->session));
	rec->tracing = true;
	rec->last_anchor = xc_now_ns(CLOCK_MONOTONIC);
	start = xc_now_ns(CLOCK_REALTIME);
	r = write_anchors(rec);
	if (r >= 0)
		r = xt_dump_writer_set(rec->writer, "start_tod", "%" PRIu64, start);
	if (r >= 0)
		r = xt_dump_writer_save_meta(rec->writer);
	if (r < 0)
		return fail(why, why_len, r, NULL, "%s: cannot write the first clock anchors",
			    rec->output);
	return 0;
}

/* Events read out so far, over every CPU. */
static uint64_t events_so_far(const struct xc_recorder *rec)
{
	uint64_t events = rec->summary.events;

	for (unsigned cpu = 0; rec->readers && cpu < rec->nr_cpus; cpu++)
		if (rec->readers[cpu])
			events += xc_cpu_reader_events(rec->readers[cpu]);
	return events;
}

/* What the kernel counts now, summed: overwritten (overrun) and other losses. */
static void losses_so_far(const struct xc_recorder *rec, uint64_t *ret_overrun,
			  uint64_t *ret_other)
{
	uint64_t overrun = 0, other = 0;

	for (unsigned cpu = 0; cpu < rec->nr_cpus; cpu++) {
		struct xc_cpu_stats st;

		if (!rec->recorded[cpu] || xc_session_cpu_stats(rec->session, cpu, &st) < 0)
			continue;
		overrun += st.overrun;
		other += st.commit_overrun + st.dropped;
	}
	*ret_overrun = overrun;
	*ret_other = other;
}

/* The recorded CPUs among @cpus[0..@n) (@cpus NULL: all of them) into @ret; how many. */
static unsigned flush_scope(const struct xc_recorder *rec, const bool *cpus, unsigned n,
			    bool *ret)
{
	unsigned count = 0;

	for (unsigned cpu = 0; cpu < rec->nr_cpus; cpu++) {
		ret[cpu] = rec->readers[cpu] && (!cpus || (cpu < n && cpus[cpu]));
		count += ret[cpu];
	}
	return count;
}

/* Flushes the readers of the CPUs in @scope (see xc_cpu_reader_flush). Returns the events moved. */
static int flush_readers(struct xc_recorder *rec, const bool *scope)
{
	int total = 0;

	for (unsigned cpu = 0; cpu < rec->nr_cpus; cpu++) {
		int n;

		if (!scope[cpu])
			continue;
		n = xc_cpu_reader_flush(rec->readers[cpu]);
		if (n < 0)
			return n;
		total = total > INT32_MAX - n ? INT32_MAX : total + n;
	}
	return total;
}

/*
 * Overwrite mode, some CPUs: only they stop (left out of tracing_cpumask)
 * while their readers drain; the others go on recording.
 */
static int drain_some(struct xc_recorder *rec, const bool *scope)
{
	_cleanup_free_ bool *rest = malloc(rec->nr_cpus * sizeof(*rest));
	int r, events;

	if (!rest)
		return -ENOMEM;
	for (unsigned cpu = 0; cpu < rec->nr_cpus; cpu++)
		rest[cpu] = rec->recorded[cpu] && !scope[cpu];
	r = xc_session_set_cpumask(rec->session, rest, rec->nr_cpus);
	if (r < 0)
		return r;
	events = flush_readers(rec, scope);
	r = xc_session_set_cpumask(rec->session, rec->recorded, rec->nr_cpus);
	return events < 0 ? events : r < 0 ? r : events;
}

/* Overwrite mode: stops the CPUs of @scope (@count of them), drains them. */
static int drain_scope(struct xc_recorder *rec, const bool *scope, unsigned count, bool armed)
{
	unsigned recorded = 0;
	int r;

	for (unsigned cpu = 0; cpu < rec->nr_cpus; cpu++)
		recorded += rec->readers[cpu] != NULL;
	if (count == 0)
		return 0;
	if (count < recorded && armed && xc_session_is_tracing(rec->session) == 1)
		return drain_some(rec, scope);
	r = xc_session_tracing(rec->session, false);
	return r < 0 ? r : flush_readers(rec, scope);
}

/* "flush.N = TOD REASON events=N cpus=LIST|all" */
static int log_flush(struct xc_recorder *rec, const char *reason, int events, const bool *scope,
		     bool all)
{
	char cpus[CPU_LIST_MAX] = "all";
	int r;

	if (!all && cpulist_format(scope, rec->nr_cpus, cpus, sizeof(cpus)) <= 0)
		snprintf(cpus, sizeof(cpus), "none");
	r = set_numbered(rec, "flush", &rec->flushes, "%" PRIu64 " %s events=%d cpus=%s",
			 xc_now_ns(CLOCK_REALTIME), reason, events, cpus);
	return r < 0 ? r : xt_dump_writer_save_meta(rec->writer);
}

int xc_recorder_flush(struct xc_recorder *rec, const char *reason, const bool *cpus,
		      unsigned nr_cpus)
{
	bool armed = rec->tracing && !rec->paused;
	_cleanup_free_ bool *scope = NULL;
	unsigned count;
	int events = 0, r = 0;

	if (!rec->session || !rec->readers)
		return -ESRCH;
	scope = malloc(rec->nr_cpus * sizeof(*scope));
	if (!scope)
		return -ENOMEM;
	count = flush_scope(rec, cpus, nr_cpus, scope);
	if (armed && xc_session_is_tracing(rec->session) == 1)
		r = write_anchors(rec);
	if (r >= 0 && rec->cfg.mode == XC_MODE_OVERWRITE)
		r = events = drain_scope(rec, scope, count, armed);
	else if (r >= 0)
		r = events = flush_readers(rec, scope);
	/* Re-armed: after our own stop, or after a trigger's. */
	if (armed) {
		int on = xc_session_tracing(rec->session, true);

		r = r < 0 ? r : on;
		if (on >= 0)
			write_anchors(rec);
	}
	if (r < 0)
		return r;
	r = log_flush(rec, reason, events, scope, !cpus);
	return r < 0 ? r : events;
}

int xc_recorder_pause(struct xc_recorder *rec, bool pause)
{
	int r;

	if (!rec->session || !rec->tracing)
		return -ESRCH;
	if (pause)
		write_anchors(rec);
	/*
	 * The kernel stops copying a top-level marker to further instances at
	 * the first one that refuses it: a paused instance leaves the list.
	 */
	if (pause)
		xc_session_set_option(rec->session, "copy_trace_marker", false);
	r = xc_session_tracing(rec->session, !pause);
	if (!pause && r >= 0)
		xc_session_set_option(rec->session, "copy_trace_marker", true);
	if (r < 0)
		return r;
	rec->paused = pause;
	if (!pause)
		write_anchors(rec);
	return 0;
}

/* tracing_on went 0 behind our back: flush what the buffer holds, re-arm or end. */
static int watch_tracing_on(struct xc_recorder *rec)
{
	int on, r;

	if (!rec->tracing || rec->paused)
		return 0;
	on = xc_session_is_tracing(rec->session);
	if (on != 0)
		return on < 0 ? on : 0;
	if (rec->cfg.stop_on_trigger) {
		rec->paused = true; /* stays off: the end drains the rest */
		r = xc_recorder_flush(rec, "tracing_on=0,stop", NULL, 0);
		return r < 0 ? r : 1;
	}
	r = xc_recorder_flush(rec, "tracing_on=0,rearmed", NULL, 0);
	return r < 0 ? r : 0;
}

int xc_recorder_tick(struct xc_recorder *rec)
{
	uint64_t now = xc_now_ns(CLOCK_MONOTONIC);
	int r;

	r = watch_tracing_on(rec);
	if (r != 0)
		return r;
	if (!rec->tracing || rec->paused || now - rec->last_anchor < 1000000000ull)
		return 0;
	rec->last_anchor = now;
	return write_anchors(rec);
}

int xc_recorder_status(struct xc_recorder *rec, char *buf, size_t len)
{
	bool overwrite = rec->cfg.mode == XC_MODE_OVERWRITE;
	uint64_t overrun, other;
	int n;

	/* A flight recorder overwrites by design: that is not a loss. */
	losses_so_far(rec, &overrun, &other);
	n = snprintf(buf, len, "session=%d output=%s mode=%s clock=%s state=%s events=%" PRIu64
		     " lost=%" PRIu64 " overwritten=%" PRIu64 " flushes=%u", (int)rec->cfg.session,
		     rec->output, xc_mode_name(rec->cfg.mode), rec->trace_clock,
		     !rec->tracing ? "stopped" : rec->paused ? "paused" : "recording",
		     events_so_far(rec), overwrite ? other : overrun + other, overwrite ? overrun : 0,
		     rec->flushes);
	return n < 0 || (size_t)n >= len ? -ENOBUFS : n;
}

/* Tells the readers to drain and end, and collects what they did. */
static void join_readers(struct xc_recorder *rec)
{
	uint64_t one = 1;

	if (!rec->readers)
		return;
	/* Writing 1 to an eventfd cannot fail: its counter is far from overflowing. */
	if (rec->stop_fd >= 0) {
		ssize_t n = write(rec->stop_fd, &one, sizeof(one));

		(void)n;
	}
	for (unsigned cpu = 0; cpu < rec->nr_cpus; cpu++) {
		struct xc_cpu_reader_result res;

		if (!rec->readers[cpu])
			continue;
		xc_cpu_reader_join(rec->readers[cpu], &res);
		rec->readers[cpu] = NULL;
		rec->summary.events += res.events;
		if (rec->cfg.mode != XC_MODE_OVERWRITE) {
			rec->summary.readers++;
			rec->summary.readers_realtime += res.realtime;
		}
		if (res.error < 0 && !rec->summary.reader_error) {
			rec->summary.reader_error = res.error;
			rec->summary.reader_error_cpu = cpu;
		}
	}
}

/*
 * "reader_sched": how the reader threads ran (fifo:PRIO, other, or
 * other,fifo_refused when SCHED_FIFO was asked for and refused to some):
 * the first thing to look at when a dump lost events.
 */
static int record_reader_sched(struct xc_recorder *rec)
{
	const struct xc_record_summary *s = &rec->summary;

	if (s->readers_realtime == s->readers)
		return xt_dump_writer_set(rec->writer, "reader_sched", "fifo:%u",
					  rec->cfg.reader_fifo);
	return xt_dump_writer_set(rec->writer, "reader_sched", "%s",
				  rec->cfg.reader_fifo ? "other,fifo_refused" : "other");
}

/* Per-CPU losses into the metadata, and the bytes each CPU file holds. */
static int account_cpus(struct xc_recorder *rec)
{
	for (unsigned cpu = 0; cpu < rec->nr_cpus; cpu++) {
		struct xt_frame_writer *fw;
		struct xc_cpu_stats st;
		char key[32];
		int r;

		if (!rec->recorded[cpu] || xc_session_cpu_stats(rec->session, cpu, &st) < 0)
			continue;
		rec->lost[cpu] = st.overrun + st.commit_overrun + st.dropped;
		snprintf(key, sizeof(key), "cpu%u.overrun", cpu);
		r = xt_dump_writer_set(rec->writer, key, "%" PRIu64, st.overrun);
		snprintf(key, sizeof(key), "cpu%u.lost", cpu);
		if (r >= 0)
			r = xt_dump_writer_set(rec->writer, key, "%" PRIu64, rec->lost[cpu]);
		if (r < 0)
			return r;
		if (xt_dump_writer_cpu(rec->writer, cpu, &fw) >= 0)
			rec->summary.bytes += xt_frame_writer_bytes(fw);
	}
	return 0;
}

/*
 * The end-of-run tables are optional for readers, a truncated one is not
 * (a full disk): when copying fails, none is left.
 */
static int copy_tables(struct xc_recorder *rec)
{
	static const char *const tables[] = { "printk_formats", "saved_cmdlines", "saved_tgids" };
	int r = xc_dump_copy_tables(rec->writer, XC_TRACEFS_PATH);
	_cleanup_close_ int dirfd = -1;

	if (r >= 0)
		return r;
	dirfd = open(rec->output, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	for (size_t i = 0; dirfd >= 0 && i < ARRAY_SIZE(tables); i++)
		unlinkat(dirfd, tables[i], 0);
	return r;
}

int xc_recorder_stop(struct xc_recorder *rec, struct xc_record_summary *ret, char *why,
		     size_t why_len)
{
	uint64_t end;
	int r = 0, anchors;

	/* The last anchors must be recorded: write them before tracing stops. */
	anchors = write_anchors(rec);
	end = xc_now_ns(CLOCK_REALTIME);
	if (rec->tracing && xc_session_tracing(rec->session, false) >= 0)
		rec->tracing = false;
	if (rec->gs_flush &&
	    xc_session_clear_trigger(rec->session, "kvm", "kvm_hypercall", "traceoff") >= 0)
		rec->gs_flush = false;
	join_readers(rec);
	r = account_cpus(rec);
	if (r >= 0 && rec->summary.readers)
		r = record_reader_sched(rec);
	/* Nothing more comes from the instance: remove it before anything else can fail. */
	xc_session_destroy(rec->session);
	rec->session = NULL;
	rec->tracing = false;
	if (r >= 0)
		r = copy_tables(rec);
	if (r >= 0)
		r = xt_dump_writer_set(rec->writer, "end_tod", "%" PRIu64, end);
	if (r >= 0 && rec->gs_flush_armed)
		r = xt_dump_writer_set(rec->writer, "gs_flush_trigger_removed", "%s",
				       rec->gs_flush ? "no" : "yes");
	if (r >= 0)
		r = xt_dump_writer_close(rec->writer);
	if (r < 0)
		return fail(why, why_len, r, r == -ENOSPC ? "what was written is readable; free space "
			    "or record elsewhere with -o" : NULL, "%s: cannot complete the dump",
			    rec->output);
	if (anchors < 0)
		return fail(why, why_len, anchors, NULL, "%s: cannot write the last clock anchors",
			    rec->output);
	rec->summary.nr_cpus = rec->nr_cpus;
	rec->summary.lost = rec->lost;
	*ret = rec->summary;
	return 0;
}

void xc_recorder_free(struct xc_recorder *rec)
{
	if (!rec)
		return;
	if (rec->tracing && rec->session)
		xc_session_tracing(rec->session, false);
	if (rec->gs_flush && rec->session)
		xc_session_clear_trigger(rec->session, "kvm", "kvm_hypercall", "traceoff");
	join_readers(rec);
	/* The readers' files are closed: the instance can go. */
	xc_session_destroy(rec->session);
	xt_dump_writer_free(rec->writer);
	if (rec->stop_fd >= 0)
		close(rec->stop_fd);
	xc_event_set_done(&rec->events);
	xc_event_set_done(&rec->missing);
	pthread_mutex_destroy(&rec->anchor_lock);
	free(rec->readers);
	free(rec->recorded);
	free(rec->lost);
	free(rec->output);
	free(rec);
}
