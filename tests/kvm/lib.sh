# lib.sh - what the real-KVM cases share: a scratch directory with local
# copies of the programs and guests, and TAP reporting. Sourced by run.sh.

BUILD=${1:-build}
MODES="real protected paged long"
# Work from a local copy: in the sandbox, build/ is a 9p share and loading
# a program from it costs more than running a guest.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kvm-suite.XXXXXX") || exit 1
mkdir -p "$TMP/guests"
cp "$BUILD/simple-kvm" "$BUILD/matrix" "$TMP/" || exit 1
ln -s matrix "$TMP/matrix-a" && ln -s matrix "$TMP/matrix-b" || exit 1
cp "$BUILD"/guest/tests/*.bin "$BUILD"/guest/tests/*.elf \
	"$BUILD"/guest/examples/*.elf "$TMP/guests/" || exit 1
SK=$TMP/simple-kvm
MX=$TMP/matrix
GT=$TMP/guests
n=0
failed=0

# Points SK and MX at the sanitized builds, run through the dynamic loader
# and libraries copied beside them (the sandbox has no others). seccomp is
# off for them: the sanitizers' runtime needs calls the allowlist refuses.
sanitized_programs() {
	cp -r "$BUILD/asan/lib" "$TMP/asan-lib" || exit 1
	cp "$BUILD/asan/simple-kvm" "$BUILD/asan/matrix" "$TMP/asan-lib/" || exit 1
	for prog in simple-kvm matrix; do
		cat >"$TMP/asan-$prog" <<-WRAPPER
			#!/bin/sh
			exec "$TMP/asan-lib/ld-linux-x86-64.so.2" --library-path "$TMP/asan-lib" \
				"$TMP/asan-lib/$prog" --no-seccomp "\$@"
		WRAPPER
		chmod +x "$TMP/asan-$prog"
	done
	SK=$TMP/asan-simple-kvm
	MX=$TMP/asan-matrix
	# Leak checking stays with the unit tests: here it would cost a third of
	# every run in the emulator, and the point is out-of-bounds access.
	export ASAN_OPTIONS=exitcode=99:detect_leaks=0
	export UBSAN_OPTIONS=halt_on_error=1:exitcode=98:print_stacktrace=1
}

flag_of() {
	case $1 in
	real) echo -r ;; protected) echo -s ;; paged) echo -p ;; long) echo -l ;;
	esac
}

pass() {
	n=$((n + 1))
	echo "ok $n - $1"
}

# fail NAME WHY: reports the case with the command's output.
fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1: $2"
	echo "#   command: $last_cmd"
	sed 's/^/#   stdout: /' "$TMP/out"
	sed 's/^/#   stderr: /' "$TMP/err"
}

# run CMD...: runs it with stdout and stderr captured; sets $status.
run() {
	last_cmd="$*"
	"$@" >"$TMP/out" 2>"$TMP/err"
	status=$?
}

# Lines of stderr that are diagnostics: not an indented register dump, not
# matrix's summary table (which starts at "matrix: policy").
diagnostic_lines() {
	sed '/^matrix: policy/,$d' "$TMP/err" | grep -vc '^ '
}

# check NAME WANT_STATUS [STDERR_PART]: the last run's status, and a part
# of its stderr when given. A failure's diagnostic must be one line, with
# nothing else on stderr but an indented register dump.
check() {
	if [ "$status" != "$2" ]; then
		fail "$1" "status $status, want $2"
	elif [ -n "${3:-}" ] && ! grep -qF -- "$3" "$TMP/err"; then
		fail "$1" "stderr lacks '$3'"
	elif [ "$2" != 0 ] && [ "$(diagnostic_lines)" -gt 1 ]; then
		fail "$1" "more than one diagnostic line"
	else
		pass "$1"
	fi
}

# check_stdout NAME: the last run's stdout equals $TMP/want byte for byte.
check_stdout() {
	if cmp -s "$TMP/out" "$TMP/want"; then
		pass "$1"
	else
		fail "$1" "stdout differs from: $(tr '\n' '|' <"$TMP/want")"
	fi
}

line() { sed -n "$1p" "$TMP/out"; }
# The first "NAME":number in stderr (ours come before the kernel's).
json_field() { grep -o "\"$1\":[0-9]*" "$TMP/err" | head -1 | cut -d: -f2; }
# The host address of guest RAM, from simple-kvm --verbose.
ram_base() { sed -n 's/.*RAM at host address \(0x[0-9a-f]*\).*/\1/p' "$TMP/err"; }

