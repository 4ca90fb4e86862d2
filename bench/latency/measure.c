/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * measure.c - `kvmrt-latency measure`: its command line (cyclictest's option
 * letters, pure), its results as cyclictest's --json document, and the main.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cleanup.h"
#include "cpulist.h"
#include "fileio.h"
#include "measure.h"
#include "run-params.h"
#include "tool.h"

enum { OPT_POLICY = 0x100, OPT_JSON, OPT_HELP };

void lat_measure_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s measure [OPTIONS] --json=FILE\n"
		"Measures wake-up latency with SCHED_OTHER threads, like cyclictest, where\n"
		"SCHED_FIFO is refused: the numbers are NOT real-time. `run` uses it by itself.\n\n"
		"Options:\n"
		"  -a, --affinity LIST   measure these CPUs (default: every CPU allowed)\n"
		"  -t, --threads N       N threads, the i-th on the i-th CPU of LIST (default: one\n"
		"                        per CPU)\n"
		"  -i, --interval US     wake up every US microseconds (50-1000000, default 1000)\n"
		"  -h, --histogram US    1-us histogram buckets below US (1-1000000, default 1000)\n"
		"  -D, --duration TIME   90, 90s, 15m, 2h, 1d (default 60 s)\n"
		"      --policy other    the only policy (accepted for cyclictest's command line)\n"
		"      --json FILE       write the results in cyclictest's --json layout\n"
		"  -q, --quiet           print nothing but errors\n"
		"      --help            show this help\n"
		"  -V, --version         show the version\n",
		tool_name());
}

/* The numeric options: their letter, range and field. */
static const struct {
	int c;
	uint64_t min, max;
	size_t offset;
} numbers[] = {
	{ 't', 1, LAT_MEASURE_MAX_THREADS, offsetof(struct lat_measure_params, nr_threads) },
	{ 'i', 50, 1000000, offsetof(struct lat_measure_params, interval_us) },
	{ 'h', 1, LAT_MEASURE_MAX_HISTOGRAM_US, offsetof(struct lat_measure_params, histogram_us) },
};

static int parse_option(int c, const char *arg, struct lat_measure_params *p, char *why,
			size_t why_len)
{
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		if (numbers[i].c != c)
			continue;
		if (tool_parse_u64(arg, numbers[i].min, numbers[i].max,
				   (uint64_t *)((char *)p + numbers[i].offset)) == 0)
			return 0;
		return tool_why(why, why_len,
				"-%c '%s': expected a number from %" PRIu64 " to %" PRIu64, c, arg,
				numbers[i].min, numbers[i].max);
	}
	switch (c) {
	case 'a':
		p->cpus = arg;
		if (lat_cpus_valid(arg))
			return 0;
		return tool_why(why, why_len,
				"-a '%s': expected a CPU list such as 1-3,5 (below %d)", arg,
				LAT_CPUS_MAX);
	case 'D':
		if (lat_parse_duration(arg, &p->duration_s) == 0)
			return 0;
		return tool_why(why, why_len,
				"-D '%s': not a duration from 1 s to 7 days (as for run)", arg);
	case OPT_POLICY:
		if (!strcmp(arg, "other"))
			return 0;
		return tool_why(why, why_len,
				"--policy '%s': only 'other' (use cyclictest for real-time policies)",
				arg);
	case OPT_JSON:
		p->json = arg;
		return 0;
	case 'q':
		p->quiet = true;
		return 0;
	case OPT_HELP:
		p->help = true;
		return 0;
	case 'V':
		p->version = true;
		return 0;
	default:
		return tool_why(why, why_len, "unknown option or missing value (see --help)");
	}
}

