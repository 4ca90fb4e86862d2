#!/bin/sh
# Fails when a function declared in kvmrt-core/kvmrt.h is not named in
# docs/man/libkvmrt.3.scd (STYLE 22).
set -eu
root=${KVMRT_SOURCE_ROOT:-.}
missing=0
for fn in $(grep -oE '\bkvmrt_[a-z_]+\(' "$root/kvmrt-core/kvmrt.h" | tr -d '(' | sort -u); do
	grep -q "\*$fn\*" "$root/docs/man/libkvmrt.3.scd" || {
		echo "libkvmrt.3: $fn is not documented"
		missing=1
	}
done
exit $missing
