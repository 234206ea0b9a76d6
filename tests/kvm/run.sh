#!/bin/sh
# run.sh - the real-KVM suite: every case runs against /dev/kvm.
#
# Runs inside one scripts/kvm-run (a sandbox boot, or the host's own KVM),
# so it is POSIX sh for busybox. Prints TAP lines; exits 0 only when every
# case passed. Usage: tests/kvm/run.sh [BUILD_DIR]

here=$(dirname "$0")
. "$here/lib.sh"

echo "# kvm suite on $(uname -r): $(ls -l /dev/kvm 2>&1)"
# Seconds since boot, to show where the suite's time goes.
uptime_s() { cut -d' ' -f1 /proc/uptime; }
section() {
	now=$(uptime_s)
	[ -z "${section_name:-}" ] ||
		echo "# --- $section_name took $(awk "BEGIN { print $now - $section_start }") s"
	section_name=$1 section_start=$now
}

. "$here/hostile.sh"
LABEL=""

# KVM_TEST_ONLY="gdb linux": run only the sections named (for working on
# one part; make test always runs them all).
wanted() {
	[ -z "${KVM_TEST_ONLY:-}" ] && return 0
	case " $KVM_TEST_ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

if wanted simple-kvm; then section simple-kvm; . "$here/simple-kvm.sh"; fi
if wanted hostile; then section hostile; memory_cases; other_cases; fi
if wanted matrix; then section matrix; . "$here/matrix.sh"; fi
if wanted seccomp; then
section seccomp
# The allowlist's refusals and allowances, tested on this very kernel: the
# sandbox's (6.1) when the suite runs there, not only the host's.
lib=$BUILD/tests/unit/lib
if [ -x "$lib/ld-linux-x86-64.so.2" ] && [ -x "$BUILD/tests/unit/test_seccomp" ]; then
	run "$lib/ld-linux-x86-64.so.2" --library-path "$lib" \
		"$BUILD/tests/unit/test_seccomp"
	check "seccomp: every refusal and allowance holds on $(uname -r)" 0
else
	skip "seccomp on this kernel" "$lib not built (make test builds it)"
fi
fi
if wanted pagewalk; then section pagewalk; . "$here/pagewalk.sh"; fi
if wanted faults; then section faults; . "$here/faults.sh"; fi # fault reports, x87/SSE guests
if wanted linux; then section linux; . "$here/linux.sh"; fi # simple-kvm --kernel (docs/linux.md)
if wanted gdb; then section gdb; . "$here/gdb.sh"; fi # simple-kvm --gdb (docs/debugging.md)
if wanted virtio; then section virtio; . "$here/virtio.sh"; fi # the bare virtio-blk driver (docs/virtio.md)
if wanted net; then section net; . "$here/net.sh"; fi # tap and vhost-net backends (docs/virtio.md)

# The cases in which the VMM touches guest memory at addresses the guest
# chose, again against ASan/UBSan builds: any access outside guest RAM
# becomes a report and a wrong status. KVM_TEST_SANITIZED=all runs every
# hostile case so (about 25 s more in the sandbox).
if [ -x "$BUILD/asan/simple-kvm" ] && wanted sanitized; then
	section "hostile, sanitized"
	sanitized_programs
	# Leak checking on, as a user's ASan run has it: the exit's
	# stop-the-world needs calls that only a sanitized build's allowlist
	# has, and without them the run dies of SIGSYS (status 159).
	run env ASAN_OPTIONS=exitcode=99 "$SK" -l
	check "asan: the demo under seccomp, leak check at exit included" 0
	run env ASAN_OPTIONS=exitcode=99 "$MX" --policy io --slices 6 --quiet
	check "asan: matrix under seccomp, leak check at exit included" 0
	LABEL="asan: "
	memory_cases
	[ "${KVM_TEST_SANITIZED:-}" != all ] || other_cases
fi
section ""
echo "1..$n"
echo "# kvm suite: $((n - failed)) of $n passed"
rm -rf "$TMP"
[ "$failed" -eq 0 ]
