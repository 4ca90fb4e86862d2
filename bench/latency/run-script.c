/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run-script.c - the POSIX sh scripts `kvmrt-latency run` runs on every
 * system, the same text locally (sh -c) and over ssh. Everything a system
 * keeps during the run lives in its work directory (made by the probe):
 *
 *   pid             the main script's pid: its process is the recorder
 *                   (xtrace-run, whose pid is its session) or cyclictest
 *   cyclictest.json cyclictest's results
 *   trace/          the recording (--trace)
 *   load.pid, load.log  the load (--load)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run-params.h"

void lat_sh_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* An open_memstream() pair: the text is complete once closed. */
struct script {
	FILE *f;
	char *text;
	size_t len;
};

static FILE *script_begin(struct script *s, const struct lat_run_params *p,
			  const struct lat_system *sys)
{
	s->text = NULL;
	s->f = open_memstream(&s->text, &s->len);
	if (s->f && p && sys && p->remote_path && !lat_system_is_local(sys)) {
		fputs("PATH=", s->f);
		lat_sh_quote(s->f, p->remote_path);
		fputs(":$PATH; export PATH\n", s->f);
	}
	return s->f;
}

static char *script_end(struct script *s)
{
	if (!s->f)
		return NULL;
	if (ferror(s->f)) {
		fclose(s->f);
		free(s->text);
		return NULL;
	}
	return fclose(s->f) == 0 ? s->text : (free(s->text), NULL);
}

static void probe_tools(FILE *f, const struct lat_run_params *p)
{
	fputs("m=\nfor t in cyclictest", f);
	if (p->trace)
		fputs(" xtrace-run xtrace-ctl", f);
	if (p->load == LAT_LOAD_STRESS)
		fputs(" stress-ng", f);
	if (p->load == LAT_LOAD_HACKBENCH)
		fputs(" hackbench", f);
	fputs("; do command -v $t >/dev/null 2>&1 || m=\"$m $t\"; done\n"
	      "echo \"missing = ${m# }\"\n", f);
}

/* The fallback measurer: this kvmrt-latency locally, the one in PATH on a guest. */
static void measurer(FILE *f, const struct lat_run_params *p, const struct lat_system *s)
{
	if (lat_system_is_local(s) && p->self_exe)
		lat_sh_quote(f, p->self_exe);
	else
		fputs("kvmrt-latency", f);
	fputs(" measure", f);
}

/*
 * Two cycles of cyclictest as the run will start it: is SCHED_FIFO allowed?
 * If not, does cyclictest measure with --policy other, is the fallback there?
 */
static void probe_policy(FILE *f, const struct lat_run_params *p, const struct lat_system *s)
{
	fprintf(f,
		"if e=$(cyclictest -q -m -p %llu -i %llu -t 1 -l 2 2>&1 >/dev/null); then\n"
		"\techo 'fifo = yes'\n"
		"else\n"
		"\techo 'fifo = no'\n"
		"\techo \"fifo_error = $(printf %%s \"$e\" | tr -c '[:print:]' ' ' | cut -c1-200)\"\n"
		"\tcyclictest -q -m --policy other -i %llu -t 1 -l 2 >/dev/null 2>&1 && "
		"echo 'other = yes'\n\t",
		(unsigned long long)p->priority, (unsigned long long)p->interval_us,
		(unsigned long long)p->interval_us);
	measurer(f, p, s);
	fputs(" --help >/dev/null 2>&1 && echo 'measure = yes'\nfi\n", f);
}

char *lat_script_probe(const struct lat_run_params *p, const struct lat_system *s)
{
	struct script sc;
	FILE *f = script_begin(&sc, p, s);

	if (!f)
		return NULL;
	fputs("echo \"hostname = $(uname -n)\"\n"
	      "echo \"kernel = $(uname -r)\"\n"
	      "echo \"kernel_version = $(uname -v)\"\n"
	      "echo \"cmdline = $(cat /proc/cmdline)\"\n"
	      "echo \"online = $(cat /sys/devices/system/cpu/online)\"\n"
	      "echo \"boot_id = $(cat /proc/sys/kernel/random/boot_id)\"\n"
	      "echo \"tracing_on = $(cat /sys/kernel/tracing/tracing_on 2>/dev/null)\"\n", f);
	probe_tools(f, p);
	probe_policy(f, p, s);
	fputs("echo \"workdir = $(mktemp -d /tmp/kvmrt-latency.XXXXXX)\"\n", f);
	return script_end(&sc);
}

static void load_command(FILE *f, const struct lat_run_params *p, const struct lat_plan *plan)
{
	unsigned long long d = p->duration_s;

	if (p->load == LAT_LOAD_STRESS)
		fprintf(f, "stress-ng --cpu %u --io %u --vm 1 --vm-bytes 64M --timeout %llus",
			plan->nr_cpus, plan->nr_cpus, d);
	else
		fprintf(f, "end=$(($(date +%%s) + %llu)); while [ \"$(date +%%s)\" -lt \"$end\" ]; "
			"do hackbench -g 2 -l 200 || break; done", d);
	fputs(" > load.log 2>&1 &\necho $! > load.pid\n", f);
}

