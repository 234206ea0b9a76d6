# gdb.sh - the gdb stub (simple-kvm --gdb) against Debian's gdb in every
# mode this KVM runs, and bad input from a raw client (tests/kvm/gdb_client.c).
# Sourced by run.sh after lib.sh; POSIX sh for the sandbox's busybox.
#
# gdb: the host's own, or in the sandbox (no libraries there) the copy that
# make puts in $BUILD/gdb-rt with its libraries, Python and data directory.

GDB_DIR=$here/gdb
GDB_CLIENT=$BUILD/tests/gdb-client

# gdb_case NAME: passes when the last test command succeeded, else fails
# with gdb's log and simple-kvm's stdout and stderr.
gdb_case() {
	if [ "$?" = 0 ]; then
		pass "$1"
		return
	fi
	cat "$TMP/gdb.log" "$TMP/sk.out" >"$TMP/out" 2>/dev/null
	cp "$TMP/sk.err" "$TMP/err" 2>/dev/null
	fail "$1" "${2:-see the log}"
	return 1
}

# Sets GDB to a command that runs gdb, or leaves it empty.
gdb_find() {
	GDB=
	rt=$BUILD/gdb-rt
	if [ -x "$rt/gdb" ] && { [ -n "${KVM_RUN_SANDBOX:-}" ] ||
		! command -v gdb >/dev/null 2>&1; }; then
		cat >"$TMP/gdb" <<-WRAPPER
			#!/bin/sh
			PYTHONHOME="$rt" exec "$rt/ld-linux-x86-64.so.2" \
				--library-path "$rt" "$rt/gdb" --data-directory="$rt/data" "\$@"
		WRAPPER
		chmod +x "$TMP/gdb"
		GDB=$TMP/gdb
	elif command -v gdb >/dev/null 2>&1; then
		GDB=gdb
	fi
}

# Whether this KVM runs mode $1 (lib.sh's NO_PAGING: kvm_pvm refuses
# 32-bit paging). A mode that should run and fails is a failure, not a skip.
gdb_mode_runs() {
	[ -z "$NO_PAGING" ] || [ "$1" != paged ]
}

# The address of a symbol of debugme-MODE, without 0x and leading zeros.
gdb_sym() {
	sed -n "s/^0*\([0-9a-f]*\) . $2\$/\1/p" "$BUILD/guest/tests/debugme-$1.syms"
}

# gdb_start MODE SOCKET [OPTION...]: simple-kvm waits for gdb at SOCKET.
gdb_start() {
	gm=$1 sock=$2
	shift 2
	rm -f "$sock"
	"$SK" $(flag_of "$gm") --gdb "unix:$sock" "$@" "$GT/debugme-$gm.elf" \
		>"$TMP/sk.out" 2>"$TMP/sk.err" &
	sk_pid=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 100 ] && kill -0 $sk_pid 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$sock" ]
}

