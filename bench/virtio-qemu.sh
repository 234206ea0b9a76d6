#!/bin/sh
# virtio-qemu.sh - issue 18's comparison: reads from /dev/vda inside the
# sandbox's Linux guest on simple-kvm's virtio-blk against QEMU's, on the
# same kernel, initramfs, image and /dev/kvm, in alternating rounds.
#
# Usage: bench/virtio-qemu.sh prepare [BUILD_DIR]  (on the host, from the
#                                                   repository's top; make bench)
#        bench/virtio-qemu.sh [BUILD_DIR]          (where Linux boots on KVM:
#                                                   the sandbox, in bench/run.sh)
# POSIX sh: the second form runs under the sandbox's busybox.
#
# prepare writes BUILD/virtio-qemu/:
#   disk.img        256 MiB of /dev/urandom, made once (kept across runs)
#   initramfs.cpio  bench/blk-initramfs.sh's (busybox, blkload, the sandbox
#                   kernel's virtio modules) with an /init that runs the
#                   loads, prints "VQ: ..." lines and reboots
#   qemu/           this machine's qemu-system-x86_64, its shared libraries
#                   and loader (scripts/copy-runtime-libs), and the firmware
#                   files a -kernel boot of -M pc loads (SeaBIOS, linuxboot,
#                   kvmvapic), for -L: the sandbox has no libraries or
#                   /usr/share of its own. Never committed.
#
# The method (the run):
# - The image and QEMU are copied into the sandbox's tmpfs first: the repo
#   is a 9p share there, and 9p would be what got measured. So both VMMs
#   read the image from the page cache: simple-kvm with preadv on its raw fd,
#   QEMU with cache=writeback (cache=none would need O_DIRECT, which the
#   sandbox kernel's tmpfs refuses), aio=threads, i.e. preadv on its thread
#   pool. Inside the guest every read is O_DIRECT, so the guest's own page
#   cache never answers.
# - Both boot build/sandbox/kernel/vmlinuz with the same initramfs, command
#   line, 256 MiB and 1 vCPU, console on the serial port. QEMU: -M pc
#   (conventional PCI through 0xCF8, as simple-kvm's), -cpu host, -accel
#   kvm, -nodefaults, virtio-blk-pci with disable-legacy=on (modern only,
#   as simple-kvm's) and QEMU's defaults otherwise (one queue, ioeventfd on,
#   EVENT_IDX and INDIRECT_DESC offered, MSI-X).
# - The loads, each BENCH_VQ_SECONDS long, in every boot: sequential read in
#   1 MiB blocks at QD 1, 4 KiB random reads at QD 1 and at QD 8 (blkload:
#   Linux AIO, O_DIRECT; the guest's clock, kvm-clock on both).
# - Rounds alternate simple-kvm, QEMU, simple-kvm, QEMU, ... (BENCH_VQ_ROUNDS
#   each, default 3), so that drift in the host's speed touches both alike;
#   each figure is the median of its rounds, the ratio simple-kvm / QEMU is
#   taken of the medians, and each round's own ratio is shown beside it.
# - Where the time goes: after the rounds, two more boots of each VMM, one
#   with the loads and one with none (vq.secs=0), while a sampler copies
#   KVM's debugfs counters (exits, MMIO exits to userspace, PIO exits,
#   halts, injected interrupts, emulated instructions); the loaded boot's
#   counts less the idle one's, over its requests, are the exits per
#   request of each VMM. The sampling costs CPU, so those boots are not
#   timed. simple-kvm's own --stats=json is printed beside them.
# Environment: BENCH_VQ_ROUNDS (5), BENCH_VQ_SECONDS (3), BENCH_VQ_KEEP (a
# directory for every boot's console and --stats), BENCH_VQ_REPORT (such a
# directory: the tables again from it, with no boots, anywhere).

# shellcheck source=qemu-common.sh
. "$(dirname "$0")/qemu-common.sh"

