# simple-kvm.sh - real-KVM cases for simple-kvm: every mode, every
# hypercall, and bad input. Sourced by run.sh; hostile.sh has the guests
# that misbehave on purpose.

# --- the VM core in every mode (the kvm-hello-world check) ----------------
for m in $MODES; do
	f=$(flag_of $m)
	run "$SK" $f --expect 42 "$GT/answer-$m.bin"
	check "$m: guest leaves 42 in memory and in EAX/RAX" 0
	run "$SK" $f --expect 42 "$GT/wrong-mem-$m.bin"
	check "$m: a wrong value in memory is caught" 1 "found 41 at 0x400"
	run "$SK" $f --expect 42 "$GT/wrong-reg-$m.bin"
	check "$m: a wrong value in the register is caught" 1 "and 41 in"
	run "$SK" $f --expect 42 "$GT/big-$m.bin"
	check "$m: a 28 KiB flat image survives the VMM's setup" 0
	run "$SK" $f --expect 42 "$GT/big-$m.elf"
	check "$m: a 28 KiB ELF image with bss runs" 0
done
for m in protected paged long; do
	run "$SK" $(flag_of $m) --mem 3G --expect 42 "$GT/high-mem-$m.bin"
	check "$m: the last guest word below 3 GiB is identity-mapped" 0
done
run "$SK" -l --mem 128K --expect 42 "$GT/answer-long.bin"
check "long: the smallest RAM (128K) runs" 0
run "$SK" -p --mem 16388K --expect 42 "$GT/answer-paged.bin"
check "paged: an odd RAM size (16388K) maps its 4 KiB tail" 0

# --- the demo: every hypercall, exact output -------------------------------
for m in $MODES; do
	run "$SK" $(flag_of $m) --verbose
	check "$m: the demo passes its own checks" 0
	line 1,8 >"$TMP/got"
	check_stdout "$m: demo prints greeting, value, exit count, string and both by-type strings" \
		"$TMP/got" 'Hello, world!\n1234567890\n16\nHello from Guest!\nIO in: 4\nIO out: 17\nIO in: 5\nIO out: 17\n'
	line 10,11 >"$TMP/got"
	check_stdout "$m: demo's unmapped address prints Invalid GVA and 0" \
		"$TMP/got" 'Invalid GVA\n0\n'
	base=$(ram_base)
	hva32=$(line 9) hva64=$(line 12)
	if [ -n "$base" ] && [ $((hva64 & 0xffffffff)) = "$hva32" ] &&
		[ $((hva64 - base)) -gt 0 ] && [ $((hva64 - base)) -lt $((16 << 20)) ]; then
		pass "$m: demo's HVA lies in guest RAM and the 32-bit one is its low half"
	else
		fail "$m: demo's HVA" "base=$base hva32=$hva32 hva64=$hva64"
	fi
done

# --- the README's example guest, as `make user-guest` built it ------------
for m in $MODES; do
	hello=$BUILD/user/hello-$m.elf
	[ -f "$hello" ] || hello=$GT/hello-$m.elf
	run "$SK" $(flag_of $m) "$hello"
	check "$m: the README's example guest exits with HC_exit(0)" 0
	check_stdout "$m: the README's example guest prints its greeting and 2 exits" \
		"$TMP/out" 'Hello from my guest!\n2\n'
done

# --- the probe: translations and counters, checked from the host side -----
for m in $MODES; do
	for kind in bin elf; do
		run "$SK" $(flag_of $m) --verbose --stats=json "$GT/probe-$m.$kind"
		check "$m: probe ($kind) runs" 0
	done
	base=$(ram_base) gva=$(line 1) hva64=$(line 2) hva32=$(line 3)
	if [ $((base + gva)) = "$hva64" ] && [ $((hva64 & 0xffffffff)) = "$hva32" ]; then
		pass "$m: HC_gvaToHva(64) = RAM base + GPA, as the host sees it"
	else
		fail "$m: HC_gvaToHva" "base=$base gva=$gva hva64=$hva64 hva32=$hva32"
	fi
	line 4,9 >"$TMP/got"
	check_stdout "$m: addresses past RAM, unmapped or above 4 GiB print Invalid GVA and 0" \
		"$TMP/got" 'Invalid GVA\n0\nInvalid GVA\n0\nInvalid GVA\n0\n'
	exits=$(line 10) in=$(line 11 | sed 's/IO in: //') out=$(line 12 | sed 's/IO out: //')
	total=$(stats_field exits) io_in=$(stats_field io_in) io_out=$(stats_field io_out)
	# After HC_numExits come print32, numExitsByType, printStr and HLT.
	if [ "$((exits + 4))" = "$total" ] && [ "$in" = "$io_in" ] &&
		[ "$((out + 1))" = "$io_out" ]; then
		pass "$m: HC_numExits and HC_numExitsByType agree with --stats"
	else
		fail "$m: counters" "numExits=$exits byType=$in/$out stats=$total/$io_in/$io_out"
	fi
