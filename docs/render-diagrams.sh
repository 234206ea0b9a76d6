#!/bin/sh
# render-diagrams.sh - re-renders the Graphviz diagrams of docs/ into the PNGs
# committed beside them (docs/kvm-lifecycle.dot -> docs/kvm-lifecycle.png).
#
# Usage: docs/render-diagrams.sh
# Installs Debian's graphviz with scripts/ensure-packages when `dot` is
# missing. The Mermaid copy of the flowchart in kvm-lifecycle.md needs no
# rendering: Markdown viewers that know Mermaid draw it themselves.
set -eu

cd "$(dirname "$0")"
command -v dot >/dev/null 2>&1 || ../scripts/ensure-packages graphviz

for src in *.dot; do
	png=${src%.dot}.png
	# Render to a temporary file first, so that a failure keeps the old PNG.
	dot -Tpng -Gdpi=96 "$src" -o "$png.tmp"
	mv "$png.tmp" "$png"
	echo "render-diagrams: docs/$src -> docs/$png"
done
