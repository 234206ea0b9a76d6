#!/usr/bin/env bash
# virtio-exits-initramfs.sh [OUT_DIR] - builds what bench/virtio-exits.sh
# boots (default OUT_DIR build/bench-blk), on the host, where gcc and
# dpkg-deb are:
#   OUT_DIR/initramfs.cpio  /init (below), with busybox, blkload and the
#                           sandbox kernel's virtio modules
#                           (bench/blk-initramfs.sh)
#   OUT_DIR/disk.img        a 64 MiB raw image of random bytes
# The init loads the modules, runs `blkload /dev/vda MODE 4096 QD SECS`
# with MODE, QD and SECS from the kernel command line (blk.mode=, blk.qd=,
# blk.secs=), prints its line and reboots.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)
out=${1:-$repo/build/bench-blk}
mkdir -p "$out"
[ -s "$out/disk.img" ] ||
	dd if=/dev/urandom of="$out/disk.img" bs=1M count=64 2>/dev/null
stage=$(mktemp -d "$out/init.XXXXXX")
trap 'rm -rf "$stage"' EXIT
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
for m in $(cat /lib/virtio/load-order); do insmod "/lib/virtio/$m.ko" || break; done
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
"$here/blk-initramfs.sh" "$out/initramfs.cpio" "$stage/init" "$(dirname "$out")"
