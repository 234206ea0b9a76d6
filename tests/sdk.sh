#!/bin/sh
# sdk.sh - the guest SDK as a user outside the tree meets it: make install
# into a scratch DESTDIR, simple-kvm-cc builds a guest for every mode from a
# file of its own, and the installed simple-kvm runs each on KVM (through
# scripts/kvm-run). Prints TAP lines. Usage: tests/sdk.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${1:-${BUILD:-build}}
MODES="real protected paged long"
# Under the repository, not /tmp: the sandbox sees only this tree.
tmp=$(mktemp -d "$PWD/$BUILD/sdk-test.XXXXXX") || exit 1
n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

if make --no-print-directory -s install BUILD="$BUILD" \
	DESTDIR="$tmp/root" PREFIX=/usr >"$tmp/install.out" 2>&1 &&
	[ -x "$tmp/root/usr/bin/simple-kvm-cc" ] &&
	[ -f "$tmp/root/usr/share/simple-kvm/sdk/hypercall.h" ]; then
	ok "make install DESTDIR=... PREFIX=/usr installs simple-kvm-cc and the SDK"
else
	sed 's/^/# /' "$tmp/install.out"
	not_ok "make install of the SDK"
fi

# A guest written as a user would: the SDK's header, nothing from the tree.
cat >"$tmp/hello.c" <<'GUEST'
#include "hypercall.h"

uint32_t guest_main(void);

uint32_t guest_main(void)
{
	HC_printStr("Hello from outside the tree!\n");
	HC_print32bit(HC_numExits());
	HC_exit(0);
	return 0;
}
GUEST
for m in $MODES; do
	if "$tmp/root/usr/bin/simple-kvm-cc" "$m" -o "$tmp/hello-$m.elf" \
		"$tmp/hello.c" >"$tmp/cc-$m.out" 2>&1; then
		ok "simple-kvm-cc $m -o hello-$m.elf hello.c"
	else
		sed 's/^/# /' "$tmp/cc-$m.out"
		not_ok "simple-kvm-cc $m"
	fi
done
"$tmp/root/usr/bin/simple-kvm-cc" bogus -o "$tmp/x.elf" "$tmp/hello.c" 2>"$tmp/bad.err"
if [ $? = 64 ] && grep -q "unknown mode 'bogus'" "$tmp/bad.err"; then
	ok "simple-kvm-cc refuses an unknown mode with status 64"
else
	not_ok "simple-kvm-cc with an unknown mode"
fi

# One kvm-run for the four guests, with the installed simple-kvm.
cat >"$tmp/run.sh" <<RUN
#!/bin/sh
for m in $MODES; do
	case \$m in real) f=-r ;; protected) f=-s ;; paged) f=-p ;; long) f=-l ;; esac
	"$tmp/root/usr/bin/simple-kvm" \$f --timeout 5s "$tmp/hello-\$m.elf" \
		>"$tmp/out-\$m" 2>"$tmp/err-\$m"
	echo \$? >"$tmp/status-\$m"
done
RUN
chmod +x "$tmp/run.sh"
scripts/kvm-run "$tmp/run.sh" >"$tmp/kvm-run.out" 2>&1
printf 'Hello from outside the tree!\n2\n' >"$tmp/want"
for m in $MODES; do
	if [ "$(cat "$tmp/status-$m" 2>/dev/null)" = 0 ] &&
		cmp -s "$tmp/out-$m" "$tmp/want"; then
		ok "$m: the installed simple-kvm runs the SDK-built guest"
	else
		sed 's/^/# /' "$tmp/kvm-run.out" "$tmp/err-$m" 2>/dev/null
		not_ok "$m: SDK-built guest (status $(cat "$tmp/status-$m" 2>/dev/null))"
	fi
done
echo "1..$n"
rm -rf "$tmp"
[ "$failed" -eq 0 ]
