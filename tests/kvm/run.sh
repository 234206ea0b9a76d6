#!/bin/sh
# run.sh - the real-KVM suite: every case runs against /dev/kvm.
#
# Runs inside one scripts/kvm-run (a sandbox boot, or the host's own KVM),
# so it is POSIX sh for busybox. Prints TAP lines; exits 0 only when every
# case passed. Usage: tests/kvm/run.sh [BUILD_DIR]

here=$(dirname "$0")
. "$here/lib.sh"

echo "# kvm suite on $(uname -r): $(ls -l /dev/kvm 2>&1)"
for cases in simple-kvm matrix; do
	echo "# --- $cases"
	. "$here/$cases.sh"
done

echo "1..$n"
echo "# kvm suite: $((n - failed)) of $n passed"
rm -rf "$TMP"
[ "$failed" -eq 0 ]
