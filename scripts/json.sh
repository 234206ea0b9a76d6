# json.sh - reading the programs' JSON summaries (matrix --summary=json,
# simple-kvm --stats=json) from POSIX sh; sourced by tests/kvm/lib.sh and
# bench/run.sh, which run under the sandbox's busybox too. Needs a jq
# command (a shell function will do).
#
# One jq start costs about 0.3 s in the sandbox (jq 1.6 compiles its
# builtins each time), more than most test cases, so each document is
# flattened once into "path<TAB>value" lines (vms.0.name, exits.KVM_EXIT_IO)
# and fields are read from those by awk. Only scalar fields can be read so,
# by dotted paths; a string comes back as @tsv escapes it (\t, \n, \\),
# which our programs' names and numbers never need.

# json_use_build_jq BUILD DIR: where make put jq with its libraries in
# BUILD/jq (the sandbox has no shared libraries of its own), copies it out
# of the sandbox's slow 9p share into DIR/jq and runs jq from there.
json_use_build_jq() {
	[ -x "$1/jq/jq" ] || return 0
	cp -r "$1/jq" "$2/jq" || return 1
	json_jq_dir=$2/jq
	jq() {
		"$json_jq_dir/ld-linux-x86-64.so.2" --library-path "$json_jq_dir" \
			"$json_jq_dir/jq" "$@"
	}
}

# json_flat FILE: makes FILE.flat, again only when FILE changed since; jq's
# complaints about a FILE that is not JSON go to FILE.flat-err.
json_flat() {
	if ! cmp -s "$1" "$1.flat-src" 2>/dev/null; then
		jq -r 'paths(type != "object" and type != "array") as $p |
			[($p | map(tostring) | join(".")), (getpath($p) | tostring)] |
			@tsv' "$1" >"$1.flat" 2>"$1.flat-err"
		cp "$1" "$1.flat-src"
	fi
}

# json_field FILE PATH: like jq -r .PATH (a.b for nested fields): null when
# absent, nothing when FILE holds no JSON, a line for each match when it
# holds several objects.
json_field() {
	json_flat "$1"
	awk -F '\t' -v k="$2" '$1 == k { print $2; found = 1 }
		END { if (!found && NR) print "null" }' "$1.flat"
}

# json_vm_field FILE VM FIELD: a field of the VM called VM in a matrix
# summary; an exit reason (KVM_EXIT_IO) is read from its exit counts. As
# jq's (.[f] // .exits[f] // 0): null and false count as absent (and here
# an empty string too).
json_vm_field() {
	json_flat "$1"
	awk -F '\t' -v n="$2" -v f="$3" '
		function given(v) { return v != "" && v != "null" && v != "false" }
		$2 == n && $1 ~ /^vms\.[0-9]+\.name$/ { split($1, p, "."); vm[p[2]] = 1 }
		{ value[$1] = $2 }
		END {
			for (i in vm) {
				v = value["vms." i "." f]
				if (!given(v)) v = value["vms." i ".exits." f]
				print given(v) ? v : 0
			}
		}' "$1.flat"
}
