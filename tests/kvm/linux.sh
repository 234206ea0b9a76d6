# linux.sh - simple-kvm --kernel: the sandbox's own Debian kernel boots
# with a tiny initramfs (tests/kvm/linux-initramfs.sh), runs a hypercall
# program from user space, reads a line from the console and reboots; bad
# kernels, initrds, command lines and RAM sizes are refused; a kernel
# panic with panic=-1 ends the run. The first boot writes a copy of make
# linux's root disk, the second boots from it, as make linux does, and
# finds what the first wrote. The first boot has 2 vCPUs, a short third
# one 4 (--cpus). Sourced by run.sh. Three boots, about a minute and a
# half in the sandbox (docs/linux.md); KVM_TEST_LINUX=quick leaves out
# the panic, the second boot.

# The kernel is the sandbox's, which kvm-run always keeps in build/sandbox;
# the initramfs is this build's.
LX_REPO=$(cd "$here/../.." && pwd -P)
LX_KERNEL=${KVM_TEST_LINUX_KERNEL:-$LX_REPO/build/sandbox/kernel/vmlinuz}
LX_INITRD=$BUILD/linux-test/initramfs.cpio
LX_PTY_RUN=$BUILD/linux-test/pty-run
# The vmlinux make test decompressed natively (make kernel-cache): every
# boot passes it, so that none decompresses under the sandbox's TCG.
LX_CACHE=$BUILD/kernel-cache
# The root disk (tests/kvm/linux-root.sh): make linux's initramfs, a fresh
# copy of its image, and e2fsck with its libraries (the sandbox has none).
LX_ROOT=$BUILD/linux-root
LX_ROOT_READY=
[ -r "$LX_ROOT/initramfs.cpio" ] && [ -r "$LX_ROOT/fresh.ext4" ] &&
	[ -x "$LX_ROOT/e2fsck/e2fsck" ] && [ -f "$BUILD/linux-test/initramfs.virtio" ] &&
	LX_ROOT_READY=1
# This run's token: the first boot writes it to the disk, the second reads it
LX_TOKEN=lx-$$-$RANDOM$RANDOM

# lx_line NAME TEXT: the last boot printed a line containing TEXT.
lx_line() {
	if grep -qF -- "$2" "$TMP/out"; then
		pass "$1"
	else
		fail "$1" "stdout lacks '$2'"
	fi
}

# A kernel file that does not exist: a run whose options pass ends there,
# with status 65.
LX_NO_KERNEL=/nonexistent/vmlinuz

# Flags only the bare mode reads are refused with --kernel, naming them,
# before any file is read: no boot, so these run on every KVM.
lx_flag_refusals() {
	for lx_flag in "--expect 5" "--load-addr 0x2000" --ignore-unknown-ports \
		-l -r; do
		# shellcheck disable=SC2086 # the flag and its value
		run "$SK" --kernel "$LX_NO_KERNEL" $lx_flag
		check "linux: --kernel refuses ${lx_flag%% *}" 64 \
			"--kernel boots Linux, which has no use for ${lx_flag%% *}"
	done
	run "$SK" --kernel "$LX_NO_KERNEL" --ignore-unknown-ports --expect 5 guest.elf
	check "linux: --kernel names every flag it refuses, in one line" 64 \
		"no use for GUEST, --expect, --ignore-unknown-ports"
	# --cpus (issue 20): 1 to 32, decimal, and only with --kernel
	for lx_cpus in 0 33 two 0x2; do
		run "$SK" --kernel "$LX_NO_KERNEL" --cpus $lx_cpus
		check "linux: --cpus $lx_cpus is a usage error" 64 \
			"--cpus $lx_cpus: '$lx_cpus' is not a number of vCPUs from 1 to 32"
	done
	run "$SK" --cpus 2 -l
	check "linux: --cpus without --kernel is a usage error" 64 "--cpus needs --kernel"
	run "$SK" --extract-vmlinux x -l
	check "linux: --extract-vmlinux without --kernel is a usage error" 64 \
		"--extract-vmlinux needs --kernel"
	run "$SK" --kernel "$LX_NO_KERNEL" --extract-vmlinux x --gdb 1234
	check "linux: --gdb with --extract-vmlinux is a usage error" 64 \
		"--gdb debugs a boot: --extract-vmlinux and --fill-kernel-cache run no guest"
	run "$SK" --kernel "$LX_NO_KERNEL" --raw-output --deny gvaToHva \
		--no-seccomp --stats --timeout 5s -v --gdb "unix:$TMP/lx-never.sock"
	check "linux: --kernel keeps --raw-output, --deny, --stats, --timeout, -v, --gdb" \
		65 "$LX_NO_KERNEL"
}

# The PVH path's own refusals, without a boot (issue 20): a vmlinux is a
# kernel (refused only for its RAM), but not one for --boot bzimage; a
# payload whose xz header is damaged (byte 8, in its CRC-checked flags)
# is one line and status 65, decompressed afresh in an empty cache.
lx_payload_checks() {
	lx_vmlinux=$(ls "$LX_CACHE"/vmlinux-* 2>/dev/null | head -n 1)
	if [ -n "$lx_vmlinux" ]; then
		run "$SK" --kernel "$lx_vmlinux" --mem 64M
		check "linux: --kernel takes a vmlinux ELF (refused here for its RAM only)" \
			65 "the kernel needs RAM up to 0x"
		run "$SK" --kernel "$lx_vmlinux" --boot bzimage
		check "linux: --boot bzimage refuses a vmlinux" 65 "needs a bzImage"
	else
		skip "linux: --kernel takes a vmlinux ELF" "no $LX_CACHE (make kernel-cache)"
	fi
	lx_off=$(od -An -tu4 -j 0x248 -N4 "$TMP/vmlinuz" | tr -d ' ')
	lx_setup=$(( ($(od -An -tu1 -j 0x1f1 -N1 "$TMP/vmlinuz" | tr -d ' ') + 1) * 512 ))
	cp "$TMP/vmlinuz" "$TMP/bad-payload"
	printf '\377' | dd of="$TMP/bad-payload" bs=1 seek=$((lx_setup + lx_off + 7)) \
		conv=notrunc 2>/dev/null
	run "$SK" --kernel "$TMP/bad-payload" --kernel-cache "$TMP/empty-cache"
	check "linux: a damaged payload is one line and status 65" 65 \
		"the bzImage's payload: xz: corrupt data"
	run "$SK" --kernel "$TMP/bad-payload" --kernel-cache "$TMP/empty-cache" \
		--extract-vmlinux "$TMP/x.vmlinux"
	check "linux: --extract-vmlinux of a damaged payload: 65, no file" 65 \
		"--extract-vmlinux: $TMP/bad-payload: the bzImage's payload: xz: corrupt data"
	[ ! -e "$TMP/x.vmlinux" ] || fail "linux: --extract-vmlinux left a file after a failure"
	rm -f "$TMP/bad-payload"
	# --extract-vmlinux (issue 20): the vmlinux the PVH boot enters, for
	# gdb: an ELF (its magic), the very bytes of the cache's entry
	run "$SK" --kernel "$TMP/vmlinuz" --kernel-cache "$LX_CACHE" \
		--extract-vmlinux "$TMP/x.vmlinux"
	check "linux: --extract-vmlinux writes the vmlinux and says so" 0 \
		"wrote the vmlinux ($(wc -c <"$lx_vmlinux" 2>/dev/null | tr -d ' ') bytes, PVH entry 0x"
	if [ -n "$lx_vmlinux" ] && cmp -s "$TMP/x.vmlinux" "$lx_vmlinux" &&
		[ "$(od -An -tx1 -N4 "$TMP/x.vmlinux" | tr -d ' ')" = 7f454c46 ]; then
		pass "linux: the extracted vmlinux is an ELF, the cache entry's bytes"
	else
		fail "linux: the extracted vmlinux is an ELF, the cache entry's bytes"
	fi
	rm -f "$TMP/x.vmlinux"
	run "$SK" --kernel "$TMP/vmlinuz" --extract-vmlinux /nonexistent/dir/vmlinux
	check "linux: --extract-vmlinux into a missing directory: one line, 70" 70 \
		"--extract-vmlinux: /nonexistent/dir/vmlinux: No such file or directory"
}

