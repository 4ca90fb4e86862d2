#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# view-vs-trace-cmd.sh - decoding and printing speed of xtrace-view against
# `trace-cmd report` on the very same ring-buffer pages.
#
# Usage: bench/view-vs-trace-cmd.sh [BUILD_DIR]
#   (or `ninja -C BUILD_DIR bench-view`, which sets the paths below)
#
# xtrace-fixture-gen writes the large scenario (one busy 4-CPU host) once as
# an xtrace dump and as a trace-cmd trace.dat holding the same pages; the
# data is kept and reused by later runs. The two readers then run in
# alternating pairs (A = xtrace-view DIR, B = trace-cmd report -i FILE), both
# printing to /dev/null, so that the machine's drifting speed hits both
# alike. Per run and as medians: seconds, events per second, and the ratio
# (how many times faster xtrace-view is).
#
# Environment:
#   XTRACE_VIEW          xtrace-view binary (default BUILD_DIR/view/xtrace-view)
#   XTRACE_FIXTURE_GEN   generator (default BUILD_DIR/fixtures/xtrace-fixture-gen)
#   TRACE_CMD            trace-cmd binary (default: trace-cmd from PATH)
#   BENCH_EVENTS         events to generate (default 5000000, at least 5000000 for results)
#   BENCH_PAIRS          A/B pairs (default 5)
#   BENCH_DIR            where the data lives (default ${TMPDIR:-/tmp}/kvmrt-bench-view-EVENTS)
#   BENCH_VIEW_ARGS      options given to xtrace-view before DIR (default none)
#   BENCH_TRACE_CMD_ARGS options given to trace-cmd report before -i (default none)
#   (bench/stats-vs-trace-cmd.sh sets the last two: --stats against --profile)
set -eu

build=${1:-}
events=${BENCH_EVENTS:-5000000}
pairs=${BENCH_PAIRS:-5}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/kvmrt-bench-view-$events}
trace_cmd=${TRACE_CMD:-trace-cmd}
view_args=${BENCH_VIEW_ARGS:-}
trace_cmd_args=${BENCH_TRACE_CMD_ARGS:-}

die() {
	echo "view-vs-trace-cmd: $*" >&2
	exit 1
}

tool() { # tool ENV_VALUE RELATIVE_PATH NAME
	if [ -n "$1" ]; then
		echo "$1"
	elif [ -n "$build" ]; then
		echo "$build/$2"
	else
		die "no $3: give the build directory as \$1 or set the environment (see the header)"
	fi
}

view=$(tool "${XTRACE_VIEW:-}" view/xtrace-view xtrace-view)
gen=$(tool "${XTRACE_FIXTURE_GEN:-}" fixtures/xtrace-fixture-gen xtrace-fixture-gen)

[ -x "$view" ] || die "$view: not an executable: build it first (ninja -C BUILD_DIR)"
command -v "$trace_cmd" >/dev/null 2>&1 || die "$trace_cmd: not found: apt-get install trace-cmd"
case $events in ''|*[!0-9]*) die "BENCH_EVENTS='$events': expected a number" ;; esac
case $pairs in ''|*[!0-9]*|0) die "BENCH_PAIRS='$pairs': expected a number from 1" ;; esac

# The data: generated once, marked complete only when both files are whole.
if [ "$(cat "$dir/complete" 2>/dev/null)" != "$events" ]; then
	[ -x "$gen" ] || die "$gen: not an executable: build it first (ninja -C BUILD_DIR)"
	echo "generating $events events into $dir ..."
	mkdir -p "$dir"
	rm -f "$dir/complete"
	"$gen" -o "$dir" --scenario large --events "$events" --tracedat "$dir/trace.dat"
	echo "$events" > "$dir/complete"
else
	echo "reusing $dir ($events events)"
fi

now_ns() {
	date +%s%N
}

# Seconds taken by the command given, its output thrown away.
run_timed() {
	start=$(now_ns)
	"$@" >/dev/null 2>&1 || die "$* failed (exit $?)"
	end=$(now_ns)
	echo $(( end - start ))
}

median() { # numbers on stdin, one per line
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

results=$(mktemp "${TMPDIR:-/tmp}/kvmrt-bench-view.XXXXXX")
trap 'rm -f "$results"' EXIT

echo "A = xtrace-view $view_args DIR, B = $trace_cmd report $trace_cmd_args -i FILE"
printf '%-6s %14s %14s %14s %14s %8s\n' pair view_s view_ev/s trace-cmd_s trace-cmd_ev/s ratio
i=1
while [ "$i" -le "$pairs" ]; do
	# shellcheck disable=SC2086 # the option lists split into words
	a=$(run_timed "$view" $view_args "$dir/host")
	# shellcheck disable=SC2086
	b=$(run_timed "$trace_cmd" report $trace_cmd_args -i "$dir/trace.dat")
	echo "$a $b" >> "$results"
	awk -v i="$i" -v a="$a" -v b="$b" -v n="$events" 'BEGIN {
		printf "%-6d %14.3f %14.0f %14.3f %14.0f %8.2f\n",
			i, a / 1e9, n / (a / 1e9), b / 1e9, n / (b / 1e9), b / a }'
	i=$(( i + 1 ))
done

ma=$(cut -d' ' -f1 "$results" | median)
mb=$(cut -d' ' -f2 "$results" | median)
awk -v a="$ma" -v b="$mb" -v n="$events" 'BEGIN {
	printf "%-6s %14.3f %14.0f %14.3f %14.0f %8.2f\n",
		"median", a / 1e9, n / (a / 1e9), b / 1e9, n / (b / 1e9), b / a }'
echo "ratio = trace-cmd time / xtrace-view time (above 1: xtrace-view is faster)"
