# kmod-order.sh - sourced by the scripts that put Debian's kernel modules
# into an initramfs (linux-initramfs.sh, linux-root.sh): each module is
# copied in the order insmod needs, checked against the dependencies its
# .modinfo section declares (no modinfo or kmod needed on the host).
#
#   loaded=" NAMES... "            the modules already in place
#   stage_module KO DEST_DIR       copies KO into DEST_DIR, appends its name
#                                  to DEST_DIR/load-order and to $loaded, or
#                                  dies (the caller's die) when a dependency
#                                  is not in $loaded yet

# module_deps KO: the names the depends= line of its .modinfo gives.
module_deps() {
	objcopy -O binary -j .modinfo "$1" /dev/stdout | tr '\0' '\n' |
		sed -n 's/^depends=//p' | tr , ' '
}

stage_module() {
	local ko=$1 dest=$2 m d
	m=$(basename "$ko" .ko)
	for d in $(module_deps "$ko"); do
		case "$loaded" in *" $d "*) ;; *) die "module $m needs $d, which is not before it" ;; esac
	done
	mkdir -p "$dest"
	cp "$ko" "$dest/"
	echo "$m" >>"$dest/load-order"
	# depends= spells names with underscores (crc32c-intel is crc32c_intel)
	loaded="$loaded${m//-/_} "
}
