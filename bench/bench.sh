#!/usr/bin/env bash
# bench.sh - make bench: bench/run.sh once on this machine's own /dev/kvm,
# whatever it is (kvm-run --direct: hardware KVM, or kvm_pvm), and once in
# the nested sandbox (kvm-run --sandbox: kvm_amd in QEMU TCG); then the two
# runs' ratios side by side. Every ratio compares figures of ONE run; the
# two backends are never divided by each other.
#
# Writes BUILD/bench/results-direct.txt, results-sandbox.txt and
# results.txt (both, then the side-by-side summary).
# Usage: bench/bench.sh [BUILD_DIR]
# Environment: BENCH_DIRECT=0 or BENCH_SANDBOX=0 skips a backend; the
# BENCH_* knobs of bench/run.sh are passed to both runs.
set -u

BUILD=${1:-build}
cd "$(dirname "$0")/.." || exit 1
OUT=$BUILD/bench
mkdir -p "$OUT"
load() { cut -d' ' -f1-3 /proc/loadavg; }
# share FILE: what kvm-bench --rusage wrote, as "CPU time of wall time".
share() {
	awk '{ printf "%.1f s of CPU in %.1f s of wall time (%.0f%% of one CPU)", $2 / 1e9, $8 / 1e9, 100 * $2 / $8 }' "$1" 2>/dev/null
}
direct_rc=skipped sandbox_rc=skipped
[ "${BENCH_DIRECT:-1}" = 0 ] || rm -f "$OUT/results-direct.txt"
[ "${BENCH_SANDBOX:-1}" = 0 ] || rm -f "$OUT/results-sandbox.txt"

# --- 1. this machine's /dev/kvm -------------------------------------------
if [ "${BENCH_DIRECT:-1}" != 0 ]; then
	if [ -c /dev/kvm ] && { : <>/dev/kvm; } 2>/dev/null; then
		echo "######## 1/2: this machine's own /dev/kvm (scripts/kvm-run --direct)"
		"$BUILD/kvm-bench" --rusage "$OUT/direct.rusage" \
			scripts/kvm-run --direct bench/run.sh "$BUILD" direct
		direct_rc=$?
		echo "the whole direct run got $(share "$OUT/direct.rusage"); host load after it: $(load)" |
			tee -a "$OUT/results-direct.txt"
	else
		echo "######## 1/2: no usable /dev/kvm on this machine: no direct run"
		direct_rc=none
	fi
	echo
fi

# --- 2. the nested sandbox --------------------------------------------------
if [ "${BENCH_SANDBOX:-1}" != 0 ]; then
	echo "######## 2/2: the nested sandbox (scripts/kvm-run --sandbox)"
	BENCH_HOST="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) CPUs, kernel $(uname -r)"
	BENCH_HOST_LOAD="$(load)"
	export BENCH_HOST BENCH_HOST_LOAD
	KVM_RUN_ENV="BENCH_HOST BENCH_HOST_LOAD BENCH_EXITS BENCH_ROUNDS BENCH_WORK_ROUNDS BENCH_WORK_SECONDS BENCH_MANY_SECONDS BENCH_NET_ROUNDS BENCH_NET_MIB BENCH_NET_LIMIT BENCH_NET_PINGS BENCH_NET_COUNTED" \
		"$BUILD/kvm-bench" --rusage "$OUT/sandbox.rusage" \
		scripts/kvm-run --sandbox --timeout 1800 bench/run.sh "$BUILD" sandbox
	sandbox_rc=$?
	{
		echo "the whole sandbox run (QEMU, boot included) got $(share "$OUT/sandbox.rusage") on the host;"
		echo "host load after it: $(load) (1, 5, 15 min)"
	} | tee -a "$OUT/results-sandbox.txt"
	echo
fi

