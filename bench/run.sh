#!/bin/sh
# run.sh - make bench: every figure measured side by side in one run, on real
# KVM (inside one kvm-run). POSIX sh for the sandbox's busybox. Prints a
# table and writes it to BUILD/bench/results.txt.
# Usage: bench/run.sh [BUILD_DIR]

BUILD=${1:-build}
OUT=$BUILD/bench
mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 1
# Local copies: in the sandbox, build/ is a 9p share.
cp "$BUILD/matrix" "$BUILD/kvm-bench" "$TMP/" || exit 1
cp -r "$BUILD/guest" "$TMP/guest" || exit 1
MX=$TMP/matrix

# json FILE NAME: the first "NAME":value in a summary.
json() { grep -o "\"$2\":[^,}]*" "$1" | head -1 | cut -d: -f2; }
# vm FILE VM NAME: a field of one VM's object.
vm() {
	awk '{ gsub(/\{"name"/, "\n{\"name\""); print }' "$1" |
		grep "^{\"name\":\"$2\"" | head -1 |
		grep -o "\"$3\":[^,}]*" | head -1 | cut -d: -f2
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

{
	echo "make bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
	if [ -n "${KVM_RUN_SANDBOX:-}" ]; then
		echo "where: the nested sandbox (QEMU TCG emulating AMD SVM; absolute times are"
		echo "       about 40x hardware's, ratios carry over), kernel $(uname -r)"
	else
		echo "where: this machine's KVM, kernel $(uname -r)"
	fi
	echo "cpu:   $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
	echo

	echo "== hypercalls (long mode, median of 3 rounds of 20000 exits)"
	"$TMP/kvm-bench" "$TMP/guest/bench" 20000 >"$TMP/kvm-bench.out" || exit 1
	grep -v '^bare_pio_ns' "$TMP/kvm-bench.out"
	pio=$(sed -n 's/^bare_pio_ns //p' "$TMP/kvm-bench.out")
	echo

	echo "== matrix: shares (target in parentheses)"
	"$MX" --quantum 1s --duration 10s --quiet --summary=json >"$TMP/a.json" 2>/dev/null
	s=$(vm "$TMP/a.json" Neo share)
	echo "7:3, CPU-bound, QUANTUM 1 s, 10 s:       Neo $(calc %.3f "$s * 100")% (70%), error $(calc %.3f "($s - 0.7) * 100") pp"
	"$MX" --quantum 1s --duration 10s --quiet --summary=json \
		--vm counter-io:7:Neo --vm counter:3:Morpheus >"$TMP/b.json" 2>/dev/null
	s=$(vm "$TMP/b.json" Neo share) io=$(vm "$TMP/b.json" Neo KVM_EXIT_IO)
	echo "7:3, Neo doing I/O ($io exits), 1 s, 10 s: Neo $(calc %.3f "$s * 100")% (70%), error $(calc %.3f "($s - 0.7) * 100") pp"
	vms=""
	i=0
	while [ $i -lt 64 ]; do
		vms="$vms --vm counter:$((1 + i * 37 % 100)):v$i"
		i=$((i + 1))
	done
	"$MX" --policy fair --quantum 10ms --duration 10s --quiet --summary=json $vms >"$TMP/c.json" 2>/dev/null
	worst=$(awk '{ gsub(/\{"name"/, "\n{\"name\""); print }' "$TMP/c.json" | awk -F'[:,]' '
		/"target_share"/ { for (k = 1; k < NF; k++) { if ($k ~ /"target_share"/) t = $(k + 1); if ($k ~ /"share"$/) s = $(k + 1) }
			e = s - t; if (e < 0) e = -e; if (e > w) w = e }
		END { printf "%.3f", w * 100 }')
	echo "64 VMs, weights 1..100, fair, 10 ms, 10 s: worst error $worst pp"
	echo

	echo "== matrix: the cost of switching"
	"$MX" --quantum 10s --duration 5s --quiet --summary=json --vm counter:1:solo >"$TMP/d1.json" 2>/dev/null
	"$MX" --policy rr --quantum 10ms --duration 5s --quiet --summary=json \
		--vm counter:1:a --vm counter:1:b >"$TMP/d2.json" 2>/dev/null
	w1=$(vm "$TMP/d1.json" solo work) d1=$(json "$TMP/d1.json" duration_ns)
	wa=$(vm "$TMP/d2.json" a work) wb=$(vm "$TMP/d2.json" b work)
	d2=$(json "$TMP/d2.json" duration_ns) n=$(json "$TMP/d2.json" slices)
	# work per ns alone, against two VMs sharing at 10 ms slices
	lost=$(calc %.4f "1 - (($wa + $wb) / $d2) / ($w1 / $d1)")
	cost=$(calc %.0f "$lost * $d2 / $n")
	echo "work lost at 10 ms slices vs one VM alone: $(calc %.3f "$lost * 100")% ($n switches in 5 s)"
	echo "forced switch (timer, EINTR, pick, re-arm, KVM_RUN): $cost ns = $(calc %.2f "$cost / $pio") x a bare PIO exit ($pio ns)"
	ran=$(($(vm "$TMP/d2.json" a run_ns) + $(vm "$TMP/d2.json" b run_ns)))
	between=$(calc %.0f "($d2 - $ran) / $n")
	echo "  of which VMM time between slices: $between ns = $(calc %.2f "$between / $pio") x a bare PIO exit"
	echo

	echo "== matrix: 256 VMs on one thread"
	"$MX" --policy fair --quantum 10ms --duration 1s --quiet --summary=json --vm counter:1:one >"$TMP/e1.json" 2>/dev/null
	vms=""
	i=0
	while [ $i -lt 256 ]; do
		vms="$vms --vm counter:$((1 + i % 8)):v$i"
		i=$((i + 1))
	done
	"$MX" --policy fair --quantum 10ms --duration 5s --quiet --summary=json $vms >"$TMP/e2.json" 2>"$TMP/e2.err"
	r1=$(json "$TMP/e1.json" rss_kb) g1=$(json "$TMP/e1.json" guest_resident_kb)
	r2=$(json "$TMP/e2.json" rss_kb) g2=$(json "$TMP/e2.json" guest_resident_kb)
	echo "threads: $(json "$TMP/e2.json" threads), slices in 5 s: $(json "$TMP/e2.json" slices)"
	echo "host memory per VM beyond touched guest pages: $(calc %.1f "(($r2 - $g2) - ($r1 - $g1)) / 255") KiB (RSS $r2 KiB, guest pages $g2 KiB; 1 VM: $r1 KiB)"
} | tee "$OUT/results.txt"
rm -rf "$TMP"
