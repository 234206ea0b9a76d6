#!/bin/sh
# memory.sh - issue 20's memory figure: the VMM's host memory beyond guest
# RAM while a Linux guest sits at its shell: simple-kvm's resident set
# (/proc/PID/smaps_rollup) less the resident pages of the guest RAM
# mapping (the anonymous mapping of exactly --mem bytes in
# /proc/PID/smaps), read after the boot, the decompression buffers long
# freed. The guest is make linux's: the root disk, its shell reading
# "sleep" from a pipe. Target: at most 5 MiB (Firecracker's published
# bound). Needs real KVM (the sandbox here) and make linux's files.
#
# Usage: bench/memory.sh [BUILD_DIR]   (make bench runs it in the sandbox)
set -u
BUILD=${1:-build}
MEM_MIB=256
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mem-bench.XXXXXX")
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
for f in "$BUILD/simple-kvm" "$BUILD/sandbox/kernel/vmlinuz" "$BUILD/linux-root/initramfs.cpio" \
	"$BUILD/linux-root/root.ext4"; do
	[ -r "$f" ] || { echo "memory.sh: $f is missing (make linux builds it)" >&2; exit 1; }
done
cp "$BUILD/linux-root/root.ext4" "$TMP/root.ext4" || exit 1
mkfifo "$TMP/in" || exit 1
"$BUILD/simple-kvm" --kernel "$BUILD/sandbox/kernel/vmlinuz" --initrd "$BUILD/linux-root/initramfs.cpio" \
	--disk "$TMP/root.ext4" --mem ${MEM_MIB}M --kernel-cache "$BUILD/kernel-cache" --timeout 120s \
	--append "console=ttyS0 quiet panic=-1" <"$TMP/in" >"$TMP/out" 2>"$TMP/err" &
pid=$!
exec 3>"$TMP/in"
# The shell reads this when it starts; only its output says "at-the-2".
echo 'echo at-the-$((1 + 1))' >&3
i=0
while [ $i -lt 900 ] && ! grep -q 'at-the-2' "$TMP/out" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
grep -q at-the-2 "$TMP/out" || { echo "memory.sh: the guest did not reach its shell; its last lines:" >&2; tail -5 "$TMP/out" >&2; exit 1; }
sleep 1
rss=$(sed -n 's/^Rss: *\([0-9]*\) kB/\1/p' "/proc/$pid/smaps_rollup")
# the guest RAM mapping: the one whose size is exactly MEM_MIB MiB
guest=$(awk -v want=$((MEM_MIB * 1024)) '
	/^[0-9a-f]+-[0-9a-f]+ / { inmap = 0 }
	/^Size:/ { inmap = ($2 == want) }
	/^Rss:/ && inmap { print $2; exit }' "/proc/$pid/smaps")
echo 'exit' >&3
echo "simple-kvm --kernel at the guest's shell (root disk, $MEM_MIB MiB): RSS $rss KiB, of it guest RAM $guest KiB"
awk "BEGIN { b = ($rss - $guest) / 1024; printf \"host memory beyond guest RAM: %.2f MiB (target <= 5 MiB: %s)\n\", b, (b <= 5 ? \"met\" : \"NOT met\") }"
