# net.sh - the tap and vhost-net backends (src/devices/net_tap.c,
# vhost_net.c) on this kernel, through tests/kvm/net_probe.c in a network
# namespace of its own. Sourced by run.sh after lib.sh.

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