BUILD=${2:-${1:-build}}
[ "${1:-}" = prepare ] || BUILD=${1:-build}
V=$BUILD/virtio-qemu

# --- prepare (host) ---------------------------------------------------------
prepare() {
	set -eu
	mkdir -p "$V"
	if [ ! -s "$V/disk.img" ]; then
		head -c 268435456 /dev/urandom >"$V/disk.img.tmp"
		mv "$V/disk.img.tmp" "$V/disk.img"
	fi
	guest_init >"$V/init"
	bench/blk-initramfs.sh "$V/initramfs.cpio" "$V/init" "$BUILD"
	rm -f "$V/init"

	qemu_copy "$V/qemu"
}

# The guest's /init: the loads named by vq.secs= on the command line, each
# result line prefixed "VQ: ", then reboot (both VMMs end on it).
guest_init() {
	cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
[ -c /dev/console ] || mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in $(cat /lib/virtio/load-order); do insmod /lib/virtio/$m.ko || echo "VQ: insmod $m failed"; done
i=0
while [ ! -e /sys/block/vda/dev ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -b /dev/vda ] || mknod /dev/vda b $(tr : ' ' </sys/block/vda/dev)
secs=5
for w in $(cat /proc/cmdline); do
	case $w in vq.secs=*) secs=${w#vq.secs=} ;; esac
done
echo "VQ: clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "VQ: vda $(cat /sys/block/vda/size) sectors, max_sectors_kb $(cat /sys/block/vda/queue/max_sectors_kb), max_segments $(cat /sys/block/vda/queue/max_segments)"
if [ "$secs" = 0 ]; then
	: # the baseline boot: no load
else
	for l in "seq-1M-qd1 seq 1048576 1" "rand-4k-qd1 rand 4096 1" "rand-4k-qd8 rand 4096 8"; do
		set -- $l
		# blkload: dev=.. mode=.. bs=.. qd=.. secs=S ios=N iops=I MBps=M
		blkload /dev/vda $2 $3 $4 $secs >/tmp/out 2>&1
		sed -n "s/^blkload: .* secs=\([0-9.]*\) ios=\([0-9]*\) iops=\([0-9.]*\) MBps=\([0-9.]*\).*/VQ: result $1 ios \2 iops \3 mbps \4 secs \1/p" /tmp/out
		grep -q '^blkload: dev=' /tmp/out || echo "VQ: $1 failed: $(cat /tmp/out)"
	done
fi
# how the disk's interrupts arrive (MSI-X or a pin), for the exit counts
grep -i 'virtio\|timer\|LOC' /proc/interrupts | tr -s ' ' | sed 's/^/VQ: irq /'
echo "VQ: done"
reboot -f
INIT
}

if [ "${1:-}" = prepare ]; then
	prepare
	exit 0
fi

# --- the rounds (where Linux boots on KVM) ----------------------------------
ROUNDS=${BENCH_VQ_ROUNDS:-5}
SECS=${BENCH_VQ_SECONDS:-3}
LOADS="seq-1M-qd1 rand-4k-qd1 rand-4k-qd8"
# kvm_pvm cannot boot Linux: only the sandbox's kvm_amd (or hardware KVM).
if [ -d /sys/module/kvm_pvm ] && [ -z "${KVM_RUN_SANDBOX:-}" ] && [ -z "${BENCH_VQ_REPORT:-}" ]; then
	echo "not run on kvm_pvm, which cannot boot Linux (the sandbox's run has it)"
	exit 0
fi
if [ ! -s "$V/initramfs.cpio" ] || [ ! -x "$V/qemu/qemu-system-x86_64" ]; then
	echo "bench/virtio-qemu.sh: $V is not prepared (make bench, or bench/virtio-qemu.sh prepare)" >&2
	exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vq.XXXXXX") || exit 1
