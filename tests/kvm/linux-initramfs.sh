#!/usr/bin/env bash
# linux-initramfs.sh [OUT_DIR] - builds the tiny initramfs that
# tests/kvm/linux.sh boots with simple-kvm --kernel (default OUT_DIR
# build/linux-test):
#   OUT_DIR/hcdemo          guest/linux/hcdemo.c, gcc -static
#   OUT_DIR/pty-run         tests/kvm/pty_run.c, gcc -static: the host side's
#                           terminal for the boot (runs in the sandbox)
#   OUT_DIR/initramfs.cpio  /init (below), /bin/busybox (static), /bin/hcdemo,
#                           /dev/console
#   OUT_DIR/shell.cpio      the same with /init a busybox shell on the
#                           console, which reboots when it ends (make linux
#                           boots from its root disk instead, linux-root.sh)
# The test's init prints LINUX-TEST lines the test checks, then reboots.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
out=${1:-$repo/build/linux-test}
busybox=/bin/busybox
die() { printf 'linux-initramfs: %s\n' "$*" >&2; exit 1; }
# shellcheck source=kmod-order.sh
. "$here/kmod-order.sh"

[ -x "$busybox" ] || die "$busybox missing (package busybox-static)"
command -v cpio >/dev/null || die "cpio missing"
mkdir -p "$out"
${CC:-gcc} -static -O2 -Wall -Wextra -Werror -I"$repo/guest" \
    "$repo/guest/linux/hcdemo.c" -o "$out/hcdemo"
${CC:-gcc} -static -O2 -Wall -Wextra -Werror \
    "$repo/tests/kvm/pty_run.c" -o "$out/pty-run"

stage=$(mktemp -d "$out/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys}
cp "$busybox" "$stage/bin/busybox"
cp "$out/hcdemo" "$stage/bin/hcdemo"
# Debian's kernel has virtio_pci and virtio_blk as modules: when kvm-run
# has fetched the sandbox's kernel package (the kernel the test boots),
# its virtio modules go in as /lib/virtio/*.ko, and OUT_DIR/initramfs.virtio
# says so (linux.sh skips the disk read without them).
virtio_mods="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk"
rm -f "$out/initramfs.virtio"
deb=$(ls "$repo"/build/sandbox/deb/linux-image-*.deb 2>/dev/null | head -n 1 || true)
if [ -n "$deb" ] && command -v dpkg-deb >/dev/null; then
	mkdir -p "$stage/x" "$stage/lib/virtio"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$stage/x" --wildcards \
		'./lib/modules/*/kernel/drivers/virtio/*' \
		'./lib/modules/*/kernel/drivers/block/virtio_blk.ko'
	for m in $virtio_mods; do
		cp "$stage"/x/lib/modules/*/kernel/drivers/*/"$m.ko" "$stage/lib/virtio/"
	done
	rm -rf "$stage/x"
	echo "$virtio_mods" >"$out/initramfs.virtio"
fi
# The root disk (tests/kvm/linux-root.sh, built first): the modules that
# mount its ext4, beyond the virtio ones, as /lib/root/*.ko and load-order.
root_mods=$(dirname "$out")/linux-root/modules
if [ -d "$stage/lib/virtio" ] && [ -f "$root_mods/load-order" ]; then
	mkdir -p "$stage/lib/root"
	for m in $(cat "$root_mods/load-order"); do
		case " $virtio_mods " in *" $m "*) continue ;; esac
		cp "$root_mods/$m.ko" "$stage/lib/root/"
		echo "$m" >>"$stage/lib/root/load-order"
	done
fi
# --console virtio and --rng (issue 18): virtio_console and virtio-rng as
# /lib/virtio-extra/*.ko, loaded after virtio_pci; initramfs.virtio-extra
# says they are there.
rm -f "$out/initramfs.virtio-extra"
if [ -n "$deb" ] && command -v dpkg-deb >/dev/null; then
	mkdir -p "$stage/x" "$stage/lib/virtio-extra"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$stage/x" --wildcards \
		'./lib/modules/*/kernel/drivers/char/virtio_console.ko' \
		'./lib/modules/*/kernel/drivers/char/hw_random/virtio-rng.ko'
	cp "$stage"/x/lib/modules/*/kernel/drivers/char/virtio_console.ko \
		"$stage"/x/lib/modules/*/kernel/drivers/char/hw_random/virtio-rng.ko \
		"$stage/lib/virtio-extra/"
	rm -rf "$stage/x"
	echo "virtio_console virtio-rng" >"$out/initramfs.virtio-extra"