lx_refusals() {
	run "$SK" --initrd "$LX_INITRD"
	check "linux: --initrd without --kernel is a usage error" 64 "need --kernel"
	run "$SK" --kernel "$LX_INITRD"
	check "linux: a file that is not a bzImage is refused" 65 "not a bzImage"
	run "$SK" --kernel "$SK"
	check "linux: an ELF file that is not a vmlinux is refused" 65 \
		"not an x86-64 ELF64 executable"
	lx_payload_checks
	run "$SK" --kernel "$TMP/vmlinuz" --mem 64M
	check "linux: --mem too small for the kernel's init_size" 65 "the kernel needs RAM"
	dd if=/dev/zero of="$TMP/big.cpio" bs=1M count=0 seek=32 2>/dev/null
	run "$SK" --kernel "$TMP/vmlinuz" --initrd "$TMP/big.cpio" --mem 96M
	check "linux: an initrd larger than the RAM left is refused" 65 "does not fit"
	run "$SK" --kernel "$TMP/vmlinuz" --append "$(printf '%03000d' 0)"
	check "linux: a command line over cmdline_size is refused" 65 "cmdline_size"
}

# lx_err_line NAME TEXT: the last boot said TEXT on stderr.
lx_err_line() {
	if grep -qF -- "$2" "$TMP/err"; then
		pass "$1"
	else
		fail "$1" "stderr lacks '$2': $(grep '^simple-kvm:' "$TMP/err" | head -n 3 | tr '\n' ' ')"
	fi
}

# lx_no_line NAME TEXT: the last boot printed nothing containing TEXT.
lx_no_line() {
	if grep -qF -- "$2" "$TMP/out"; then
		fail "$1" "stdout has '$2'"
	else
		pass "$1"
	fi
}

# Types the line once the guest asks for it, as a person would (at most
# 240 s later, the boot's own --timeout): bytes sent before the guest's
# shell reads have been lost in some sandbox runs (see the closing notes
# of issue 17's session; issue 20 tracks the sandbox's console).
lx_type_after_prompt() {
	i=0
	while ! grep -q "LINUX-TEST: type a line" "$TMP/out" 2>/dev/null &&
		[ $i -lt 240 ]; do
		sleep 1 # each poll is a process start, slow in the sandbox
		i=$((i + 1))
	done
	printf 'ping from the host\n'
}

# --console virtio and --rng in the same boot (the serial console still
# carries the test's lines): a line out through hvc0, the typed line in
# through it, entropy from virtio_rng. Without the modules in the
# initramfs, stdin goes nowhere the guest reads: the typed line is skipped.
lx_virtio_extras() {
	if [ ! -f "$BUILD/linux-test/initramfs.virtio-extra" ]; then
		skip "linux: --console virtio and --rng" \
			"no virtio_console or virtio-rng module in the initramfs"
		return
	fi
	lx_line "linux: virtio_console makes /dev/hvc0" "LINUX-TEST: hvc0 exists"
	# init writes this line to hvc0 only, never to the serial console
	lx_line "linux: a line written to hvc0 reaches stdout" \
		"LINUX-TEST: written to hvc0"
	lx_line "linux: an OSC written to hvc0 is shown as \\xHH on a terminal" \
		'LINUX-TEST: written to hvc0 \x1b]0;pwned-by-hvc0\x07'
	lx_line "linux: a line typed on stdin is read from hvc0 (--console virtio)" \
		"LINUX-TEST: read from hvc0 'ping from the host'"
	lx_line "linux: the hardware RNG is virtio_rng's" \
		"LINUX-TEST: rng_current virtio_rng"
	lx_rng=$(sed -n 's/^LINUX-TEST: hwrng \([0-9a-f]*\).*/\1/p' "$TMP/out")
	# shellcheck disable=SC2086 # two words, one per read
	set -- $lx_rng
	lx_nonzero=no
	case "${1:-}" in *[1-9a-f]*) lx_nonzero=yes ;; esac
	if [ $# -eq 2 ] && [ ${#1} -eq 64 ] && [ ${#2} -eq 64 ] &&
		[ "$1" != "$2" ] && [ $lx_nonzero = yes ]; then
		pass "linux: /dev/hwrng gives 32 bytes twice, not zeros, not equal"
	else
		fail "linux: /dev/hwrng gives 32 bytes twice, not zeros, not equal" \
			"got '$lx_rng'"
	fi
	lx_line "linux: PCI enumerates virtio-rng in slot 16" \
		"LINUX-TEST: pci 0000:00:10.0 0x1af4:0x1044"
	lx_line "linux: PCI enumerates virtio-console in slot 17" \
		"LINUX-TEST: pci 0000:00:11.0 0x1af4:0x1043"
}