# BENCH_VQ_KEEP=DIR: the consoles and --stats of every boot are copied there
trap 'rm -rf "$TMP"' EXIT
# Local copies: in the sandbox, build/ is a 9p share.
cp "$V/disk.img" "$V/initramfs.cpio" "$BUILD/sandbox/kernel/vmlinuz" "$BUILD/simple-kvm" "$TMP/" &&
	cp -r "$V/qemu" "$TMP/qemu" || exit 1
APPEND="console=ttyS0 quiet panic=-1"

# KVM's own counters (debugfs, summed over the live VMs, of which one runs at
# a time here) say what a request costs each VMM in exits, QEMU's too. A
# VM's counts go when it does, so a sampler copies them every 0.5 s while
# it runs; the sampling costs CPU, so it runs only in boots of their own,
# outside the timed rounds.
kvm_debugfs_mount
# counted OUT SECS VMM: one boot, the last non-zero sample of the counters
# in OUT.k
counted() { kvm_counted "$1.k" "$3" "$1" "$2"; }

# sk OUT SECS: one simple-kvm boot; its console in OUT, --stats in OUT.err
sk() {
	"$TMP/simple-kvm" --kernel "$TMP/vmlinuz" --kernel-cache "$BUILD/kernel-cache" \
		--initrd "$TMP/initramfs.cpio" --append "$APPEND vq.secs=$2" --mem 256M --disk "$TMP/disk.img,ro" \
		--timeout 600s --stats=json </dev/null >"$1" 2>"$1.err"
	echo "exit status $?" >>"$1.err"
}
# qm OUT SECS: the same boot on QEMU
qm() {
	qemu_exec "$TMP/qemu" $QFLAGS \
		-kernel "$TMP/vmlinuz" -initrd "$TMP/initramfs.cpio" -append "$APPEND vq.secs=$2" \
		-drive "file=$TMP/disk.img,$QDRIVE" -device "virtio-blk-pci,drive=d0,$QDEV" \
		</dev/null >"$1" 2>"$1.err"
	echo "exit status $?" >>"$1.err"
}
QFLAGS="$QEMU_FLAGS -m 256"
QDRIVE="if=none,id=d0,format=raw,readonly=on,cache=writeback,aio=threads"
QDEV="disable-legacy=on"
# result FILE LOAD FIELD: a VQ result line's field (iops, mbps, ios)
result() {
	sed -n "s/^VQ: result $2 .* $3 \([0-9.]*\).*/\1/p; s/^VQ: result $2 $3 \([0-9.]*\).*/\1/p" "$1" | tr -d '\r' | head -n 1
}
# check FILE WHO: the boot reached "VQ: done", else say what it printed
check() {
	[ -z "${BENCH_VQ_KEEP:-}" ] || { mkdir -p "$BENCH_VQ_KEEP" && cp "$1"* "$BENCH_VQ_KEEP/"; }
	grep -q '^VQ: done' "$1" && return 0
	echo "bench/virtio-qemu.sh: $2 round did not finish; its last lines:" >&2
	tail -n 5 "$1" "$1.err" | sed 's/^/  | /' >&2
	return 1
}

echo "Linux $(cat "$BUILD/sandbox/kernel/release" 2>/dev/null) reading /dev/vda (256 MiB, O_DIRECT, ${SECS} s a load),"
echo "simple-kvm against $(cat "$TMP/qemu/version"), $ROUNDS alternating rounds each, on $(
	if [ -n "${BENCH_VQ_REPORT:-}" ]; then echo "the boots kept in $BENCH_VQ_REPORT"
	elif [ -n "${KVM_RUN_SANDBOX:-}" ]; then echo "the sandbox's kvm_amd (nested in QEMU TCG, $(grep -c '^processor' /proc/cpuinfo) CPU(s))"
	else for k in kvm_amd kvm_intel; do [ -d /sys/module/$k ] && echo "$k, direct" && break; done; fi)"