fi
# --net unix= (issue 19): virtio_net and what it needs beyond the virtio
# modules, net_failover and failover, as /lib/virtio-net/*.ko, in the
# order their .modinfo depends= lines give (checked here: each module's
# dependencies are virtio ones or loaded before it); load-order lists
# them, and initramfs.virtio-net says they are there.
net_mods="failover net_failover virtio_net"
rm -f "$out/initramfs.virtio-net"
if [ -n "$deb" ] && command -v dpkg-deb >/dev/null; then
	mkdir -p "$stage/x" "$stage/lib/virtio-net"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$stage/x" --wildcards \
		'./lib/modules/*/kernel/net/core/failover.ko' \
		'./lib/modules/*/kernel/drivers/net/net_failover.ko' \
		'./lib/modules/*/kernel/drivers/net/virtio_net.ko'
	loaded=" $virtio_mods "
	for m in $net_mods; do
		stage_module "$(ls "$stage"/x/lib/modules/*/kernel/*/*/"$m.ko")" \
			"$stage/lib/virtio-net"
	done
	rm -rf "$stage/x"
	echo "$net_mods" >"$out/initramfs.virtio-net"
fi
# The kernel opens /dev/console for init before anything is mounted; a
# user who may not make device nodes gets them from devtmpfs in /init.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true
cat >"$stage/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
if [ ! -c /dev/console ]; then
	mount -t devtmpfs dev /dev
	exec </dev/console >/dev/console 2>&1
fi
echo "LINUX-TEST: init started"
mount -t proc proc /proc
# lxtest=gdb (linux.sh's boot under --gdb): where sync(2)'s entry is, from
# the kernel's own symbols (Debian's ship none beside it), then sync
# every 0.2 s for the breakpoint the host's gdb sets there.
if grep -qw lxtest=gdb /proc/cmdline; then
	echo "LINUX-TEST: gdb sync at $(sed -n 's/^\([0-9a-f]*\) T __x64_sys_sync$/\1/p' /proc/kallsyms)"
	while :; do
		sync
		sleep 0.2
	done
fi
# lxtest=panic (linux.sh's second boot, with --raw-output on a terminal):
# an OSC as it is, then init exits, which panics the kernel.
if grep -qw lxtest=panic /proc/cmdline; then
	printf 'LINUX-TEST: raw \033]0;raw-output\007\n'
	exit 0
