# gdb.sh - the gdb stub (simple-kvm --gdb) against Debian's gdb in every
# mode this KVM runs, and bad input from a raw client (tests/kvm/gdb_client.c).
# Sourced by run.sh after lib.sh; POSIX sh for the sandbox's busybox.
#
# gdb: lib.sh's gdb_find.

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
	wait_for_socket "$sock" $sk_pid
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

# --- the stub's trust and truth (issue 17) ------------------------------

# gdb_reap_hard SECONDS: waits that long for simple-kvm to end, then sends
# SIGTERM, and SIGKILL 3 s later: one that ignores SIGTERM fails its case
# instead of hanging the suite. Sets sk_status, and sk_ended to "alone",
# "term" or "kill" (what ended it).
gdb_reap_hard() {
	sk_ended=alone
	i=0
	while kill -0 $sk_pid 2>/dev/null && [ $i -lt $(($1 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill $sk_pid 2>/dev/null; then
		sk_ended=term
		i=0
		while kill -0 $sk_pid 2>/dev/null && [ $i -lt 30 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 $sk_pid 2>/dev/null && sk_ended=kill
	fi
	wait $sk_pid
	sk_status=$?
}

# gdb_start_tcp OPTION... ELF: simple-kvm -l waits for gdb on a TCP port
# the kernel picks; sets port.
gdb_start_tcp() {
	# the sandbox boots with its loopback interface down
	[ -z "${KVM_RUN_SANDBOX:-}" ] || ifconfig lo 127.0.0.1 up 2>/dev/null
	rm -f "$TMP/sk.err"
	"$SK" -l --gdb 0 "$@" >"$TMP/sk.out" 2>"$TMP/sk.err" &
	sk_pid=$!
	i=0
	while ! grep -q "waiting for gdb" "$TMP/sk.err" 2>/dev/null &&
		[ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$TMP/sk.err")
	[ -n "$port" ]
}

# A web page's fetch() POST to the port, with RSP packets in its body
# (set debug_spin, continue): nothing back, and gdb is served after it.
gdb_http() {
	spin=$(gdb_sym long debug_spin)
	gdb_start_tcp --timeout 20s "$GT/debugme-long.elf"
	echo "http M$spin,4:01000000 c" |
		timeout 30 "$GDB_CLIENT" "$port" >"$TMP/gdb.log" 2>&1
	got '^connection closed$' && ! got '^got:'
	gdb_case "long: an HTTP POST with RSP in its body (a web page's fetch) gets nothing but a closed socket"
	grep -q "refused a client whose first byte (0x50) is not gdb's" \
		"$TMP/sk.err"
	gdb_case "long: ... and one line on stderr names the refusal"
	echo "pkt c" | timeout 30 "$GDB_CLIENT" "$port" >"$TMP/gdb.log" 2>&1
	gdb_reap_hard 20
	printf 'Enter the VM, gdb\n42\n' >"$TMP/want"
	got '^+\$W03#' && [ "$sk_status" = 3 ] && cmp -s "$TMP/sk.out" "$TMP/want"
	gdb_case "long: then gdb is served, the guest untouched by the request (exit 3)" \
		"status $sk_status"
}

# A client that asks for the registers, NAKs the reply 20000 times and
# never reads: dropped after the stall bound; SIGTERM during the stall.
gdb_nak_flood() {
	sock=$TMP/gdb-flood.sock
	gdb_start long "$sock"
	printf 'flood 20000\nwait 30000\n' |
		timeout 40 "$GDB_CLIENT" "unix:$sock" >"$TMP/gdb.log" 2>&1 &
	client=$!
	gdb_reap_hard 20
	{ kill $client && wait $client; } 2>/dev/null
	printf 'Enter the VM, gdb\n42\n' >"$TMP/want"
	[ "$sk_status" = 3 ] && [ "$sk_ended" = alone ] &&
		cmp -s "$TMP/sk.out" "$TMP/want" &&
		grep -q "gdb client took none of our replies for 5 s: dropped it; the guest runs on" "$TMP/sk.err"
	gdb_case "long: a client that NAKs a reply and never reads is dropped; the guest runs on (exit 3)" \
		"status $sk_status, ended $sk_ended"
	gdb_start long "$sock"
	printf 'flood 20000\nwait 30000\n' |
		timeout 40 "$GDB_CLIENT" "unix:$sock" >"$TMP/gdb.log" 2>&1 &
	client=$!
	sleep 1
	kill -TERM $sk_pid
	gdb_reap_hard 3
	{ kill $client && wait $client; } 2>/dev/null
	[ "$sk_status" = 130 ] && [ "$sk_ended" = alone ] &&
		! grep -q "dropped it" "$TMP/sk.err"
	gdb_case "long: SIGTERM while a send to that client stalls ends simple-kvm at once (130)" \
		"status $sk_status, ended $sk_ended"
}

# gdbcheck-long's symbols, without 0x and leading zeros.
gdbc_sym() {
	sed -n "s/^0*\([0-9a-f]*\) . $1\$/\1/p" "$BUILD/guest/tests/gdbcheck-long.syms"
}

# The 16 hex digits of a 64-bit value as a 'p' reply has them (LE).
le64() {
	printf '%016x' "$1" |
		sed 's/\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)/\8\7\6\5\4\3\2\1/'
}

gdbc_start() {
	sock=$1
	shift
	rm -f "$sock"
	"$SK" -l --gdb "unix:$sock" "$@" "$GT/gdbcheck-long.elf" \
		>"$TMP/sk.out" 2>"$TMP/sk.err" &
	sk_pid=$!
	wait_for_socket "$sock" $sk_pid
}

# Sets MXCSR_SKIP to why this KVM cannot run gdbcheck's ldmxcsr, or "".
gdb_mxcsr_probe() {
	MXCSR_SKIP=
	"$SK" -l "$GT/gdbcheck-long.elf" >"$TMP/out" 2>"$TMP/err"
	if [ $? = 71 ] && grep -qE "KVM_EXIT_INTERNAL_ERROR|KVM could not emulate" "$TMP/err"; then
		MXCSR_SKIP="this KVM ($KVM_BACKEND) cannot emulate ldmxcsr: all guest code runs in KVM's instruction emulator, which knows few SSE instructions"
	fi
}

# p38 reads what the guest's ldmxcsr loaded; P38 is what its stmxcsr sees.
gdb_mxcsr_raw() {
	at=$(gdbc_sym mxcsr_loaded)
	gdbc_start "$TMP/gdb-mx.sock"
	printf 'pkt Z0,%s,1\npkt c\npkt p38\npkt P38=803f0000\npkt z0,%s,1\npkt c\n' \
		"$at" "$at" | gdb_client long "$TMP/gdb-mx.sock"
	gdb_reap_hard 10
	got '^+\$a01f0000#'
	gdb_case "long: p38 reads the MXCSR the guest loaded (0x1fa0)" \
		"$(grep -A1 'T05' "$TMP/gdb.log" | tail -1)"
	[ "$(sed -n 1p "$TMP/sk.out")" = 16256 ] && [ "$sk_status" = 0 ]
	gdb_case "long: after P38=0x3f80 the guest's stmxcsr stores 0x3f80 (16256)" \
		"status $sk_status"
}

# Before the first instruction, on any KVM: p38 reads the reset MXCSR
# (0x1f80), and a P38 is what the next p38 reads; reserved bits are refused.
gdb_mxcsr_reset_raw() {
	flag=$(gdbc_sym check_mxcsr)
	gdbc_start "$TMP/gdb-mx.sock"
	printf 'pkt p38\npkt P38=803f0000\npkt p38\npkt P38=ffffffff\npkt M%s,4:00000000\npkt D\n' \
		"$flag" | gdb_client long "$TMP/gdb-mx.sock"
	gdb_reap_hard 10
	[ "$(grep -c '^+\$801f0000#' "$TMP/gdb.log")" = 1 ] &&
		[ "$(grep -c '^+\$803f0000#' "$TMP/gdb.log")" = 1 ] &&
		got '^+\$E05#' && [ "$sk_status" = 0 ]
	gdb_case "long: p38 reads the reset MXCSR (0x1f80), P38 changes it, reserved bits get E05" \
		"status $sk_status"
}

# One code byte at two virtual addresses (PML4[1] = PML4[0]): Z0 at both,
# z0 at both, hits at either, and detach, leave the guest's byte whole.
gdb_alias_raw() {
	ready=$(gdbc_sym alias_ready) between=$(gdbc_sym alias_between)
	a=$(gdbc_sym alias_target) flag=$(gdbc_sym check_mxcsr)
	b=$(printf '%x' $((0x$a + 0x8000000000)))
	gdbc_start "$TMP/gdb-alias.sock"
	gdb_client long "$TMP/gdb-alias.sock" <<-SCRIPT
		pkt M$flag,4:00000000
		pkt Z0,$ready,1
		pkt c
		pkt z0,$ready,1
		pkt Z0,$a,1
		pkt Z0,$b,1
		pkt z0,$a,1
		pkt z0,$b,1
		pkt Z0,$b,1
		pkt c
		pkt p10
		pkt z0,$b,1
		pkt Z0,$between,1
		pkt c
		pkt z0,$between,1
		pkt Z0,$a,1
		pkt c
		pkt p10
		pkt z0,$a,1
		pkt c
	SCRIPT
	gdb_reap_hard 10
	got "^+\\\$$(le64 0x$b)#" && got "^+\\\$$(le64 0x$a)#"
	gdb_case "long: a breakpoint stops the guest at the alias it was set at (0x$b), and at the first address (0x$a)"
	printf '16\n22\n34\n' >"$TMP/want"
	got '^+\$W00#' && [ "$sk_status" = 0 ] && cmp -s "$TMP/sk.out" "$TMP/want"
	gdb_case "long: Z0 at two aliases of one byte, then z0 at both: no 0xcc left, the guest runs to its end" \
		"status $sk_status"
	gdbc_start "$TMP/gdb-alias.sock"
	gdb_client long "$TMP/gdb-alias.sock" <<-SCRIPT
		pkt M$flag,4:00000000
		pkt Z0,$ready,1
		pkt c
		pkt z0,$ready,1
		pkt Z0,$a,1
		pkt Z0,$b,1
		pkt D
	SCRIPT
	gdb_reap_hard 10
	[ "$sk_status" = 0 ] && cmp -s "$TMP/sk.out" "$TMP/want"
	gdb_case "long: detach with breakpoints at both aliases restores the guest's byte" \
		"status $sk_status"
}

# The same with Debian's gdb (gdbcheck.gdb): MXCSR where it runs, aliases.
gdb_check_session() {
	want=$1 log=$TMP/gdb.log
	a=$(gdbc_sym alias_target)
	b=$(printf '%x' $((0x$a + 0x8000000000)))
	gdbc_start "$TMP/gdb-check.sock"
	timeout 300 $GDB -nx -batch -ex "set \$want_mxcsr = $want" \
		-ex "target remote $TMP/gdb-check.sock" -x "$GDB_DIR/gdbcheck.gdb" \
		"$GT/gdbcheck-long.elf" >"$log" 2>&1
	gdb_reap_hard 10
	grep -q '^mxcsr-reset 0x1f80$' "$log"
	gdb_case "long: gdb's \$mxcsr before the first instruction is the reset value (0x1f80)"
	if [ "$want" = 1 ]; then
		grep -q '^mxcsr-was 0x1fa0$' "$log"
		gdb_case "long: gdb's \$mxcsr is what the guest loaded (0x1fa0)"
		[ "$(sed -n 1p "$TMP/sk.out")" = 16256 ]
		gdb_case "long: gdb's set \$mxcsr = 0x3f80 is what the guest stores"
	fi
	grep -q "^alias-hit 0x$b\$" "$log" && grep -q "^direct-hit 0x$a\$" "$log"
	gdb_case "long: gdb stops at a breakpoint at the alias and at the first address"
	tail -3 "$TMP/sk.out" >"$TMP/got"
	printf '16\n22\n34\n' >"$TMP/want"
	grep -q 'exited normally' "$log" && [ "$sk_status" = 0 ] &&
		cmp -s "$TMP/got" "$TMP/want"
	gdb_case "long: with gdb's breakpoints at both aliases, no 0xcc is left behind" \
		"status $sk_status"
}

# The MXCSR cases run wherever ldmxcsr does, whatever KVM_TEST_GDB_MODES
# says: kvm_pvm cannot run them, so make test's sandbox pass is their only
# chance. The others are long-mode cases like the ones above.
gdb_trust_and_truth() {
	gdb_mxcsr_probe
	if [ -n "$MXCSR_SKIP" ]; then
		skip "long: MXCSR the guest loads and stores, through p38/P38 and gdb's \$mxcsr" "$MXCSR_SKIP"
	else
		gdb_mxcsr_raw
	fi
	if [ -n "$GDB" ] && [ -z "$MXCSR_SKIP" ]; then
		gdb_check_session 1
	elif [ -n "$GDB" ] && gdb_wanted long; then
		gdb_check_session 0
	fi
	if ! gdb_wanted long; then
		skip "long: HTTP client, NAK flood, aliased breakpoints" \
			"tested on this machine's own KVM"
		return
	fi
	gdb_mxcsr_reset_raw
	gdb_http
	gdb_nak_flood
	gdb_alias_raw
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
gdb_trust_and_truth
