#!/usr/bin/env bash
# plot-shares.sh - how matrix shares one CPU among its VMs, as a picture.
#
# Runs two schedules on real KVM (through scripts/kvm-run), turns each
# --trace file into every VM's cumulative share of run time over time, and
# plots them with gnuplot:
#
#   docs/shares-7-3.png   the spec's 7:3 run (policy frac, Neo 7, Morpheus 3),
#                         QUANTUM 100 ms, 10 s
#   docs/shares-fair.png  policy fair, five counter guests weighted 1..5,
#                         quantum 20 ms, 10 s
#
# Intermediate files go to build/plots/: the traces (*.json), matrix's
# summary tables (*.summary.txt), the share series (*.dat), the targets
# (*.targets) and the gnuplot scripts (*.gp).
#
# Usage: bench/plot-shares.sh [--no-run]
#   --no-run   re-plot from the traces already in build/plots/
#
# Needs: build/matrix (brought up to date with `make build/matrix`), gnuplot-nox
# (installed with scripts/ensure-packages when missing), awk.
set -euo pipefail

prog=plot-shares
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }

run=1
case "${1:-}" in
--no-run) run=0 ;;
-h | --help)
	sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
"") ;;
*) die "unknown argument '$1' (try --help)" ;;
esac

# Everything below uses paths relative to the repository root, which is
# also what the sandbox sees (kvm-run needs the cwd inside the repository).
cd "$(dirname "$0")/.."
PLOTS=build/plots
mkdir -p "$PLOTS" docs

scripts/ensure-packages gnuplot-nox || die "cannot install gnuplot-nox"