fi
# --net unix= (linux.sh's boot and its peer): net_up loads the virtio and
# net modules, gives eth0 the address lxnet= names (/24) and brings it up;
# net_ping pings lxpeer= (3 replies), then a burst of 100 (the host's
# --stats checks the exits per packet). lxtest=netpeer is the peer: it
# pings, then waits for the wire to go (the boot's VMM ends: the link
# goes down) and powers off (ACPI S5: its VMM ends with status 0).
net_up() {
	[ -f /lib/virtio-net/load-order ] || return 1
	mount -t sysfs sys /sys 2>/dev/null
	for m in VIRTIO_MODS $(cat /lib/virtio-net/load-order); do
		[ -d "/sys/module/$m" ] && continue
		[ -f "/lib/virtio/$m.ko" ] && insmod "/lib/virtio/$m.ko" && continue
		insmod "/lib/virtio-net/$m.ko" || return 1
	done
	i=0
	while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	addr=$(sed -n 's/.*lxnet=\([0-9.]*\).*/\1/p' /proc/cmdline)
	ip addr add "$addr/24" dev eth0 && ip link set eth0 up &&
		echo "LINUX-TEST: eth0 $addr up, mac $(cat /sys/class/net/eth0/address)"
}
net_ping() {
	peer=$(sed -n 's/.*lxpeer=\([0-9.]*\).*/\1/p' /proc/cmdline)
	i=0 # the peer boots beside this VM: wait for its first answer
	while ! ping -c 1 -W 1 "$peer" >/dev/null 2>&1 && [ $i -lt 60 ]; do
		i=$((i + 1))
	done
	ping -c 3 -w 60 "$peer" >/tmp/ping 2>&1
	echo "LINUX-TEST: ping $peer: $(grep -o '[0-9]* packets received' /tmp/ping)"
	ping -q -A -c 100 -w 60 "$peer" >/tmp/ping 2>&1
	echo "LINUX-TEST: ping burst $peer: $(grep -o '[0-9]* packets received' /tmp/ping)"
}
# --cpus (linux.sh's boots): the CPUs Linux found and their APIC IDs;
# in lxtest=smp, a busy loop pinned to each CPU (taskset) for 2 s, each counting
# its rounds and saying on which CPU it ended (/proc/PID/stat's field
# 39), and each CPU's ticks (user, nice, system, and steal) meanwhile.
# lxtest=smp (the 4-vCPU boot) sets them spinning again, for good, and
# waits for the host to stop the VM.
smp_spin() {
	i=0
	while [ $i -lt "$(nproc)" ]; do
		taskset -c $i sh -c 'n=0
			while [ ! -e /tmp/stop ]; do n=$((n + 1)); done
			echo "cpu$(cut -d" " -f39 /proc/$$/stat) $n" >/tmp/spun.$1' sh $i &
		i=$((i + 1))
	done
}
smp_ticks() { # FIELDS... of each cpuN line of /proc/stat, summed
	grep '^cpu[0-9]' /proc/stat | awk -v f="$*" '{
		n = split(f, k, " "); t = 0
		for (i = 1; i <= n; i++) t += $(k[i])
		print $1, t }'
}
smp_delta() {
	awk 'NR == FNR { t[$1] = $2; next } { printf "%s %d ", $1, $2 - t[$1] }' "$1" "$2"
}
smp_report() {
	mkdir -p /tmp
	# a background job's stdin is /dev/null, which the cpio lacks
	[ -c /dev/null ] || mknod -m 666 /dev/null c 1 3
	rm -f /tmp/stop /tmp/spun.*
	echo "LINUX-TEST: nproc $(nproc)"
	echo "LINUX-TEST: apicids $(sed -n 's/^apicid[^:]*: *//p' /proc/cpuinfo | tr '\n' ' ')"
	# the busy part in the 4-vCPU boot only: in the test boot, beside
	# the peer VM on one sandbox CPU, the guest's timers starved (RCU
	# stalls, then the OOM killer); alone, spinning vCPUs run well
	grep -qw lxtest=smp /proc/cmdline || return 0
	smp_ticks 2 3 4 >/tmp/busy0
	smp_ticks 9 >/tmp/steal0
	smp_spin
	sleep 2
	touch /tmp/stop
	wait
	smp_ticks 2 3 4 >/tmp/busy1
	smp_ticks 9 >/tmp/steal1
	echo "LINUX-TEST: spun $(cat /tmp/spun.* | tr '\n' ' ')"
	echo "LINUX-TEST: busy ticks $(smp_delta /tmp/busy0 /tmp/busy1)"
	echo "LINUX-TEST: steal ticks $(smp_delta /tmp/steal0 /tmp/steal1)"
}
smp_report
if grep -qw lxtest=smp /proc/cmdline; then
	rm -f /tmp/stop
	smp_spin
	echo "LINUX-TEST: smp spinning"
	sleep 1000
fi
if grep -qw lxtest=netpeer /proc/cmdline; then
	mkdir -p /tmp
	net_up && net_ping
	i=0
	while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ] && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "LINUX-TEST: eth0 carrier $(cat /sys/class/net/eth0/carrier 2>/dev/null)"
	poweroff -f
fi
# ACPI: what the kernel made of the tables (the console is quiet; dmesg
# has every level), and where the interrupts go: the serial port through
# the IOAPIC, the LAPIC timer counting (LOC)
dmesg | grep -E 'ACPI: RSDP|ACPI \(MADT\)|IOAPIC\[|ACPI: PM: \(supports|PCI Root Bridge|RSDP was not found' |
	sed 's/^\[[^]]*\] */LINUX-TEST: dmesg /'
grep -E '^ *(LOC|[0-9]+):' /proc/interrupts | sed 's/^ */LINUX-TEST: irq /'
if grep -qw hypervisor /proc/cpuinfo; then
	echo "LINUX-TEST: cpuinfo has the hypervisor flag"
else
	echo "LINUX-TEST: cpuinfo lacks the hypervisor flag"
fi
# PCI: the functions Linux enumerated (the boot gives it one --disk)
mount -t sysfs sys /sys
for d in /sys/bus/pci/devices/*; do
	[ -e "$d/vendor" ] &&
		echo "LINUX-TEST: pci ${d##*/} $(cat "$d/vendor"):$(cat "$d/device")"
