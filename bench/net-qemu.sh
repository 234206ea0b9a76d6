#!/bin/sh
# net-qemu.sh - issue 19's network figures: the sandbox's Linux guest on
# simple-kvm's virtio-net against QEMU's, on the same kernel, initramfs and
# /dev/kvm, in alternating rounds: TCP guest -> host over a tap (the VMM's
# userspace path and vhost-net), the exits per packet of our userspace
# path, and the ping round trip between two VMs on a wire.
#
# Usage: bench/net-qemu.sh prepare [BUILD_DIR]  (on the host, from the
#                                                 repository's top; make bench)
#        bench/net-qemu.sh [BUILD_DIR]          (where Linux boots on KVM:
#                                                 the sandbox, in bench/run.sh)
# POSIX sh: the second form runs under the sandbox's busybox.
#
# prepare writes BUILD/net-qemu/:
#   initramfs.cpio  bench/blk-initramfs.sh's with INITRAMFS_NET=1 (busybox,
#                   the sandbox kernel's virtio, virtio_net, net_failover and
#                   failover modules) and the /init below
#   qemu/           this machine's QEMU for the sandbox (bench/qemu-common.sh)
#
# The method (the run):
# - The run re-executes itself under `unshare -n`: a network namespace of
#   its own, with its loopback and a tap (busybox tunctl, 10.0.1.1/24) that
#   every throughput boot of both VMMs opens in turn. Nothing reaches the
#   sandbox's own network.
# - Both VMMs boot build/sandbox/kernel/vmlinuz with the same initramfs,
#   command line, 1 vCPU, console on the serial port. QEMU: QEMU_FLAGS
#   (bench/qemu-common.sh: -M pc, -accel kvm, -cpu host, -nodefaults),
#   virtio-net-pci with disable-legacy=on (modern only, as simple-kvm's),
#   romfile= (no option ROM: simple-kvm's NIC has none) and its defaults
#   otherwise (MRG_RXBUF, EVENT_IDX, the tap's offloads, MSI-X).
# - Throughput: the guest sends BENCH_NET_MIB MiB (busybox dd bs=64k from
#   /dev/zero into busybox nc) to a busybox `nc -l` on the tap's side that
#   writes to /dev/null; MiB/s by the guest's clock (/proc/uptime, 10 ms
#   steps, around the whole dd | nc, which ends when the sink has read the
#   last byte and closed). Four configurations: simple-kvm --net tap=NAME,
#   simple-kvm --net tap=NAME,vhost=on, QEMU -netdev tap,... without and
#   with vhost=on.
# - Ping: two VMs of each VMM on a wire of their own, simple-kvm's on
#   --net unix=PATH,listen and --net unix=PATH, QEMU's on -netdev stream
#   over a unix socket (server=on, server=off); one pings the other
#   BENCH_NET_PINGS times at 0.2 s (after 5 warm-up pings) and prints
#   busybox ping's average; the host then ends the peer's VMM.
# - Rounds alternate simple-kvm and QEMU, configuration by configuration
#   (BENCH_NET_ROUNDS of each); each figure is the median of its rounds,
#   the ratio is taken of the medians, and each round's own ratio is shown
#   beside it. A configuration that fails in the first round (simple-kvm
#   refusing an option, no /dev/vhost-net) is not tried again: its row
#   says why it was not measured.
# - Exits per packet, our userspace path: --stats=json of each timed
#   simple-kvm boot: the NIC's exits to userspace (BAR accesses, trapped
#   kicks) over the frames it moved (tx + rx). QEMU's beside it, when
#   BENCH_NET_COUNTED is not 0: one boot of each VMM with the stream and
#   one without (nb.mode=idle) while a sampler copies KVM's debugfs
#   counters (bench/qemu-common.sh); the difference over the guest's own
#   packet count. The sampler costs CPU: those boots are not timed.
# Environment: BENCH_NET_ROUNDS (3), BENCH_NET_MIB (8), BENCH_NET_LIMIT (the
# stream's limit in seconds, 60: a stalled one ends the boot, "tx failed"),
# BENCH_NET_PINGS (25), BENCH_NET_COUNTED (1), BENCH_NET_KEEP (a directory
# for every boot's console and stderr), BENCH_NET_REPORT (such a directory:
# the tables again from it, with no boots, anywhere), BENCH_NET_CONFIGS (debugging: the
# configurations of a round, as CONFIGS below).