# The disk's kicks stay in KVM (ioeventfds) and its completions leave
# through irqfds: after the guest's burst of 256 direct 4 KiB reads, its
# --stats line says no kick trapped and the BAR exits (the handshake's,
# about 60) are fewer than half the requests. With --no-ioeventfd each
# request is a trapped kick, and this fails.
lx_disk_exits() {
	lx_reads=$(sed -n 's/.*LINUX-TEST: vda reads \([0-9]*\).*/\1/p' "$TMP/out" | tr -d '\r')
	lx_dev=$(sed -n 's/^  virtio-blk  *\([0-9]*\) (\([0-9]*\) queue kicks)/\1 \2/p' "$TMP/err")
	if [ ! -f "$BUILD/linux-test/initramfs.virtio" ]; then
		skip "linux: the disk's requests cost no exits (ioeventfd, irqfd)" \
			"no virtio modules in the initramfs"
	elif [ -z "$lx_reads" ] || [ "$lx_reads" -lt 256 ] || [ -z "$lx_dev" ]; then
		fail "linux: the disk's requests cost no exits (ioeventfd, irqfd)" \
			"reads '${lx_reads}', --stats virtio-blk '${lx_dev}'"
	elif [ "${lx_dev#* }" -eq 0 ] && [ $((${lx_dev% *} * 2)) -lt "$lx_reads" ]; then
		pass "linux: the disk's requests cost no exits (ioeventfd, irqfd)"
	else
		fail "linux: the disk's requests cost no exits (ioeventfd, irqfd)" \
			"$lx_reads reads; exits and trapped kicks: $lx_dev"
	fi
}

# --net unix= (issue 19): two Linux VMs on one wire. The boot below
# listens and is 10.0.0.1; a peer VM (the same initramfs, lxtest=netpeer:
# it only brings eth0 up, pings and waits for the link to go) connects in
# the background as 10.0.0.2, so the pair costs one boot more in parallel,
# not two. Each pings the other (3 replies, then a burst of 100 with -A).
lx_net_args=
lx_net_append=
lx_net_pid=
lx_net_peer_start() {
	[ -f "$BUILD/linux-test/initramfs.virtio-net" ] || return 0
	lx_net_args="--net unix=$TMP/lx-net.sock,listen"
	lx_net_append=" lxnet=10.0.0.1 lxpeer=10.0.0.2"
	"$SK" --kernel "$TMP/vmlinuz" --initrd "$TMP/initramfs.cpio" --mem 96M \
		--append "console=ttyS0 quiet lxtest=netpeer lxnet=10.0.0.2 lxpeer=10.0.0.1" \
		--net "unix=$TMP/lx-net.sock" --timeout 240s --stats -v --kernel-cache "$LX_CACHE" \
		</dev/null >"$TMP/peer-out" 2>"$TMP/peer-err" &
	lx_net_pid=$!
}