done
# The disk, when the modules are here: its sector 1's first bytes
if [ -d /lib/virtio ]; then
	for m in VIRTIO_MODS; do insmod "/lib/virtio/$m.ko" || break; done
	# the disk appears in sysfs once its partition scan is done; /dev
	# may be the cpio's, not devtmpfs: make the node from its numbers
	i=0
	while [ ! -e /sys/block/vda/dev ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -b /dev/vda ] || [ ! -e /sys/block/vda/dev ] ||
		mknod /dev/vda b $(tr : ' ' </sys/block/vda/dev)
	[ -b /dev/vda ] &&
		echo "LINUX-TEST: vda sector 1: $(dd if=/dev/vda bs=512 skip=1 count=1 2>/dev/null | head -c 4)"
	# a burst of 4 KiB reads past the page cache, one request each: the
	# host checks (--stats) that the disk's exits did not grow with them
	[ -b /dev/vda ] && dd if=/dev/vda of=/dev/null bs=4k count=256 \
		iflag=direct 2>/dev/null &&
		echo "LINUX-TEST: vda reads $(awk '{ print $1 }' /sys/block/vda/stat)"
fi
# The root disk: linux.sh gives this boot a copy of make linux's fresh
# ext4 image. It writes the run's token (lxtoken= on the command line) and
# an init for the next boot, which switch_root's to the disk and runs it,
# and unmounts, so that the host's e2fsck finds the file system clean.
if [ -f /lib/root/load-order ] && [ -b /dev/vda ]; then
	for m in $(cat /lib/root/load-order); do
		[ "$m" = crc32c-intel ] && ! grep -qw sse4_2 /proc/cpuinfo && continue
		insmod "/lib/root/$m.ko" || break
	done
	mkdir -p /mnt
	if mount -t ext4 /dev/vda /mnt; then
		echo "LINUX-TEST: root disk $(grep ' /mnt ' /proc/mounts | cut -d' ' -f1-3)"
		sed -n 's/.*lxtoken=\([^ ]*\).*/\1/p' /proc/cmdline >/mnt/root/lxtest-token
		cat >/mnt/lxtest-init <<'LXINIT'
#!/bin/sh
# linux.sh's second boot: init on the root disk, which the first boot wrote
mount -t proc proc /proc
echo "LINUX-TEST: on the root disk: $(grep ' / ' /proc/mounts | cut -d' ' -f1-4)"
echo "LINUX-TEST: bzImage path: $(dmesg | grep -o 'ACPI: RSDP 0x[0-9A-F]*')"
echo "LINUX-TEST: token $(cat /root/lxtest-token)"
echo "LINUX-TEST: type a line"
read -r line
echo "LINUX-TEST: read '$line'"
printf 'LINUX-TEST: raw \033]0;raw-output\007\n'
# init exits: the kernel panics
LXINIT
		chmod 755 /mnt/lxtest-init
		umount /mnt && echo "LINUX-TEST: root disk written and unmounted"
	fi
fi
# --console virtio and --rng (linux.sh's boot gives both): hvc0 carries
# a line out and the typed line in; the hardware RNG is virtio_rng's.
# hvc0 is opened now, so that no typed byte comes before a reader.
if [ -d /lib/virtio-extra ]; then
	for m in virtio_console virtio-rng; do
		insmod "/lib/virtio-extra/$m.ko" || echo "LINUX-TEST: insmod $m failed"
	done
	i=0
	while { [ ! -e /sys/class/tty/hvc0/dev ] ||
		[ ! -e /sys/class/misc/hw_random/dev ]; } && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -c /dev/hvc0 ] || [ ! -e /sys/class/tty/hvc0/dev ] ||
		mknod /dev/hvc0 c $(tr : ' ' </sys/class/tty/hvc0/dev)
	[ -c /dev/hwrng ] || [ ! -e /sys/class/misc/hw_random/dev ] ||
		mknod /dev/hwrng c $(tr : ' ' </sys/class/misc/hw_random/dev)
	if [ -c /dev/hvc0 ] && exec 3<>/dev/hvc0; then
		stty -F /dev/hvc0 -echo 2>/dev/null
		echo "LINUX-TEST: hvc0 exists"
		# with --cpus 2 the UART's transmit interrupt may run on the
		# other CPU after the hvc0 write: let ttyS0 drain first, so
		# that the two consoles' lines do not mix on stdout
		sleep 1
		printf 'LINUX-TEST: written to hvc0 \033]0;pwned-by-hvc0\007\n' >&3
	fi
	echo "LINUX-TEST: rng_current $(cat /sys/class/misc/hw_random/rng_current 2>&1)"
	echo "LINUX-TEST: hwrng $(head -c 32 /dev/hwrng | od -An -tx1 | tr -d ' \n')"
	echo "LINUX-TEST: hwrng $(head -c 32 /dev/hwrng | od -An -tx1 | tr -d ' \n')"
