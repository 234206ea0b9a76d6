#!/usr/bin/env bash
# linux-root.sh [OUT_DIR] - builds what `make linux` boots from a root disk
# (default OUT_DIR build/linux-root), from the sandbox's Debian kernel
# package (build/sandbox/deb) and the host's static busybox:
#   OUT_DIR/modules/        the modules that reach an ext4 /dev/vda, and
#                           load-order, dependencies first (checked below)
#   OUT_DIR/fresh.ext4      a new root file system: a busybox tree put in a
#                           32 MiB ext4 image by mke2fs -d (metadata_csum on);
#                           rebuilt on every run. make copies it to root.ext4
#                           only when that is missing, so the disk persists.
#   OUT_DIR/e2fsck/         the host's e2fsck and its libraries, for the
#                           KVM suite's check of the image inside the sandbox
#   OUT_DIR/initramfs.cpio  /init (below): loads the modules, waits for
#                           /dev/vda, mounts it and switch_root's to it.
#                           Written last: make's target for all of the above.
# Runs on the host: mke2fs -d needs no root, and the sandbox has no mke2fs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
out=${1:-$repo/build/linux-root}
busybox=/bin/busybox
size=32M
die() { printf 'linux-root: %s\n' "$*" >&2; exit 1; }
# shellcheck source=kmod-order.sh
. "$here/kmod-order.sh"

[ -x "$busybox" ] || die "$busybox missing (package busybox-static)"
for t in cpio dpkg-deb objcopy mke2fs e2fsck; do
	command -v "$t" >/dev/null || PATH=$PATH:/sbin:/usr/sbin
	command -v "$t" >/dev/null || die "$t missing (make deps installs it)"
done
deb=$(ls "$repo"/build/sandbox/deb/linux-image-*.deb 2>/dev/null | head -n 1 || true)
[ -n "$deb" ] || die "no kernel package in build/sandbox/deb (scripts/sandbox/prepare fetches it)"

# The modules, dependencies before dependents, as Debian's 6.1 kernel
# declares them (modinfo's depends= and softdep=, read from .modinfo below):
#   virtio_pci:  virtio_ring, virtio, virtio_pci_legacy_dev, virtio_pci_modern_dev
#   virtio_blk:  virtio, virtio_ring
#   ext4:        jbd2, mbcache, crc16; softdep pre: crypto-crc32c
#   jbd2:        softdep pre: crypto-crc32c
# A softdep is what modprobe loads first; insmod knows none, so crc32c
# comes before jbd2 by hand. Two modules provide crypto-crc32c: the
# generic C one, and crc32c-intel (the SSE4.2 crc32 instruction), which
# init loads only when the CPU has sse4_2 and which then wins on
# priority. libcrc32c (a library over the same algorithm, for btrfs and
# others) is not needed: ext4 and jbd2 ask the crypto API for "crc32c".
mods="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
virtio_blk crc16 mbcache crc32c_generic crc32c-intel jbd2 ext4"

stage=$(mktemp -d "${TMPDIR:-/tmp}/linux-root.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out" "$stage/x"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$stage/x" --wildcards \
	'./lib/modules/*/kernel/drivers/virtio/*' \
	'./lib/modules/*/kernel/drivers/block/virtio_blk.ko' \
	'./lib/modules/*/kernel/lib/crc16.ko' \
	'./lib/modules/*/kernel/fs/mbcache.ko' \
	'./lib/modules/*/kernel/fs/jbd2/jbd2.ko' \
	'./lib/modules/*/kernel/fs/ext4/ext4.ko' \
	'./lib/modules/*/kernel/crypto/crc32c_generic.ko' \
	'./lib/modules/*/kernel/arch/x86/crypto/crc32c-intel.ko'
rm -rf "$out/modules.tmp" && mkdir -p "$out/modules.tmp"
loaded=" "
for m in $mods; do
	f=$(find "$stage/x" -name "$m.ko" | head -n 1)
	[ -n "$f" ] || die "module $m not in $deb"
	stage_module "$f" "$out/modules.tmp"
done
rm -rf "$out/modules" && mv "$out/modules.tmp" "$out/modules"

# e2fsck for the sandbox, which has busybox and no shared libraries
"$repo/scripts/copy-runtime-libs" "$out/e2fsck" "$(command -v e2fsck)"
cp "$(command -v e2fsck)" "$out/e2fsck/e2fsck"

# --- the root file system ------------------------------------------------
tree=$stage/root
mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,mnt,etc,var/lib}
cp "$busybox" "$tree/bin/busybox"
# the hypercall program of make linux's shell (docs/linux.md)
${CC:-gcc} -static -O2 -Wall -Wextra -Werror -I"$repo/guest" \
	"$repo/guest/linux/hcdemo.c" -o "$tree/bin/hcdemo"
# every applet as a link to /bin/busybox, but init, which is ours
"$busybox" --list-full | while read -r a; do
	case $a in sbin/init | linuxrc | bin/busybox) continue ;; esac
	ln -sf /bin/busybox "$tree/$a"
done
echo linux-root >"$tree/etc/hostname"
echo 'root::0:0:root:/root:/bin/sh' >"$tree/etc/passwd"
echo 'root:x:0:' >"$tree/etc/group"
cat >"$tree/etc/profile" <<'EOF'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
PS1='root:$PWD# '
EOF
cat >"$tree/sbin/init" <<'INIT'
#!/bin/sh
# The root disk's init (tests/kvm/linux-root.sh made it): counts its boots
# in /var/lib/boots, runs a shell on the console, and when the shell ends
# puts / back read-only (which writes the journal and marks the file
# system clean) before reboot -f, which syncs nothing itself.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
grep -q ' /dev ' /proc/mounts || mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
hostname -F /etc/hostname
if grep -q ' / ext4 rw' /proc/mounts; then
	n=$(($(cat /var/lib/boots 2>/dev/null || echo 0) + 1))
	echo "$n" >/var/lib/boots
	echo "Boot $n of this disk; $(grep ' / ' /proc/mounts | cut -d' ' -f1-3)."
