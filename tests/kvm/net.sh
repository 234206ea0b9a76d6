# net.sh - the tap and vhost-net backends (src/devices/net_tap.c,
# vhost_net.c) on this kernel, through tests/kvm/net_probe.c in a network
# namespace of its own, and the bare net driver on --net tap=. Sourced by
# run.sh after lib.sh.

NP=$TMP/net-probe
cp "$BUILD/tests/net-probe" "$NP" || exit 1

# probe_case PART NAME: net-probe PART passed (77: skipped, with its reason).
probe_case() {
	run "$NP" "$1"
	if [ "$status" = 77 ]; then
		skip "$2" "$(sed -n 's/^net_probe: skip: //p' "$TMP/out")"
	elif grep -q '^net_probe: FAIL' "$TMP/out"; then
		fail "$2" "$(sed -n 's/^net_probe: FAIL: //p' "$TMP/out")"
	else
		check "$2" 0
	fi
}

probe_case tap "net: a tap with the vnet header: frames both ways, offloads, refusals"
probe_case vhost "net: vhost-net over the tap: TX and RX rings, kick and call, stop"
probe_case offload "net: the NIC's offloads on a tap: a TSO frame each way, cut by the kernel without GUEST_TSO4"

# --net tap= (issue 19): the bare net driver on a tap the probe made in
# its namespace. Its frame longer than the MTU is dropped and counted;
# its good frame must come out on the tap's host side (the probe checks
# it); the probe then sends a frame too long for the NIC (dropped,
# counted) and the answer, which the guest must receive.
cp "$BUILD/guest/virtio/vnet-long.elf" "$TMP/vnet-long.elf" || exit 1
tpcap=$TMP/tap.pcap
rm -f "$tpcap"
run "$NP" guest "$SK" -l --timeout 60s --stats --net "tap=nprobe0,pcap=$tpcap" "$TMP/vnet-long.elf"
if [ "$status" = 77 ]; then
	skip "net: --net tap=: the bare driver's frames both ways" \
		"$(sed -n 's/^net_probe: skip: //p' "$TMP/out")"
else
	if grep -q '^net_probe: FAIL' "$TMP/out"; then
		fail "net: --net tap=: the bare driver's frames both ways" \
			"$(sed -n 's/^net_probe: FAIL: //p' "$TMP/out")"
	else
		check "net: --net tap=: the bare driver's frames both ways" 0
	fi
	if grep -q "^net_probe: ok: the guest's frame arrived on the tap's host side, from 02:53:" "$TMP/out" &&
		grep -qxF "vnet: from another MAC, payload: hello over the unix wire" "$TMP/out" &&
		grep -qxF "vnet: done: one frame each way" "$TMP/out"; then
		pass "net: --net tap=: the frame reached the host, the answer the guest"
	else
		fail "net: --net tap=: the frame reached the host, the answer the guest" \
			"$(tr '\n' ' ' <"$TMP/out" | cut -c1-300)"
	fi
	stats="net0: tx 1 packets 39 bytes, rx 1 packets 39 bytes, drops: tx too long 1 rx too long 1"
	if grep -qxF "$stats" "$TMP/err"; then
		pass "net: --stats: the frames too long each way dropped and counted"
	else
		fail "net: --stats: the frames too long each way dropped and counted" \
			"stderr lacks '$stats'"
	fi
	# 24 bytes of file header, then 16 + 39 per frame: the guest's (its
	# default MAC, 02:53:..) and the probe's (02:00:00:6e:70:01), and
	# neither of the long ones
	hex=$(od -An -tx1 -v "$tpcap" 2>/dev/null | tr -d ' \n')
	ok=
	case $hex in d4c3b2a1020004*) ok=1 ;; esac
	case $hex in *ffffffffffff0253????????88b5*) ;; *) ok= ;; esac
	case $hex in *ffffffffffff0200006e700188b5*) ;; *) ok= ;; esac
	[ "$(wc -c <"$tpcap" 2>/dev/null)" = 134 ] || ok=
	if [ -n "$ok" ]; then
		pass "net: --net tap=,pcap=: both good frames, not the long ones"
	else
		fail "net: --net tap=,pcap=: both good frames, not the long ones" \
			"$(wc -c <"$tpcap" 2>/dev/null) bytes: $(echo "$hex" | cut -c1-120)"
	fi
fi