done

# --- Ctrl-C stops a running guest and says where it was -----------------------
for m in real long; do
	"$SK" $(flag_of $m) --stats=json "$GT/hostile-runaway-$m.bin" \
		>"$TMP/out" 2>"$TMP/err" &
	pid=$!
	sleep 0.5
	kill -INT $pid
	wait $pid
	status=$?
	last_cmd="simple-kvm $(flag_of $m) runaway guest, then SIGINT"
	check "$m: SIGINT stops a runaway guest with status 130 and says where" \
		130 "stopped by Interrupt"
	if grep -q 'guest stopped at \(RIP\|CS:IP\)' "$TMP/err" &&
		[ "$(stats_field exits)" -gt 0 ] 2>/dev/null; then
		pass "$m: after SIGINT the place and --stats are printed"
	else
		fail "$m: SIGINT report" "no place or no statistics"
	fi
done

# --- a guest that floods a stdout nobody reads ---------------------------------
# The FIFO's read end stays open (descriptor 3) and is never read: the pipe
# fills, and the guest's vCPU waits outside KVM_RUN, where --timeout and
# SIGTERM must still end the run. A watchdog kills a run that hangs.
mkfifo "$TMP/fifo"
exec 3<>"$TMP/fifo"
last_cmd="simple-kvm -l --timeout 1s --stats=json stdout-flood >unread FIFO"
timeout -s KILL 10 "$SK" -l --timeout 1s --stats=json \
	"$GT/stdout-flood-long.elf" >"$TMP/fifo" 2>"$TMP/err"
status=$?
: >"$TMP/out"
check "long: a guest flooding an unread stdout still times out (124)" 124 \
	"timeout: still running after 1s"
if [ "$(stats_field output_stalls)" -ge 1 ] 2>/dev/null; then
	pass "long: --stats counts the stall on the full stdout"
else
	fail "long: output stalls in --stats" "output_stalls=$(stats_field output_stalls)"
fi
"$SK" -l --stats "$GT/stdout-flood-long.elf" >"$TMP/fifo" 2>"$TMP/err" &
pid=$!
(sleep 10 && kill -KILL $pid) 2>/dev/null &
watchdog=$!
sleep 0.5
kill -TERM $pid
wait $pid
status=$?
kill $watchdog 2>/dev/null
last_cmd="simple-kvm -l --stats stdout-flood >unread FIFO, then SIGTERM"
if [ "$status" = 130 ] && grep -q "stopped by Terminated" "$TMP/err" &&
	grep -q "^  output stalls" "$TMP/err"; then
	pass "long: SIGTERM ends a guest stalled on stdout (130, stall in the --stats table)"
else
	fail "long: SIGTERM against a stalled guest" "status $status"
fi
exec 3<&-
# The reader reads a little and goes away: EPIPE, one line and status 74,
# not a death by SIGPIPE (141).
head -c 65536 "$TMP/fifo" >/dev/null &
last_cmd="simple-kvm -l stdout-flood | head -c 65536"
timeout -s KILL 10 "$SK" -l "$GT/stdout-flood-long.elf" >"$TMP/fifo" 2>"$TMP/err"
status=$?
wait
check "long: a reader that goes away ends the run with status 74 and one line" \
	74 "the reader went away"