# shellcheck source=qemu-common.sh
. "$(dirname "$0")/qemu-common.sh"

BUILD=${2:-${1:-build}}
[ "${1:-}" = prepare ] || BUILD=${1:-build}
N=$BUILD/net-qemu

# --- prepare (host) ---------------------------------------------------------
prepare() {
	set -eu
	mkdir -p "$N"
	guest_init >"$N/init"
	INITRAMFS_NET=1 bench/blk-initramfs.sh "$N/initramfs.cpio" "$N/init" "$BUILD"
	rm -f "$N/init"
	qemu_copy "$N/qemu"
}

# The guest's /init: eth0 up as nb.ip=, then what nb.mode= says (tx: the
# stream to nb.peer=; ping: the pings to nb.peer=; peer: nothing, until the
# host ends the VMM; idle: nothing), each result line prefixed "NB: ",
# the interface's packet counts, then reboot.
guest_init() {
	cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t devtmpfs dev /dev # /dev/zero, for dd
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
mkdir -p /tmp
mode=idle ip=10.0.9.9 peer= mib=8 pings=25 port=5001 limit=60
for w in $(cat /proc/cmdline); do
	case $w in
	nb.mode=*) mode=${w#nb.mode=} ;;
	nb.ip=*) ip=${w#nb.ip=} ;;
	nb.peer=*) peer=${w#nb.peer=} ;;
	nb.mib=*) mib=${w#nb.mib=} ;;
	nb.pings=*) pings=${w#nb.pings=} ;;
	nb.limit=*) limit=${w#nb.limit=} ;;
	esac
done
for m in $(cat /lib/virtio/load-order /lib/virtio-net/load-order); do
	[ "$m" = virtio_blk ] && continue
	for d in /lib/virtio /lib/virtio-net; do
		[ -f $d/$m.ko ] && { insmod $d/$m.ko || echo "NB: insmod $m failed"; }
	done
done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ip link set lo up
ip addr add "$ip/24" dev eth0 && ip link set eth0 up || echo "NB: eth0 failed"
echo "NB: clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "NB: features $(cat /sys/class/net/eth0/device/features 2>/dev/null)"
# reach IP: the other end answers (it may still be booting), 60 tries
reach() {
	i=0
	while ! ping -c 1 -W 1 "$1" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 60 ] || { echo "NB: $1 unreachable"; return 1; }
	done
}
case $mode in
tx)
	if reach "$peer"; then
		t0=$(cut -d' ' -f1 /proc/uptime)
		dd if=/dev/zero bs=65536 count=$((mib * 16)) 2>/tmp/dd | timeout "$limit" nc "$peer" "$port"
		t1=$(cut -d' ' -f1 /proc/uptime)
		if awk -v a="$t0" -v b="$t1" -v l="$limit" 'BEGIN { exit !(b - a >= l) }'; then
			echo "NB: tx failed: not done in $limit s"
		elif grep -q "^$((mib * 16))+0 records out" /tmp/dd; then
			awk -v a="$t0" -v b="$t1" -v m="$mib" 'BEGIN {
				printf "NB: result tx mib %d secs %.2f mibps %.2f\n", m, b - a, m / (b - a) }'
		else
			echo "NB: tx failed: $(tr '\n' ' ' </tmp/dd)"
		fi
	fi
	;;
ping)
	if reach "$peer"; then
		ping -c 5 -i 0.2 "$peer" >/dev/null 2>&1
		ping -c "$pings" -i 0.2 "$peer" >/tmp/ping 2>&1
		echo "NB: ping $(grep -o '[0-9]* packets received' /tmp/ping)"
		sed -n 's|.*min/avg/max = \([0-9.]*\)/\([0-9.]*\)/\([0-9.]*\).*|NB: result ping min \1 avg \2 max \3|p' /tmp/ping
	fi
	;;
peer)
	echo "NB: peer up"
	while :; do sleep 1; done
	;;
esac
echo "NB: eth0 tx_packets $(cat /sys/class/net/eth0/statistics/tx_packets) rx_packets $(cat /sys/class/net/eth0/statistics/rx_packets)"
grep -i 'virtio' /proc/interrupts | tr -s ' ' | sed 's/^/NB: irq /'
echo "NB: done"
reboot -f
INIT
}