# --- 1. the two runs, both in one boot of the sandbox ----------------------
if [ "$run" = 1 ]; then
	make --no-print-directory build/matrix || die "make build/matrix failed"
	fair_vms=""
	for w in 1 2 3 4 5; do
		fair_vms="$fair_vms --vm counter:$w:w$w"
	done
	# The command runs under busybox sh in the sandbox: POSIX only. Each
	# matrix's summary table (stderr) is kept: it names the VMs' targets.
	scripts/kvm-run sh -c "
		build/matrix --quantum 100ms --duration 10s --quiet \
			--trace $PLOTS/frac.json 2>$PLOTS/frac.summary.txt &&
		build/matrix --policy fair --quantum 20ms --duration 10s --quiet \
			--trace $PLOTS/fair.json$fair_vms 2>$PLOTS/fair.summary.txt
	" || die "a matrix run failed (see $PLOTS/*.summary.txt)"
	cat "$PLOTS/frac.summary.txt" "$PLOTS/fair.summary.txt"
fi

# --- 2. trace -> cumulative shares -------------------------------------------
# The trace has one event per line (src/matrix_report.c): "ph":"M" names
# thread (VM) tid, "ph":"X" is one slice of VM tid starting at ts and
# lasting dur, both in microseconds from the first slice. After each slice
# we print the time it ended (s) and every VM's run time so far as a
# percentage of all VMs' run time so far: the cumulative share.
trace_to_shares() {
	awk '
	function num(key,   s) {
		if (!match($0, "\"" key "\":[-0-9.eE+]+"))
			return -1
		s = substr($0, RSTART, RLENGTH)
		sub(/^[^:]*:/, "", s)
		return s + 0
	}
	/"ph":"M"/ {
		tid = num("tid")
		s = $0
		sub(/.*"args":/, "", s)
		if (tid > 0 && match(s, /"name":"[^"]*"/))
			names[tid] = substr(s, RSTART + 8, RLENGTH - 9)
		if (tid > n)
			n = tid
	}
	/"ph":"X"/ {
		tid = num("tid"); ts = num("ts"); dur = num("dur")
		if (tid < 1 || ts < 0 || dur < 0)
			next
		if (!header) {
			printf "# time_s"
			for (i = 1; i <= n; i++)
				printf " %s", names[i]
			printf "\n"
			header = 1
		}
		run[tid] += dur
		total += dur
		if (total <= 0)
			next
		printf "%.6f", (ts + dur) / 1e6
		for (i = 1; i <= n; i++)
			printf " %.4f", 100 * run[i] / total
		printf "\n"
		rows++
	}
	END {
		if (!rows) {
			print "no slices in the trace" > "/dev/stderr"
			exit 1
		}
	}' "$1"
}

# The summary table on matrix's stderr: after the header line "VM weight
# target ...", one row per VM in order: name, weight, target share.
# Prints "name target_percent" per VM, computed from the weights.
targets_from_summary() {
	awk '
	$1 == "VM" && $2 == "weight" { table = 1; next }
	table && $2 ~ /^[0-9]+$/ && $3 ~ /%$/ { name[++n] = $1; w[n] = $2; sum += $2 }
	END {
		if (!n || !sum) {
			print "no VM table in the summary" > "/dev/stderr"
			exit 1
		}
		for (i = 1; i <= n; i++)
			printf "%s %.4f\n", name[i], 100 * w[i] / sum
	}' "$1"
}

# plot NAME TITLE: build/plots/NAME.{json,summary.txt} -> docs/shares-*.png
plot() {
	local name=$1 title=$2 out=$3
	local trace=$PLOTS/$name.json dat=$PLOTS/$name.dat
	local tgt=$PLOTS/$name.targets gp=$PLOTS/$name.gp

	[ -s "$trace" ] || die "$trace is missing: run without --no-run first"
	trace_to_shares "$trace" >"$dat" || die "$trace: cannot read the slices"
	targets_from_summary "$PLOTS/$name.summary.txt" >"$tgt" ||
		die "$PLOTS/$name.summary.txt: no targets"

	local nvm
	nvm=$(wc -l <"$tgt")
	[ "$(awk 'NR == 1 { print NF - 2 }' "$dat")" = "$nvm" ] ||
		die "$name: the trace and the summary disagree on the number of VMs"

	{
		echo "set terminal pngcairo size 1100,620 font 'DejaVu Sans,11'"
		echo "set output '$out'"
		echo "set title \"$title\""
		echo "set xlabel 'time since the first slice (s)'"
		echo "set ylabel 'cumulative share of run time (%)'"
		echo "set xrange [0:*]"
		echo "set autoscale xfixmax"
		echo "set yrange [0:100]"
		echo "set ytics 10"
		echo "set grid"
		echo "set key inside right top box opaque"
		echo "set rmargin 17"
		echo "set border 3; set xtics nomirror; set ytics nomirror"
		# Each target is labelled in the right margin.
		local i=0 vm target
		while read -r vm target; do
			printf "set label '%s %.1f%%' at graph 1.01, first %s left font ',10'\n" \
				"$vm" "$target" "$target"
		done <"$tgt"
		# The VMs' series first, then their targets on top of them, dashed
		# and dark, so that a share that sits on its target leaves the
		# dashes visible.
		printf 'plot'
		local sep=' '
		while read -r vm target; do
			i=$((i + 1))
			printf "%s'%s' using 1:%d with lines lw 2 lc %d title '%s'" \
				"$sep" "$dat" $((i + 1)) "$i" "$vm"
			sep=", \\
     "
		done <"$tgt"
		i=0
		while read -r vm target; do
			i=$((i + 1))
			if [ $i = 1 ]; then
				printf "%s%s with lines dt (6,6) lw 1.3 lc rgb 'black' title 'target = weight / sum of weights'" \
					"$sep" "$target"
			else
				printf "%s%s with lines dt (6,6) lw 1.3 lc rgb 'black' notitle" \
					"$sep" "$target"
			fi
		done <"$tgt"
		echo
	} >"$gp"
	gnuplot "$gp" || die "gnuplot failed on $gp"

	# The last point of each series beside its target, for the log.
	awk -v name="$name" 'NR == FNR { t[FNR] = $2; vm[FNR] = $1; next }
		!/^#/ { last = $0 }
		END {
			n = split(last, f, " ")
			printf "%s: after %.3f s:", name, f[1]
			for (i = 2; i <= n; i++)
				printf " %s %.2f%% (target %.2f%%)", vm[i - 1], f[i], t[i - 1]
			printf "\n"
		}' "$tgt" "$dat"
	echo "$prog: wrote $out"
}

plot frac "matrix --policy frac (7:3), QUANTUM 100 ms, 10 s: Neo and Morpheus" \
	docs/shares-7-3.png
plot fair "matrix --policy fair, quantum 20 ms, 10 s: five counter guests, weights 1..5" \
	docs/shares-fair.png