r=1
failed=0
# BENCH_VQ_REPORT=DIR: no boots, the tables from what BENCH_VQ_KEEP kept
if [ -n "${BENCH_VQ_REPORT:-}" ]; then
	cp "$BENCH_VQ_REPORT"/* "$TMP/" || exit 1
	r=$((ROUNDS + 1))
fi
while [ "$r" -le "$ROUNDS" ]; do
	sk "$TMP/sk.$r" "$SECS"; check "$TMP/sk.$r" simple-kvm || failed=1
	qm "$TMP/qm.$r" "$SECS"; check "$TMP/qm.$r" QEMU || failed=1
	r=$((r + 1))
done
# the counted boots: each VMM with the loads and with none
[ -n "${BENCH_VQ_REPORT:-}" ] || for w in sk qm; do
	counted "$TMP/$w.c" "$SECS" $w; check "$TMP/$w.c" "$w (counted)" || failed=1
	counted "$TMP/$w.0" 0 $w; check "$TMP/$w.0" "$w (no load)" || failed=1
done
grep -h '^VQ: clocksource' "$TMP/sk.1" "$TMP/qm.1" | tr -d '\r' | sed 's/^VQ: /  guest /' | paste -d' ' - - |
	awk '{ print "  guest clocksource: simple-kvm " $3 ", QEMU " $6 }'
printf "%-12s %6s %14s %14s %8s   %s\n" load unit simple-kvm QEMU ratio "per round (sk/QEMU)"
for l in $LOADS; do
	case $l in seq*) f=mbps u=MB/s ;; *) f=iops u=IOPS ;; esac
	per=""
	: >"$TMP/a" && : >"$TMP/b"
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		a=$(result "$TMP/sk.$r" $l $f) b=$(result "$TMP/qm.$r" $l $f)
		[ -z "$a" ] || echo "$a" >>"$TMP/a"
		[ -z "$b" ] || echo "$b" >>"$TMP/b"
		per="$per $(awk -v a="$a" -v b="$b" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }')"
		r=$((r + 1))
	done
	ma=$(median <"$TMP/a") mb=$(median <"$TMP/b")
	awk -v l=$l -v u=$u -v a="$ma" -v b="$mb" -v per="$per" 'BEGIN {
		ratio = (a == "n/a" || b == "n/a" || b == 0) ? "n/a" : sprintf("%.3f", a / b)
		printf "%-12s %6s %14s %14s %8s  %s\n", l, u, a, b, ratio, per }'
done

# Exits per request: the counted loaded boot's counters less the unloaded
# boot's, over the loaded boot's requests (its three loads').
echo "exits per request, all three loads (KVM's debugfs counters in a boot of their own, less"
echo "those of a boot with no load, over its requests; MMIO exits: to userspace; PIO exits: all, in-kernel too):"
printf "  %-10s %10s %10s %10s %10s %12s %12s\n" "" "all exits" "MMIO exits" "PIO exits" halts "irqs in" "insn emul"
for w in sk qm; do
	ios=0
	for l in $LOADS; do n=$(result "$TMP/$w.c" $l ios); ios=$((ios + ${n:-0})); done
	echo "$ios $(cat "$TMP/$w.c.k") $(cat "$TMP/$w.0.k")" |
		awk -v w=$w 'NF == 13 && $1 > 0 { n = w == "sk" ? "simple-kvm" : "QEMU"
			for (c = 1; c <= 6; c++) d[c] = ($(1 + c) - $(7 + c)) / $1
			printf "  %-10s %10.2f %10.2f %10.2f %10.2f %12.2f %12.2f  (%d requests)\n", n, d[1], d[2], d[3], d[4], d[5], d[6], $1
			next }
		{ print "  " w ": no counts (debugfs not readable, or a boot failed)" }'
done
echo "  (simple-kvm's own --stats, counted boot: $(tr -d '\r' <"$TMP/sk.c.err" | grep -o '"by_reason":{[^}]*}'))"
[ "$failed" = 0 ]
