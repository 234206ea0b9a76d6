#!/bin/sh
# virtio.sh - issue 18's bare-driver figure: the bare virtio-blk driver's
# sector reads per second over bare port exits per second, with the exits
# per read, on whatever KVM runs it (scripts/kvm-run --direct for kvm_pvm).
#
# Three guests with the same bring-up (guest/virtio/main.c -DVDRV_BENCH):
# none, N one-sector reads, N HC_numExits port exits. Each is run ROUNDS
# times and the fastest wall time kept; the bring-up cancels out:
#   t_read = (reads - none) / N, t_exit = (exits - none) / N,
#   reads/s over exits/s = t_exit / t_read.
# Usage: bench/virtio.sh [BUILD_DIR] (make vdrv-guests first; N is the
# build's VDRV_BENCH_N). POSIX sh, for the sandbox's busybox too.

BUILD=${1:-build}
ROUNDS=${BENCH_VIRTIO_ROUNDS:-3}
G=$BUILD/guest/virtio
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vdrv-bench.XXXXXX") || exit 1
dd if=/dev/zero of="$TMP/disk.img" bs=512 count=128 2>/dev/null
cp "$BUILD/simple-kvm" "$G"/vdrv-bench-*-long.elf "$TMP/" || exit 1

# Seconds, to the nanosecond where date has %N (GNU, most busyboxes),
# else /proc/uptime's hundredths.
if [ "$(date +%N)" != "%N" ] && [ "$(date +%N)" != N ]; then
	uptime_s() { date +%s.%N; }
else
	uptime_s() { cut -d' ' -f1 /proc/uptime; }
fi
# best KIND: the fastest of ROUNDS runs, in seconds; its stdout in TMP/KIND.
best() {
	b=
	for r in $(seq "$ROUNDS"); do
		t0=$(uptime_s)
		"$TMP/simple-kvm" -l --disk "$TMP/disk.img" \
			"$TMP/vdrv-bench-$1-long.elf" >"$TMP/$1" 2>"$TMP/$1.err" ||
			{ echo "bench/virtio.sh: $1: status $?: $(cat "$TMP/$1.err")" >&2; exit 1; }
		t=$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { print b - a }')
		b=$(awk -v a="$b" -v t="$t" 'BEGIN { print (a == "" || t < a) ? t : a }')
	done
	echo "$b"
}
field() { sed -n "s/^vdrv-bench: $2 //p" "$TMP/$1"; }

none=$(best none) || exit 1
reads=$(best reads) || exit 1
exits=$(best exits) || exit 1
n=$(field reads loops)
awk -v none="$none" -v reads="$reads" -v exits="$exits" -v n="$n" \
	-v kvm="$(for k in kvm_pvm kvm_amd kvm_intel; do [ -d /sys/module/$k ] && echo $k && break; done)" \
	-v re="$(field reads exits)" -v ee="$(field exits exits)" 'BEGIN {
	tr = (reads - none) / n; te = (exits - none) / n
	printf "bare driver, long mode, %d rounds each, best of the runs, on %s\n", n, kvm
	printf "  bring-up alone            %8.3f s\n", none
	printf "  one-sector read           %8.1f us  (%.0f reads/s)  %.2f exits per read\n", tr * 1e6, 1 / tr, re / n
	printf "  bare port exit (HC_numExits) %5.1f us  (%.0f exits/s)  %.2f exits per loop\n", te * 1e6, 1 / te, ee / n
	printf "  reads/s over port exits/s %8.3f\n", te / tr
}'
rm -rf "$TMP"
