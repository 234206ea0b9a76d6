# linux.sh - simple-kvm --kernel: the sandbox's own Debian kernel boots
# with a tiny initramfs (tests/kvm/linux-initramfs.sh), runs a hypercall
# program from user space, reads a line from the console and reboots; bad
# kernels, initrds, command lines and RAM sizes are refused; a kernel
# panic with panic=-1 ends the run. Sourced by run.sh. Two boots, about a
# minute in the sandbox (docs/linux.md); KVM_TEST_LINUX=quick leaves out
# the panic, the second boot.

# The kernel is the sandbox's, which kvm-run always keeps in build/sandbox;
# the initramfs is this build's.
LX_REPO=$(cd "$here/../.." && pwd -P)
LX_KERNEL=${KVM_TEST_LINUX_KERNEL:-$LX_REPO/build/sandbox/kernel/vmlinuz}
LX_INITRD=$BUILD/linux-test/initramfs.cpio

# lx_line NAME TEXT: the last boot printed a line containing TEXT.
lx_line() {
	if grep -qF -- "$2" "$TMP/out"; then
		pass "$1"
	else
		fail "$1" "stdout lacks '$2'"
	fi
}

lx_refusals() {
	run "$SK" --initrd "$LX_INITRD"
	check "linux: --initrd without --kernel is a usage error" 64 "need --kernel"
	run "$SK" -l --kernel "$TMP/vmlinuz"
	check "linux: --kernel with a mode flag is a usage error" 64 "no mode flag"
	run "$SK" --kernel "$SK"
	check "linux: a file that is not a bzImage is refused" 65 "not a bzImage"
	run "$SK" --kernel "$TMP/vmlinuz" --mem 64M
	check "linux: --mem too small for the kernel's init_size" 65 "the kernel needs RAM"
	dd if=/dev/zero of="$TMP/big.cpio" bs=1M count=0 seek=32 2>/dev/null
	run "$SK" --kernel "$TMP/vmlinuz" --initrd "$TMP/big.cpio" --mem 96M
	check "linux: an initrd larger than the RAM left is refused" 65 "does not fit"
	run "$SK" --kernel "$TMP/vmlinuz" --append "$(printf '%03000d' 0)"
	check "linux: a command line over cmdline_size is refused" 65 "cmdline_size"
}

# The whole story in one boot: init's marker, the hypervisor CPUID flag,
# hypercalls from user space, a line typed on the console, reboot -f.
lx_boot() {
	t0=$(uptime_s)
	last_cmd="printf 'ping from the host\n' | simple-kvm --kernel vmlinuz --initrd initramfs.cpio ..."
	printf 'ping from the host\n' | "$SK" --kernel "$TMP/vmlinuz" \
		--initrd "$TMP/initramfs.cpio" --append "console=ttyS0 quiet" --mem 96M \
		--timeout 240s --stats >"$TMP/out" 2>"$TMP/err"
	status=$?
	echo "# linux boot to reboot: $(awk "BEGIN { print $(uptime_s) - $t0 }") s"
	check "linux: boots and ends with reboot -f, status 0" 0
	lx_line "linux: init prints its marker" "LINUX-TEST: init started"
	lx_line "linux: /proc/cpuinfo has the hypervisor flag" \
		"LINUX-TEST: cpuinfo has the hypervisor flag"
	lx_line "linux: HC_print8bit from user space" \
		"hcdemo: HC_print8bit from user space"
	lx_line "linux: HC_print32bit from user space" "1234567890"
	lx_line "linux: HC_printStr through Linux's page tables" \
		"hcdemo: HC_printStr of 0x"
	lx_line "linux: HC_numExits answers" "hcdemo: numExits said "
	lx_line "linux: the hypercall program succeeds" "LINUX-TEST: hcdemo ok"
	lx_line "linux: a line from stdin reaches the guest" \
		"LINUX-TEST: read 'ping from the host'"
	lx_line "linux: the kernel restarts" "reboot: Restarting system"
	if grep -q '^  port 0x03f8 ' "$TMP/err"; then
		pass "linux: --stats counts the serial port"
	else
		fail "linux: --stats counts the serial port" "no port 0x03f8 line"
	fi
}

# panic=-1 reboots at once after the panic text; no initrd, so the panic
# comes from mounting the root file system, right before init would run.
lx_panic() {
	run "$SK" --kernel "$TMP/vmlinuz" --timeout 240s --mem 96M \
		--append "console=ttyS0 quiet init=/nonexistent panic=-1"
	check "linux: a kernel panic with panic=-1 ends with status 0" 0
	lx_line "linux: the panic text is printed" "Kernel panic - not syncing"
}

if [ "$KVM_BACKEND" = kvm_pvm ]; then
	skip "linux boot" "kvm_pvm cannot boot an unmodified kernel (it runs PVM guests)"
elif [ ! -r "$LX_KERNEL" ] || [ ! -r "$LX_INITRD" ]; then
	skip "linux boot" "no kernel or initramfs (scripts/sandbox/prepare, tests/kvm/linux-initramfs.sh)"
else
	cp "$LX_KERNEL" "$TMP/vmlinuz" && cp "$LX_INITRD" "$TMP/initramfs.cpio" || exit 1
	lx_refusals
	lx_boot
	[ "${KVM_TEST_LINUX:-}" = quick ] || lx_panic
fi
