#!/usr/bin/env bash
# run-tests.sh - the whole suite behind `make test`: unit tests, sanitized
# unit tests and the real-KVM tests, ending with one "N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LOG_DIR=$BUILD/test-logs
mkdir -p "$LOG_DIR"

passed=0
failed=0

# Counts the TAP lines of one suite's log; a suite that exits non-zero
# without saying which case failed counts as one failure of its own.
count() {
	local name=$1 log=$2 status=$3 ok not_ok
	ok=$(grep -c '^ok ' "$log")
	not_ok=$(grep -c '^not ok ' "$log")
	if [ "$status" -ne 0 ] && [ "$not_ok" -eq 0 ]; then
		echo "not ok - $name exited with status $status"
		not_ok=1
	fi
	passed=$((passed + ok))
	failed=$((failed + not_ok))
	printf '%-40s %3d passed, %d failed (%d s in)\n' "== $name:" "$ok" \
		"$not_ok" "$SECONDS"
}

# suite NAME COMMAND...: runs it, shows its output, counts its results.
suite() {
	local name=$1 log="$LOG_DIR/$1.log" status
	shift
	echo "== $name: $*"
	"$@" 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	count "$name" "$log" "$status"
}

# True when this machine has a /dev/kvm that is not hardware KVM (kvm_pvm):
# kvm-run then uses the sandbox, and the suite runs a second time directly.
direct_kvm_too() {
	[ -c /dev/kvm ] && { : <>/dev/kvm; } 2>/dev/null &&
		! grep -qwE 'vmx|svm' /proc/cpuinfo
}

# The README's "write your own guest" command builds all four modes; the
# KVM suite then runs what it built.
user_guest() {
	rm -rf "$BUILD/user"
	if make --no-print-directory -s user-guest SRC=guest/examples/hello.c \
		>"$LOG_DIR/user-guest.out" 2>&1 &&
		[ -f "$BUILD/user/hello-real.elf" ] && [ -f "$BUILD/user/hello-long.elf" ]; then
		echo "ok - make user-guest SRC=guest/examples/hello.c builds every mode"
	else
		cat "$LOG_DIR/user-guest.out"
		echo "not ok - make user-guest failed"
	fi
}
suite user-guest user_guest

# The real-KVM suite, in ONE kvm-run: the host's KVM when it is hardware
# KVM, otherwise one boot of the nested sandbox. When the suite also runs
# directly below, gdb is driven in the sandbox only in the mode the direct
# KVM cannot run (gdb starts about twenty times slower under emulation).
kvm_suite() {
	if direct_kvm_too; then
		export KVM_TEST_GDB_MODES=paged
	fi
	exec scripts/kvm-run tests/kvm/run.sh "$BUILD"
}
# It is the longest part (two minutes in the sandbox, on one CPU), so on a
# machine with two CPUs or more it runs in the background while the rest
# runs here, and its output is shown when it ends. It runs in a process
# group of its own, which ends with this script, whatever ends it: the
# suite's programs too when it runs directly on hardware KVM.
kvm_log=$LOG_DIR/kvm.log
kvm_pid=
if [ "$(nproc)" -ge 2 ]; then
	trap '[ -z "$kvm_pid" ] || kill -TERM -- -"$kvm_pid" 2>/dev/null' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	echo "== kvm: scripts/kvm-run tests/kvm/run.sh $BUILD (in the background; its output follows the others)"
	set -m
	kvm_suite >"$kvm_log" 2>&1 </dev/null &
	kvm_pid=$!
	set +m
fi

unit_tests=""
for t in "$BUILD"/tests/unit/test_*; do
	unit_tests="$unit_tests $(basename "$t")"
	CMOCKA_MESSAGE_OUTPUT=TAP suite "unit-$(basename "$t")" "$t"
done
for t in "$BUILD"/asan/tests/unit/test_*; do
	CMOCKA_MESSAGE_OUTPUT=TAP ASAN_OPTIONS=detect_leaks=1 \
		suite "asan-$(basename "$t")" "$t"
done

# The CPUs the sandbox's one leaves to the suites run here.
jobs=$(($(nproc) - 1))
[ "$jobs" -ge 1 ] || jobs=1

# The same tree must build warning-free with clang too (host, guests and
# unit tests); -Werror turns any warning into a failure here. The library
# and the harnesses are also compiled by clang, sanitized, for fuzz-smoke;
# the sanitized unit tests are gcc's only.
clang_build() {
	local targets="$BUILD/clang/simple-kvm $BUILD/clang/matrix guests" t
	for t in $unit_tests; do
		targets="$targets $BUILD/clang/tests/unit/$t"
	done
	# shellcheck disable=SC2086 # a list of targets, split on purpose
	if make --no-print-directory -j"$jobs" CC=clang GUEST_CC=clang \
		BUILD="$BUILD/clang" $targets >"$LOG_DIR/clang-build.out" 2>&1; then
		echo "ok - clang builds everything with -Werror"
	else
		tail -20 "$LOG_DIR/clang-build.out"
		echo "not ok - clang build failed"
	fi
}
suite clang-build clang_build

# The tree stays as .clang-format says.
format_check() {
	if make --no-print-directory -s format-check >"$LOG_DIR/format.out" 2>&1; then
		echo "ok - the tree is clang-formatted"
	else
		head -20 "$LOG_DIR/format.out"
		echo "not ok - clang-format would change files (make format)"
	fi
}
suite format format_check

# Each layer of src/ includes and calls only the layers below it, and no
# modules include or call each other in a circle (README's "The tree").
suite layers python3 tests/layers.py --objects "$BUILD/obj"

# A short pass of each libFuzzer harness (make fuzz runs them long).
suite fuzz-smoke make --no-print-directory -s -j"$jobs" fuzz-smoke

# make install's guest SDK, used from a scratch directory as outside the tree.
suite sdk tests/sdk.sh "$BUILD"

# The same suite again directly on this machine's own /dev/kvm when the
# kvm suite goes to the sandbox because that KVM is not hardware KVM (for
# example kvm_pvm, which needs no VT-x/AMD-V): every change is then tested
# against two independent KVM implementations.
direct_kvm() {
	if direct_kvm_too; then
		scripts/kvm-run --direct tests/kvm/run.sh "$BUILD"
	elif [ -c /dev/kvm ] && { : <>/dev/kvm; } 2>/dev/null; then
		echo "ok - direct KVM suite # SKIP the kvm suite runs on this hardware KVM"
	else
		echo "ok - direct KVM suite # SKIP this machine has no usable /dev/kvm"
	fi
}
suite kvm-direct direct_kvm

# simple-kvm --kernel's console on a real terminal (a pty), on this
# machine's own /dev/kvm: raw while the guest runs, Ctrl-A X quits, the
# settings come back. python3 drives the pty.
suite console python3 tests/kvm/console-test.py "$BUILD"

# kvm-run itself: status, stdout and stderr travel out of the sandbox.
suite kvm-run tests/kvm/test-kvm-run.sh

if [ -n "$kvm_pid" ]; then
	echo "== kvm: waiting for the suite in the background"
	wait "$kvm_pid"
	kvm_status=$?
	kvm_pid=
	cat "$kvm_log"
	count kvm "$kvm_log" "$kvm_status"
else
	suite kvm kvm_suite
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