fi
echo "Linux $(uname -r) under simple-kvm, on its root disk; exit reboots."
# the console as the shell's controlling terminal: job control, and
# Ctrl-C stops a command rather than nothing
cd /root && setsid cttyhack sh -l
cd /
umount /tmp
sync
mount -o remount,ro / || echo "init: / stays read-write; the next e2fsck replays the journal"
reboot -f
INIT
chmod 755 "$tree/sbin/init" "$tree/bin/busybox" "$tree/bin/hcdemo"

img=$stage/fresh.ext4
truncate -s "$size" "$img"
# metadata_csum: every group descriptor, bitmap, inode, directory block
# and journal block carries a crc32c, which the guest's kernel computes.
mke2fs -q -F -t ext4 -O metadata_csum -L linux-root -E root_owner=0:0 \
	-d "$tree" "$img"
# mke2fs -d copies the files' owners; a build as a user leaves them to root
if [ "$(id -u)" != 0 ]; then
	(cd "$tree" && find . -mindepth 1) | while read -r p; do
		printf 'sif "%s" uid 0\nsif "%s" gid 0\n' "${p#.}" "${p#.}"
	done | debugfs -w -f - "$img" >/dev/null 2>&1
fi
fsck=$(e2fsck -fn "$img" 2>&1) || die "e2fsck finds fault with the new image: $fsck"
mv "$img" "$out/fresh.ext4"

# --- the initramfs -------------------------------------------------------
ird=$stage/initramfs
mkdir -p "$ird"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$busybox" "$ird/bin/busybox"
cp "$out"/modules/* "$ird/lib/modules/"
# --net (issue 19): virtio_net and its dependencies, net_failover and
# failover, as /lib/net/*.ko in their depends= order (checked as above);
# the initramfs loads them and brings eth0 up only when the command line
# has lxnet=ADDR/PREFIX (scripts/linux-shell's LINUX_NET), before the
# switch_root, which the interface's address and state survive.
mkdir -p "$stage/xn" "$ird/lib/net"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$stage/xn" --wildcards \
	'./lib/modules/*/kernel/net/core/failover.ko' \
	'./lib/modules/*/kernel/drivers/net/net_failover.ko' \
	'./lib/modules/*/kernel/drivers/net/virtio_net.ko'
for m in failover net_failover virtio_net; do
	f=$(find "$stage/xn" -name "$m.ko" | head -n 1)
	[ -n "$f" ] || die "module $m not in $deb"
	stage_module "$f" "$ird/lib/net"
done
mknod -m 600 "$ird/dev/console" c 5 1 2>/dev/null || true
cat >"$ird/init" <<'INIT'
#!/bin/busybox sh
# make linux's initramfs (tests/kvm/linux-root.sh): the modules, /dev/vda,
# ext4 on it, switch_root. Each step prints the time since the kernel's
# start. On the kernel's command line, `ro` mounts the disk read-only,
# `init=PROGRAM` is what runs on it (default /sbin/init), and `norescue`
# ends a failed boot at once instead of starting a shell.
/bin/busybox --install -s /bin
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
step() { echo "linux-root: $(cut -d' ' -f1 /proc/uptime) s: $*"; }
# A failure leaves a shell in the initramfs (none with `norescue`); when
# it ends, so does init, and the kernel panics (panic=-1: it reboots).
opts=rw init=/sbin/init shell=sh
for a in $(cat /proc/cmdline); do
	case $a in ro) opts=ro ;; init=*) init=${a#init=} ;; norescue) shell=: ;; esac
done
rescue() { step "$*; a shell in the initramfs"; $shell; exit 1; }
step "loading modules"
for m in $(cat /lib/modules/load-order); do
	[ "$m" = crc32c-intel ] && ! grep -qw sse4_2 /proc/cpuinfo && continue
	insmod "/lib/modules/$m.ko" || rescue "insmod $m failed"
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -b /dev/vda ] || rescue "no /dev/vda (is simple-kvm given --disk?)"
# lxnet=ADDR/PREFIX (make linux with LINUX_NET): virtio_net, eth0 up
net=$(sed -n 's/.*lxnet=\([0-9./]*\).*/\1/p' /proc/cmdline)
if [ -n "$net" ]; then
	for m in $(cat /lib/net/load-order); do
		insmod "/lib/net/$m.ko" || rescue "insmod $m failed"
	done
	i=0
	while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	ip link set lo up
	ip addr add "$net" dev eth0 && ip link set eth0 up ||
		rescue "no eth0 (is simple-kvm given --net?)"
	step "eth0 $net up, $(cat /sys/class/net/eth0/address)"
fi
step "/dev/vda, $(cat /sys/block/vda/size) sectors; mounting it ($opts)"
mount -t ext4 -o "$opts" /dev/vda /newroot || rescue "mount /dev/vda failed"
[ -x "/newroot$init" ] || rescue "no $init on /dev/vda"
step "switch_root to /dev/vda, $init"
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot "$init"
INIT
chmod 755 "$ird/init" "$ird/bin/busybox"
(cd "$ird" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc --owner=0:0 --quiet) >"$out/initramfs.cpio.tmp"
mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
