# faults.sh - real-KVM cases for the VMM's exception handlers and for guests
# that use x87 and SSE, in every mode. Sourced by run.sh after lib.sh.

cp "$BUILD"/guest/tests/fault-*.addr "$GT/" || exit 1
# kvm_pvm's instruction emulator stops at SSE instructions (an internal
# error), so the x87/SSE guests need hardware KVM or the sandbox there.
# (lib.sh's run already skips 32-bit paging where the backend has none.)
NO_SSE=
[ "${KVM_BACKEND:-}" != kvm_pvm ] || NO_SSE="kvm_pvm's emulator stops at SSE"

# fault_case CASE MODE REPORT [DETAIL]: the guest faults at its label
# fault_at; the one line names REPORT at that address, then DETAIL, and the
# register dump shows the state at the fault, not the handler's.
fault_case() {
	c=$1 m=$2 report=$3 detail=${4:-}
	addr=0x$(cat "$GT/fault-$c-$m.addr")
	if [ "$m" = real ]; then
		where=$(printf 'CS:IP 0000:%04x' "$addr")
	else
		where=$(printf 'RIP 0x%x' "$addr")
	fi
	run "$SK" $(flag_of $m) --timeout 2s "$GT/fault-$c-$m.elf"
	check "$LABEL$m: $report reported at the faulting instruction ($where)" 71 \
		"simple-kvm: guest fault: $report at $where$detail"
	if grep -q "rip=0x0*${addr#0x} " "$TMP/err"; then
		pass "$LABEL$m: $report: the register dump shows RIP $addr"
	else
		fail "$LABEL$m: $report: register dump" "no rip=$addr"
	fi
}

selector=": selector 0x30 (GDT index 6)"
unmapped=": supervisor write to unmapped 0xbeadb000 (error code 0x2)"
for m in $MODES; do
	fault_case ud $m "#UD (invalid opcode)" ", in 'ud2'"
	fault_case de $m "#DE (divide error)"
done
fault_case gp real "#GP (general protection)" ", in 'rdmsr'"
for m in protected paged long; do
	fault_case gp $m "#GP (general protection)" "$selector, in 'mov ds, ax'"
done
# movaps to a stack slot 8 bytes off 16: the report names the instruction
# and the register, whose value is the one the register dump shows.
for m in $MODES; do
	sp=esp
	[ $m != long ] || sp=rsp
	fault_case align $m "#GP (general protection)" ", in 'movaps [$sp], xmm0' ($sp 0x"
	said=$(sed -n "s/.*($sp 0x\([0-9a-f]*\) is not 16-byte aligned)\$/\1/p" "$TMP/err")
	if [ -n "$said" ] && grep -q "rsp=0x0*$said " "$TMP/err"; then
		pass "$LABEL$m: the report says $sp 0x$said is not 16-byte aligned, as the dump shows"
	else
		fail "$LABEL$m: the alignment note" "'$said' not the dump's rsp"
	fi
done
for m in paged long; do
	fault_case pf $m "#PF (page fault)" "$unmapped"
done

# A guest that writes the fault port itself only stops itself.
for m in $MODES; do
	run "$SK" $(flag_of $m) --timeout 2s "$GT/fault-forged-$m.elf"
	check "$LABEL$m: a forged fault report stops the guest, status 71" 71 \
		"fault report on port 0x5f0 with vector 99, not an exception's"
done

# In a matrix, a faulting VM is reported the same way; the other runs on.
run "$MX" --policy rr --quantum 20ms --duration 500ms --quiet --summary=json \
	--vm counter:1:good --vm "$GT/fault-ud-protected.elf:1:bad"
check "${LABEL}matrix: a faulting VM fails with its fault report, status 71" 71 \
	"stopped: guest fault: #UD (invalid opcode) at RIP 0x$(cat "$GT/fault-ud-protected.addr")"
if [ "$(vm_field good state)" = running ]; then
	pass "${LABEL}matrix: the other VM ran on after the fault"
else
	fail "${LABEL}matrix: fault isolation" "the good VM did not run on"
fi

# Guests compiled with x87 and SSE allowed (-m64 -O2, -m32 -msse2 -O2, and
# plain -m16 -Os for real mode): divisions in double and float, and a
# struct copied with movups, exact output.
for m in $MODES; do
	run "$SK" $(flag_of $m) --timeout 5s "$GT/fpu-$m.elf"
	[ -z "$NO_SSE" ] || skip_reason=$NO_SSE
	check "$LABEL$m: a guest built with x87 and SSE exits with HC_exit(0)" 0
	check_stdout "$LABEL$m: it prints its floating-point results and copied struct" \
		"$TMP/out" '3142\n2928968\n1000\n375\n41\n'
done
skip_reason=""

# emulation_case NAME GUEST: on kvm_pvm, whose instruction emulator runs
# all guest code, the long-mode GUEST stops at its first SSE instruction;
# the error's first line names that instruction, as objdump disassembles
# it at that RIP (GUEST.dis), where it is, and why.
emulation_case() {
	check "$LABEL$1: kvm_pvm stops at SSE with status 71 and says why" 71 \
		"this KVM (kvm_pvm) runs guest code in KVM's instruction emulator, which lacks SSE arithmetic"
	first=$(head -1 "$TMP/err")
	rip=$(echo "$first" | sed -n "s/^simple-kvm: guest stopped at RIP 0x\([0-9a-f]*\): KVM could not emulate '[^']*' at RIP 0x\1: .*/\1/p")
	got=$(echo "$first" | sed -n "s/.*could not emulate '\([a-z0-9]*\).*/\1/p")
	want=$(sed -n "s/^ *$rip:[[:space:]]*\([a-z0-9]*\).*/\1/p" "$GT/$2.dis")
	if [ -n "$rip" ] && [ -n "$got" ] && [ "$got" = "$want" ]; then
		pass "$LABEL$1: the first line names '$got' at RIP 0x$rip, as objdump does"
	else
		fail "$LABEL$1: the instruction named" "'$got' at '$rip', objdump: '$want'"
	fi
}
cp "$BUILD"/guest/tests/*.dis "$GT/" || exit 1

# A guest with its own C _start (no start.S), built by plain gcc -O2: gcc
# zeroes a stack array with movaps, trusting RSP+8 to be 16-byte aligned at
# the first instruction, as after a call. Where SSE runs, it must run; on
# kvm_pvm its first SSE instruction stops it, and the message says so.
run "$SK" -l --timeout 5s "$GT/cstart-long.elf"
if [ -n "$NO_SSE" ]; then
	emulation_case "long: a C _start" cstart-long
else
	check "${LABEL}long: a C _start built by gcc -O2 runs: the VMM enters as if it were called" 0
	check_stdout "${LABEL}long: the C _start's aligned SSE stores hold its numbers" "$TMP/out" '42\n'
fi

# A plain SDK guest with one double (cvtsi2sd, mulsd): on kvm_pvm, the
# emulation failure's first line names the instruction and why.
run "$SK" -l --timeout 5s "$GT/double-long.elf"
if [ -n "$NO_SSE" ]; then
	emulation_case "long: an SDK guest with a double" double-long
else
	check "${LABEL}long: an SDK guest with a double runs (no emulation here)" 0
	check_stdout "${LABEL}long: it prints its double's result" "$TMP/out" '42\n'
fi