# --- images and flags the user gets wrong ----------------------------------
run "$SK" --device /nonexistent/kvm
check "a missing KVM device: one actionable line, status 69" 69 "not loaded"
head -c 49152 /dev/zero >"$TMP/too-big.bin"
run "$SK" -l "$TMP/too-big.bin"
check "a flat image running into the stack is refused" 65 "overlaps the stack"
run "$SK" -l "$TMP/none.bin"
check "a missing image file is refused" 65 "$TMP/none.bin"
: >"$TMP/empty.bin"
run "$SK" -l "$TMP/empty.bin"
check "an empty image file is refused" 65 "empty file"
run "$SK" -l "$GT/probe-protected.elf"
check "a 32-bit ELF in long mode is refused" 65 "cannot run in long mode"
run "$SK" -s "$GT/probe-long.elf"
check "a 64-bit ELF outside long mode is refused" 65 "only in long mode"
head -c 64 "$GT/probe-long.elf" >"$TMP/truncated.elf"
run "$SK" -l "$TMP/truncated.elf"
check "a truncated ELF is refused" 65 "program headers run past the end"
run "$SK" -l "$TMP"
check "a directory as the image is refused" 65 "not a regular file"
dd if=/dev/zero of="$TMP/huge.bin" bs=1 count=0 seek=65M 2>/dev/null
run "$SK" -l "$TMP/huge.bin"
check "an image over 64 MiB is refused before it is read" 65 "more than the 64 MiB"
rm -f "$TMP/huge.bin"
run "$SK" -l --load-addr 0x2000000 "$GT/answer-long.bin"
check "a load address past RAM is refused" 65 "do not fit"
run "$SK" --device /dev/null
check "a device that is not KVM: one line, status 69" 69 "KVM API version"
run "$SK" --device /
check "a directory as the device: status 69" 69 "cannot open /"
run "$SK" -r -l
check "two modes at once" 64 "choose one mode"
run "$SK" --mem 0
check "--mem 0" 64 "outside"
run "$SK" --mem 1T
check "--mem 1T" 64 "outside"
run "$SK" --mem abc
check "--mem abc" 64 "not a size"
run "$SK" --timeout 0
check "--timeout 0" 64 "longer than 0"
run "$SK" --timeout -1s
check "--timeout -1s" 64 "not a duration"
run "$SK" --mem 5000
check "--mem 5000 (not whole pages)" 64 "not a multiple of 4 KiB"
run "$SK" --mem
check "--mem without a value" 64 "missing value for '--mem'"
run "$SK" --stats=xml
check "--stats=xml" 64 "--stats=json"
run "$SK" --bogus
check "an unknown option" 64 "unknown option '--bogus'"


# --- --disk: PCI bus 0 and a virtio-blk device per disk, from a bare guest ----
# pci-probe finds the disks through 0xcf8/0xcfc, then reads BAR 0's address,
# the queue count and size, VERSION_1 and the capacity through the BAR.
truncate -s 1M "$TMP/disk1.img"
truncate -s 64K "$TMP/disk2.img"
for m in protected paged long; do
	run "$SK" $(flag_of $m) --expect 2 --disk "$TMP/disk1.img" \
		--disk "$TMP/disk2.img,ro" "$GT/pci-probe-$m.bin"
	check "$m: --disk twice: the guest finds two virtio-blk functions on PCI" 0
	check_stdout "$m: slots 1 and 2, BAR 0 in the PCI hole, 1 queue of 256, VERSION_1, 2048 sectors" \
		"$TMP/out" '1\n2\n3221225472\n1\n256\n1\n2048\n0\n'
done
run "$SK" -l --expect 0 "$GT/pci-probe-long.bin"
check "without --disk, 0xcf8 is an unknown port: a bad hypercall" 72 "0xcf8"
run "$SK" -l --disk "$TMP/no-such.img" "$GT/pci-probe-long.bin"
check "--disk with a missing image: status 65, one line" 65 "no-such.img"
run "$SK" -l --disk "$TMP/disk1.img" --disk "$TMP/disk1.img,ro" \
	"$GT/pci-probe-long.bin"
check "--disk: an image in use by a writer is refused (OFD lock): status 65" \
	65 "in use"
run "$SK" -l --disk ",ro" "$GT/pci-probe-long.bin"
check "--disk ,ro names no file" 64 "no file named"
# virtio-read: the handshake, a queue, one read of sector 1, after the
# seccomp lockdown (the kick is an MMIO exit served on the vCPU thread).
printf 'WXYZ' | dd of="$TMP/disk1.img" bs=512 seek=1 conv=notrunc 2>/dev/null
for m in protected paged long; do
	run "$SK" $(flag_of $m) --disk "$TMP/disk1.img" "$GT/virtio-read-$m.bin"
	check "$m: a bare driver reads a sector through virtio-blk under seccomp" 0
	check_stdout "$m: status OK, used index 1, the sector's first bytes (WXYZ)" \
		"$TMP/out" '0\n1\n1515804759\n'
	run "$SK" $(flag_of $m) --disk "$TMP/disk1.img" \
		"$GT/virtio-bad-avail-$m.bin"
	check "$m: an avail index past the queue: one line, the VMM runs on" 0 \
		"needs reset: virtio-blk $TMP/disk1.img: virtqueue: avail index 100"
	check_stdout "$m: the guest sees DEVICE_NEEDS_RESET in device_status" \
		"$TMP/out" '79\n'
done
rm -f "$TMP/disk1.img" "$TMP/disk2.img"