if [ "${1:-}" = prepare ]; then
	prepare
	exit 0
fi

# --- the rounds (where Linux boots on KVM) ----------------------------------
ROUNDS=${BENCH_NET_ROUNDS:-3}
MIB=${BENCH_NET_MIB:-8}
LIMIT=${BENCH_NET_LIMIT:-60}
# a boot that outlives its stream's limit by a minute and a half is killed
QEMU_TIMEOUT=$((LIMIT + 90))
PINGS=${BENCH_NET_PINGS:-25}
TAP=nbtap0
PORT=5001
# kvm_pvm cannot boot Linux: only the sandbox's kvm_amd (or hardware KVM).
if [ -d /sys/module/kvm_pvm ] && [ -z "${KVM_RUN_SANDBOX:-}" ] && [ -z "${BENCH_NET_REPORT:-}" ]; then
	echo "not run on kvm_pvm, which cannot boot Linux (the sandbox's run has it)"
	exit 0
fi
if [ ! -s "$N/initramfs.cpio" ] || [ ! -x "$N/qemu/qemu-system-x86_64" ]; then
	echo "bench/net-qemu.sh: $N is not prepared (make bench, or bench/net-qemu.sh prepare)" >&2
	exit 1
fi
# A network namespace of the run's own: the tap and the sink live there.
if [ -z "${NB_NETNS:-}" ] && [ -z "${BENCH_NET_REPORT:-}" ]; then
	NB_NETNS=1 exec unshare -n sh "$0" "$BUILD"
	echo "bench/net-qemu.sh: unshare -n failed" >&2
	exit 1
fi
if [ -z "${BENCH_NET_REPORT:-}" ]; then
	ip link set lo up
	tunctl -t $TAP >/dev/null && ip addr add 10.0.1.1/24 dev $TAP && ip link set $TAP up || {
		echo "bench/net-qemu.sh: no tap $TAP (tunctl, ip)" >&2
		exit 1
	}
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nb.XXXXXX") || exit 1
FIFO=/tmp/nb-sink.$$ # not in TMP: TMPDIR may be a 9p share, which has no FIFOs
trap 'rm -rf "$TMP" "$FIFO"' EXIT
# Local copies: in the sandbox, build/ is a 9p share.
cp "$N/initramfs.cpio" "$BUILD/sandbox/kernel/vmlinuz" "$BUILD/simple-kvm" "$TMP/" &&
	cp -r "$N/qemu" "$TMP/qemu" || exit 1
[ -n "${BENCH_NET_REPORT:-}" ] || mkfifo "$FIFO" || exit 1
APPEND="console=ttyS0 quiet panic=-1"
QFLAGS="$QEMU_FLAGS -m 256"
QNIC="virtio-net-pci,netdev=n0,disable-legacy=on,romfile="
[ -n "${BENCH_NET_REPORT:-}" ] || kvm_debugfs_mount

