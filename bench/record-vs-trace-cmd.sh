#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# record-vs-trace-cmd.sh - recording cost of xtrace-run against
# `trace-cmd record` under the same syscall storm, same events, same buffers.
#
# Usage: bench/record-vs-trace-cmd.sh [BUILD_DIR]
#   (or `ninja -C BUILD_DIR bench-record`, which sets the paths below)
#
# Each run: two `dd if=/dev/zero of=/dev/null bs=1` storms start (killed by
# pid afterwards), then the recorder records sched, irq, timer and
# raw_syscalls with 1 MiB per-CPU buffers and the tai clock around
# `sleep SECONDS`. A = xtrace-run (compressing as it records), B =
# LD_PRELOAD=ftrace_unlock.so trace-cmd record (function tracing is locked
# here: ../shared/bench-peers/README.md), alternating in pairs so that the
# machine's drifting speed hits both alike. Per run and as medians: events
# recorded, events lost (the kernel's overrun + dropped counts), CPU seconds
# of the recorder and its children, bytes of the result, and the peak disk
# use while recording (sampled every 0.2 s: trace-cmd's raw per-CPU files
# included).
#
# Environment:
#   XTRACE_RUN      xtrace-run binary (default BUILD_DIR/collect/xtrace-run)
#   TRACE_CMD       trace-cmd binary (default: trace-cmd from PATH)
#   FTRACE_UNLOCK   the preload shim (default /tmp/ftrace_unlock.so; built from
#                   /work/shared/bench-peers/ftrace_unlock.c when missing)
#   BENCH_PAIRS     A/B pairs (default 3)
#   BENCH_SECONDS   seconds per run (default 10)
#   BENCH_DIR       scratch directory (default ${TMPDIR:-/tmp}/kvmrt-bench-record)
#   BENCH_COUNT     1 (default): count trace-cmd's events with `trace-cmd report`
#                   (slow); 0: skip that count
set -eu

build=${1:-}
pairs=${BENCH_PAIRS:-3}
seconds=${BENCH_SECONDS:-10}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/kvmrt-bench-record}
trace_cmd=${TRACE_CMD:-trace-cmd}
shim=${FTRACE_UNLOCK:-/tmp/ftrace_unlock.so}
count=${BENCH_COUNT:-1}
events="sched irq timer raw_syscalls"

die() {
	echo "record-vs-trace-cmd: $*" >&2
	exit 1
}

xtrace_run=${XTRACE_RUN:-$build/collect/xtrace-run}
[ -x "$xtrace_run" ] || die "no xtrace-run at '$xtrace_run': give BUILD_DIR or XTRACE_RUN"
xtrace_run=$(realpath "$xtrace_run")
command -v "$trace_cmd" >/dev/null || die "no trace-cmd: apt-get install trace-cmd"
if [ ! -f "$shim" ]; then
	src=/work/shared/bench-peers/ftrace_unlock.c
	[ -f "$src" ] || die "no $shim and no $src to build it from"
	cc -O2 -shared -fPIC -o "$shim" "$src" -ldl
fi
[ "$(id -u)" = 0 ] || die "needs root (tracefs)"

rm -rf "$dir"
mkdir -p "$dir"
results=$dir/results

storm_pids=
storm_start() {
	storm_pids=
	for i in 1 2; do
		dd if=/dev/zero of=/dev/null bs=1 2>/dev/null &
		storm_pids="$storm_pids $!"
	done
}

storm_stop() {
	for p in $storm_pids; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	storm_pids=
}

monitor_pid=
# Samples the disk use of $1 into $2 (the largest seen) until killed.
monitor_start() {
	(
		peak=0
		while :; do
			now=$(du -sb "$1" 2>/dev/null | cut -f1)
			[ "${now:-0}" -gt "$peak" ] && peak=$now && echo "$peak" > "$2"
			sleep 0.2
		done
	) &
	monitor_pid=$!
}

monitor_stop() {
	[ -n "$monitor_pid" ] || return 0
	kill "$monitor_pid" 2>/dev/null || true
	wait "$monitor_pid" 2>/dev/null || true
	monitor_pid=
}

