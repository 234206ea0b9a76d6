# virtio.sh - the bare virtio-blk driver (guest/virtio/) on simple-kvm
# --disk in every mode, checked from inside (the guest's report) and from
# outside (the image's bytes), the hostile rings of hostile.c, and the
# bare rng and console drivers on --rng and --console virtio, and two
# bare NICs on one --net unix= wire. Sourced by run.sh after lib.sh.

VG=$TMP/virtio
mkdir -p "$VG"

# has_line TEXT: the last run's stdout has the line TEXT, exactly.
has_line() { grep -qxF -- "$1" "$TMP/out"; }

# check_lines NAME LINE...: every LINE is on the last run's stdout.
check_lines() {
	name=$1
	shift
	for want in "$@"; do
		if ! has_line "$want"; then
			fail "$name" "stdout lacks '$want'"
			return
		fi
	done
	pass "$name"
}

# zero_image FILE: a fresh 64 KiB raw image (128 sectors) of zeros.
zero_image() {
	rm -f "$1"
	dd if=/dev/zero of="$1" bs=512 count=128 2>/dev/null
}

# The image main.c should leave: zeros, and sectors 5-8 byte i of sector
# s = 'a' + (i + 7 s) mod 26, computed here on its own.
zero_image "$VG/want.img"
awk 'BEGIN { for (s = 5; s < 9; s++) for (i = 0; i < 512; i++)
	printf "%c", 97 + (i + 7 * s) % 26 }' >"$VG/pattern"
dd if="$VG/pattern" of="$VG/want.img" bs=512 seek=5 conv=notrunc 2>/dev/null
zero_image "$VG/zeros.img"

# check_image NAME IMAGE WANT: the image's bytes, from the host's side.
check_image() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "$(cmp "$2" "$3" 2>&1)"
	fi
}

# The driver's report for a writable disk, a second run on it, a read-only
# one (lib.sh's run skips paged mode where the backend has no paging).
driver_cases() {
	m=$1 guest=$VG/vdrv-$m.elf img=$VG/disk-$m.img
	zero_image "$img"
	run "$SK" $(flag_of $m) --timeout 60s --disk "$img" "$guest"
	check "$m: the driver writes, flushes and reads back through virtio-blk" 0
	check_lines "$m: its report: found, capacity 128, the pattern written and read back, IOERR past the end" \
		"vdrv: features: VERSION_1" \
		"vdrv: capacity in sectors: 128" "vdrv: get-id: OK" \
		"vdrv: before writing: no pattern yet" "vdrv: write: OK" \
		"vdrv: flush: OK" "vdrv: read back: all 2048 bytes match" \
		"vdrv: read at the capacity: IOERR" \
		"vdrv: read across the end: IOERR" \
		"vdrv: done: every outcome as expected"
	[ -n "$skip_reason" ] ||
		check_image "$m: the image holds the pattern in sectors 5-8, zeros elsewhere" \
			"$img" "$VG/want.img"
	run "$SK" $(flag_of $m) --timeout 60s --disk "$img" "$guest"
	check "$m: a second run on the same image" 0
	check_lines "$m: the second run reads what the first one wrote" \
		"vdrv: before writing: the pattern is there already"

	ro=$VG/ro-$m.img
	zero_image "$ro"
	run "$SK" $(flag_of $m) --timeout 60s --disk "$ro,ro" "$guest"
	check "$m: the driver on a read-only disk" 0
	check_lines "$m: a read-only disk offers RO and fails the write with IOERR" \
		"vdrv: features: VERSION_1 (the device offers RO)" \
		"vdrv: write: IOERR" "vdrv: read at the capacity: IOERR"
	[ -n "$skip_reason" ] ||
		check_image "$m: the read-only image is untouched" "$ro" "$VG/zeros.img"
}

# hostile_case CASE MODE: the bad ring sets NEEDS_RESET, the VMM says so
# in one line and runs on, and the guest, after a reset, reads again.
hostile_case() {
	c=$1 m=$2
	zero_image "$VG/h.img"
	run "$SK" $(flag_of $m) --timeout 60s --disk "$VG/h.img" \
		"$VG/hostile-$c-$m.elf"
	if [ "$status" = 60 ]; then
		skip "$m: hostile ring $c" "$(tail -n 1 "$TMP/out")"
		return
	fi
	check "$m: hostile ring $c: the guest runs on to its exit" 0
	check_lines "$m: $c: the guest sees NEEDS_RESET, and reads again after a reset" \
		"vdrv-hostile: the device set DEVICE_NEEDS_RESET" \
		"vdrv-hostile: after a reset, a read is served again"
	said=$(grep -c 'needs reset' "$TMP/err")
	if [ -n "$skip_reason" ] || { [ "$said" = 1 ] &&
		[ "$(grep -vc '^ ' "$TMP/err")" = 1 ]; }; then
		pass "$m: $c: the VMM prints one line: $(head -n 1 "$TMP/err")"
	else
		fail "$m: $c: one line on stderr" "$said lines say needs reset"
	fi
}

