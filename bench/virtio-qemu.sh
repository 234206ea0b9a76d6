#!/bin/sh
# virtio-qemu.sh - issue 18's comparison: reads from /dev/vda inside the
# sandbox's Linux guest on simple-kvm's virtio-blk against QEMU's, on the
# same kernel, initramfs, image and /dev/kvm, in alternating rounds.
#
# Usage: bench/virtio-qemu.sh prepare [BUILD_DIR]  (on the host; make bench)
#        bench/virtio-qemu.sh [BUILD_DIR]          (where Linux boots on KVM:
#                                                   the sandbox, in bench/run.sh)
# POSIX sh: the second form runs under the sandbox's busybox.
#
# prepare writes BUILD/virtio-qemu/:
#   disk.img        256 MiB of /dev/urandom, made once (kept across runs)
#   initramfs.cpio  busybox, blkload (guest/linux/blkload.c, static) when it
#                   is there, the virtio modules from the sandbox's kernel
#                   package (as tests/kvm/linux-initramfs.sh takes them), and
#                   an /init that runs the loads, prints "VQ: ..." lines and
#                   reboots
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
# - simple-kvm runs with --stats=json: its exits over the load's requests
#   say where its time goes (the boot's own exits are subtracted by one
#   extra simple-kvm boot whose loads are 0 s long).
# Environment: BENCH_VQ_ROUNDS (3), BENCH_VQ_SECONDS (5), BENCH_VQ_KEEP (a
# directory for every boot's console and --stats).

BUILD=${2:-${1:-build}}
[ "${1:-}" = prepare ] || BUILD=${1:-build}
V=$BUILD/virtio-qemu
MODS="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk"

# --- prepare (host) ---------------------------------------------------------
prepare() {
	set -eu
	mkdir -p "$V"
	if [ ! -s "$V/disk.img" ]; then
		head -c 268435456 /dev/urandom >"$V/disk.img.tmp"
		mv "$V/disk.img.tmp" "$V/disk.img"
	fi
	stage=$(mktemp -d "$V/stage.XXXXXX")
	trap 'rm -rf "$stage"' EXIT
	mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/lib/virtio" "$stage/x"
	cp /bin/busybox "$stage/bin/busybox"
	if [ -f guest/linux/blkload.c ]; then
		${CC:-gcc} -static -O2 -Wall -Wextra -Werror guest/linux/blkload.c -o "$stage/bin/blkload"
	fi
	deb=$(ls "$BUILD"/sandbox/deb/linux-image-*.deb | head -n 1)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$stage/x" --wildcards \
		'./lib/modules/*/kernel/drivers/virtio/*' \
		'./lib/modules/*/kernel/drivers/block/virtio_blk.ko'
	for m in $MODS; do
		cp "$stage"/x/lib/modules/*/kernel/drivers/*/"$m.ko" "$stage/lib/virtio/"
	done
	rm -rf "$stage/x"
	mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
	guest_init >"$stage/init"
	chmod 755 "$stage/init" "$stage/bin/"*
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc --owner=0:0 --quiet) >"$V/initramfs.cpio.tmp"
	mv "$V/initramfs.cpio.tmp" "$V/initramfs.cpio"

	q=$(command -v qemu-system-x86_64)
	rm -rf "$V/qemu" && mkdir -p "$V/qemu/share"
	scripts/copy-runtime-libs "$V/qemu/lib" "$q"
	cp "$q" "$V/qemu/"
	for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin \
		/usr/share/qemu/kvmvapic.bin; do
		cp -L "$f" "$V/qemu/share/"
	done
	"$q" --version | head -n 1 >"$V/qemu/version"
}

# The guest's /init: the loads named by vq.secs= on the command line, each
# result line prefixed "VQ: ", then reboot (both VMMs end on it).
guest_init() {
	cat <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
[ -c /dev/console ] || mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in $MODS; do insmod /lib/virtio/\$m.ko || echo "VQ: insmod \$m failed"; done
INIT
	cat <<'INIT'
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
elif [ -x /bin/blkload ]; then
	for l in "seq 1048576 1" "rand 4096 1" "rand 4096 8"; do
		set -- $l
		echo "VQ: $1 $2 $3 $(blkload /dev/vda $1 $2 $3 $secs 2>&1 | grep -m1 blkload:)"
	done
else
	# before blkload: busybox dd, sequential only, 20 MiB per second
	# asked, timed by /proc/uptime (this dd prints no rate)
	n=$((secs * 20))
	t0=$(cut -d' ' -f1 /proc/uptime)
	dd if=/dev/vda of=/dev/null bs=1M count=$n iflag=direct 2>/dev/null
	t1=$(cut -d' ' -f1 /proc/uptime)
	awk -v n=$n -v a=$t0 -v b=$t1 'BEGIN { s = b - a; if (s <= 0) s = 0.01
		printf "VQ: result seq-1M-qd1 ios %d iops %.1f mbps %.2f (dd)\n", n, n / s, n * 1.048576 / s }'
