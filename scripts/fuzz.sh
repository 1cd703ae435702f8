#!/bin/sh
# fuzz.sh runs every fuzz target of the module for the given time each
# (default 20s). Targets are found by name: func FuzzXxx in *_test.go.
set -eu
cd "$(dirname "$0")/.."
t="${1:-20s}"
grep -rl --include='*_test.go' '^func Fuzz' . | while read -r f; do
	pkg="./$(dirname "$f" | sed 's|^\./||')"
	grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //' | while read -r name; do
		echo "fuzz $pkg $name ($t)"
		go test -run='^$' -fuzz="^${name}\$" -fuzztime="$t" -fuzzminimizetime=2s "$pkg"
	done
done