# --rng and --console virtio (issue 18): the bare rng driver reads the
# requestq twice; the bare console driver prints a line through the
# transmitq between two HC_printStr lines, which must keep their order
# (one output buffer behind both).
extras_cases() {
	m=$1
	run "$SK" $(flag_of $m) --timeout 60s --rng "$VG/vrng-$m.elf"
	check "$m: --rng: the bare driver reads entropy through virtio-rng" 0
	check_lines "$m: virtio-rng in slot 16 fills 64 bytes twice, not zeros, not equal" \
		"vrng: virtio-rng in slot 16" "vrng: first read, bytes: 64" \
		"vrng: second read, bytes: 64" \
		"vrng: done: not zeros, and the reads differ"
	run "$SK" $(flag_of $m) --timeout 60s --console virtio "$VG/vcon-$m.elf"
	check "$m: --console virtio: the bare driver prints through the transmitq" 0
	if [ -n "$skip_reason" ] ||
		[ "$(grep '^vcon: ' "$TMP/out" | head -n 3)" = "$(printf '%s\n' \
			'vcon: before, through HC_printStr' \
			'vcon: a line through the transmitq' \
			'vcon: after, through HC_printStr')" ]; then
		pass "$m: the transmitq's line is on stdout, between the hypercalls' lines"
	else
		fail "$m: the transmitq's line is on stdout, between the hypercalls' lines" \
			"$(head -n 5 "$TMP/out")"
	fi
}

# --net unix= (issue 19): two simple-kvm processes on one wire, the
# connecting one started first (it retries until the listener is there).
# Each driver sends a frame longer than the MTU (the device drops and
# counts it, the VMM runs on), then a good one, and receives the peer's;
# the listener writes a pcap of both directions.
net_pair() {
	m=$1
	sock=$TMP/wire-$m.sock
	pcap=$TMP/wire-$m.pcap
	rm -f "$sock" "$pcap"
	last_cmd="$SK $(flag_of $m) --net unix=$sock[,listen,pcap=$pcap] $VG/vnet-$m.elf (twice)"
	"$SK" $(flag_of $m) --timeout 60s --stats \
		--net "unix=$sock,mac=02:00:00:00:00:02" "$VG/vnet-$m.elf" \
		>"$TMP/net-b.out" 2>"$TMP/net-b.err" &
	bpid=$!
	run "$SK" $(flag_of $m) --timeout 60s --stats \
		--net "unix=$sock,listen,pcap=$pcap" "$VG/vnet-$m.elf"
	wait $bpid
	bstatus=$?
	check "$m: --net unix=,listen: the bare driver sends and receives a frame" 0
	check_lines "$m: the listener's guest got the peer's frame" \
		"vnet: virtio-net in slot 20" "vnet: link up" \
		"vnet: from another MAC, payload: hello over the unix wire" \
		"vnet: done: one frame each way"
	stats="net0: tx 1 packets 39 bytes, rx 1 packets 39 bytes, drops: tx too long 1"
	if grep -qxF "$stats" "$TMP/err"; then
		pass "$m: --stats: the frame longer than the MTU dropped and counted"
	else
		fail "$m: --stats: the frame longer than the MTU dropped and counted" \
			"stderr lacks '$stats'"
	fi
	if [ "$bstatus" = 0 ] && grep -qxF "vnet: done: one frame each way" "$TMP/net-b.out" &&
		grep -qxF "$stats" "$TMP/net-b.err"; then
		pass "$m: --net unix= (connecting): the same, and the same counters"
	else
		fail "$m: --net unix= (connecting): the same, and the same counters" \
			"status $bstatus; $(tr '\n' ' ' <"$TMP/net-b.out") $(tail -n 3 "$TMP/net-b.err" | tr '\n' ' ')"
	fi
	# 24 bytes of file header, then 16 + 39 per frame, in either order:
	# the sent one (our default MAC, 02:53:..) and the received one (the
	# peer's mac=), and not the long one
	hex=$(od -An -tx1 -v "$pcap" 2>/dev/null | tr -d ' \n')
	ok=
	case $hex in d4c3b2a1020004*) ok=1 ;; esac
	case $hex in *ffffffffffff02000000000288b5*) ;; *) ok= ;; esac
	case $hex in *ffffffffffff0253????????88b5*) ;; *) ok= ;; esac
	[ "$(wc -c <"$pcap" 2>/dev/null)" = 134 ] || ok=
	if [ -n "$ok" ]; then
		pass "$m: pcap=: both frames in classic pcap, ours and the peer's"
	else
		fail "$m: pcap=: both frames in classic pcap, ours and the peer's" \
			"$(wc -c <"$pcap" 2>/dev/null) bytes: $(echo "$hex" | cut -c1-120)"
	fi
}

