#!/bin/sh
# run-demo.sh BUILD_DIR - what `make run` shows: simple-kvm's built-in demo in
# each of the four modes, one after another. Exits with the first failure's
# status, after running them all.
build=${1:-build}
status=0
for m in "-r real" "-s protected" "-p paged" "-l long"; do
	set -- $m
	echo "== simple-kvm $1 ($2 mode)"
	"$build/simple-kvm" "$1" || { s=$?; [ "$status" -ne 0 ] || status=$s; }
done
exit "$status"