# The boots. Each writes its console to OUT and its stderr to OUT.err.
# sk_tx OUT USER|VHOST|IDLE and qm_tx: one guest on the tap
sk_tx() {
	net=tap=$TAP mode=tx
	[ "$2" = vhost ] && net=$net,vhost=on
	[ "$2" = idle ] && mode=idle
	"$TMP/simple-kvm" --kernel "$TMP/vmlinuz" --kernel-cache "$BUILD/kernel-cache" --initrd "$TMP/initramfs.cpio" --mem 256M \
		--append "$APPEND nb.mode=$mode nb.ip=10.0.1.2 nb.peer=10.0.1.1 nb.mib=$MIB nb.limit=$LIMIT" \
		--net "$net" --timeout ${QEMU_TIMEOUT}s --stats=json </dev/null >"$1" 2>"$1.err"
	echo "exit status $?" >>"$1.err"
}
qm_tx() {
	nd=tap,id=n0,ifname=$TAP,script=no,downscript=no mode=tx
	[ "$2" = vhost ] && nd=$nd,vhost=on
	[ "$2" = idle ] && mode=idle
	qemu_exec "$TMP/qemu" $QFLAGS -kernel "$TMP/vmlinuz" -initrd "$TMP/initramfs.cpio" \
		-append "$APPEND nb.mode=$mode nb.ip=10.0.1.2 nb.peer=10.0.1.1 nb.mib=$MIB nb.limit=$LIMIT" \
		-netdev "$nd" -device "$QNIC,mac=52:54:00:12:34:02" </dev/null >"$1" 2>"$1.err"
	echo "exit status $?" >>"$1.err"
}
# tx WHO OUT KIND: the sink on the tap's side, one boot, the sink ended.
# The sink's stdin is a FIFO opened read-write: it never ends, so the sink
# never half-closes the connection (busybox nc does on EOF of its stdin).
tx() {
	nc -l -p $PORT <>"$FIFO" >/dev/null 2>"$TMP/sink.err" &
	sink=$!
	${1}_tx "$2" "$3"
	kill "$sink" 2>/dev/null
	wait "$sink" 2>/dev/null
}
# wait_sock PATH: the listening VMM has made its socket (5 s at most)
wait_sock() {
	i=0
	while [ ! -S "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
# sk_ping OUT and qm_ping: a peer VM that listens on the wire, in the
# background; the pinger connects; then the peer's VMM is ended.
sk_ping() {
	rm -f "$TMP/w.sock"
	"$TMP/simple-kvm" --kernel "$TMP/vmlinuz" --kernel-cache "$BUILD/kernel-cache" --initrd "$TMP/initramfs.cpio" --mem 160M \
		--append "$APPEND nb.mode=peer nb.ip=10.0.2.2" --net "unix=$TMP/w.sock,listen" \
		--timeout ${QEMU_TIMEOUT}s </dev/null >"$1.peer" 2>"$1.peer.err" &
	peer=$!
	wait_sock "$TMP/w.sock"
	"$TMP/simple-kvm" --kernel "$TMP/vmlinuz" --kernel-cache "$BUILD/kernel-cache" --initrd "$TMP/initramfs.cpio" --mem 160M \
		--append "$APPEND nb.mode=ping nb.ip=10.0.2.1 nb.peer=10.0.2.2 nb.pings=$PINGS" \
		--net "unix=$TMP/w.sock" --timeout ${QEMU_TIMEOUT}s --stats=json </dev/null >"$1" 2>"$1.err"
	echo "exit status $?" >>"$1.err"
	kill "$peer" 2>/dev/null
	wait "$peer" 2>/dev/null
}
qm_ping() {
	rm -f "$TMP/q.sock"
	qemu_exec_bg "$TMP/qemu" $QEMU_FLAGS -m 160 -kernel "$TMP/vmlinuz" -initrd "$TMP/initramfs.cpio" \
		-append "$APPEND nb.mode=peer nb.ip=10.0.2.2" \
		-netdev "stream,id=n0,server=on,addr.type=unix,addr.path=$TMP/q.sock" \
		-device "$QNIC,mac=52:54:00:12:34:22" </dev/null >"$1.peer" 2>"$1.peer.err"
	peer=$!
	wait_sock "$TMP/q.sock"
	qemu_exec "$TMP/qemu" $QEMU_FLAGS -m 160 -kernel "$TMP/vmlinuz" -initrd "$TMP/initramfs.cpio" \
		-append "$APPEND nb.mode=ping nb.ip=10.0.2.1 nb.peer=10.0.2.2 nb.pings=$PINGS" \
		-netdev "stream,id=n0,server=off,addr.type=unix,addr.path=$TMP/q.sock" \
		-device "$QNIC,mac=52:54:00:12:34:21" </dev/null >"$1" 2>"$1.err"
	echo "exit status $?" >>"$1.err"
	kill "$peer" 2>/dev/null
	wait "$peer" 2>/dev/null
}

# result FILE WHAT FIELD: an "NB: result" line's field
result() {
	tr -d '\r' <"$1" | sed -n "s/^NB: result $2 .*$3 \([0-9.]*\).*/\1/p" | head -n 1
}
# check FILE WHO: the boot reached "NB: done", else say what it printed;
# a VMM that refused its command line (status 64, STATUS_USAGE: an option
# not there yet) is not a failure, only a row not measured
check() {
	[ -z "${BENCH_NET_KEEP:-}" ] || { mkdir -p "$BENCH_NET_KEEP" && cp "$1"* "$BENCH_NET_KEEP/"; }
	grep -q '^NB: done' "$1" && return 0
	[ ! -s "$1" ] && grep -q '^exit status 64$' "$1.err" && return 0
	echo "bench/net-qemu.sh: $2 did not finish; its last lines:" >&2
	tail -n 5 "$1" "$1.err" | sed 's/^/  | /' >&2
	return 1
}
# why FILE: one line on why a boot measured nothing (the VMM's own words)
why() {
	l=$(grep -v '^exit status\|^usage\|^ \|^$' "$1.err" 2>/dev/null | head -n 1)
	[ -n "$l" ] || l=$(grep '^NB: .*\(failed\|unreachable\)' "$1" 2>/dev/null | head -n 1)
	echo "${l:-no result line; see its console}"
}

# CONFIGS: NAME:VMM:BOOT:KIND:WHAT, in the order of a round
CONFIGS=${BENCH_NET_CONFIGS:-"sk-user:sk:tx:user:tx qm-user:qm:tx:user:tx sk-vhost:sk:tx:vhost:tx qm-vhost:qm:tx:vhost:tx
sk-ping:sk:ping:-:ping qm-ping:qm:ping:-:ping"}
echo "Linux $(cat "$BUILD/sandbox/kernel/release" 2>/dev/null) on virtio-net, simple-kvm against $(cat "$TMP/qemu/version"),"
echo "$ROUNDS alternating rounds, on $(
	if [ -n "${BENCH_NET_REPORT:-}" ]; then echo "the boots kept in $BENCH_NET_REPORT"
	elif [ -n "${KVM_RUN_SANDBOX:-}" ]; then echo "the sandbox's kvm_amd (nested in QEMU TCG, $(grep -c '^processor' /proc/cpuinfo) CPU(s)): every figure is the sandbox's"
	else for k in kvm_amd kvm_intel; do [ -d /sys/module/$k ] && echo "$k, direct" && break; done; fi)"
failed=0
r=1
# BENCH_NET_REPORT=DIR: no boots, the tables from what BENCH_NET_KEEP kept
if [ -n "${BENCH_NET_REPORT:-}" ]; then
	cp "$BENCH_NET_REPORT"/* "$TMP/" || exit 1
	r=$((ROUNDS + 1))
fi
while [ "$r" -le "$ROUNDS" ]; do
	for c in $CONFIGS; do
		name=${c%%:*} rest=${c#*:}
		vmm=${rest%%:*} rest=${rest#*:}
		boot=${rest%%:*} rest=${rest#*:}
		kind=${rest%%:*} what=${rest#*:}
		[ -e "$TMP/$name.skip" ] && continue
		out=$TMP/$name.$r
		if [ "$boot" = tx ]; then tx $vmm "$out" $kind; else ${vmm}_ping "$out"; fi
		check "$out" "$name round $r" || failed=1
		if [ -z "$(result "$out" $what mibps)$(result "$out" $what avg)" ]; then
			# nothing measured: a refused option is not tried again
			[ "$r" = 1 ] && why "$out" >"$TMP/$name.skip" &&
				{ [ -z "${BENCH_NET_KEEP:-}" ] || cp "$TMP/$name.skip" "$BENCH_NET_KEEP/"; }
		fi
	done
	r=$((r + 1))
done

# fig NAME WHAT FIELD: the rounds' values in $TMP/NAME.r, one a line
# (empty where a round measured nothing), and the measured ones in NAME.v
fig() {
	: >"$TMP/$1.r"
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		v=
		[ -e "$TMP/$1.$r" ] && v=$(result "$TMP/$1.$r" $2 $3)
		echo "$v" >>"$TMP/$1.r"
		r=$((r + 1))
	done
	grep . "$TMP/$1.r" >"$TMP/$1.v"
}
# row LABEL UNIT A B TARGET: medians of A's and B's rounds, their ratio
# and the target's verdict (">= X" or "<= X"), each round's ratio beside
row() {
	ma=$(median <"$TMP/$3.v") mb=$(median <"$TMP/$4.v")
	per=""
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		a=$(sed -n "${r}p" "$TMP/$3.r") b=$(sed -n "${r}p" "$TMP/$4.r")
		per="$per $(awk -v a="$a" -v b="$b" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }')"
		r=$((r + 1))
	done
	nm=""
	for x in $3 $4; do
		[ -e "$TMP/$x.skip" ] && nm="$nm not measured ($x): $(cat "$TMP/$x.skip");"
	done
	awk -v l="$1" -v u="$2" -v a="$ma" -v b="$mb" -v t="$5" -v per="$per" -v nm="$nm" 'BEGIN {
		if (a == "n/a" || b == "n/a" || b == 0) { ratio = "n/a"; v = "not measured" }
		else {
			q = a / b; ratio = sprintf("%.3f", q); split(t, tt, " ")
			v = (tt[1] == ">=" ? q >= tt[2] : q <= tt[2]) ? "met" : "NOT met"
		}
		printf "%-22s %5s %11s %11s %7s %7s  %-12s %s\n", l, u, a, b, ratio, t, v, per
		if (nm != "") printf "  %s\n", nm }'
}
nbline() { cat "$1" 2>/dev/null | tr -d '\r' | sed -n "s/^NB: $2 //p" | head -n 1; }
feat() { nbline "$1" features; }
# bits FEATURES: the virtio-net feature bits that shape the stream
bits() {
	echo "$1" | awk '{ n = split("0:CSUM 1:GUEST_CSUM 3:MTU 7:GUEST_TSO4 11:HOST_TSO4 15:MRG_RXBUF 16:STATUS 28:INDIRECT 29:EVENT_IDX", b, " ")
		s = ""; for (i = 1; i <= n; i++) { split(b[i], p, ":"); if (substr($1, p[1] + 1, 1) == "1") s = s " " p[2] }
		print s == "" ? " (none read)" : s }'
}

for n in sk-user qm-user sk-vhost qm-vhost; do fig $n tx mibps; done
for n in sk-ping qm-ping; do fig $n ping avg; done
echo "guest clocksource: simple-kvm $(nbline "$TMP/sk-ping.1" clocksource), QEMU $(nbline "$TMP/qm-ping.1" clocksource)"
echo "virtio-net features the guest took (bits of its features file, first round):"
for x in "tap, userspace:sk-user:qm-user" "tap, vhost-net:sk-vhost:qm-vhost" "VM-to-VM wire:sk-ping:qm-ping"; do
	echo "  ${x%%:*}: simple-kvm$(bits "$(feat "$TMP/$(echo "$x" | cut -d: -f2).1")"); QEMU$(bits "$(feat "$TMP/${x##*:}.1")")"
done
printf "%-22s %5s %11s %11s %7s %7s  %-12s %s\n" figure unit simple-kvm QEMU ratio target verdict "per round (sk/QEMU)"
echo "TCP guest -> host over the tap, busybox dd | nc, $MIB MiB a round, by the guest's clock:"
row "userspace path" MiB/s sk-user qm-user ">= 1.0"
row "vhost-net" MiB/s sk-vhost qm-vhost ">= 0.95"
echo "ping between two VMs ($PINGS at 0.2 s, busybox's average; sk: --net unix=, QEMU: -netdev stream):"
row "ping RTT" ms sk-ping qm-ping "<= 1.0"
echo "vhost-net / userspace path, medians (reported): simple-kvm $(awk -v a="$(median <"$TMP/sk-vhost.v")" -v b="$(median <"$TMP/sk-user.v")" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.3f", a / b }'), QEMU $(awk -v a="$(median <"$TMP/qm-vhost.v")" -v b="$(median <"$TMP/qm-user.v")" 'BEGIN { if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.3f", a / b }')"

# Exits per packet of our userspace path, from each timed boot's --stats:
# the NIC's exits (and the trapped kicks among them) over its frames.
# jn FILE KEY: a number after "KEY": in the --stats JSON
jn() { tr -d '\r' <"$1.err" | grep -o "\"$2\":[0-9.]*" | head -n 1 | sed 's/.*://'; }
echo "exits to userspace per packet, our userspace path, the bulk stream (--stats=json of each timed boot:"
echo "the NIC's exits, BAR accesses and trapped kicks, over the frames it moved, tx + rx; target <= 0.05):"
: >"$TMP/epp"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	f=$TMP/sk-user.$r
	if [ -e "$f.err" ] && [ -n "$(jn "$f" tx_packets)" ]; then
		dev=$(tr -d '\r' <"$f.err" | grep -o '"virtio-net":{"exits":[0-9]*,"kicks":[0-9]*' | head -n 1)
		e=$(echo "$dev" | sed 's/.*"exits":\([0-9]*\).*/\1/') k=$(echo "$dev" | sed 's/.*"kicks":\([0-9]*\).*/\1/')
		tp=$(jn "$f" tx_packets) rp=$(jn "$f" rx_packets) all=$(jn "$f" exits)
		own=$(jn "$f" exits_per_packet)
		awk -v r=$r -v e="${e:-0}" -v k="${k:-0}" -v t="$tp" -v x="$rp" -v all="$all" -v own="$own" 'BEGIN {
			p = t + x; printf "  round %d: %d NIC exits (%d trapped kicks), %d tx + %d rx frames: %.4f per frame", r, e, k, t, x, p ? e / p : 0
			if (own != "") printf " (--stats: %s)", own
			printf "; all the boot'"'"'s exits %d: %.3f per frame\n", all, p ? all / p : 0 }'
		awk -v e="${e:-0}" -v t="$tp" -v x="$rp" 'BEGIN { if (t + x) printf "%.6f\n", e / (t + x) }' >>"$TMP/epp"
	fi
	r=$((r + 1))
done
if [ -s "$TMP/epp" ]; then
	awk -v m="$(median <"$TMP/epp")" 'BEGIN { printf "  median %.4f NIC exits per frame: target <= 0.05 %s\n", m, m <= 0.05 ? "met" : "NOT met" }'
else
	echo "  not measured: $(cat "$TMP/sk-user.skip" 2>/dev/null || echo "no --stats from the userspace boots")"
fi

# QEMU's beside ours, from KVM's counters: a counted boot with the stream
# and one without, each VMM's userspace path.
if [ "${BENCH_NET_COUNTED:-1}" != 0 ]; then
	for w in sk qm; do
		[ -e "$TMP/$w-user.skip" ] || [ -n "${BENCH_NET_REPORT:-}" ] && continue
		kvm_counted "$TMP/$w.c.k" tx $w "$TMP/$w.c" user
		check "$TMP/$w.c" "$w counted" || failed=1
		kvm_counted "$TMP/$w.0.k" tx $w "$TMP/$w.0" idle
		check "$TMP/$w.0" "$w counted, idle" || failed=1
	done
	echo "KVM's debugfs counters per packet, userspace path (a boot with the stream less one without,"
	echo "over the guest's own tx + rx packets; MMIO exits: to userspace; PIO exits: all, in-kernel too):"
	printf "  %-10s %10s %10s %10s %10s %12s %12s\n" "" "all exits" "MMIO exits" "PIO exits" halts "irqs in" "insn emul"
	for w in sk qm; do
		p=0
		[ -e "$TMP/$w.c" ] && p=$(tr -d '\r' <"$TMP/$w.c" | sed -n 's/^NB: eth0 tx_packets \([0-9]*\) rx_packets \([0-9]*\)/\1 \2/p' | awk '{ print $1 + $2 }')
		p0=0
		[ -e "$TMP/$w.0" ] && p0=$(tr -d '\r' <"$TMP/$w.0" | sed -n 's/^NB: eth0 tx_packets \([0-9]*\) rx_packets \([0-9]*\)/\1 \2/p' | awk '{ print $1 + $2 }')
		echo "$((${p:-0} - ${p0:-0})) $(cat "$TMP/$w.c.k" 2>/dev/null) $(cat "$TMP/$w.0.k" 2>/dev/null)" |
			awk -v w=$w 'NF == 13 && $1 > 0 { n = w == "sk" ? "simple-kvm" : "QEMU"
				for (c = 1; c <= 6; c++) d[c] = ($(1 + c) - $(7 + c)) / $1
				printf "  %-10s %10.4f %10.4f %10.4f %10.4f %12.4f %12.4f  (%d packets)\n", n, d[1], d[2], d[3], d[4], d[5], d[6], $1
				next }
			{ print "  " w ": no counts (debugfs not readable, a boot failed, or the path was not measured)" }'
	done
fi
[ "$failed" = 0 ]
