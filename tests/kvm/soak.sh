#!/bin/sh
# soak.sh - matrix through many forced switches: no quantum lost, given
# twice or cut short, and no growth in memory or file descriptors. `make
# soak` runs it with a million switches (by hand: about 4 minutes in the
# sandbox); the KVM suite runs a short one.
# Usage: tests/kvm/soak.sh [BUILD_DIR] [SWITCHES]

here=$(dirname "$0")
. "$here/lib.sh"
SWITCHES=${2:-1000000}

run "$MX" --policy rr --quantum 100us --slices "$SWITCHES" --quiet \
	--summary=json --vm counter:1:a --vm counter:1:b
check "soak: $SWITCHES switches" 0
a=$(vm_field a quantum_slices) b=$(vm_field b quantum_slices)
# rr alternates, so each VM gets exactly half, every slice ended by its quantum
if [ "$a" = $((SWITCHES / 2)) ] && [ "$b" = $((SWITCHES - SWITCHES / 2)) ]; then
	pass "soak: every quantum ran once, none lost ($a + $b)"
else
	fail "soak: quanta" "a=$a b=$b of $SWITCHES"
fi

# A slice the timer ended ran at least what its timer was armed for: the
# quantum less the overshoot seen so far, never under a quarter of the
# quantum. One cut shorter means a stale tick (or a timer armed too short)
# took the CPU back early.
q=$(top_field quantum_ns) short=""
floor=$((q / 4))
for name in a b; do
	min=$(vm_field "$name" slice_min_ns)
	[ -n "$min" ] && [ "$min" -ge "$floor" ] ||
		short="$short $name:$min"
done
if [ -z "$short" ]; then
	pass "soak: no timer-ended slice shorter than the timer's floor of $floor ns\
 (shortest $(vm_field a slice_min_ns), $(vm_field b slice_min_ns) ns;\
 longest $(vm_field a slice_max_ns), $(vm_field b slice_max_ns) ns)"
else
	fail "soak: slices cut short" "shortest slice under $floor ns:$short"
fi

rss0=$(top_field rss_start_kb) rss1=$(top_field rss_kb)
fd0=$(top_field fds_start) fd1=$(top_field fds_end)
if [ "$fd0" = "$fd1" ] && [ $((rss1 - rss0)) -le 64 ]; then
	pass "soak: no growth: RSS $rss0 -> $rss1 KiB, descriptors $fd0 -> $fd1"
else
	fail "soak: growth" "RSS $rss0 -> $rss1 KiB, descriptors $fd0 -> $fd1"
fi
rm -rf "$TMP"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