# Waits up to $1 seconds (default 10) for simple-kvm to end, then stops it;
# sets sk_status.
gdb_reap() {
	i=0
	while kill -0 $sk_pid 2>/dev/null && [ $i -lt $((${1:-10} * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill $sk_pid 2>/dev/null
	wait $sk_pid
	sk_status=$?
}

# gdb_run MODE SOCKET FILE [ARG...]: gdb in batch mode on debugme-MODE,
# connected to SOCKET, running tests/kvm/gdb/FILE; output in gdb.log.
gdb_run() {
	gm=$1 sock=$2 file=$3
	shift 3
	if [ "$gm" = real ]; then
		set -- -ex "set architecture i8086" "$@"
	fi
	timeout 300 $GDB -nx -batch "$@" -ex "target remote $sock" \
		-x "$GDB_DIR/$file" "$GT/debugme-$gm.elf" >"$TMP/gdb.log" 2>&1
}

# The session in session.gdb, checked step by step.
gdb_session() {
	m=$1 sock=$TMP/gdb-$1.sock log=$TMP/gdb.log
	gdb_start "$m" "$sock"
	gdb_case "$m: simple-kvm --gdb waits on a unix socket" || return
	gdb_run "$m" "$sock" session.gdb
	gdb_reap
	grep -q "^Breakpoint 1, debug_add" "$log"
	gdb_case "$m: gdb breaks on debug_add by name and continues to it"
	bp=$(sed -n 's/^Breakpoint 1 at \(0x[0-9a-f]*\).*/\1/p' "$log")
	pc=$(sed -n 's/^pc-now //p' "$log")
	[ -n "$bp" ] && [ -n "$pc" ] && [ $((bp)) = $((pc)) ]
	gdb_case "$m: \$pc is the breakpoint's address ($pc)" "bp $bp, pc $pc"
	grep -q '<debug_message>:.*"Enter the VM, gdb"' "$log"
	gdb_case "$m: x/s reads the string at its guest virtual address"
	grep -q '^stepped 1$' "$log"
	gdb_case "$m: stepi moves \$pc"
	grep -q '^Hardware watchpoint 2: debug_counter' "$log" &&
		grep -q '^New value = 42' "$log"
	gdb_case "$m: a hardware watchpoint fires on the guest's write"
	printf 'Enter the VM, gdb\n99\n' >"$TMP/want"
	grep -q '^eax-was 42$' "$log" && cmp -s "$TMP/sk.out" "$TMP/want"
	gdb_case "$m: EAX set to 99 by gdb is what the guest prints"
	grep -q 'exited with code 03' "$log" && [ "$sk_status" = 3 ]
	gdb_case "$m: gdb hears the exit (code 03), simple-kvm exits 3" \
		"status $sk_status"
}

# Detach lets the guest run on; kill ends simple-kvm with 130.
gdb_detach_kill() {
	m=$1 sock=$TMP/gdb-$1.sock
	gdb_start "$m" "$sock" && gdb_run "$m" "$sock" detach.gdb
	gdb_reap
	printf 'Enter the VM, gdb\n42\n' >"$TMP/want"
	[ "$sk_status" = 3 ] && cmp -s "$TMP/sk.out" "$TMP/want" &&
		grep -q "gdb detached; the guest runs on" "$TMP/sk.err"
	gdb_case "$m: after detach the guest runs to its end alone" \
		"status $sk_status"
	gdb_start "$m" "$sock" && gdb_run "$m" "$sock" kill.gdb
	gdb_reap
	[ "$sk_status" = 130 ] &&
		grep -q "stopped by gdb's kill request" "$TMP/sk.err"
	gdb_case "$m: gdb's kill ends simple-kvm with status 130" \
		"status $sk_status"
}

# gdb's own Ctrl-C: SIGINT to gdb while it waits in continue. The
# script has gdb send it to itself once the guest is resumed (see
# interrupt.gdb), so no guess at gdb's start-up time is needed.
gdb_interrupt_gdb() {
	m=$1 sock=$TMP/gdb-$1.sock log=$TMP/gdb.log
	gdb_start "$m" "$sock"
	gdb_run "$m" "$sock" interrupt.gdb
	gdb_reap
	grep -q '^Program received signal SIGINT' "$log" &&
		grep -q '^interrupted$' "$log" && grep -q '^guest_main' "$log" &&
		grep -q 'exited with code 03' "$log" && [ "$sk_status" = 3 ]
	gdb_case "$m: gdb's Ctrl-C (SIGINT to gdb) stops the spinning guest" \
		"status $sk_status"
}

# gdb_client MODE SOCKET < SCRIPT: the raw client's answers in gdb.log.
gdb_client() {
	timeout 60 "$GDB_CLIENT" "unix:$2" >"$TMP/gdb.log" 2>&1
}

# got PATTERN: the client's answers hold a line matching it.
got() { grep -q -- "$1" "$TMP/gdb.log"; }

# Ctrl-C (0x03) stops a spinning guest with SIGINT; then it runs to its end.
gdb_interrupt() {
	m=$1 sock=$TMP/gdb-$1.sock spin=$(gdb_sym "$1" debug_spin)
	gdb_start "$m" "$sock"
	printf 'pkt M%s,4:01000000\npkt c\nraw \\x03\npkt g\npkt M%s,4:00000000\npkt c\n' \
		"$spin" "$spin" | gdb_client "$m" "$sock"
	gdb_reap
	got '^got: \$T02#' && got '^+\$W03#'
	gdb_case "$m: Ctrl-C stops the running guest (T02), which then exits" \
		"status $sk_status"
}

# Hostile input: each answer, and the stub still serves gdb afterwards.
gdb_bad_input() {
	m=$1 sock=$TMP/gdb-$1.sock
	gdb_start "$m" "$sock"
	gdb_client "$m" "$sock" <<-'SCRIPT'
		raw $g#00
		raw $qSupported#zz
		long 5000
		pkt qSupported
		pkt mzz,4
		pkt m1000,4q
		pkt m7fffff000000,10
		pkt mffffffffffffffffff,1
		pkt M7fffff000000,2:1234
		pkt M1000,2:zz12
		pkt X1000,2:}
		pkt p999
		pkt P0=zz
		pkt Z9,1000,1
		pkt Z2,1001,4
		pkt qNoSuchQuery
		pkt vMustReplyEmpty
		raw \x03
		raw junk+-\xff
		pkt m1000,1
		pkt D
	SCRIPT
	gdb_reap
	got '^got: -$'
	gdb_case "$m: a bad checksum gets a NAK" "no NAK"
	got '^+\$E5a#'
	gdb_case "$m: a packet over PacketSize gets an error, not a crash"
	got 'PacketSize=1000'
	gdb_case "$m: qSupported advertises PacketSize=1000"
	[ "$(grep -c '^+\$E16#' "$TMP/gdb.log")" -ge 8 ]
	gdb_case "$m: non-hex and malformed arguments get E16 (EINVAL)"
	[ "$(grep -c '^+\$E0e#' "$TMP/gdb.log")" = 2 ]
	gdb_case "$m: unmapped guest memory gets E0e (EFAULT), read or write"
	[ "$(grep -c '^+\$#00$' "$TMP/gdb.log")" -ge 3 ]
	gdb_case "$m: unknown commands get the empty reply"
	# 0x48: start.S's first byte, the REX.W of and $-16, %rsp
	got '^+\$48#' && got '^+\$OK#9a'
	gdb_case "$m: after all that the stub still reads memory and detaches"
	[ "$sk_status" = 3 ]
	gdb_case "$m: ... and the guest runs on to exit 3" "status $sk_status"
}

# One client at a time: a second connection is refused (TCP) while the
# first is attached; gdb gone while the guest runs: it runs on.
gdb_second_client_and_disconnect() {
	m=$1 spin=$(gdb_sym "$1" debug_spin)
	# the sandbox boots with its loopback interface down
	[ -z "${KVM_RUN_SANDBOX:-}" ] || ifconfig lo 127.0.0.1 up 2>/dev/null
	rm -f "$TMP/sk.err"
	"$SK" $(flag_of "$m") --timeout 3s --gdb 0 "$GT/debugme-$m.elf" \
		>"$TMP/sk.out" 2>"$TMP/sk.err" &
	sk_pid=$!
	i=0
	while ! grep -q "waiting for gdb" "$TMP/sk.err" 2>/dev/null &&
		[ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$TMP/sk.err")
	{
		printf 'pkt M%s,4:01000000\n' "$spin"
		printf 'wait 1000\n'
	} | timeout 30 "$GDB_CLIENT" "$port" >"$TMP/gdb.log" 2>&1 &
	first=$!
	# the second client only once the first is served (slow under TCG)
	i=0
	while ! grep -q OK "$TMP/gdb.log" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "pkt g" | timeout 30 "$GDB_CLIENT" "$port" >"$TMP/gdb2.log" 2>&1
	grep -q "Connection refused" "$TMP/gdb2.log"
	gdb_case "$m: a second gdb is refused while one is attached (TCP)"
	wait $first
	# the first client left with the guest stopped: it runs on and
	# spins until --timeout
	gdb_reap 30
	[ "$sk_status" = 124 ] &&
		grep -q "gdb disconnected; the guest runs on" "$TMP/sk.err"
	gdb_case "$m: gdb gone: the guest runs on without it (--timeout: 124)" \
		"status $sk_status"
}

# KVM_TEST_GDB_MODES: the modes to debug here (default all). make test
# sets it to "paged" for the sandbox when the same suite also runs on this
# machine's own KVM, which debugs the other modes about twenty times
# faster than gdb starts under the sandbox's emulation.
gdb_wanted() {
	case " ${KVM_TEST_GDB_MODES:-$MODES} " in *" $1 "*) return 0 ;; esac
	return 1
}

gdb_suite() {
	gdb_find
	for m in $MODES; do
		if ! gdb_wanted "$m"; then
			skip "$m: gdb session" "tested on this machine's own KVM (KVM_TEST_GDB_MODES=${KVM_TEST_GDB_MODES:-})"
			continue
		fi
		if ! gdb_mode_runs "$m"; then
			skip "$m: gdb session" "this KVM cannot run $m mode (kvm_pvm has no 32-bit paging; the sandbox has)"
			continue
		fi
		if [ -z "$GDB" ]; then
			skip "$m: gdb session" "no gdb here, nor in $BUILD/gdb-rt (make deps and the gdb-rt rule)"
		else
			gdb_session "$m"
		fi
	done
	if ! gdb_wanted long; then
		skip "long: detach, kill, Ctrl-C, bad input, a second client" \
			"tested on this machine's own KVM"
		return
	fi
	if [ -n "$GDB" ]; then
		gdb_detach_kill long
		gdb_interrupt_gdb long
	fi
	gdb_wanted real && gdb_interrupt real
	gdb_interrupt long
	gdb_bad_input long
	gdb_second_client_and_disconnect long
}
gdb_suite
