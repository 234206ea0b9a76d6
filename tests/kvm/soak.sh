#!/bin/sh
# soak.sh - matrix through many forced switches: no quantum lost or given
# twice, and no growth in memory or file descriptors. `make soak` runs it
# with a million switches (by hand: about 4 minutes in the sandbox); the
# KVM suite runs a short one. Usage: tests/kvm/soak.sh [BUILD_DIR] [SWITCHES]

here=$(dirname "$0")
. "$here/lib.sh"
SWITCHES=${2:-1000000}
field() { grep -o "\"$1\":[^,}]*" "$TMP/out" | head -1 | cut -d: -f2; }

run "$MX" --policy rr --quantum 100us --slices "$SWITCHES" --quiet \
	--summary=json --vm counter:1:a --vm counter:1:b
check "soak: $SWITCHES switches" 0
a=$(grep -o '"name":"a"[^}]*' "$TMP/out" | grep -o '"quantum_slices":[0-9]*' | cut -d: -f2)
b=$(grep -o '"name":"b"[^}]*' "$TMP/out" | grep -o '"quantum_slices":[0-9]*' | cut -d: -f2)
# rr alternates, so each VM gets exactly half, every slice ended by its quantum
if [ "$a" = $((SWITCHES / 2)) ] && [ "$b" = $((SWITCHES - SWITCHES / 2)) ]; then
	pass "soak: every quantum ran once, none lost ($a + $b)"
else
	fail "soak: quanta" "a=$a b=$b of $SWITCHES"
fi
rss0=$(field rss_start_kb) rss1=$(field rss_kb) fd0=$(field fds_start) fd1=$(field fds_end)
if [ "$fd0" = "$fd1" ] && [ $((rss1 - rss0)) -le 64 ]; then
	pass "soak: no growth: RSS $rss0 -> $rss1 KiB, descriptors $fd0 -> $fd1"
else
	fail "soak: growth" "RSS $rss0 -> $rss1 KiB, descriptors $fd0 -> $fd1"
fi
rm -rf "$TMP"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
