#!/bin/sh
# run.sh - the real-KVM suite: every case runs simple-kvm against /dev/kvm.
#
# Runs inside one scripts/kvm-run (a sandbox boot or the host's own KVM), so
# it is POSIX sh for busybox. Prints TAP lines; exits with the failure count.
# Usage: tests/kvm/run.sh [BUILD_DIR]

BUILD=${1:-build}
SK=$BUILD/simple-kvm
GT=$BUILD/guest/tests
TMP=$BUILD/tests/kvm-tmp
mkdir -p "$TMP"
n=0
failed=0

# run_case NAME WANT_STATUS WANT_STDOUT WANT_STDERR_PART -- COMMAND...
# WANT_STDOUT is compared exactly, plus a newline ("" means no output at
# all, "-" skips the check); WANT_STDERR_PART must occur
# in stderr ("" skips it). A wrong status, output or message fails the case.
run_case() {
	name=$1 want_status=$2 want_out=$3 want_err=$4
	shift 5
	n=$((n + 1))
	"$@" >"$TMP/out" 2>"$TMP/err"
	status=$?
	why=""
	[ "$status" = "$want_status" ] || why="status $status, want $want_status"
	if [ -z "$why" ] && [ "$want_out" != "-" ]; then
		if [ -n "$want_out" ]; then
			printf '%s\n' "$want_out" >"$TMP/want"
		else
			: >"$TMP/want"
		fi
		cmp -s "$TMP/out" "$TMP/want" || why="stdout differs"
	fi
	if [ -z "$why" ] && [ -n "$want_err" ]; then
		grep -qF -- "$want_err" "$TMP/err" || why="stderr lacks '$want_err'"
	fi
	if [ -z "$why" ]; then
		echo "ok $n - $name"
		sed 's/^/#   /' "$TMP/out"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name: $why"
		echo "#   command: $*"
		sed 's/^/#   stdout: /' "$TMP/out"
		sed 's/^/#   stderr: /' "$TMP/err"
	fi
}

# Each error must be one line: a user reads one sentence, not a trace.
one_line_stderr() {
	n=$((n + 1))
	lines=$(wc -l <"$TMP/err")
	if [ "$lines" -eq 1 ]; then
		echo "ok $n - $1: one line on stderr"
	else
		failed=$((failed + 1))
		echo "not ok $n - $1: $lines lines on stderr"
		sed 's/^/#   stderr: /' "$TMP/err"
	fi
}

echo "# kvm suite: $(uname -r), $(ls -l /dev/kvm 2>&1)"

for m in real protected paged long; do
	flag=-$(echo $m | cut -c1)
	[ $m = protected ] && flag=-s
	reg=EAX
	[ $m = long ] && reg=RAX
	run_case "$m mode: built-in guest leaves 42 in memory and $reg" \
		0 "$m mode: memory[0x400] = 42, $reg = 42" "" -- "$SK" $flag
	run_case "$m mode: wrong value in memory is caught" \
		1 - "wrong answer" -- "$SK" $flag "$GT/wrong-mem-$m.bin"
	run_case "$m mode: wrong value in $reg is caught" \
		1 - "wrong answer" -- "$SK" $flag "$GT/wrong-reg-$m.bin"
	run_case "$m mode: a 24 KiB image survives the VMM's setup" \
		0 "$m mode: memory[0x400] = 42, $reg = 42" "" -- \
		"$SK" $flag "$GT/big-$m.bin"
done

for m in protected paged long; do
	flag=-$(echo $m | cut -c1)
	[ $m = protected ] && flag=-s
	run_case "$m mode: the last guest word below 3 GiB is mapped" \
		0 - "" -- "$SK" $flag --mem 3G "$GT/high-mem-$m.bin"
done

run_case "long mode: smallest RAM (128K) still runs" \
	0 - "" -- "$SK" -l --mem 128K
run_case "paged mode: odd RAM size (16388K) maps its 4 KiB tail" \
	0 - "" -- "$SK" -p --mem 16388K

run_case "missing KVM device: one actionable line, status 3" \
	3 "" "not loaded" -- "$SK" --device /nonexistent/kvm
one_line_stderr "missing KVM device"

head -c 49152 /dev/zero >"$TMP/too-big.bin"
run_case "image running into the stack is refused, status 4" \
	4 "" "overlaps the stack" -- "$SK" -l "$TMP/too-big.bin"
one_line_stderr "image refused"
run_case "missing image file: status 4" \
	4 "" "$TMP/none.bin" -- "$SK" -l "$TMP/none.bin"

run_case "two modes at once: usage error" 2 "" "choose one mode" -- "$SK" -r -l
one_line_stderr "two modes"
run_case "--mem 0: usage error" 2 "" "outside" -- "$SK" --mem 0
run_case "--mem 1T: usage error" 2 "" "outside" -- "$SK" --mem 1T
run_case "--mem abc: usage error" 2 "" "not a size" -- "$SK" --mem abc
run_case "unknown option: usage error" 2 "" "unknown option" -- "$SK" --bogus

echo "1..$n"
echo "# kvm suite: $((n - failed)) of $n passed"
rm -rf "$TMP"
exit "$failed"
