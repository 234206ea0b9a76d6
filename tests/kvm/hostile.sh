# hostile.sh - guests that misbehave on purpose, in every mode where the
# trick applies: each must end with its one diagnostic line and documented
# status, and the VMM must never touch memory outside guest RAM. Sourced
# by run.sh, which runs memory_cases and other_cases with the normal
# programs, and memory_cases (every case in which the VMM reads or writes
# guest memory at an address the guest chose) again with ASan/UBSan builds
# (SK, MX and LABEL set by the caller), so that a host access outside RAM
# is caught, not merely survived.

# hostile CASE STATUS STDERR_PART MODES... (a timeout keeps a case that
# fails to fail from hanging the suite; runaway lives on it)
hostile() {
	c=$1 want=$2 part=$3
	shift 3
	for m in "$@"; do
		run "$SK" $(flag_of $m) --timeout 300ms "$GT/hostile-$c-$m.bin"
		check "$LABEL$m: hostile $c" "$want" "$part"
	done
}
PAGED="paged long"

memory_cases() {
hostile str_past_ram 72 "HC_printStr: string at GVA 0x2000000" $MODES
hostile str_unterminated_at_ram_end 72 "GVA 0x1000000" protected $PAGED
hostile str_too_long 72 "no NUL within 65536" protected $PAGED
hostile block_wraps_4g 72 "wrap around 4 GiB" $MODES
hostile block_past_ram 72 "HC_gvaToHva: argument block" $MODES
hostile gva_valid_gpa_outside 72 "maps to GPA 0x40000000, outside guest RAM" $PAGED
for m in $PAGED; do
	run "$SK" $(flag_of $m) "$GT/hostile-gva_valid_gpa_outside-$m.bin"
	printf 'Invalid GVA\n0\n' >"$TMP/want"
	check_stdout "$LABEL$m: a valid translation past RAM is an Invalid GVA"
	run "$SK" $(flag_of $m) "$GT/hostile-pagetable_redirect-$m.bin"
	printf 'redirected\n' >"$TMP/want"
	check_stdout "$LABEL$m: a string behind remapped page tables is read through them"
done
for m in protected $PAGED; do
	run "$SK" $(flag_of $m) "$GT/hostile-str_ends_at_last_byte-$m.bin"
	printf 'AAA' >"$TMP/want"
	check_stdout "$LABEL$m: a string whose NUL is the last byte of RAM prints"
done
# In a matrix, one VM's bad hypercall stops that VM only.
run "$MX" --policy rr --quantum 20ms --duration 500ms --quiet --summary=json \
	--vm counter:1:good --vm "$GT/hostile-str_past_ram-real.bin:1:bad"
check "${LABEL}matrix: a VM's bad hypercall fails it, status 71" 71 \
	"VM bad (vmfd"
if grep -q '"name":"good".*"state":"running"' "$TMP/out"; then
	pass "${LABEL}matrix: the other VM ran on"
else
	fail "${LABEL}matrix: isolation" "the good VM did not run on"
fi
}

other_cases() {
hostile unknown_port 72 "unknown port 0x80 (out, size 1)" $MODES
hostile wrong_size 72 "out of size 2" $MODES
hostile wrong_direction 72 "in of size 4" $MODES
hostile out_on_input_port 72 "HC_numExits on port 0x501: out" $MODES
hostile string_io 72 "count 4" $MODES
hostile triple_fault 71 "KVM_EXIT_SHUTDOWN" $MODES
hostile invalid_opcode 71 "KVM_EXIT_SHUTDOWN" protected $PAGED
hostile rdmsr 71 "KVM_EXIT_SHUTDOWN" protected $PAGED
hostile wipe_vmm_area 71 "KVM_EXIT_SHUTDOWN" protected $PAGED
hostile mmio 71 "KVM_EXIT_MMIO write 0xd0000000" protected
hostile runaway 124 "timeout: still running after 300ms" real long
hostile exit_code 5 "" $MODES
hostile huge_exit_code 72 "HC_exit(4294967295): exit codes are 0 to 63" $MODES
hostile forged_status 72 "HC_exit(71): exit codes are 0 to 63" $MODES
hostile exit_code_max 63 "" $MODES

run "$SK" -l --ignore-unknown-ports "$GT/hostile-unknown_port-long.bin"
check "${LABEL}long: --ignore-unknown-ports lets the guest go on to HC_exit(7)" 7
run "$SK" -l --deny gvaToHva "$GT/probe-long.bin"
check "${LABEL}long: --deny gvaToHva refuses the call" 72 "HC_gvaToHva is refused"

# A flood: 20000 hypercalls, each count exactly one more than the last.
run "$SK" -l --stats=json "$GT/hostile-flood-long.bin"
check "${LABEL}long: a flood of 20000 HC_numExits counts without a gap" 0
total=$(grep -o '"exits":[0-9]*' "$TMP/err" | head -1 | cut -d: -f2)
if [ "$(cat "$TMP/out")" = 20001 ] && [ "$total" = 20003 ]; then
	pass "${LABEL}long: the flood's last count (20001) and --stats (20003) agree"
else
	fail "${LABEL}long: flood counts" "printed $(cat "$TMP/out"), stats $total"
fi

}
