# lib.sh - what the real-KVM cases share: a scratch directory with local
# copies of the programs and guests, and TAP reporting. Sourced by run.sh
# and soak.sh, which set here to tests/kvm.

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
# on for them as for the release builds: a sanitized build's allowlist
# also lets through what LeakSanitizer calls at exit (seccomp_filter.c).
sanitized_programs() {
	cp -r "$BUILD/asan/lib" "$TMP/asan-lib" || exit 1
	cp "$BUILD/asan/simple-kvm" "$BUILD/asan/matrix" "$TMP/asan-lib/" || exit 1
	for prog in simple-kvm matrix; do
		cat >"$TMP/asan-$prog" <<-WRAPPER
			#!/bin/sh
			exec "$TMP/asan-lib/ld-linux-x86-64.so.2" --library-path "$TMP/asan-lib" \
				"$TMP/asan-lib/$prog" "\$@"
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

# The KVM this suite runs on. kvm_pvm (a KVM that needs no VT-x/AMD-V)
# refuses 32-bit paging: it drops CR0.PG, and simple-kvm refuses a mode
# that did not stick. Cases that need it are reported as skipped there.
if [ -d /sys/module/kvm_pvm ]; then
	KVM_BACKEND=kvm_pvm
	NO_PAGING="kvm_pvm refuses 32-bit paging"
elif [ -d /sys/module/kvm_amd ]; then
	KVM_BACKEND=kvm_amd
	NO_PAGING=""
else
	KVM_BACKEND=kvm_intel
	NO_PAGING=""
fi
echo "# backend: $KVM_BACKEND"

flag_of() {
	case $1 in
	real) echo -r ;; protected) echo -s ;; paged) echo -p ;; long) echo -l ;;
	esac
}

pass() {
	n=$((n + 1))
	if [ -n "${skip_reason:-}" ]; then
		echo "ok $n - $1 # SKIP $skip_reason"
	else
		echo "ok $n - $1"
	fi
}

# skip NAME WHY: a case that cannot run here, a TAP skip with the reason.
skip() {
	skip_reason=$2
	pass "$1"
	skip_reason=""
}

# fail NAME WHY: reports the case with the command's output (a case the
# backend cannot run is a skip, not a failure).
fail() {
	if [ -n "${skip_reason:-}" ]; then
		pass "$1"
		return
	fi
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1: $2"
	echo "#   command: $last_cmd"
	sed 's/^/#   stdout: /' "$TMP/out"
	sed 's/^/#   stderr: /' "$TMP/err"
}

# needs_paging ARGS...: true when a command runs a guest in 32-bit paged
# mode (-p, --paged, or a test guest built for it).
needs_paging() {
	for a in "$@"; do
		case $a in -p | --paged | *-paged.bin | *-paged.elf) return 0 ;; esac
	done
	return 1
}

# run CMD...: runs it with stdout and stderr captured; sets $status. On a
# backend without 32-bit paging a paged command is not run, and the
# checks that follow it report a skip with the reason.
run() {
	last_cmd="$*"
	skip_reason=""
	if [ -n "$NO_PAGING" ] && needs_paging "$@"; then
		skip_reason=$NO_PAGING
		: >"$TMP/out"
		: >"$TMP/err"
		status=0
		return
	fi
	[ -z "${KVM_TEST_TIMES:-}" ] || t_run=$(cut -d' ' -f1 /proc/uptime)
	"$@" >"$TMP/out" 2>"$TMP/err"
	status=$?
	[ -z "${KVM_TEST_TIMES:-}" ] ||
		echo "# took $(awk -v t="$t_run" '{ print $1 - t }' /proc/uptime) s: $last_cmd"
}

# Lines of stderr that are diagnostics: not an indented register dump, not
# matrix's summary table (which starts at "matrix: policy"), not a
# --stats=json object.
diagnostic_lines() {
	sed '/^matrix: policy/,$d' "$TMP/err" | grep -v '^{' | grep -vc '^ '
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

# check_stdout NAME GOT WANT: the file GOT (usually $TMP/out, or a part of
# it cut out with `line`) holds exactly the bytes of printf WANT.
check_stdout() {
	printf "$3" >"$TMP/want"
	if cmp -s "$2" "$TMP/want"; then
		pass "$1"
	else
		fail "$1" "got '$(tr '\n' '|' <"$2")', want '$(tr '\n' '|' <"$TMP/want")'"
	fi
}

line() { sed -n "$1p" "$TMP/out"; }

# JSON fields: scripts/json.sh ($here, set by the caller, is tests/kvm),
# with jq the host's or, in the sandbox, the copy make puts in BUILD/jq.
. "$here/../../scripts/json.sh"
json_use_build_jq "$BUILD" "$TMP" || exit 1
# top_field FIELD: a top-level field of the JSON summary on stdout.
top_field() { json_field "$TMP/out" "$1"; }
# vm_field VM FIELD: a field of the VM called VM in that summary.
vm_field() { json_vm_field "$TMP/out" "$1" "$2"; }
# stats_field FIELD: a field of simple-kvm's --stats=json object on stderr.
stats_field() {
	grep '^{' "$TMP/err" >"$TMP/stats.json"
	json_field "$TMP/stats.json" "$1"
}
# The host address of guest RAM, from simple-kvm --verbose.
ram_base() { sed -n 's/.*RAM at host address \(0x[0-9a-f]*\).*/\1/p' "$TMP/err"; }

# Sets GDB to a command that runs gdb, or leaves it empty: the host's own,
# or in the sandbox (no libraries there) the copy that make puts in
# $BUILD/gdb-rt with its libraries, Python and data directory.
gdb_find() {
	GDB=
	rt=$BUILD/gdb-rt
	if [ -x "$rt/gdb" ] && { [ -n "${KVM_RUN_SANDBOX:-}" ] ||
		! command -v gdb >/dev/null 2>&1; }; then
		cat >"$TMP/gdb" <<-WRAPPER
			#!/bin/sh
			PYTHONHOME="$rt" exec "$rt/ld-linux-x86-64.so.2" \
				--library-path "$rt" "$rt/gdb" --data-directory="$rt/data" "\$@"
		WRAPPER
		chmod +x "$TMP/gdb"
		GDB=$TMP/gdb
	elif command -v gdb >/dev/null 2>&1; then
		GDB=gdb
	fi
}

# wait_for_socket PATH PID: up to 10 s for the unix socket PATH that
# process PID (simple-kvm --gdb unix:PATH) listens on; 0 once it is there.
wait_for_socket() {
	i=0
	while [ ! -S "$1" ] && [ $i -lt 100 ] && kill -0 "$2" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$1" ]
}
