#!/usr/bin/env bash
# virtio-exits-initramfs.sh [OUT_DIR] - builds what bench/virtio-exits.sh
# boots (default OUT_DIR build/bench-blk), on the host, where gcc and
# dpkg-deb are:
#   OUT_DIR/blkload         guest/linux/blkload.c, gcc -static
#   OUT_DIR/initramfs.cpio  /init (below), busybox, blkload and the
#                           sandbox kernel's virtio modules
#   OUT_DIR/disk.img        a 64 MiB raw image of random bytes
# The init loads the modules, runs `blkload /dev/vda MODE 4096 QD SECS`
# with MODE, QD and SECS from the kernel command line (blk.mode=, blk.qd=,
# blk.secs=), prints its line and reboots.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)
out=${1:-$repo/build/bench-blk}
busybox=/bin/busybox
die() { printf 'virtio-exits-initramfs: %s\n' "$*" >&2; exit 1; }

[ -x "$busybox" ] || die "$busybox missing (package busybox-static)"
command -v cpio >/dev/null || die "cpio missing"
deb=$(ls "$repo"/build/sandbox/deb/linux-image-*.deb 2>/dev/null | head -n 1 || true)
[ -n "$deb" ] || die "no kernel package in build/sandbox/deb (scripts/sandbox/prepare fetches it)"
mkdir -p "$out"
${CC:-gcc} -static -O2 -Wall -Wextra -Werror "$repo/guest/linux/blkload.c" \
	-o "$out/blkload"
[ -s "$out/disk.img" ] ||
	dd if=/dev/urandom of="$out/disk.img" bs=1M count=64 2>/dev/null

stage=$(mktemp -d "$out/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,lib/virtio,x}
cp "$busybox" "$stage/bin/busybox"
cp "$out/blkload" "$stage/bin/blkload"
mods="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$stage/x" --wildcards \
	'./lib/modules/*/kernel/drivers/virtio/*' \
	'./lib/modules/*/kernel/drivers/block/virtio_blk.ko'
for m in $mods; do
	cp "$stage"/x/lib/modules/*/kernel/drivers/*/"$m.ko" "$stage/lib/virtio/"
done
rm -rf "$stage/x"
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
cat >"$stage/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
if [ ! -c /dev/console ]; then
	mount -t devtmpfs dev /dev
	exec </dev/console >/dev/console 2>&1
fi
mount -t proc proc /proc
mount -t sysfs sys /sys
arg() { sed -n "s/.*blk\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
for m in MODS; do insmod "/lib/virtio/$m.ko" || break; done
i=0
while [ ! -e /sys/block/vda/dev ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -b /dev/vda ] || mknod /dev/vda b $(tr : ' ' </sys/block/vda/dev)
blkload /dev/vda "$(arg mode)" 4096 "$(arg qd)" "$(arg secs)"
echo "BLK-BENCH: requests $(awk '{ print $1 }' /sys/block/vda/stat)"
reboot -f
INIT
sed -i "s/MODS/$mods/" "$stage/init"
chmod 755 "$stage/init" "$stage/bin/busybox" "$stage/bin/blkload"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc --owner=0:0 --quiet) >"$out/initramfs.cpio.tmp"
mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
