#!/bin/sh
# fuzz.sh runs every fuzz target of the module for the given time each
# (default 20s). Targets are found by name: func FuzzXxx in *_test.go.
#
# Go 1.26's fuzz coordinator can report "context deadline exceeded" when
# -fuzztime runs out while a worker is mid-call (golang/go#75804, fixed in
# Go 1.27). Such a failure writes no failing input, so a target fails here
# only when go test fails and either wrote a new input under
# testdata/fuzz/<target>/ or failed for any other reason.
set -eu
cd "$(dirname "$0")/.."
t="${1:-20s}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
count() { find "$1" -type f 2>/dev/null | wc -l; }
grep -rl --include='*_test.go' '^func Fuzz' . | while read -r f; do
	dir=$(dirname "$f" | sed 's|^\./||')
	grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/^func //' | while read -r name; do
		echo "fuzz ./$dir $name ($t)"
		corpus="$dir/testdata/fuzz/$name"
		before=$(count "$corpus")
		if go test -run='^$' -fuzz="^${name}\$" -fuzztime="$t" -fuzzminimizetime=2s \
			"./$dir" >"$log" 2>&1; then
			tail -n 2 "$log"
			continue
		fi
		cat "$log"
		after=$(count "$corpus")
		if [ "$after" -eq "$before" ] &&
			grep -q '^    context deadline exceeded$' "$log" &&
			[ "$(grep -c -e '^--- FAIL' -e '^panic:' -e 'Failing input written' "$log")" -eq 1 ]; then
			echo "fuzz ./$dir $name: stopped by Go's fuzz deadline race (golang/go#75804), no failing input: not a failure"
			continue
		fi
		echo "fuzz ./$dir $name: FAILED"
		exit 1
	done
done
