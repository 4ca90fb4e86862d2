/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plot.c - the gnuplot script of the histograms, and running gnuplot on it
 * (posix_spawnp, its stderr captured for the error message).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cleanup.h"
#include "fileio.h"
#include "plot.h"
#include "results.h"

extern char **environ;

/* @s as a gnuplot single-quoted string ('' stands for a quote). */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		if (*s != '\n')
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* Data block $dN: "latency count" for each non-empty bucket of system @s; a
 * blank line at each gap, so that gnuplot does not draw a line across it. */
static int put_data(FILE *f, size_t n, const struct lat_res_system *s, uint64_t range)
{
	_cleanup_free_ uint64_t *sum = calloc(range, sizeof(*sum));

	if (!sum)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_threads; i++)
		for (size_t k = 0; k < s->threads[i].n_buckets; k++)
			sum[s->threads[i].buckets[k].us] += s->threads[i].buckets[k].count;
	fprintf(f, "$d%zu << EOD\n", n);
	for (uint64_t us = 0; us < range; us++) {
		if (sum[us])
			fprintf(f, "%llu %llu\n", (unsigned long long)us,
				(unsigned long long)sum[us]);
		else if (us > 0 && sum[us - 1])
			fputc('\n', f);
	}
	fputs("EOD\n", f);
	return 0;
}

static void put_title(FILE *f, const struct lat_res_system *s, uint64_t range)
{
	uint64_t overflows = 0;
	char title[160];

	for (size_t i = 0; i < s->n_threads; i++)
		overflows += s->threads[i].overflows;
	snprintf(title, sizeof(title), "%s (%s, %llu above %llu us)", s->name,
		 lat_res_real_time(s) ? "SCHED_FIFO" : "SCHED_OTHER, not real-time",
		 (unsigned long long)overflows, (unsigned long long)range);
	put_quoted(f, title);
}

static void put_plot(FILE *f, const struct lat_results *r, const char *term, const char *out)
{
	fprintf(f, "set terminal %s size 960,540 noenhanced font 'sans,11' background 'white'\n",
		term);
	fputs("set output ", f);
	put_quoted(f, out);
	fputs("\nplot ", f);
	for (size_t i = 0; i < r->n_systems; i++) {
		fprintf(f, "%s$d%zu with linespoints pointtype 7 pointsize 0.4 title ",
			i ? ", \\\n     " : "", i);
		put_title(f, &r->systems[i], r->campaign.histogram_us);
	}
	fputs("\nunset output\n", f);
}

int lat_plot_script(FILE *f, const struct lat_results *r, const char *prefix)
{
	_cleanup_free_ char *svg = NULL, *png = NULL;
	char title[256];
	int ret;

	if (asprintf(&svg, "%s.svg", prefix) < 0 || asprintf(&png, "%s.png", prefix) < 0)
		return -ENOMEM;
	fputs("# kvmrt-latency histograms: `gnuplot THIS-FILE` redraws them.\n", f);
	for (size_t i = 0; i < r->n_systems; i++) {
		ret = put_data(f, i, &r->systems[i], r->campaign.histogram_us);
		if (ret < 0)
			return ret;
	}
	snprintf(title, sizeof(title), "Latency histograms: %s", r->dir);
	fputs("set title ", f);
	put_quoted(f, title);
	fputs("\nset xlabel 'latency (us)'\nset ylabel 'samples'\nset logscale y\n"
	      "set yrange [0.5:*]\nset grid\nset key top right\n",
	      f);
	put_plot(f, r, "svg", svg);
	put_plot(f, r, "pngcairo", png);
	return ferror(f) ? -EIO : 0;
}

static int write_script(const struct lat_results *r, const char *prefix, const char *path,
			char *why, size_t why_len)
{
	FILE *f = fopen(path, "we");
	int ret;

	if (!f) {
		ret = -errno;
		snprintf(why, why_len, "%s: cannot create: %s", path, strerror(-ret));
		return ret;
	}
	ret = lat_plot_script(f, r, prefix);
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	if (ret < 0)
		snprintf(why, why_len, "%s: cannot write: %s", path, strerror(-ret));
	return ret;
}

/* Runs @gnuplot @script with stderr into a pipe; the status in *ret_status. */
static int spawn_gnuplot(const char *gnuplot, const char *script, int *ret_status, char **ret_err)
{
	char *argv[] = {(char *)gnuplot, (char *)script, NULL};
	posix_spawn_file_actions_t fa;
	int pipefd[2], r, status;
	size_t len;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	r = -posix_spawnp(&pid, gnuplot, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (r == 0 && read_fd_all(pipefd[0], 1u << 20, ret_err, &len) < 0)
		*ret_err = NULL;
	close(pipefd[0]);
	if (r < 0)
		return r;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	*ret_status = status;
	return 0;
}

int lat_plot_write(const struct lat_results *r, const char *prefix, const char *gnuplot, char *why,
		   size_t why_len)
{
	_cleanup_free_ char *script = NULL, *err = NULL;
	int ret, status;

	if (asprintf(&script, "%s.gp", prefix) < 0)
		return -ENOMEM;
	ret = write_script(r, prefix, script, why, why_len);
	if (ret < 0)
		return ret;
	ret = spawn_gnuplot(gnuplot, script, &status, &err);
	if (ret == -ENOENT) {
		snprintf(why, why_len,
			 "%s not found: install gnuplot (Debian: gnuplot-nox) or use "
			 "--no-plot; the script is in %s",
			 gnuplot, script);
		return ret;
	}
	if (ret < 0) {
		snprintf(why, why_len, "%s: cannot run: %s", gnuplot, strerror(-ret));
		return ret;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (err)
			err[strcspn(err, "\n")] = '\0';
		snprintf(why, why_len, "%s %s failed: %.200s", gnuplot, script,
			 err && err[0] ? err : "(no message)");
		return -EPROTO;
	}
	return 0;
}