# CPU seconds (user + system) of a command and all it waited for; its output is dropped.
cpu_of() {
	/usr/bin/time -f "%U %S" -o "$dir/time" "$@" > /dev/null
	# The last line: a failing command adds a "Command exited with ..." line before it.
	tail -n 1 "$dir/time" | awk '{ printf "%.2f", $1 + $2 }'
}

# Runs one recorder: "name events lost cpu_s bytes peak" appended to $results.
measure() {
	name=$1
	out=$dir/$name
	rm -rf "$out"
	mkdir -p "$out"
	echo 0 > "$dir/peak"
	storm_start
	sleep 1
	monitor_start "$out" "$dir/peak"
	case $name in
	xtrace-run)
		eargs=
		for e in $events; do eargs="$eargs -e $e"; done
		# shellcheck disable=SC2086
		cpu=$(cd "$out" && cpu_of "$xtrace_run" --no-default $eargs -b 1024 -t tod \
			-o dump sleep "$seconds" 2> "$dir/xtrace.err")
		;;
	trace-cmd)
		eargs=
		for e in $events; do eargs="$eargs -e $e"; done
		# shellcheck disable=SC2086
		cpu=$(cd "$out" && cpu_of env LD_PRELOAD="$shim" "$trace_cmd" record -q -C tai -b 1024 \
			$eargs -o trace.dat sleep "$seconds" 2> "$dir/trace-cmd.err")
		;;
	esac
	monitor_stop
	storm_stop
	peak=$(cat "$dir/peak")
	bytes=$(du -sb "$out" | cut -f1)
	case $name in
	xtrace-run)
		recorded=$(sed -n 's/^xtrace-run: \([0-9]*\) events,.*/\1/p' "$dir/xtrace.err")
		lost=$(sed -n 's/^cpu[0-9]*\.lost = //p' "$out/dump/xtrace.meta" |
			awk '{ s += $1 } END { print s + 0 }')
		;;
	trace-cmd)
		lost=$("$trace_cmd" report --stat -i "$out/trace.dat" 2>/dev/null |
			awk '/^overrun:|^dropped events:/ { s += $NF } END { print s + 0 }')
		recorded=n/a
		if [ "$count" = 1 ]; then
			recorded=$("$trace_cmd" report -q -i "$out/trace.dat" 2>/dev/null | wc -l)
		fi
		;;
	esac
	printf '%-10s %12s %10s %8s %12s %12s\n' "$name" "$recorded" "$lost" "$cpu" "$bytes" \
		"$peak" | tee -a "$results"
	rm -rf "$out"
}

# trace-cmd records in the top-level buffer and leaves its size behind (or a
# killed run leaves it): put back the size it had, expanded if not yet expanded.
tracefs_top=/sys/kernel/tracing
top_kb=$(sed -n 's/.*(expanded: \([0-9]*\)).*/\1/p; t; s/^\([0-9]*\)$/\1/p' "$tracefs_top/buffer_size_kb")
buffer_restore() {
	[ -n "$top_kb" ] && echo "$top_kb" > "$tracefs_top/buffer_size_kb" || true
}

# Whatever happens, nothing we started outlives us, and tracefs is as we found it.
trap 'monitor_stop; storm_stop; buffer_restore' EXIT
trap 'exit 130' INT TERM HUP

printf '%-10s %12s %10s %8s %12s %12s\n' recorder events lost cpu_s bytes peak_disk
for i in $(seq "$pairs"); do
	measure xtrace-run
	measure trace-cmd
done

median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR) printf "%.15g\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "medians over $pairs pairs of ${seconds} s (2 dd bs=1 storms, 1 MiB buffers):"
for name in xtrace-run trace-cmd; do
	line=$name
	for col in 2 3 4 5 6; do
		m=$(awk -v n="$name" -v c="$col" '$1 == n && $c != "n/a" { print $c }' "$results" |
			median)
		line="$line ${m:-n/a}"
	done
	echo "$line" | awk '{ printf "%-10s %12s %10s %8s %12s %12s\n", $1, $2, $3, $4, $5, $6 }'
done