# --- 3. side by side ---------------------------------------------------------
# The rows both runs print with the same label: the hypercall table, the
# targets, the KVM_TRANSLATE counts, the matrix figures. "label  value" per
# file, joined on the label.
summary() {
	# Only what this invocation measured: a file left by an earlier run
	# would pair figures from two different times.
	local d=$OUT/results-direct.txt s=$OUT/results-sandbox.txt
	[ "$direct_rc" != skipped ] && [ "$direct_rc" != none ] && [ -s "$d" ] || d=/dev/null
	[ "$sandbox_rc" != skipped ] && [ -s "$s" ] || s=/dev/null
	echo "######## side by side: the same figures, each from its own run"
	printf '%-50s %-28s %-28s\n' "" "direct" "sandbox"
	printf '%-50s %-28s %-28s\n' "backend" \
		"$(sed -n 's/^backend: \([^ ,(]*\).*/\1/p' "$d" | head -1)" \
		"$(sed -n 's/^backend: \(kvm_amd nested in QEMU TCG\).*/\1/p' "$s" | head -1)"
	awk -v D="$d" -v S="$s" '
	function grab(file, tag,   line, key, val, sect) {
		while ((getline line < file) > 0) {
			if (line ~ /^== /) { sect = line; continue }
			key = ""; val = ""
			n = split(line, f, /  +/)
			if (sect ~ /^== hypercalls/ && n == 4 && f[2] ~ /^[0-9]+$/ && f[4] ~ /^\(/) {
				# "label   ns   ratio  (lo..hi)"
				key = "ratio " f[1]; val = f[3] " (" f[2] " ns)"
			} else if (sect ~ /^== hypercalls/ && line ~ /(met|NOT met)$/) {
				# "label   ratio   fastest   limit  verdict"
				key = "target " f[1]; val = f[2] " (" f[3] ") " f[5]
			} else if (sect ~ /^== ioctls/ && line ~ /per call \(kvm-bench\)/) {
				key = "KVM_TRANSLATE per call " f[1]; val = f[2]
			} else if (line ~ /^  per CPU second:/ || line ~ /^  per wall second/ || line ~ /^  one VM alone at 10 ms/) {
				key = line; sub(/:.*/, "", key); sub(/^ +/, "", key); key = "work lost " key
				val = line; sub(/^[^:]*: +/, "", val)
			} else if (line ~ /^7:3, CPU-bound/ || line ~ /^64 VMs/) {
				key = line; sub(/: .*/, "", key); key = key " error"
				val = line; sub(/.*error /, "", val)
			} else if (line ~ /^7:3, Neo doing I\/O/) {
				key = "7:3, Neo doing I/O, error"
				val = line; sub(/.*error /, "", val)
			} else if (line ~ /^host memory per VM/) {
				key = "host memory per VM"
				val = line; sub(/^[^:]*: /, "", val); sub(/ \(.*/, "", val)
			}
			if (key == "")
				continue
			if (!(key in seen)) { order[++n_keys] = key; seen[key] = 1 }
			v2[tag, key] = val
		}
		close(file)
	}
	BEGIN {
		grab(D, "d"); grab(S, "s")
		for (i = 1; i <= n_keys; i++) {
			k = order[i]
			printf "%-50s %-28s %-28s\n", substr(k, 1, 50), \
				((("d", k) in v2) ? v2["d", k] : "-"), ((("s", k) in v2) ? v2["s", k] : "-")
		}
	}'
	echo "(ratio: median over the rounds of ns/exit over the bare exit of the same direction timed"
	echo " just before it; target: that ratio, its range over the rounds, verdict. In the sandbox,"
	echo " CPU time is the nested kernel's, which counts the time the host took from QEMU: there"
	echo " per CPU second = per wall second)"
	echo "status: direct $direct_rc, sandbox $sandbox_rc"
}
summary | tee "$OUT/summary.txt"
{
	[ "$direct_rc" = skipped ] || [ "$direct_rc" = none ] || cat "$OUT/results-direct.txt"
	[ "$sandbox_rc" = skipped ] || cat "$OUT/results-sandbox.txt"
	cat "$OUT/summary.txt"
} >"$OUT/results.txt" 2>/dev/null
echo "written: $OUT/results.txt (and results-direct.txt, results-sandbox.txt, summary.txt)"
[ "$direct_rc" = 0 ] || [ "$direct_rc" = skipped ] || [ "$direct_rc" = none ] || exit 1
[ "$sandbox_rc" = 0 ] || [ "$sandbox_rc" = skipped ] || exit 1
exit 0