int lat_measure_parse_args(int argc, char **argv, struct lat_measure_params *p, char *why,
			   size_t why_len)
{
	static const struct option longopts[] = {
		{ "affinity", required_argument, NULL, 'a' },
		{ "threads", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "histogram", required_argument, NULL, 'h' },
		{ "duration", required_argument, NULL, 'D' },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	int c;

	*p = (struct lat_measure_params){ .interval_us = 1000, .histogram_us = 1000,
					  .duration_s = 60 };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "a:t:i:h:D:qV", longopts, NULL)) != -1)
		if (parse_option(c, optarg, p, why, why_len) < 0)
			return -EINVAL;
	if (p->help || p->version)
		return 0;
	if (optind < argc) {
		snprintf(why, why_len, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (!p->json || !*p->json) {
		snprintf(why, why_len, "no results file: give --json FILE");
		return -EINVAL;
	}
	return 0;
}

/* -a LIST, or the CPUs this process may run on, into @set; their number into *ret_n. */
static int allowed_cpus(const struct lat_measure_params *p, bool *set, unsigned *ret_n,
			char *why, size_t why_len)
{
	unsigned count, n = 0;
	cpu_set_t mask;

	if (sched_getaffinity(0, sizeof(mask), &mask) < 0) {
		snprintf(why, why_len, "cannot read the CPUs allowed to this process");
		return -errno;
	}
	if (p->cpus && cpulist_parse(p->cpus, LAT_CPUS_MAX, set, &count) < 0)
		return -EINVAL; /* checked by parse_args */
	for (unsigned c = 0; c < LAT_CPUS_MAX; c++) {
		bool allowed = c < CPU_SETSIZE && CPU_ISSET(c, &mask);

		if (p->cpus && set[c] && !allowed) {
			snprintf(why, why_len, "-a %s: CPU %u is offline or not allowed to this "
				 "process", p->cpus, c);
			return -EINVAL;
		}
		if (!p->cpus)
			set[c] = allowed;
	}
	for (unsigned c = 0; c < LAT_CPUS_MAX; c++)
		n += set[c];
	if (n == 0) {
		snprintf(why, why_len, "no CPU to measure");
		return -EINVAL;
	}
	*ret_n = n;
	return 0;
}

int lat_measure_plan(const struct lat_measure_params *p, unsigned **ret_cpus, char *why,
		     size_t why_len)
{
	_cleanup_free_ bool *set = calloc(LAT_CPUS_MAX, sizeof(bool));
	_cleanup_free_ unsigned *list = NULL, *cpus = NULL;
	unsigned n = 0, nr, k = 0;
	int r;

	if (!set)
		return -ENOMEM;
	r = allowed_cpus(p, set, &n, why, why_len);
	if (r < 0)
		return r;
	nr = p->nr_threads ? (unsigned)p->nr_threads : n;
	list = calloc(n, sizeof(*list));
	cpus = calloc(nr, sizeof(*cpus));
	if (!list || !cpus)
		return -ENOMEM;
	for (unsigned c = 0; c < LAT_CPUS_MAX; c++)
		if (set[c])
			list[k++] = c;
	for (unsigned i = 0; i < nr; i++)
		cpus[i] = list[i % n];
	*ret_cpus = TAKE_PTR(cpus);
	return (int)nr;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_cmdline(FILE *f, int argc, char **argv)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return;
	fputs("kvmrt-latency", m);
	for (int i = 0; i < argc; i++)
		fprintf(m, " %s", argv[i]);
	if (fclose(m) == 0)
		json_string(f, text);
}

static void json_sysinfo(FILE *f)
{
	struct utsname u;

	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	fputs("  \"sysinfo\": {\n    \"sysname\": ", f);
	json_string(f, u.sysname);
	fputs(",\n    \"nodename\": ", f);
	json_string(f, u.nodename);
	fputs(",\n    \"release\": ", f);
	json_string(f, u.release);
	fputs(",\n    \"version\": ", f);
	json_string(f, u.version);
	fputs(",\n    \"machine\": ", f);
	json_string(f, u.machine);
	fprintf(f, ",\n    \"realtime\": %d\n  },\n", access("/sys/kernel/realtime", F_OK) == 0);
}

static void json_thread(FILE *f, unsigned index, const struct lat_measure_thread *t,
			uint64_t histogram_us, bool last)
{
	const char *sep = "\n";

	fprintf(f, "    \"%u\": {\n      \"histogram\": {", index);
	for (uint64_t us = 0; us < histogram_us; us++) {
		if (!t->histogram[us])
			continue;
		fprintf(f, "%s        \"%" PRIu64 "\": %" PRIu64, sep, us, t->histogram[us]);
		sep = ",\n";
	}
	fprintf(f, "%s},\n      \"cycles\": %" PRIu64 ",\n      \"min\": %" PRIu64
		",\n      \"max\": %" PRIu64 ",\n      \"avg\": %.2f,\n      \"cpu\": %u,\n"
		"      \"node\": 0\n    }%s\n", sep[0] == '\n' ? "" : "\n      ", t->cycles,
		t->min_us, t->max_us, t->cycles ? (double)t->sum_us / (double)t->cycles : 0.0,
		t->cpu, last ? "" : ",");
}

int lat_measure_write_json(FILE *f, const struct lat_measure_result *r, int argc, char **argv)
{
	fputs("{\n  \"file_version\": 1,\n  \"cmdline:\": ", f);
	json_cmdline(f, argc, argv);
	fputs(",\n  \"measured_by\": \"kvmrt-latency measure (SCHED_OTHER, not real-time)\",\n"
	      "  \"start_time\": ", f);
	json_string(f, r->start_time);
	fputs(",\n  \"end_time\": ", f);
	json_string(f, r->end_time);
	fputs(",\n  \"return_code\": 0,\n", f);
	json_sysinfo(f);
	fprintf(f, "  \"num_threads\": %u,\n  \"resolution_in_ns\": 0,\n  \"thread\": {\n",
		r->nr_threads);
	for (unsigned i = 0; i < r->nr_threads; i++)
		json_thread(f, i, &r->threads[i], r->histogram_us, i + 1 == r->nr_threads);
	fputs("  }\n}\n", f);
	return ferror(f) ? -EIO : 0;
}

static int save_json(const char *path, const struct lat_measure_result *r, int argc, char **argv)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int e;

	if (!f)
		return tool_error(-ENOMEM, "%s", path);
	e = lat_measure_write_json(f, r, argc, argv);
	if (fclose(f) != 0 || e < 0)
		return tool_error(-ENOMEM, "%s", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return tool_error(-errno, "--json %s: cannot create", path);
	e = write_all(fd, text, len);
	return e < 0 ? tool_error(e, "--json %s: write failed", path) : 0;
}

static void print_threads(const struct lat_measure_result *r)
{
	for (unsigned i = 0; i < r->nr_threads; i++) {
		const struct lat_measure_thread *t = &r->threads[i];

		printf("T:%2u (cpu %u) C:%9" PRIu64 " Min:%7" PRIu64 " Avg:%7.2f Max:%8" PRIu64
		       " Overflows:%" PRIu64 "\n", i, t->cpu, t->cycles, t->min_us,
		       t->cycles ? (double)t->sum_us / (double)t->cycles : 0.0, t->max_us,
		       t->overflows);
	}
}

static int measure(const struct lat_measure_params *p, int argc, char **argv)
{
	_cleanup_free_ unsigned *cpus = NULL;
	struct lat_measure_result res;
	char why[256];
	sigset_t sigs;
	int nr, r;

	nr = lat_measure_plan(p, &cpus, why, sizeof(why));
	if (nr < 0)
		return tool_error(0, "measure: %s", why), nr;
	/* The threads inherit the mask: the signals wake only the waiting main thread. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	r = lat_measure_run(p, cpus, (unsigned)nr, &sigs, &res);
	if (r < 0)
		return tool_error(r, "measure: cannot measure on CPUs %s", p->cpus ? p->cpus :
				  "(allowed)");
	r = save_json(p->json, &res, argc, argv);
	if (r == 0 && !p->quiet)
		print_threads(&res);
	lat_measure_result_done(&res);
	return r;
}

int lat_measure_main(int argc, char **argv)
{
	struct lat_measure_params p;
	char why[512];

	if (lat_measure_parse_args(argc, argv, &p, why, sizeof(why)) < 0) {
		tool_error(0, "measure: %s", why);
		return EXIT_TOOL_USAGE;
	}
	if (p.help) {
		lat_measure_usage(stdout);
		return EXIT_TOOL_OK;
	}
	if (p.version) {
		tool_print_version();
		return EXIT_TOOL_OK;
	}
	return measure(&p, argc, argv) < 0 ? EXIT_TOOL_FAILURE : EXIT_TOOL_OK;
}
