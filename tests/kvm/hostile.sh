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
		run "$SK" $(flag_of $m) --timeout "$HOSTILE_TIMEOUT" \
			"$GT/hostile-$c-$m.bin"
		check "$LABEL$m: hostile $c" "$want" "$part"
	done
}
PAGED="paged long"
# kvm_pvm runs guest code through KVM's instruction emulator, about 200
# times slower than the sandbox: a guest that fills 64 KiB needs longer.
HOSTILE_TIMEOUT=300ms
[ "$KVM_BACKEND" != kvm_pvm ] || HOSTILE_TIMEOUT=3s

# Each case in guest/tests/hostile.c states what it expects on the line
# after its #if, so that adding a case means editing that one file:
#   /* expect: memory|other STATUS "STDERR PART" MODES... */
# and, where one KVM behaves otherwise, what it does instead for the modes
# it names, so that the difference is stated, not hidden:
#   /* expect on kvm_pvm: other STATUS "STDERR PART" MODES... */
# (memory: the VMM touches guest memory at an address the guest chose, so
# the case runs again against the sanitized builds; MODES "all" is every
# mode).
HOSTILE_SRC=$here/../../guest/tests/hostile.c
expected_cases() {
	awk -v kind="$1" -v backend="$KVM_BACKEND" -v modes="$MODES" '
	function add(m, key) {
		key = name " " m
		if (!(key in seen)) {
			seen[key] = 1
			order[++n] = key
		}
		if (qual == backend)
			over[key] = st " " part
		else
			def[key] = st " " part
	}
	match($0, /defined\(CASE_[a-z0-9_]*\)/) {
		name = substr($0, RSTART + 13, RLENGTH - 14)
		next
	}
	name != "" && /^[ \t]*\/\* expect( on [a-z_]+)?: / {
		e = $0
		# clang-format may fold a long one: join its lines
		while (e !~ /\*\/[ \t]*$/ && (getline more) > 0) {
			sub(/^[ \t]*\*[ \t]*/, " ", more)
			e = e more
		}
		sub(/^[ \t]*\/\* expect/, "", e)
		sub(/ \*\/[ \t]*$/, "", e)
		qual = "any"
		if (e ~ /^ on /) {
			qual = e
			sub(/^ on /, "", qual)
			sub(/:.*/, "", qual)
		}
		sub(/^[^:]*: /, "", e)
		if (qual != "any" && qual != backend)
			next
		match(e, /"[^"]*"/)
		part = substr(e, RSTART, RLENGTH)
		split(substr(e, 1, RSTART - 1), w, " ")
		if (w[1] != kind)
			next
		st = w[2]
		nm = split(substr(e, RSTART + RLENGTH), ms, " ")
		for (i = 1; i <= nm; i++) {
			if (ms[i] != "all") {
				add(ms[i])
				continue
			}
			na = split(modes, am, " ")
			for (j = 1; j <= na; j++)
				add(am[j])
		}
		next
	}
	{ name = "" }
	END {
		for (i = 1; i <= n; i++)
			print order[i] " " (order[i] in over ? over[order[i]] : def[order[i]])
	}' "$HOSTILE_SRC" >"$TMP/expect-$1"
	while read -r line; do
		eval "set -- $line"
		hostile "$1" "$3" "$4" "$2"
	done <"$TMP/expect-$1"
}

memory_cases() {
expected_cases memory
for m in $PAGED; do
	run "$SK" $(flag_of $m) "$GT/hostile-gva_valid_gpa_outside-$m.bin"
	check_stdout "$LABEL$m: a valid translation past RAM is an Invalid GVA" \
		"$TMP/out" 'Invalid GVA\n0\n'
	run "$SK" $(flag_of $m) "$GT/hostile-pagetable_redirect-$m.bin"
	check_stdout "$LABEL$m: a string behind remapped page tables is read through them" \
		"$TMP/out" 'redirected\n'
done
for m in protected $PAGED; do
	run "$SK" $(flag_of $m) "$GT/hostile-str_ends_at_last_byte-$m.bin"
	check_stdout "$LABEL$m: a string whose NUL is the last byte of RAM prints" \
		"$TMP/out" 'AAA'
done
# In a matrix, one VM's bad hypercall stops that VM only.
run "$MX" --policy rr --quantum 20ms --duration 500ms --quiet --summary=json \
	--vm counter:1:good --vm "$GT/hostile-str_past_ram-real.bin:1:bad"
check "${LABEL}matrix: a VM's bad hypercall fails it, status 71" 71 \
	"VM bad (vmfd"
if [ "$(vm_field good state)" = running ]; then
	pass "${LABEL}matrix: the other VM ran on"
else
	fail "${LABEL}matrix: isolation" "the good VM did not run on"
fi
}

other_cases() {
expected_cases other

run "$SK" -l --ignore-unknown-ports "$GT/hostile-unknown_port-long.bin"
check "${LABEL}long: --ignore-unknown-ports lets the guest go on to HC_exit(7)" 7
run "$SK" -l --deny gvaToHva "$GT/probe-long.bin"
check "${LABEL}long: --deny gvaToHva refuses the call" 72 "HC_gvaToHva is refused"

# A flood: 20000 hypercalls, each count exactly one more than the last.
run "$SK" -l --stats=json "$GT/hostile-flood-long.bin"
check "${LABEL}long: a flood of 20000 HC_numExits counts without a gap" 0
total=$(stats_field exits)
if [ "$(cat "$TMP/out")" = 20001 ] && [ "$total" = 20003 ]; then
	pass "${LABEL}long: the flood's last count (20001) and --stats (20003) agree"
else
	fail "${LABEL}long: flood counts" "printed $(cat "$TMP/out"), stats $total"
fi

}
