#!/usr/bin/env bash
# blk-initramfs.sh OUT_CPIO INIT_FILE [BUILD_DIR] - the initramfs the
# virtio-blk benches boot (bench/virtio-exits.sh, bench/virtio-qemu.sh),
# built on the host, where gcc, dpkg-deb and cpio are:
#   /bin/busybox          this machine's static busybox
#   /bin/blkload          guest/linux/blkload.c, gcc -static
#   /lib/virtio/*.ko      the sandbox kernel's virtio modules, and
#   /lib/virtio/load-order  their names in the order insmod wants them
#   /dev/console          for the kernel's first open
#   /init                 INIT_FILE, the bench's own
#   /lib/virtio-net/*.ko  with INITRAMFS_NET=1 (bench/net-qemu.sh): virtio_net
#                         and what it needs, failover and net_failover, and
#                         their load-order (tests/kvm/kmod-order.sh checks it
#                         against their depends= lines)
# The kernel package is the one scripts/sandbox/prepare fetched into
# BUILD_DIR/sandbox/deb (default build).
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: bench/blk-initramfs.sh OUT_CPIO INIT_FILE [BUILD_DIR]" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/.." && pwd -P)
out=$1 init=$2 build=${3:-$repo/build}
busybox=/bin/busybox
mods="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk"
die() { printf 'blk-initramfs: %s\n' "$*" >&2; exit 1; }
# shellcheck source=../tests/kvm/kmod-order.sh
. "$repo/tests/kvm/kmod-order.sh"

[ -x "$busybox" ] || die "$busybox missing (package busybox-static)"
[ -r "$init" ] || die "$init: no such init"
command -v cpio >/dev/null || die "cpio missing"
deb=$(ls "$build"/sandbox/deb/linux-image-*.deb 2>/dev/null | head -n 1 || true)
[ -n "$deb" ] || die "no kernel package in $build/sandbox/deb (scripts/sandbox/prepare fetches it)"

mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$(dirname "$out")/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,lib/virtio,x}
cp "$busybox" "$stage/bin/busybox"
${CC:-gcc} -static -O2 -Wall -Wextra -Werror "$repo/guest/linux/blkload.c" \
	-o "$stage/bin/blkload"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$stage/x" --wildcards \
	'./lib/modules/*/kernel/drivers/virtio/*' \
	'./lib/modules/*/kernel/drivers/block/virtio_blk.ko'
for m in $mods; do
	cp "$stage"/x/lib/modules/*/kernel/drivers/*/"$m.ko" "$stage/lib/virtio/"
	echo "$m" >>"$stage/lib/virtio/load-order"
done
if [ "${INITRAMFS_NET:-0}" = 1 ]; then
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$stage/x" --wildcards \
		'./lib/modules/*/kernel/net/core/failover.ko' \
		'./lib/modules/*/kernel/drivers/net/net_failover.ko' \
		'./lib/modules/*/kernel/drivers/net/virtio_net.ko'
	loaded=" $mods "
	for m in failover net_failover virtio_net; do
		stage_module "$(ls "$stage"/x/lib/modules/*/kernel/*/*/"$m.ko")" "$stage/lib/virtio-net"
	done
fi
rm -rf "$stage/x"
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
cp "$init" "$stage/init"
chmod 755 "$stage/init" "$stage/bin/busybox" "$stage/bin/blkload"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc --owner=0:0 --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
