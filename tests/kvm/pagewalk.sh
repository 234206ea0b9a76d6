# pagewalk.sh - the software page walker against KVM_TRANSLATE on random
# page tables in every paging mode (tests/kvm/pagewalk_diff.c). Sourced by
# run.sh after lib.sh; counts through lib.sh's n and failed.
#
# KVM_TEST_PAGEWALK_SEED=N repeats a run (every run prints its seed);
# KVM_TEST_PAGEWALK_ROUNDS=N sets the rounds of random tables per mode.
# shellcheck disable=SC2154 # status, like n and failed, is lib.sh's

# A KVM on VMX or SVM must take every mode; only kvm_pvm (lib.sh's
# KVM_BACKEND), which keeps 32-bit paging off, may skip. Its KVM_TRANSLATE
# is also ten times slower, hence fewer rounds there.
if [ "$KVM_BACKEND" != kvm_pvm ]; then
	pw_hw=1 pw_rounds=8
else
	pw_hw=0 pw_rounds=2
fi
pw_rounds=${KVM_TEST_PAGEWALK_ROUNDS:-$pw_rounds}
pw_args="--rounds $pw_rounds"
[ -z "${KVM_TEST_PAGEWALK_SEED:-}" ] ||
	pw_args="$pw_args --seed $KVM_TEST_PAGEWALK_SEED"

# pw_line LINE: one line of pagewalk_diff's TAP, renumbered into the suite's.
pw_line() {
	case $1 in
	"not ok "*)
		n=$((n + 1))
		failed=$((failed + 1))
		echo "not ok $n - pagewalk: ${1#not ok * - }"
		;;
	"ok "*"# SKIP"*)
		pw_desc=${1#ok * - }
		if [ "$pw_hw" = 1 ]; then
			n=$((n + 1))
			failed=$((failed + 1))
			echo "not ok $n - pagewalk: a KVM on VMX/SVM skipped:" \
				"${pw_desc#\# SKIP }"
		else
			pass "pagewalk $pw_desc"
		fi
		;;
	"ok "*) pass "pagewalk: ${1#ok * - }" ;;
	"#"*) echo "$1" ;;
	*) echo "# $1" ;;
	esac
}

if [ -x "$BUILD/tests/kvm/pagewalk_diff" ] &&
	cp "$BUILD/tests/kvm/pagewalk_diff" "$TMP/pagewalk_diff"; then
	# shellcheck disable=SC2086 # pw_args is words on purpose
	run "$TMP/pagewalk_diff" $pw_args
	pw_before=$n pw_failed=$failed
	while IFS= read -r pw_l; do
		pw_line "$pw_l"
	done <"$TMP/out"
	sed 's/^/# stderr: /' "$TMP/err"
	if [ "$status" != 0 ] && [ "$failed" = "$pw_failed" ]; then
		fail "pagewalk: pagewalk_diff" "status $status, no case failed"
	elif [ "$n" = "$pw_before" ]; then
		fail "pagewalk: pagewalk_diff" "status $status, no TAP line"
	fi
else
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - pagewalk: $BUILD/tests/kvm/pagewalk_diff is missing" \
		"(make pagewalk-diff-bin)"
fi
