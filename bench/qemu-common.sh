# qemu-common.sh - sourced by the benches that boot the sandbox's Linux on
# this machine's QEMU beside simple-kvm (bench/virtio-qemu.sh,
# bench/net-qemu.sh): the copy of QEMU they carry into the sandbox, how it
# runs there, the medians and KVM's debugfs counters. POSIX sh (the
# sandbox's busybox), except qemu_copy, which runs on the host.
#
#   qemu_copy DIR          (host) DIR/: qemu-system-x86_64, lib/ (its shared
#                          libraries and loader, scripts/copy-runtime-libs),
#                          share/ (the firmware a -kernel boot of -M pc loads:
#                          SeaBIOS, linuxboot, kvmvapic; and microvm's
#                          qboot, bios-microvm.bin), version
#   qemu_exec DIR ARGS...  runs DIR's copy with ARGS under `timeout
#                          ${QEMU_TIMEOUT:-600}` (SIGKILL 10 s after), in
#                          an empty environment, through its own loader: the
#                          sandbox has no libraries or /usr/share of its own
#   qemu_exec_bg DIR ARGS... the same in the background, $! QEMU's pid
#   QEMU_FLAGS             the machine both benches boot: -M pc (conventional
#                          PCI through 0xCF8, as simple-kvm's), -accel kvm,
#                          -cpu host, 1 vCPU, -nodefaults, serial on stdio
#   median                 the median of the numbers on stdin, or n/a
#   kvm_counted OUT CMD... runs CMD while a sampler copies KVM's debugfs
#                          counters (KVM_STATS, summed over the live VMs)
#                          every 0.5 s; OUT gets the last non-zero sample.
#                          A VM's counts go when it does, hence the sampler;
#                          it costs CPU, so no timed boot runs under it.

qemu_copy() {
	q=$(command -v qemu-system-x86_64)
	rm -rf "$1" && mkdir -p "$1/share"
	scripts/copy-runtime-libs "$1/lib" "$q"
	cp "$q" "$1/"
	for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin \
		/usr/share/qemu/kvmvapic.bin /usr/share/qemu/bios-microvm.bin; do
		cp -L "$f" "$1/share/"
	done
	"$q" --version | head -n 1 >"$1/version"
}

qemu_exec() {
	qd=$1
	shift
	timeout -k 10 "${QEMU_TIMEOUT:-600}" env -i "$qd/lib/ld-linux-x86-64.so.2" --library-path "$qd/lib" \
		"$qd/qemu-system-x86_64" -L "$qd/share" "$@"
}
# qemu_exec_bg: the same in the background, with $! QEMU's own pid (the
# subshell that runs it becomes timeout, which becomes QEMU), so that
# kill "$!" ends the VM and not only a shell around it
qemu_exec_bg() {
	(
		qd=$1
		shift
		exec timeout -k 10 "${QEMU_TIMEOUT:-600}" env -i "$qd/lib/ld-linux-x86-64.so.2" --library-path "$qd/lib" \
			"$qd/qemu-system-x86_64" -L "$qd/share" "$@"
	) &
}

QEMU_FLAGS="-M pc -accel kvm -cpu host -smp 1 -nodefaults -no-user-config -display none -no-reboot -serial stdio"

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "n/a"; exit }
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

KVM_DEBUGFS=/sys/kernel/debug/kvm
KVM_STATS="exits mmio_exits io_exits halt_exits irq_injections insn_emulation"
kvm_debugfs_mount() {
	[ -r $KVM_DEBUGFS/exits ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
}
kvm_counted() {
	kc_out=$1
	shift
	: >"$kc_out"
	(
		while :; do
			v=$(cd $KVM_DEBUGFS 2>/dev/null && cat $KVM_STATS 2>/dev/null | tr '\n' ' ')
			case $v in "0 "* | "") ;; *) echo "$v" >"$kc_out" ;; esac
			sleep 0.5
		done
	) &
	kc_pid=$!
	"$@"
	kill "$kc_pid" 2>/dev/null
	wait "$kc_pid" 2>/dev/null
}
