#!/bin/sh
# boot.sh - issue 20's boot figure: seconds from simple-kvm's start to the
# first line of init, Debian's bzImage (the sandbox's kernel), quiet, 256
# MiB, 1 vCPU, the PVH path with the kernel cache filled against
# --boot bzimage (the guest decompresses itself), in alternating rounds;
# then one PVH boot with an empty cache (liblzma in the VMM, here). Where
# the transparent huge pages setting can be written (the sandbox, as
# root), each round also boots the PVH path with it at "never", so that
# guest RAM is on 4 KiB pages only: what the 2 MiB-aligned RAM with
# MADV_HUGEPAGE buys (issue 20, item 1). Where a copy of this machine's
# QEMU is in BUILD/net-qemu/qemu (make bench prepares it), each round also
# boots QEMU's fastest configuration, -M microvm,rtc=on with the cached
# vmlinux by its PVH note, the same initramfs and command line (reboot=t:
# microvm has no i8042), timed the same way.
#
# Usage: bench/boot.sh [BUILD_DIR [ROUNDS]]   (make bench-boot runs it in
# the sandbox: scripts/kvm-run bench/boot.sh build). Needs real KVM, the
# test initramfs (make test-build) and a filled cache (make kernel-cache).
# Prints one line per boot and a summary; the figures are in
# docs/benchmarks.md (issue 20).
set -u
BUILD=${1:-build}
ROUNDS=${2:-5}
SK=$BUILD/simple-kvm
KERNEL=$BUILD/sandbox/kernel/vmlinuz
INITRD=$BUILD/linux-test/initramfs.cpio
CACHE=$BUILD/kernel-cache
TMP=$(mktemp -d "${TMPDIR:-/tmp}/boot-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

for f in "$SK" "$KERNEL" "$INITRD"; do
	[ -r "$f" ] || { echo "boot.sh: $f is missing (make test-build)" >&2; exit 1; }
done
now() { cut -d' ' -f1 /proc/uptime; }

# until_init: reads a boot's console on stdin and prints the seconds from
# $t0 to init's marker, then drains the rest
until_init() {
	while IFS= read -r line; do
		case $line in
		*"LINUX-TEST: init started"*)
			awk "BEGIN { printf \"%.2f\n\", $(now) - $t0 }"
			cat >/dev/null
			;;
		esac
	done
}

# boot PATH CACHE_DIR [CPUS]: one boot; prints the seconds to init's
# marker (the guest then panics with panic=-1, which ends the run).
boot() {
	t0=$(now)
	"$SK" --kernel "$KERNEL" --initrd "$INITRD" --mem 256M --timeout 120s \
		--boot "$1" --kernel-cache "$2" --cpus "${3:-1}" -v \
		--append "console=ttyS0 quiet panic=-1 lxtest=panic" </dev/null 2>"$TMP/err" |
		until_init
}

# qm_boot: QEMU microvm, PVH entry of the cached vmlinux, to init's marker
qm_boot() {
	t0=$(now)
	qemu_exec "$QD" -M microvm,rtc=on -accel kvm -cpu host -smp 1 -m 256 \
		-nodefaults -no-user-config -display none -no-reboot -serial stdio \
		-kernel "$VMLINUX" -initrd "$INITRD" \
		-append "console=ttyS0 quiet panic=-1 reboot=t lxtest=panic" </dev/null 2>"$TMP/qerr" |
		until_init
}

# range FILE: "[min-max]" of the numbers in FILE, one a line
range() { echo "[$(sort -n "$1" | head -1)-$(sort -n "$1" | tail -1)]"; }

# median of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

if ! "$SK" --kernel "$KERNEL" --kernel-cache "$CACHE" --fill-kernel-cache -v 2>&1 |
	grep -q "(hit)"; then
	echo "boot.sh: the cache $CACHE was not filled before this run (make kernel-cache)" >&2
fi
: >"$TMP/pvh"
: >"$TMP/bzimage"
: >"$TMP/pvh-4k"
: >"$TMP/qm-microvm"
QD=$BUILD/net-qemu/qemu
VMLINUX=$(ls "$CACHE"/vmlinux-* 2>/dev/null | head -n 1)
qemu=
if [ -x "$QD/qemu-system-x86_64" ] && [ -r "$QD/share/bios-microvm.bin" ] && [ -n "$VMLINUX" ]; then
	# Both VMMs run from local copies (in the sandbox build/ is a 9p
	# share, slow for QEMU's 70 libraries); both read the kernel and the
	# initramfs from the same files.
	cp -r "$QD" "$TMP/qemu" && cp "$SK" "$TMP/simple-kvm" || exit 1
	QD=$TMP/qemu SK=$TMP/simple-kvm
	. "$(dirname "$0")/qemu-common.sh"
	# shellcheck disable=SC2034 # qemu_exec reads it
	QEMU_TIMEOUT=120
	qemu="qm-microvm"
	echo "QEMU: $(cat "$QD/version"), -M microvm,rtc=on, PVH entry of $VMLINUX"
