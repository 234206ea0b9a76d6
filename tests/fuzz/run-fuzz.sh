#!/usr/bin/env bash
# run-fuzz.sh - runs libFuzzer harnesses for a while each, one summary line per
# harness; behind `make fuzz` and `make fuzz-smoke` (tests/fuzz/fuzz.mk).
#
#   tests/fuzz/run-fuzz.sh [--tap] [--build DIR] [--seconds S] [--flag F]... NAME...
#
# For each NAME: copies tests/fuzz/corpus/NAME/ into DIR/fuzz/corpus-NAME/
# (which keeps what earlier runs found; the tree's corpus is never written),
# runs DIR/fuzz/fuzz_NAME with -max_total_time=S, crash artifacts going to
# DIR/fuzz/artifacts/NAME-*, the whole log to DIR/fuzz/NAME.log, and prints
#
#   fuzz NAME: N executions in S s, F findings                  (default)
#   ok - fuzz NAME: N executions, no finding                     (--tap)
#   not ok - fuzz NAME: N executions, F findings: ARTIFACT...    (--tap)
#
# Exits 1 when any harness had a finding (or did not run), else 0.
set -u
cd "$(dirname "$0")/../.."

tap=0
build=build
seconds=60
flags=()
names=()
while [ $# -gt 0 ]; do
	case $1 in
	--tap) tap=1 ;;
	--build) build=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--flag) flags+=("$2"); shift ;;
	-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
	-*) echo "run-fuzz.sh: unknown option $1" >&2; exit 2 ;;
	*) names+=("$1") ;;
	esac
	shift
done
[ ${#names[@]} -gt 0 ] || names=(hypercall loader cli pagewalk bzimage gdb_rsp pci virtqueue virtio_blk virtio_console virtio_net vmlinux)

dir=$build/fuzz
artifacts=$dir/artifacts
mkdir -p "$artifacts"
status=0

for name in "${names[@]}"; do
	bin=$dir/fuzz_$name
	corpus=$dir/corpus-$name
	log=$dir/$name.log
	mkdir -p "$corpus"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		cp -p "tests/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null
	fi
	before=$(ls "$artifacts" 2>/dev/null | grep "^$name-" | sort)
	start=$(date +%s)
	"$bin" -max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$artifacts/$name-" -timeout=25 \
		${flags[@]+"${flags[@]}"} "$corpus" >"$log" 2>&1
	rc=$?
	elapsed=$(($(date +%s) - start))
	after=$(ls "$artifacts" 2>/dev/null | grep "^$name-" | sort)
	new=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") |
		grep -v '^$')
	findings=$(printf '%s\n' "$new" | grep -c .)
	# A harness that failed without an artifact (did not start, was
	# killed) counts as one finding too: nothing was shown clean.
	[ "$rc" -ne 0 ] && [ "$findings" -eq 0 ] && findings=1
	execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' \
		"$log" | tail -n 1)
	execs=${execs:-0}
	# libFuzzer's own figure ("Done N runs in S second(s)") when it has one.
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" |
		tail -n 1)
	secs=${secs:-$elapsed}

	if [ "$findings" -ne 0 ]; then
		status=1
		{
			echo "# fuzz $name: exit status $rc; end of $log:"
			grep -v -e '^#[0-9]' -e '^INFO:' -e '^\*\*\*' "$log" |
				tail -n 40 | sed 's/^/#   /'
			for a in $new; do
				echo "# reproduce: $bin $artifacts/$a"
			done
		} >&2
	fi
	if [ "$tap" -eq 1 ]; then
		if [ "$findings" -eq 0 ]; then
			echo "ok - fuzz $name: $execs executions, no finding"
		else
			echo "not ok - fuzz $name: $execs executions, $findings" \
				"findings:" $new
		fi
	else
		echo "fuzz $name: $execs executions in $secs s, $findings findings"
	fi
done
exit $status
