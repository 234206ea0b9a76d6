#!/bin/sh
# virtio-exits.sh - issue 18's disk-exit figure: exits to userspace for the
# disk (MMIO exits to its BAR, queue kicks among them) per 4 KiB
# virtio-blk request, Linux guest, queue depth >= 8. Boots the sandbox's
# kernel under simple-kvm --kernel with one --disk and the initramfs of
# bench/virtio-exits-initramfs.sh, runs blkload's random 4 KiB reads at
# QD for SECS seconds, and reads --stats=json's "devices" count. Once
# with the device thread (kicks on ioeventfds, completions on irqfds) and
# once with --no-ioeventfd (every kick traps; the vCPU serves the disk),
# the path before issue 18's item 3. The count includes the driver's
# handshake at boot (some 50 exits), so it is an upper bound; a third,
# 1-second boot with the thread gives the exits beyond the handshake:
# (exits - exits_1s) / (requests - requests_1s).
# Usage: bench/virtio-exits.sh [BUILD_DIR]. Needs a KVM that boots Linux
# (the sandbox: scripts/kvm-run). POSIX sh, for the sandbox's busybox.
# Environment: BENCH_BLK_SECONDS (5), BENCH_BLK_QD (8).

BUILD=${1:-build}
SECS=${BENCH_BLK_SECONDS:-5}
QD=${BENCH_BLK_QD:-8}
B=$BUILD/bench-blk
KERNEL=$BUILD/sandbox/kernel/vmlinuz
for f in "$B/initramfs.cpio" "$B/disk.img" "$KERNEL" "$BUILD/simple-kvm"; do
	[ -r "$f" ] || { echo "bench/virtio-exits.sh: $f missing (make bench builds it)" >&2; exit 1; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/blk-bench.XXXXXX") || exit 1
# local copies: in the sandbox, build/ is a 9p share
cp "$BUILD/simple-kvm" "$B/initramfs.cpio" "$B/disk.img" "$KERNEL" "$TMP/" || exit 1

# one NAME SECONDS [FLAGS]: a boot; its console in TMP/NAME.out, --stats
# in .err
one() {
	name=$1 secs=$2
	shift 2
	"$TMP/simple-kvm" --kernel "$TMP/vmlinuz" --kernel-cache "$BUILD/kernel-cache" \
		--initrd "$TMP/initramfs.cpio" \
		--append "console=ttyS0 quiet blk.mode=rand blk.qd=$QD blk.secs=$secs" \
		--mem 256M --disk "$TMP/disk.img,ro" --timeout 300s --stats=json "$@" \
		</dev/null >"$TMP/$name.out" 2>"$TMP/$name.err" ||
		{ echo "bench/virtio-exits.sh: $name: status $?: $(tail -n 3 "$TMP/$name.err")" >&2; return 1; }
	grep -q '^blkload: ' "$TMP/$name.out" ||
		{ echo "bench/virtio-exits.sh: $name: no blkload line: $(tail -n 3 "$TMP/$name.out")" >&2; return 1; }
}
# blk NAME KEY, js NAME PREFIX: a number from the boot's blkload line,
# or after PREFIX in its --stats JSON
blk() { sed -n "s/^blkload: .* $2=\([0-9.]*\).*/\1/p" "$TMP/$1.out" | head -n 1; }
js() { sed -n "s/.*$2\([0-9]*\).*/\1/p" "$TMP/$1.err" | head -n 1; }
reqs() { sed -n 's/^BLK-BENCH: requests \([0-9]*\).*/\1/p' "$TMP/$1.out" | tr -d '\r'; }
dexits() { js "$1" '"virtio-blk":{"exits":'; }
report() {
	reqs=$(reqs "$1")
	exits=$(dexits "$1")
	kicks=$(js "$1" '"virtio-blk":{"exits":[0-9]*,"kicks":')
	all=$(sed -n 's/^{"exits":\([0-9]*\).*/\1/p' "$TMP/$1.err" | head -n 1)
	awk -v n="$2" -v reqs="$reqs" -v e="$exits" -v k="$kicks" \
		-v all="$all" -v iops="$(blk "$1" iops)" 'BEGIN {
		printf "  %-34s %8.4f  (%d exits, %d kicks trapped; %d requests, %.0f IOPS; %.2f exits of all kinds per request)\n",
			n, e / reqs, e, k, reqs, iops, all / reqs
	}'
}

one thread "$SECS" || { rm -rf "$TMP"; exit 1; }
one short 1 || { rm -rf "$TMP"; exit 1; }
one traps "$SECS" --no-ioeventfd || { rm -rf "$TMP"; exit 1; }
echo "virtio-blk, Linux guest, 4 KiB random reads at queue depth $QD for $SECS s (blkload), on $(for k in kvm_pvm kvm_amd kvm_intel; do [ -d /sys/module/$k ] && echo $k && break; done)"
echo "  disk exits per request (target <= 0.05; the boot's handshake included):"
report thread "device thread, ioeventfd + irqfd"
report traps "--no-ioeventfd (kicks trap)"
awk -v e="$(dexits thread)" -v r="$(reqs thread)" -v e1="$(dexits short)" \
	-v r1="$(reqs short)" 'BEGIN {
	printf "  beyond the handshake, device thread %8.4f  ((%d - %d exits) / (%d - %d requests), against a 1 s boot)\n",
		(r > r1 ? (e - e1) / (r - r1) : -1), e, e1, r, r1
}'
rm -rf "$TMP"