else
	echo "QEMU: no copy with microvm's firmware in $QD (make bench prepares it); its rows are skipped"
fi
THP=/sys/kernel/mm/transparent_hugepage/enabled
thp_was=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$THP" 2>/dev/null)
small=
if [ -n "$thp_was" ] && [ "$thp_was" != never ] && [ -w "$THP" ]; then
	small="pvh-4k"
	trap 'echo "$thp_was" >"$THP"; rm -rf "$TMP"' EXIT
	echo "transparent huge pages: $thp_was (pvh-4k boots with never)"
fi
# With two or more CPUs here (KVM_RUN_SMP=2), each round also boots the
# PVH path with --cpus 2: issue 20's "--cpus 2 / 1 vCPU", reported.
: >"$TMP/pvh-2cpu"
smp=
[ "$(grep -c '^processor' /proc/cpuinfo)" -lt 2 ] || smp="pvh-2cpu"
# one_boot CONFIG: pvh, bzimage, pvh-4k (pvh with huge pages off),
# pvh-2cpu (--cpus 2) or qm-microvm
one_boot() {
	if [ "$1" = pvh-2cpu ]; then
		boot pvh "$CACHE" 2
	elif [ "$1" = qm-microvm ]; then
		qm_boot
	elif [ "$1" = pvh-4k ]; then
		echo never >"$THP"
		boot pvh "$CACHE"
		echo "$thp_was" >"$THP"
	else
		boot "$1" "$CACHE"
	fi
}
i=1
while [ "$i" -le "$ROUNDS" ]; do
	# alternate which path goes first, so that neither always follows
	# the other's page cache and host load
	if [ $((i % 2)) = 1 ]; then order="pvh $smp $qemu bzimage $small"; else order="$small bzimage $qemu $smp pvh"; fi
	for p in $order; do
		t=$(one_boot "$p")
		echo "round $i: $p ${t:-failed} s"
		[ -n "$t" ] && echo "$t" >>"$TMP/$p"
	done
	i=$((i + 1))
done
t=$(boot pvh "$TMP/empty-cache")
echo "one boot with an empty cache (the VMM decompresses): ${t:-failed} s; $(grep -o 'decompressed from the [a-z]* payload in [0-9.]* s' "$TMP/err" 2>/dev/null || true)"
pvh=$(median <"$TMP/pvh")
bz=$(median <"$TMP/bzimage")
echo "median to init's first line: pvh (cache filled) $pvh s $(range "$TMP/pvh"), --boot bzimage $bz s $(range "$TMP/bzimage"), $ROUNDS rounds"
awk "BEGIN { if ($bz > 0) printf \"pvh / bzimage: %.2f (target <= 0.6)\n\", $pvh / $bz }"
if [ -n "$small" ]; then
	p4=$(median <"$TMP/pvh-4k")
	echo "median pvh with huge pages off: $p4 s $(range "$TMP/pvh-4k")"
	awk "BEGIN { if ($p4 > 0) printf \"pvh / pvh with 4 KiB pages: %.2f (reported)\n\", $pvh / $p4 }"
fi
if [ -n "$qemu" ]; then
	qm=$(median <"$TMP/qm-microvm")
	echo "median QEMU -M microvm,rtc=on (PVH): $qm s $(range "$TMP/qm-microvm")"
	awk "BEGIN { if ($qm > 0) printf \"pvh / QEMU microvm: %.2f (target <= 0.8)\n\", $pvh / $qm }"
fi
if [ -n "$smp" ]; then
	p2=$(median <"$TMP/pvh-2cpu")
	echo "median pvh with --cpus 2: $p2 s $(range "$TMP/pvh-2cpu")"
	awk "BEGIN { if ($pvh > 0) printf \"--cpus 2 / 1 vCPU: %.2f (reported; $(grep -c '^processor' /proc/cpuinfo) sandbox CPUs)\n\", $p2 / $pvh }"
fi
