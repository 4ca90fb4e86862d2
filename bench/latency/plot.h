/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plot.h - latency histograms of every system on one log-scale plot, drawn
 * by gnuplot as SVG and PNG.
 */
#ifndef LAT_PLOT_H
#define LAT_PLOT_H

#include <stddef.h>
#include <stdio.h>

struct lat_results;

/*
 * Writes to @f a gnuplot script that draws @r's histograms (all threads of a
 * system merged; empty buckets left out, as a log scale cannot show them)
 * into @prefix.svg and @prefix.png. The data is inline, so the script alone
 * redraws the pictures. Returns 0, -ENOMEM or -EIO.
 */
int lat_plot_script(FILE *f, const struct lat_results *r, const char *prefix);

/*
 * Writes @prefix.gp and runs @gnuplot (a program name looked up in PATH, or
 * a path) on it. On failure @why says what went wrong, including the first
 * line gnuplot printed. Returns 0, -ENOENT when @gnuplot cannot be found,
 * -EPROTO when gnuplot failed, or another negative errno.
 */
int lat_plot_write(const struct lat_results *r, const char *prefix, const char *gnuplot, char *why,
		   size_t why_len);

#endif