cp "$BUILD"/guest/virtio/*.elf "$VG/" || exit 1
for m in long real; do
	net_pair $m
done
run "$SK" -l --net ether=x "$VG/vnet-long.elf"
check "--net takes unix=PATH or tap=NAME" 64 "--net ether=x: use unix=PATH[,listen] or tap=NAME"
run "$SK" -l --net tap=tap0,vhost=on "$VG/vnet-long.elf"
check "--net tap=,vhost=on is refused in the bare modes, saying why" 64 \
	"--net tap=,vhost=on needs --kernel: vhost-net takes the kicks from ioeventfds"
run "$SK" -l --net tap=tap0,listen "$VG/vnet-long.elf"
check "--net tap= refuses listen" 64 "--net tap=tap0,listen: listen is for unix="
run "$SK" -l --net tap=a-name-far-too-long "$VG/vnet-long.elf"
check "--net tap= refuses a name over 15 bytes, one line" 70 \
	"--net tap=a-name-far-too-long: tap name 'a-name-far-too-long' is longer than 15 bytes"
run "$SK" -l --net "unix=$TMP/x.sock,mac=01:00:00:00:00:01" "$VG/vnet-long.elf"
check "--net mac= refuses a group address" 64 "mac=01:00:00:00:00:01: use six hex bytes"
run "$SK" -l --net "unix=$TMP/x.sock,bogus" "$VG/vnet-long.elf"
check "--net refuses an unknown item" 64 "unknown item 'bogus'"
run "$SK" --kernel "$VG/vnet-long.elf" --net "unix=$TMP/x.sock" --no-ioeventfd
check "--kernel --net needs the device thread (no --no-ioeventfd)" 64 \
	"--net with --no-ioeventfd"
for m in $MODES; do
	extras_cases $m
done
run "$SK" -l --console tty "$VG/vcon-long.elf"
check "--console takes virtio or serial only" 64 "--console tty: use virtio or serial"
run "$SK" -l --timeout 60s --console serial --ignore-unknown-ports "$VG/vcon-long.elf"
check "long: --console serial (the default) has no virtio console" 1
check_lines "long: --console serial: the console driver finds none" \
	"vcon: FAIL: no virtio-console (1af4:1043) on PCI bus 0"
# Without --rng there is no entropy device, though PCI is there.
run "$SK" -l --timeout 60s --console virtio "$VG/vrng-long.elf"
check "long: without --rng the rng driver gives up" 1
check_lines "long: without --rng the rng driver finds no virtio-rng" \
	"vrng: FAIL: no virtio-rng (1af4:1044) on PCI bus 0"
for m in $MODES; do
	driver_cases $m
done
# Without --disk there is no PCI bus: 0xcf8 is an unknown port (a
# bad hypercall), or, with --ignore-unknown-ports, reads all ones,
# and the driver finds nothing and says so.
run "$SK" -l --timeout 60s "$VG/vdrv-long.elf"
check "long: no --disk: configuration mechanism #1 is an unknown port" 72 \
	"unknown port 0xcf8"
run "$SK" -l --timeout 60s --ignore-unknown-ports "$VG/vdrv-long.elf"
check "long: no --disk, unknown ports ignored: the driver gives up" 1
check_lines "long: no --disk: the driver finds no virtio-blk on PCI" \
	"vdrv: FAIL: no virtio-blk (1af4:1042) on PCI bus 0"
for m in $MODES; do
	for c in loop nested_indirect len_wraps avail_jump; do
		hostile_case $c $m
	done
done