fi
# --net tap= (linux.sh's boot, lxtap=MAC,MAC,...): the NIC with the n-th
# MAC becomes 10.0.n.2/24 and fetches two files from the httpd at
# 10.0.n.1 (in the test's namespace): a page with the run's token, and
# 1 MiB whose md5sum the host compares. busybox's timeout, not wget's
# -T, which crashes Debian's static busybox 1.35 (also on the host).
http_get() { # http_get HOST PATH FILE
	timeout 30 wget -q -O "$3" "http://$1$2" 2>/tmp/wget
}
tap_fetch() {
	n=0
	for mac in $(sed -n 's/.*lxtap=\([0-9a-f:,]*\).*/\1/p' /proc/cmdline | tr , ' '); do
		n=$((n + 1))
		dev=
		for d in /sys/class/net/*; do
			[ "$(cat "$d/address")" = "$mac" ] && dev=${d##*/}
		done
		if [ -z "$dev" ]; then
			echo "LINUX-TEST: tap $n: no NIC has mac $mac"
			continue
		fi
		ip addr add "10.0.$n.2/24" dev "$dev" && ip link set "$dev" up
		i=0
		while ! http_get "10.0.$n.1" /page /tmp/page && [ $i -lt 40 ]; do
			sleep 0.25
			i=$((i + 1))
		done
		[ -s /tmp/page ] || echo "LINUX-TEST: tap $n: wget: $(cat /tmp/wget)"
		echo "LINUX-TEST: tap $n ($dev) page: $(cat /tmp/page)"
		t0=$(cut -d' ' -f1 /proc/uptime)
		http_get "10.0.$n.1" /big /tmp/big
		t1=$(cut -d' ' -f1 /proc/uptime)
		echo "LINUX-TEST: tap $n big: $(md5sum </tmp/big | cut -d' ' -f1) $(wc -c </tmp/big) in $t0..$t1 s"
		rm -f /tmp/big
	done
}
# --net unix= (linux.sh's boot): the peer VM on the wire; then the taps
if grep -q lxnet= /proc/cmdline; then
	mkdir -p /tmp
	net_up && net_ping
	grep -q lxtap= /proc/cmdline && tap_fetch
fi
# hcdemo reads HC_numExitsByType's answer through /dev/mem
[ -c /dev/mem ] || mknod -m 600 /dev/mem c 1 1
/bin/hcdemo && echo "LINUX-TEST: hcdemo ok"
# What a terminal gets from the console: a CSI passes, an OSC (a window
# title) is shown as \xHH (tests/kvm/linux.sh runs this boot on a pty).
printf 'LINUX-TEST: \033[1mcsi\033[0m \033]0;pwned-by-uart\007\n'
echo "LINUX-TEST: type a line"
if [ -e /proc/self/fd/3 ]; then
	read -r line <&3
	echo "LINUX-TEST: read from hvc0 '$line'"
else
	read -r line
	echo "LINUX-TEST: read '$line'"
fi
echo "LINUX-TEST: rebooting"
reboot -f
INIT
sed -i "s/VIRTIO_MODS/$virtio_mods/g" "$stage/init"
chmod 755 "$stage/init" "$stage/bin/busybox" "$stage/bin/hcdemo"

# pack NAME: the staging tree as OUT_DIR/NAME, atomically
pack() {
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc --owner=0:0 --quiet) >"$out/$1.tmp"
	mv "$out/$1.tmp" "$out/$1"
}
pack initramfs.cpio

cat >"$stage/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
if [ ! -c /dev/console ]; then
	mount -t devtmpfs dev /dev
	exec </dev/console >/dev/console 2>&1
fi
mount -t proc proc /proc
mount -t sysfs sys /sys
[ -c /dev/mem ] || mknod -m 600 /dev/mem c 1 1
echo "Linux $(uname -r) under simple-kvm; hcdemo makes hypercalls; exit reboots."
PS1='# ' sh
reboot -f
INIT
chmod 755 "$stage/init"
pack shell.cpio