# After the boot: the peer ends once the boot's VMM is gone (its link
# goes down), by poweroff -f: ACPI S5 through PM1a_CNT ends its VMM with
# status 0, which -v names (a VMM still running would be killed by
# --timeout, 124). The pings both ways, the NIC in slot 20, and --stats: the
# NIC's frames are counted, no kick of its queues trapped (ioeventfds)
# and its exits (the handshake's and configuration reads, about 80, a
# fixed cost) are fewer than half the 400-odd frames of the pings: a
# trapped kick per transmitted frame would fail this.
lx_net_checks() {
	if [ -z "$lx_net_pid" ]; then
		skip "linux: two VMs on a unix wire ping each other" \
			"no virtio_net module in the initramfs"
		return
	fi
	wait "$lx_net_pid"
	lx_peer_status=$?
	lx_line "linux: PCI enumerates virtio-net in slot 20" \
		"LINUX-TEST: pci 0000:00:14.0 0x1af4:0x1041"
	lx_line "linux: eth0 comes up (virtio_net, --net unix=,listen)" \
		"LINUX-TEST: eth0 10.0.0.1 up, mac 02:53:"
	lx_line "linux: the boot pings its peer VM over the wire" \
		"LINUX-TEST: ping 10.0.0.2: 3 packets received"
	lx_line "linux: a burst of 100 pings gets 100 replies" \
		"LINUX-TEST: ping burst 10.0.0.2: 100 packets received"
	if [ "$lx_peer_status" = 0 ] &&
		grep -qF "LINUX-TEST: ping 10.0.0.1: 3 packets received" "$TMP/peer-out" &&
		grep -qF "LINUX-TEST: eth0 carrier 0" "$TMP/peer-out"; then
		pass "linux: the peer VM pings back, and its link goes down when the boot ends"
	else
		sed 's/^/# peer: /' "$TMP/peer-out" "$TMP/peer-err" | grep -v '^# peer: *$' | tail -n 20
		fail "linux: the peer VM pings back, and its link goes down when the boot ends" \
			"peer status $lx_peer_status"
	fi
	if [ "$lx_peer_status" = 0 ] &&
		grep -qF "simple-kvm: the guest powered off: ACPI S5, PM1a_CNT 0x" "$TMP/peer-err"; then
		pass "linux: poweroff -f ends the VM by ACPI S5 (PM1a_CNT), status 0"
	else
		fail "linux: poweroff -f ends the VM by ACPI S5 (PM1a_CNT), status 0" \
			"peer status $lx_peer_status: $(grep '^simple-kvm: the guest' "$TMP/peer-err")"
	fi
	lx_net=$(sed -n 's/^net0: tx \([0-9]*\) packets [0-9]* bytes, rx \([0-9]*\) packets.*/\1 \2/p' "$TMP/err")
	lx_dev=$(sed -n 's/^net0: \([0-9]*\) exits to the VMM (\([0-9]*\) kicks).*/\1 \2/p' "$TMP/err")
	lx_pkts=0
	[ -n "$lx_net" ] && lx_pkts=$((${lx_net% *} + ${lx_net#* }))
	echo "# virtio-net: ${lx_net% *} tx ${lx_net#* } rx packets; exits, trapped kicks: $lx_dev"
	if [ -n "$lx_net" ] && [ -n "$lx_dev" ] && [ "$lx_pkts" -ge 400 ] &&
		[ "${lx_dev#* }" -eq 0 ] && [ $((${lx_dev% *} * 2)) -lt "$lx_pkts" ]; then
		pass "linux: the NIC's frames cost no exits (ioeventfd, irqfd)"
	else
		fail "linux: the NIC's frames cost no exits (ioeventfd, irqfd)" \
			"net0 tx rx '$lx_net'; virtio-net exits, kicks '$lx_dev'"
	fi
}

# --net tap= (issue 19): a namespace of the test's own (unshare -n, held
# by a sleeping process and entered with nsenter: busybox's ip has no
# netns) with one tap per data path, tap n at 10.0.n.1/24, and a busybox
# httpd serving this run's page and 1 MiB of random bytes. The boot's
# VMM runs in the namespace too (the unix wire's socket is a path, which
# no network namespace hides); its NICs on the taps have fixed MACs, by
# which the guest finds them (lxtap=).
lx_tap_ns=
lx_tap_run=
lx_tap_args=
lx_tap_append=
lx_httpd_pid=
lx_tap_start() {
	[ -n "$lx_net_pid" ] || return 0 # the guest has no virtio_net
	for t in unshare nsenter tunctl httpd; do
		command -v $t >/dev/null || return 0
	done
	unshare -n sleep 600 &
	lx_tap_ns=$!
	i=0
	while [ "$(readlink /proc/$lx_tap_ns/ns/net)" = "$(readlink /proc/self/ns/net)" ] &&
		[ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	lx_tap_run="nsenter -t $lx_tap_ns -n"
	mkdir -p "$TMP/www"
	echo "tap-$LX_TOKEN" >"$TMP/www/page"
	head -c 1048576 /dev/urandom >"$TMP/www/big"
	$lx_tap_run sh -c 'ip link set lo up && for n in 1 2; do
		tunctl -t lxtap$n >/dev/null && ip addr add 10.0.$n.1/24 dev lxtap$n &&
		ip link set lxtap$n up || exit 1; done' || return 0
	$lx_tap_run httpd -f -p 80 -h "$TMP/www" &
	lx_httpd_pid=$!
	sleep 0.2
	echo "# tap: the httpd answers in its namespace: $($lx_tap_run wget -q -O - http://10.0.1.1/page 2>&1)"
	lx_tap_args="--net tap=lxtap1,mac=02:00:00:0a:01:02"
	lx_tap_append=" lxtap=02:00:00:0a:01:02"
	if [ -c /dev/vhost-net ]; then
		lx_tap_args="$lx_tap_args --net tap=lxtap2,vhost=on,mac=02:00:00:0a:02:02"
		lx_tap_append="$lx_tap_append,02:00:00:0a:02:02"
	fi
}

# lx_tap_fetched N PATH: the guest got the page and the 1 MiB whole over
# tap N; --stats's line for its NIC matches the pattern STATS.
lx_tap_fetched() {
	lx_line "linux: a VM fetches a page over --net tap= ($2)" \
		"LINUX-TEST: tap $1 (eth$1) page: tap-$LX_TOKEN"
	lx_line "linux: 1 MiB over --net tap= arrives whole ($2, md5sum)" \
		"LINUX-TEST: tap $1 big: $(md5sum <"$TMP/www/big" | cut -d' ' -f1) 1048576"
	if grep -q "^net$1: $3" "$TMP/err"; then
		pass "linux: --stats, $2: $4"
	else
		fail "linux: --stats, $2: $4" "$(grep "^net$1:" "$TMP/err")"
	fi
}

lx_tap_checks() {
	[ -n "$lx_httpd_pid" ] && kill "$lx_httpd_pid" 2>/dev/null
	[ -n "$lx_tap_ns" ] && kill "$lx_tap_ns" 2>/dev/null
	if [ -z "$lx_tap_args" ]; then
		skip "linux: a VM fetches a page over --net tap=" \
			"no virtio_net in the initramfs, or no unshare, nsenter, tunctl, httpd"
		return
	fi
	grep -F 'LINUX-TEST: tap ' "$TMP/out" | grep -F ' big: ' | sed 's/^/# /'
	lx_tap_fetched 1 "the userspace path" \
		'tx [1-9][0-9]* packets [0-9]* bytes, rx [1-9][0-9]* packets' \
		"the tap NIC's frames counted both ways"
	if [ ! -c /dev/vhost-net ]; then
		skip "linux: a VM fetches a page over --net tap=,vhost=on" "no /dev/vhost-net"
		return
	fi
	# the kernel moved them: the VMM copied none, and sent its interrupts
	lx_tap_fetched 2 "vhost=on" \
		'vhost-net: tx 0 packets 0 bytes, rx 0 packets 0 bytes, interrupts by irqfd, 0 relayed' \
		"no frame and no interrupt through the VMM"
	lx_vhost_fallback
}

# Without /dev/vhost-net (hidden for a moment: the sandbox is this
# test's own), vhost=on says so in one line and the NIC runs on the
# userspace path; a 2-second boot, ended by --timeout, shows it.
lx_vhost_fallback() {
	mv /dev/vhost-net "$TMP/vhost-net.hidden" || return
	run "$SK" --kernel "$TMP/vmlinuz" --initrd "$TMP/initramfs.cpio" \
		--append "console=ttyS0 quiet" --mem 96M --timeout 2s --stats \
		--net tap=lxfb0,vhost=on --kernel-cache "$LX_CACHE"
	mv "$TMP/vhost-net.hidden" /dev/vhost-net
	if [ "$status" = 124 ] &&
		grep -qxF "simple-kvm: net0: vhost-net: /dev/vhost-net is missing; using the userspace path" "$TMP/err" &&
		grep -q '^net0: tx [0-9]* packets' "$TMP/err"; then
		pass "linux: vhost=on without /dev/vhost-net falls back, saying so"
	else
		fail "linux: vhost=on without /dev/vhost-net falls back, saying so" \
			"status $status: $(grep -v '^ ' "$TMP/err" | head -n 3 | tr '\n' ' ')"
	fi
}

# ACPI (issue 20), in the boot above: the kernel finds the RSDP where
# -v says the tables are, takes its CPUs and IOAPIC from the MADT and
# PCI from the DSDT's host bridge (the disk and NICs found above depend
# on its _CRS), never says the RSDP is missing; the serial port's IRQ 4
# goes through the IOAPIC, and the LAPIC timer ticks (LOC), which in
# virtual wire mode, before ACPI, it never did.
lx_acpi_checks() {
	lx_err_line "linux: -v says where the ACPI tables are" \
		"simple-kvm: ACPI: RSDP 0xe0000, tables up to 0x"
	lx_line "linux: the kernel finds the RSDP (PVH rsdp_paddr)" \
		"LINUX-TEST: dmesg ACPI: RSDP 0x00000000000E0000 000024 (v02 SKVM  )"
	lx_no_line "linux: no 'A valid RSDP was not found'" "RSDP was not found"
	lx_line "linux: the MADT gives the CPUs and interrupt controllers" \
		"LINUX-TEST: dmesg ACPI: Using ACPI (MADT) for SMP configuration information"
	lx_line "linux: the MADT's IOAPIC is KVM's" \
		"LINUX-TEST: dmesg IOAPIC[0]: apic_id 0, version 17, address 0xfec00000, GSI 0-23"
	lx_line "linux: the DSDT's host bridge is found" \
		"LINUX-TEST: dmesg ACPI: PCI Root Bridge [PCI0] (domain 0000 [bus 00])"
	lx_line "linux: the DSDT's _S5 is found" \
		"LINUX-TEST: dmesg ACPI: PM: (supports S0 S5)"
	# one count per CPU (--cpus): any of them counting will do
	if tr -d '\r' <"$TMP/out" | awk '/^LINUX-TEST: irq 4: .*IO-APIC +4-edge +ttyS0$/ {
		for (i = 4; i <= NF; i++) if ($i ~ /^[0-9]+$/) n += $i } END { exit !(n > 0) }'; then
		pass "linux: the serial port's IRQ 4 goes through the IOAPIC"
	else
		fail "linux: the serial port's IRQ 4 goes through the IOAPIC" \
			"$(grep '^LINUX-TEST: irq 4:' "$TMP/out")"
	fi
	if grep -q '^LINUX-TEST: irq LOC: *[1-9][0-9]* ' "$TMP/out"; then
		pass "linux: the LAPIC timer ticks (LOC)"
	else
		fail "linux: the LAPIC timer ticks (LOC)" "$(grep '^LINUX-TEST: irq LOC' "$TMP/out")"
	fi
}

# lx_smp_checks N [busy]: --cpus N (issue 20), in a boot's output: Linux
# found N CPUs with APIC IDs 0..N-1 (the MP table's and each vCPU's
# CPUID); with busy, for 2 s a busy loop pinned to each CPU (taskset)
# counted rounds there; and each
# vCPU's thread got at least 0.2 s of host CPU (--stats' per-vCPU lines):
# an AP that never ran, or one whose CPUID named the host's APIC ID,
# fails this. /proc/stat's ticks are shown, not checked: under the
# sandbox's TCG most of those 2 s are steal time, a few ticks each.
lx_smp_checks() {
	lx_ids=
	i=0
	while [ $i -lt "$1" ]; do
		lx_ids="$lx_ids$i "
		i=$((i + 1))
	done
	lx_line "linux --cpus $1: nproc in the guest says $1" "LINUX-TEST: nproc $1"
	lx_line "linux --cpus $1: /proc/cpuinfo's APIC IDs are 0 to $(($1 - 1))" \
		"LINUX-TEST: apicids $lx_ids"
	lx_n=$1
	[ "${2:-}" = busy ] || {
		lx_smp_stats
		return
	}
	echo "# --cpus $1: guest ticks (user+nice+system) in 2 s of busy loops:" \
		"$(sed -n 's/^LINUX-TEST: busy ticks //p' "$TMP/out" | tr -d '\r'); steal:" \
		"$(sed -n 's/^LINUX-TEST: steal ticks //p' "$TMP/out" | tr -d '\r')"
	lx_spun=$(sed -n 's/^LINUX-TEST: spun //p' "$TMP/out" | tr -d '\r')
	# shellcheck disable=SC2086 # pairs of words: cpuN rounds
	set -- $lx_spun
	lx_ok=$(($# == 2 * lx_n))
	i=0
	while [ $# -ge 2 ]; do
		[ "$1" = "cpu$i" ] && [ "$2" -ge 1 ] || lx_ok=0
		i=$((i + 1))
		shift 2
	done
	if [ "$lx_ok" = 1 ]; then
		pass "linux --cpus $lx_n: a busy loop pinned to each CPU runs there"
	else
		fail "linux --cpus $lx_n: a busy loop pinned to each CPU runs there" \
			"rounds per CPU '$lx_spun'"
	fi
	lx_smp_stats
}

# --stats has a line per vCPU (lx_n of them), each with some CPU time.
lx_smp_stats() {
	lx_vcpus=$(sed -n 's/^  vcpu \([0-9]*\): .*, \([0-9.]*\) s CPU time$/\1 \2/p' "$TMP/err")
	echo "# --cpus $lx_n: host CPU time per vCPU: $(echo $lx_vcpus)"
	if [ "$(echo "$lx_vcpus" | grep -c .)" = "$lx_n" ] &&
		echo "$lx_vcpus" | awk '$2 < 0.2 { bad = 1 } END { exit bad }'; then
		pass "linux --cpus $lx_n: --stats has a line per vCPU, each with CPU time"
	else
		fail "linux --cpus $lx_n: --stats has a line per vCPU, each with CPU time" \
			"per-vCPU lines: '$(echo $lx_vcpus)'"
	fi
}

# --cpus 4, its own short boot: the checks above, then with a busy loop
# on every CPU a SIGTERM ends the run at once (status 130): each vCPU's
# thread leaves KVM_RUN. Meanwhile every thread of the VMM is under the
# seccomp allowlist (/proc/PID/task/*/status), the APs' threads too.
lx_smp4() {
	last_cmd="simple-kvm --kernel vmlinuz --cpus 4 ... lxtest=smp, then kill -TERM"
	t0=$(uptime_s)
	: >"$TMP/out"
	"$SK" --kernel "$TMP/vmlinuz" --initrd "$TMP/initramfs.cpio" --mem 96M --cpus 4 \
		--append "console=ttyS0 quiet lxtest=smp" --timeout 240s --stats \
		--kernel-cache "$LX_CACHE" </dev/null >"$TMP/out" 2>"$TMP/err" &
	lx_pid=$!
	i=0
	while ! grep -q "LINUX-TEST: smp spinning" "$TMP/out" &&
		kill -0 "$lx_pid" 2>/dev/null && [ $i -lt 240 ]; do
		sleep 1
		i=$((i + 1))
	done
	lx_threads=0
	lx_confined=0
	for lx_st in /proc/"$lx_pid"/task/*/status; do
		[ -r "$lx_st" ] || continue
		lx_threads=$((lx_threads + 1))
		grep -q '^Seccomp:[[:space:]]*2' "$lx_st" && lx_confined=$((lx_confined + 1))
	done
	kill -TERM "$lx_pid" 2>/dev/null
	i=0 # a bound for a VMM that does not stop, not a measurement
	while kill -0 "$lx_pid" 2>/dev/null && [ $i -lt 60 ]; do
		sleep 1
		i=$((i + 1))
	done
	kill -KILL "$lx_pid" 2>/dev/null
	wait "$lx_pid"
	status=$?
	echo "# linux --cpus 4, boot to SIGTERM and its end: $(awk "BEGIN { print $(uptime_s) - $t0 }") s"
	# (--stats follows the one diagnostic line: check's count would not do)
	if [ "$status" = 130 ] && [ "$(grep -c '^simple-kvm:' "$TMP/err")" = 1 ] &&
		grep -q '^simple-kvm: guest stopped at RIP 0x[0-9a-f]*: stopped by a signal$' "$TMP/err"; then
		pass "linux --cpus 4: SIGTERM while every vCPU spins ends the run (130)"
	else
		fail "linux --cpus 4: SIGTERM while every vCPU spins ends the run (130)" \
			"status $status"
	fi
	if [ "$lx_threads" -ge 4 ] && [ "$lx_confined" = "$lx_threads" ]; then
		pass "linux --cpus 4: seccomp confines every thread ($lx_threads)"
	else
		fail "linux --cpus 4: seccomp confines every thread" \
			"$lx_confined of $lx_threads threads in seccomp filter mode"
	fi
	lx_smp_checks 4 busy
}

# The whole story in one boot, its stdout on a terminal (pty-run): init's
# marker, the hypervisor CPUID flag, hypercalls from user space, what the
# terminal gets of the escapes the guest sends, a line typed on the
# console, reboot -f.
lx_boot() {
	t0=$(uptime_s)
	last_cmd="(a line after the prompt) | pty-run simple-kvm --kernel vmlinuz --initrd initramfs.cpio ..."
	: >"$TMP/out"
	if [ -n "$LX_ROOT_READY" ]; then
		cp "$LX_ROOT/fresh.ext4" "$TMP/lx-disk.img" # busybox's cp: no --sparse
	else
		truncate -s 1M "$TMP/lx-disk.img"
	fi
	# sector 1 is ext4's boot block, which the file system leaves alone
	printf 'WXYZ' | dd of="$TMP/lx-disk.img" bs=512 seek=1 conv=notrunc 2>/dev/null
	lx_net_peer_start
	lx_tap_start
	# shellcheck disable=SC2086 # $lx_*: the wire's and taps' flags or none
	lx_type_after_prompt | $lx_tap_run "$LX_PTY_RUN" -t 300 "$SK" --kernel "$TMP/vmlinuz" \
		--initrd "$TMP/initramfs.cpio" --append "console=ttyS0 quiet lxtoken=$LX_TOKEN$lx_net_append$lx_tap_append" --mem 96M \
		--disk "$TMP/lx-disk.img" --rng --console virtio $lx_net_args $lx_tap_args \
		--cpus 2 --timeout 240s --stats -v --kernel-cache "$LX_CACHE" >"$TMP/out" 2>"$TMP/err"
	status=$?
	echo "# linux boot to reboot: $(awk "BEGIN { print $(uptime_s) - $t0 }") s"
	check "linux: boots and ends with reboot -f, status 0" 0
	lx_err_line "linux: -v says the kernel was entered by its PVH note" \
		"simple-kvm: boot path pvh: entry 0x"
	lx_err_line "linux: the vmlinux came from the cache make test filled" \
		"the vmlinux in the cache (hit): $LX_CACHE/vmlinux-"
	lx_line "linux: init prints its marker" "LINUX-TEST: init started"
	lx_line "linux: /proc/cpuinfo has the hypervisor flag" \
		"LINUX-TEST: cpuinfo has the hypervisor flag"
	lx_smp_checks 2 # the reboot that ends it comes from one vCPU of two
	lx_line "linux: HC_print8bit from user space" \
		"hcdemo: HC_print8bit from user space"
	lx_line "linux: HC_print32bit from user space" "1234567890"
	lx_line "linux: HC_printStr through Linux's page tables" \
		"hcdemo: HC_printStr of 0x"
	lx_line "linux: HC_numExits answers" "hcdemo: numExits said "
	lx_line "linux: HC_numExitsByType's ring is reserved: /dev/mem reads it" \
		"via /dev/mem: 'IO in: "
	lx_line "linux: the hypercall program succeeds" "LINUX-TEST: hcdemo ok"
	lx_line "linux: a CSI from the console reaches the terminal as it is" \
		"$(printf 'LINUX-TEST: \033[1mcsi\033[0m ')"
	lx_line "linux: an OSC from the console is shown as \\xHH on a terminal" \
		'\x1b]0;pwned-by-uart\x07'
	lx_line "linux: HC_printStr from Linux is escaped on a terminal" \
		'hcdemo: \x1b]0;pwned-by-hc\x07'
	lx_no_line "linux: no OSC reaches the terminal" "$(printf '\033]')"
	lx_virtio_extras
	lx_line "linux: the kernel restarts" "reboot: Restarting system"
	lx_err_line "linux: reboot -f resets by the FADT's reset register" \
		"simple-kvm: the guest reset the machine: the ACPI reset register"
	lx_acpi_checks
	lx_line "linux: PCI enumerates the host bridge (0xcf8, --disk)" \
		"LINUX-TEST: pci 0000:00:00.0 0x8086:0x29c0"
	lx_line "linux: PCI enumerates the virtio-blk function in slot 1" \
		"LINUX-TEST: pci 0000:00:01.0 0x1af4:0x1042"
	lx_no_line "linux: no 'PCI: Fatal' line" "PCI: Fatal"
	if [ -f "$BUILD/linux-test/initramfs.virtio" ]; then
		lx_line "linux: virtio_blk reads /dev/vda (MSI-X through KVM)" \
			"LINUX-TEST: vda sector 1: WXYZ"
	else
		skip "linux: virtio_blk reads /dev/vda (MSI-X through KVM)" \
			"no virtio modules in the initramfs (built before kvm-run fetched the kernel package)"
	fi
	# the root disk: this boot mounts it and writes to it (lx_panic reads it)
	if [ -n "$LX_ROOT_READY" ]; then
		lx_line "linux: ext4 on /dev/vda mounts (the kernel's ext4, jbd2, crc32c modules)" \
			"LINUX-TEST: root disk /dev/vda /mnt ext4"
		lx_line "linux: the guest writes the root disk and unmounts it" \
			"LINUX-TEST: root disk written and unmounted"
	else
		skip "linux: ext4 on /dev/vda" "no root disk build (tests/kvm/linux-root.sh)"
	fi
	lx_disk_exits
	lx_net_checks
	if grep -q '^  port 0x03f8 ' "$TMP/err"; then
		pass "linux: --stats counts the serial port"
	else
		fail "linux: --stats counts the serial port" "no port 0x03f8 line"
	fi
	lx_tap_checks # last: its fallback run replaces the boot's output
}

# panic=-1 reboots at once after the panic text: init (lxtest=panic)
# prints an OSC and exits, which panics the kernel. The same boot checks
# --raw-output on a terminal. It stays quiet: loud boots have hung the
# sandbox (issue 20), and the panic line is KERN_EMERG, printed anyway.
lx_panic() {
	if [ -n "$LX_ROOT_READY" ]; then
		lx_root_panic
		return
	fi
	run "$LX_PTY_RUN" -t 300 "$SK" --kernel "$TMP/vmlinuz" --timeout 240s --mem 96M \
		--initrd "$TMP/initramfs.cpio" --raw-output --boot bzimage -v \
		--append "console=ttyS0 quiet panic=-1 lxtest=panic"
	check "linux: a kernel panic with panic=-1 ends with status 0" 0
	lx_err_line "linux: --boot bzimage takes the bzImage's own entry" \
		"simple-kvm: boot path bzimage:"
	lx_line "linux: the panic text is printed" "Kernel panic - not syncing"
	lx_line "linux: --raw-output passes an OSC to a terminal as it is" \
		"$(printf 'LINUX-TEST: raw \033]0;raw-output\007')"
}

# The same second boot from the root disk the first boot wrote, as make
# linux boots (its initramfs loads the modules, mounts /dev/vda and
# switch_root's), read-only: init= runs the program that boot left there,
# which prints the run's token and the OSC, and exits. Then the host's
# e2fsck checks the image, its crc32c checksums included.
lx_root_panic() {
	cp "$LX_ROOT/initramfs.cpio" "$TMP/root.cpio" || return 1
	last_cmd="(a line after the prompt) | pty-run simple-kvm --kernel vmlinuz --initrd root.cpio --disk lx-disk.img,ro ..."
	: >"$TMP/out"
	# The first boot's stdin went to hvc0: this one types on the serial
	# console (COM1's receive path and its irqfd on real KVM).
	lx_type_after_prompt | "$LX_PTY_RUN" -t 300 "$SK" --kernel "$TMP/vmlinuz" --timeout 240s --mem 96M \
		--initrd "$TMP/root.cpio" --raw-output --disk "$TMP/lx-disk.img,ro" --boot bzimage -v \
		--append "console=ttyS0 quiet panic=-1 lxtest=panic ro init=/lxtest-init norescue" \
		>"$TMP/out" 2>"$TMP/err"
	status=$?
	check "linux: a kernel panic with panic=-1 ends with status 0" 0
	# the old path, kept as the fallback: the bzImage decompresses itself
	lx_err_line "linux: --boot bzimage takes the bzImage's own entry" \
		"simple-kvm: boot path bzimage:"
	lx_line "linux: a line typed on stdin reaches the guest through the serial console" \
		"LINUX-TEST: read 'ping from the host'"
	lx_line "linux: the panic text is printed" "Kernel panic - not syncing"
	lx_line "linux: --raw-output passes an OSC to a terminal as it is" \
		"$(printf 'LINUX-TEST: raw \033]0;raw-output\007')"
	lx_line "linux: make linux's initramfs switch_root's to /dev/vda" \
		"switch_root to /dev/vda, /lxtest-init"
	lx_line "linux: the root is ext4 on /dev/vda, read-only (--disk ...,ro)" \
		"LINUX-TEST: on the root disk: /dev/vda / ext4 ro"
	lx_line "linux: the token the first boot wrote is on the disk in the second" \
		"LINUX-TEST: token $LX_TOKEN"
	lx_line "linux: the bzImage's own path finds the RSDP too (acpi_rsdp_addr)" \
		"LINUX-TEST: bzImage path: ACPI: RSDP 0x00000000000E0000"
	lx_err_line "linux: panic=-1 resets by the FADT's reset register" \
		"simple-kvm: the guest reset the machine: the ACPI reset register"
	last_cmd="e2fsck -fn lx-disk.img (after both boots)"
	"$LX_ROOT/e2fsck/ld-linux-x86-64.so.2" --library-path "$LX_ROOT/e2fsck" \
		"$LX_ROOT/e2fsck/e2fsck" -fn "$TMP/lx-disk.img" >"$TMP/out" 2>"$TMP/err"
	status=$?
	[ "$status" = 0 ] || sed 's/^/# e2fsck: /' "$TMP/out"
	check "linux: e2fsck finds the guest's ext4 clean, checksums and all" 0
	# e2fsck -n checks past a journal that needs replaying, with a warning
	lx_no_line "linux: the guest unmounted the disk: no journal left to replay" \
		"skipping journal recovery"
	rm -f "$TMP/lx-disk.img"
}

# lx_gdb_wait FILE TEXT SECONDS: FILE gets a line with TEXT in time.
lx_gdb_wait() {
	i=0
	while ! grep -q -- "$2" "$1" 2>/dev/null && [ $i -lt $(($3 * 5)) ]; do
		sleep 0.2
		i=$((i + 1))
	done
	grep -q -- "$2" "$1" 2>/dev/null
}

# lx_gdb_value NAME: the hex value gdb printed as "NAME <hex>".
lx_gdb_value() {
	sed -n "s/^$1 \([0-9a-f]*\)\$/\1/p" "$TMP/gdb.clean" | head -n 1
}

# --gdb with --kernel (issue 20): Debian's gdb on the kernel with 2 vCPUs.
# gdb attaches before the first instruction and reads the kernel at its
# link-time address; the kernel boots; gdb's interrupt (Ctrl-C) stops it;
# an hbreak on sync(2)'s entry (from /proc/kallsyms: Debian ships no
# symbols beside the kernel) hits the vCPU that runs init's sync loop;
# one at the caller's user-space address is refused; stepi, thread
# switches, and kill ends the run. gdb reads its commands
# from a fifo, each stage once the last one's marker is in its log.
lx_gdb() {
	gdb_find
	if [ -z "$GDB" ]; then
		skip "linux: gdb on a booting kernel" "no gdb (make builds build/gdb-rt)"
		return
	fi
	lx_sock=$TMP/lx-gdb.sock lx_fifo=$TMP/lx-gdb.in
	rm -f "$lx_sock" "$lx_fifo" && mkfifo "$lx_fifo" || return 1
	# the image's first segment, from the cached vmlinux's ELF header
	lx_vmlinux=$(ls "$LX_CACHE"/vmlinux-* 2>/dev/null | head -n 1)
	lx_phoff=$(od -An -tu8 -j 32 -N8 "$lx_vmlinux" | tr -d ' ')
	lx_seg=$(od -An -tu8 -j $((lx_phoff + 8)) -N8 "$lx_vmlinux" | tr -d ' ')
	lx_vaddr=$(od -An -tx8 -j $((lx_phoff + 16)) -N8 "$lx_vmlinux" | tr -d ' ')
	lx_bytes=$(od -An -tx1 -j "$lx_seg" -N8 "$lx_vmlinux" | tr -s ' ' | sed 's/^ //')
	last_cmd="simple-kvm --kernel vmlinuz --cpus 2 --gdb unix:lx-gdb.sock (gdb's commands through a fifo)"
	"$SK" --kernel "$TMP/vmlinuz" --initrd "$TMP/initramfs.cpio" --mem 96M --cpus 2 \
		--append "console=ttyS0 quiet lxtest=gdb" --timeout 240s \
		--kernel-cache "$LX_CACHE" --gdb "unix:$lx_sock" </dev/null >"$TMP/out" 2>"$TMP/err" &
	sk_pid=$!
	wait_for_socket "$lx_sock" $sk_pid
	timeout 200 $GDB -nx -q <"$lx_fifo" >"$TMP/gdb.log" 2>&1 &
	lx_gdb_pid=$!
	exec 3>"$lx_fifo"
	cat >&3 <<-GDB1
		set pagination off
		set confirm off
		target remote $lx_sock
		info threads
		x/8xb 0x$lx_vaddr
		echo LX-STAGE-1\n
		continue &
	GDB1
	lx_gdb_wait "$TMP/out" "gdb sync at" 120
	lx_addr=$(sed -n 's/.*gdb sync at \([0-9a-f]*\).*/\1/p' "$TMP/out" | tr -d '\r')
	echo interrupt >&3
	lx_gdb_wait "$TMP/gdb.log" "received signal SIGINT" 30
	cat >&3 <<-GDB2
		hbreak *0x$lx_addr
		continue
		printf "PC %lx\n", \$pc
		printf "CS %lx\n", \$cs
		printf "ORIG_AX %lx\n", *(long *)(\$rdi + 120)
		x/2i \$pc
		printf "USER_IP %lx\n", *(long *)(\$rdi + 128)
		break *(*(long *)(\$rdi + 128))
		stepi
		delete 2
		stepi
		printf "STEPPED %lx\n", \$pc
		thread 1
		printf "T1 %lx\n", \$pc
		thread 2
		printf "T2 %lx\n", \$pc
		echo LX-STAGE-2\n
		kill
		quit
	GDB2
	lx_gdb_wait "$TMP/gdb.log" LX-STAGE-2 90
	exec 3>&-
	i=0
	while kill -0 $sk_pid 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	kill $sk_pid $lx_gdb_pid 2>/dev/null
	wait $sk_pid
	status=$?
	wait $lx_gdb_pid 2>/dev/null
	# without the prompts that gdb prints before each command's output
	sed 's/^\((gdb) \)*//' "$TMP/gdb.log" >"$TMP/gdb.clean"
	cat "$TMP/gdb.clean" >>"$TMP/out"
	lx_gdb_checks
}

lx_gdb_checks() {
	lx_line "linux: gdb sees each vCPU as a thread" "Thread 2 (vCPU 1)"
	lx_gdb_image=$(sed -n "s/^0x$lx_vaddr[^:]*:[[:space:]]*//p" "$TMP/gdb.clean" |
		sed 's/0x//g; s/[[:space:]][[:space:]]*/ /g; s/ $//')
	if [ -n "$lx_bytes" ] && [ "$lx_gdb_image" = "$lx_bytes" ]; then
		pass "linux: gdb reads the kernel at its link-time address before it runs"
	else
		fail "linux: gdb reads the kernel at its link-time address before it runs" \
			"gdb read '$lx_gdb_image' at 0x$lx_vaddr, the vmlinux has '$lx_bytes'"
	fi
	lx_line "linux: gdb's interrupt stops the booted kernel" "received signal SIGINT"
	lx_line "linux: an hbreak on sync(2) hits once the kernel runs on" \
		"reakpoint 1, 0x$lx_addr"
	if [ -n "$lx_addr" ] && [ "$(lx_gdb_value PC)" = "$lx_addr" ] &&
		[ "$(lx_gdb_value CS)" = 10 ] && [ "$(lx_gdb_value ORIG_AX)" = a2 ]; then
		pass "linux: stopped at sync's entry in ring 0, for syscall 162 (pt_regs)"
	else
		fail "linux: stopped at sync's entry in ring 0, for syscall 162 (pt_regs)" \
			"pc $(lx_gdb_value PC) (want $lx_addr), cs $(lx_gdb_value CS), orig_ax $(lx_gdb_value ORIG_AX)"
	fi
	if grep -q "^=> 0x0*$lx_addr" "$TMP/gdb.clean" &&
		! grep -q "^=> 0x0*$lx_addr.*out " "$TMP/gdb.clean"; then
		pass "linux: gdb sees the kernel's own instruction, not the trap"
	else
		fail "linux: gdb sees the kernel's own instruction, not the trap" "x/2i \$pc"
	fi
	lx_line "linux: a breakpoint in user space is refused (a port trap there would #GP)" \
		"Cannot insert breakpoint 2"
	lx_stepped=$(lx_gdb_value STEPPED)
	case $lx_stepped in
	"" | "$lx_addr") fail "linux: stepi leaves the breakpoint" "pc after stepi: '$lx_stepped'" ;;
	*) pass "linux: stepi leaves the breakpoint" ;;
	esac
	case "$(lx_gdb_value T1) $(lx_gdb_value T2)" in
	ffffffff*" "ffffffff*) pass "linux: both vCPUs stopped in the kernel (thread 1, thread 2)" ;;
	*) fail "linux: both vCPUs stopped in the kernel (thread 1, thread 2)" \
		"pcs '$(lx_gdb_value T1)' '$(lx_gdb_value T2)'" ;;
	esac
	# not check: the stub's notices are on stderr beside the end's line
	if [ "$status" = 130 ] && grep -qF "stopped by gdb's kill request" "$TMP/err"; then
		pass "linux: gdb's kill ends the run, status 130"
	else
		fail "linux: gdb's kill ends the run, status 130" \
			"status $status; stderr: $(tail -n 1 "$TMP/err")"
	fi
}

# pty-run needs pseudo-terminals, which the sandbox's init leaves
# unmounted (devtmpfs has /dev/ptmx, but its pts/N live on devpts).
lx_ptys() {
	[ -n "${KVM_RUN_SANDBOX:-}" ] && [ ! -e /dev/pts/ptmx ] || return 0
	mkdir -p /dev/pts && mount -t devpts -o ptmxmode=0666 devpts /dev/pts
}

lx_flag_refusals
if [ "$KVM_BACKEND" = kvm_pvm ]; then
	skip "linux boot" "kvm_pvm cannot boot an unmodified kernel (it runs PVM guests)"
elif [ ! -r "$LX_KERNEL" ] || [ ! -r "$LX_INITRD" ] || [ ! -x "$LX_PTY_RUN" ]; then
	skip "linux boot" "no kernel or initramfs (scripts/sandbox/prepare, tests/kvm/linux-initramfs.sh)"
else
	cp "$LX_KERNEL" "$TMP/vmlinuz" && cp "$LX_INITRD" "$TMP/initramfs.cpio" || exit 1
	lx_ptys
	lx_refusals
	lx_boot
	lx_smp4
	lx_gdb
	[ "${KVM_TEST_LINUX:-}" = quick ] || lx_panic
fi
