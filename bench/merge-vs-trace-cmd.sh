#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# merge-vs-trace-cmd.sh - merging speed of xtrace-multi-merge against
# `trace-cmd report -i a.dat -i b.dat ...`, which also merges several
# recordings by timestamp, on the very same ring-buffer pages.
#
# Usage: bench/merge-vs-trace-cmd.sh [BUILD_DIR]   (or `ninja -C BUILD_DIR bench-merge`)
#
# The generator writes BENCH_SYSTEMS busy 4-CPU hosts (scenario large, one
# seed each) once, each as an xtrace dump and as a trace.dat of the same
# pages; the data is reused by later runs. Then A = xtrace-multi-merge of the
# dumps into a merged directory, B = trace-cmd report of the trace.dat files
# to /dev/null, in alternating pairs. Per pair and as medians: seconds,
# events per second, ratio (trace-cmd time / merge time).
#
# Environment: XTRACE_MULTI_MERGE, XTRACE_FIXTURE_GEN, TRACE_CMD (binaries);
# BENCH_SYSTEMS (default 4), BENCH_EVENTS per system (default 5000000),
# BENCH_PAIRS (default 3), BENCH_DIR (default ${TMPDIR:-/tmp}/kvmrt-bench-merge-SxE).
set -eu

build=${1:-}
systems=${BENCH_SYSTEMS:-4}
events=${BENCH_EVENTS:-5000000}
pairs=${BENCH_PAIRS:-3}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/kvmrt-bench-merge-${systems}x$events}
trace_cmd=${TRACE_CMD:-trace-cmd}
merge=${XTRACE_MULTI_MERGE:-$build/merge/xtrace-multi-merge}
gen=${XTRACE_FIXTURE_GEN:-$build/fixtures/xtrace-fixture-gen}

fail() {
	echo "merge-vs-trace-cmd: $*" >&2
	exit 1
}

for n in "$systems" "$events" "$pairs"; do
	case $n in ''|*[!0-9]*|0) fail "'$n': BENCH_SYSTEMS, BENCH_EVENTS and BENCH_PAIRS are numbers from 1" ;; esac
done
[ -x "$merge" ] || fail "$merge: not built (give BUILD_DIR or set XTRACE_MULTI_MERGE)"
command -v "$trace_cmd" >/dev/null 2>&1 || fail "$trace_cmd: not found: apt-get install trace-cmd"

dumps=
dats=
s=1
while [ "$s" -le "$systems" ]; do
	if [ "$(cat "$dir/s$s/complete" 2>/dev/null)" != "$events" ]; then
		[ -x "$gen" ] || fail "$gen: not built (give BUILD_DIR or set XTRACE_FIXTURE_GEN)"
		echo "generating system $s: $events events into $dir/s$s ..."
		mkdir -p "$dir/s$s"
		"$gen" -o "$dir/s$s" --scenario large --events "$events" --seed "$s" \
			--tracedat "$dir/s$s/trace.dat"
		echo "$events" > "$dir/s$s/complete"
	fi
	dumps="$dumps $dir/s$s/host"
	dats="$dats -i $dir/s$s/trace.dat"
	s=$(( s + 1 ))
done
total=$(( systems * events ))

elapsed_ns() { # runs the command given, output thrown away
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || fail "$* failed"
	echo $(( $(date +%s%N) - t0 ))
}

log=$(mktemp "${TMPDIR:-/tmp}/kvmrt-bench-merge.XXXXXX")
trap 'rm -f "$log"; rm -rf "$dir/merged"' EXIT
row() { # label a_ns b_ns
	awk -v l="$1" -v a="$2" -v b="$3" -v n="$total" 'BEGIN {
		printf "%-6s %10.3f %14.0f %12.3f %14.0f %7.2f\n", l, a / 1e9, n / (a / 1e9),
			b / 1e9, n / (b / 1e9), b / a }'
}

echo "$systems systems x $events events; A = xtrace-multi-merge -o DIR DUMPS, B = $trace_cmd report$(echo "$dats" | sed 's|-i [^ ]*/|-i .../|g')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %10s %14s %12s %14s %7s\n' pair merge_s merge_ev/s trace-cmd_s trace-cmd_ev/s ratio
p=1
while [ "$p" -le "$pairs" ]; do
	# shellcheck disable=SC2086 # the lists split into words
	a=$(elapsed_ns "$merge" -q --force -o "$dir/merged" $dumps)
	# shellcheck disable=SC2086
	b=$(elapsed_ns "$trace_cmd" report $dats)
	echo "$a $b" >> "$log"
	row "$p" "$a" "$b"
	p=$(( p + 1 ))
done
mid() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row median "$(cut -d' ' -f1 "$log" | mid)" "$(cut -d' ' -f2 "$log" | mid)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ratio = trace-cmd time / xtrace-multi-merge time (above 1: the merge is faster)"