fi
echo "VQ: done"
reboot -f
INIT
}

if [ "${1:-}" = prepare ]; then
	prepare
	exit 0
fi

# --- the rounds (where Linux boots on KVM) ----------------------------------
ROUNDS=${BENCH_VQ_ROUNDS:-3}
SECS=${BENCH_VQ_SECONDS:-5}
LOADS="seq-1M-qd1 rand-4k-qd1 rand-4k-qd8"
if [ ! -s "$V/initramfs.cpio" ] || [ ! -x "$V/qemu/qemu-system-x86_64" ]; then
	echo "bench/virtio-qemu.sh: $V is not prepared (make bench, or bench/virtio-qemu.sh prepare)" >&2
	exit 1
fi
# kvm_pvm cannot boot Linux: only the sandbox's kvm_amd (or hardware KVM).
if [ -d /sys/module/kvm_pvm ] && [ -z "${KVM_RUN_SANDBOX:-}" ]; then
	echo "not run on kvm_pvm, which cannot boot Linux (the sandbox's run has it)"
	exit 0
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vq.XXXXXX") || exit 1
# BENCH_VQ_KEEP=DIR: the consoles and --stats of every boot are copied there
trap '[ -z "${BENCH_VQ_KEEP:-}" ] || { mkdir -p "$BENCH_VQ_KEEP" && cp "$TMP"/sk.* "$TMP"/qm.* "$BENCH_VQ_KEEP/"; }; rm -rf "$TMP"' EXIT
# Local copies: in the sandbox, build/ is a 9p share.
cp "$V/disk.img" "$V/initramfs.cpio" "$BUILD/sandbox/kernel/vmlinuz" "$BUILD/simple-kvm" "$TMP/" &&
	cp -r "$V/qemu" "$TMP/qemu" || exit 1
APPEND="console=ttyS0 quiet panic=-1"

# sk OUT SECS: one simple-kvm boot; its console in OUT, --stats in OUT.err
sk() {
	"$TMP/simple-kvm" --kernel "$TMP/vmlinuz" --initrd "$TMP/initramfs.cpio" \
		--append "$APPEND vq.secs=$2" --mem 256M --disk "$TMP/disk.img,ro" \
		--timeout 600s --stats=json </dev/null >"$1" 2>"$1.err"
}
# qm OUT SECS: the same boot on QEMU
qm() {
	q=$TMP/qemu
	timeout 600 env -i "$q/lib/ld-linux-x86-64.so.2" --library-path "$q/lib" \
		"$q/qemu-system-x86_64" -L "$q/share" $QFLAGS \
		-kernel "$TMP/vmlinuz" -initrd "$TMP/initramfs.cpio" -append "$APPEND vq.secs=$2" \
		-drive "file=$TMP/disk.img,$QDRIVE" -device "virtio-blk-pci,drive=d0,$QDEV" \
		</dev/null >"$1" 2>"$1.err"
}
QFLAGS="-M pc -accel kvm -cpu host -m 256 -smp 1 -nodefaults -no-user-config -display none -no-reboot -serial stdio"
QDRIVE="if=none,id=d0,format=raw,readonly=on,cache=writeback,aio=threads"
QDEV="disable-legacy=on"
# result FILE LOAD FIELD: a VQ result line's field (iops, mbps, ios)
result() {
	sed -n "s/^VQ: result $2 .* $3 \([0-9.]*\).*/\1/p; s/^VQ: result $2 $3 \([0-9.]*\).*/\1/p" "$1" | tr -d '\r' | head -n 1
}
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "n/a"; exit }
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# check FILE WHO: the boot reached "VQ: done", else say what it printed
check() {
	grep -q '^VQ: done' "$1" && return 0
	echo "bench/virtio-qemu.sh: $2 round did not finish; its last lines:" >&2
	tail -n 5 "$1" "$1.err" | sed 's/^/  | /' >&2
	return 1
}

echo "Linux $(cat "$BUILD/sandbox/kernel/release" 2>/dev/null) reading /dev/vda (256 MiB, O_DIRECT, ${SECS} s a load),"
echo "simple-kvm against $(cat "$TMP/qemu/version"), $ROUNDS alternating rounds each, on $(
	if [ -n "${KVM_RUN_SANDBOX:-}" ]; then echo "the sandbox's kvm_amd (nested in QEMU TCG)"
	else for k in kvm_amd kvm_intel; do [ -d /sys/module/$k ] && echo "$k, direct" && break; done; fi)"
r=1
failed=0
while [ "$r" -le "$ROUNDS" ]; do
	sk "$TMP/sk.$r" "$SECS"; check "$TMP/sk.$r" simple-kvm || failed=1
	qm "$TMP/qm.$r" "$SECS"; check "$TMP/qm.$r" QEMU || failed=1
	r=$((r + 1))
done
# the baseline: a simple-kvm boot with no load, for the exits per request
sk "$TMP/sk.0" 0; check "$TMP/sk.0" "simple-kvm (no load)" || failed=1
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
