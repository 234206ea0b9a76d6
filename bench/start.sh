#!/bin/sh
# start.sh - issue 20's bare start figure: how long simple-kvm takes from
# its exec to a long-mode guest's first instruction, as an upper bound:
# the whole run of a guest whose first instruction is HLT (the VMM's
# start, KVM's VM and vCPU setup, the guest's one instruction, the exit
# and the teardown), the median of ROUNDS runs, beside /bin/true's run
# (the cost of a fork and exec alone). Target: at most 10 ms, directly
# on this machine's KVM.
#
# Usage: bench/start.sh [BUILD_DIR [ROUNDS]]   (make bench runs it)
set -u
BUILD=${1:-build}
ROUNDS=${2:-51}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/start-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
printf '\364' >"$TMP/hlt.bin" # HLT, the guest's one instruction

# ms_of CMD...: ROUNDS runs of CMD, one wall time in ms a line
ms_of() {
	i=0
	while [ $i -lt "$ROUNDS" ]; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "start.sh: $* failed" >&2; return 1; }
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
		i=$((i + 1))
	done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f %.2f %.2f\n", v[int((NR + 1) / 2)] / 1000, v[1] / 1000, v[NR] / 1000 }'
}
sk=$(ms_of "$BUILD/simple-kvm" -l "$TMP/hlt.bin") || exit 1
tr=$(ms_of /bin/true) || exit 1
set -- $sk
echo "simple-kvm -l, a guest that halts at its first instruction, exec to exit: median $1 ms [$2-$3], $ROUNDS runs"
set -- $tr
echo "/bin/true, exec to exit: median $1 ms [$2-$3]"
set -- $sk
awk "BEGIN { printf \"start to first instruction <= %.2f ms: target <= 10 ms %s\n\", $1, ($1 <= 10 ? \"met\" : \"NOT met\") }"