static void recorder_command(FILE *f, const struct lat_run_params *p, const struct lat_plan *plan)
{
	fputs("xtrace-run -q -m overwrite -t tod", f);
	if (p->break_us)
		fputs(plan->top_level ? " --top-level --stop-on-trigger" : "", f);
	fputs(" -o trace -- ", f);
}

char *lat_script_main(const struct lat_run_params *p, const struct lat_system *s,
		      const struct lat_plan *plan, const char *work)
{
	struct script sc;
	FILE *f = script_begin(&sc, p, s);

	if (!f)
		return NULL;
	fputs("cd ", f);
	lat_sh_quote(f, work);
	/* Renamed into place: a reader never sees the file before the pid is in it. */
	fputs(" || exit 125\necho $$ > pid.new && mv pid.new pid\n", f);
	if (p->load != LAT_LOAD_NONE)
		load_command(f, p, plan);
	fputs("exec ", f);
	if (p->trace)
		recorder_command(f, p, plan);
	if (plan->measure)
		measurer(f, p, s);
	else
		fputs("cyclictest -m", f);
	if (plan->fifo)
		fprintf(f, " -p %llu", (unsigned long long)p->priority);
	else
		fputs(" --policy other", f);
	fprintf(f, " -i %llu -h %llu -t %u -a %s -D %llus -q",
		(unsigned long long)p->interval_us, (unsigned long long)p->histogram_us,
		plan->nr_cpus, plan->cpus, (unsigned long long)p->duration_s);
	if (p->break_us && !plan->measure) /* the fallback has no -b */
		fprintf(f, " -b %llu --tracemark", (unsigned long long)p->break_us);
	fputs(" --json=cyclictest.json\n", f);
	return script_end(&sc);
}

/* s=the main script's pid, or exit 1 */
static void read_pid(FILE *f, const char *work)
{
	fputs("s=$(cat ", f);
	lat_sh_quote(f, work);
	fputs("/pid 2>/dev/null) || exit 1\n", f);
}

char *lat_script_wait_recorder(const struct lat_system *s, const char *work,
			       const struct lat_run_params *p)
{
	struct script sc;
	FILE *f = script_begin(&sc, p, s);

	if (!f)
		return NULL;
	fputs("i=0\nwhile :; do\n"
	      "\ts=$(cat ", f);
	lat_sh_quote(f, work);
	fputs("/pid 2>/dev/null) && [ -S /run/xtrace/$s.sock ] && exit 0\n"
	      "\ti=$((i + 1)); [ $i -ge 200 ] && exit 1\n"
	      "\tsleep 0.05\n"
	      "done\n", f);
	return script_end(&sc);
}

char *lat_script_flush_stop(const struct lat_run_params *p, const struct lat_system *s,
			    const char *work)
{
	struct script sc;
	FILE *f = script_begin(&sc, p, s);

	if (!f)
		return NULL;
	read_pid(f, work);
	/* The recorder may still be starting: retry while its process lives. */
	fputs("i=0\n"
	      "until xtrace-ctl --session \"$s\" flush stop >/dev/null 2>&1; do\n"
	      "\tkill -0 \"$s\" 2>/dev/null || exit 0\n"
	      "\ti=$((i + 1)); [ $i -ge 100 ] && exit 1\n"
	      "\tsleep 0.1\n"
	      "done\n", f);
	return script_end(&sc);
}

char *lat_script_interrupt(const char *work)
{
	struct script sc;
	FILE *f = script_begin(&sc, NULL, NULL);

	if (!f)
		return NULL;
	read_pid(f, work);
	fputs("kill -INT \"$s\" 2>/dev/null\nexit 0\n", f);
	return script_end(&sc);
}

char *lat_script_cleanup(const char *work, const char *tracing_on)
{
	struct script sc;
	FILE *f = script_begin(&sc, NULL, NULL);

	if (!f)
		return NULL;
	fputs("cd / || exit 1\nif [ -f ", f);
	lat_sh_quote(f, work);
	fputs("/load.pid ]; then kill \"$(cat ", f);
	lat_sh_quote(f, work);
	fputs("/load.pid)\" 2>/dev/null; fi\nrm -rf ", f);
	lat_sh_quote(f, work);
	fputc('\n', f);
	if (tracing_on && (!strcmp(tracing_on, "0") || !strcmp(tracing_on, "1")))
		fprintf(f, "t=/sys/kernel/tracing/tracing_on; [ -w $t ] && echo %s > $t\n",
			tracing_on);
	return script_end(&sc);
}
