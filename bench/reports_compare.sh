#!/usr/bin/env bash
# reports_compare.sh: the 100,000-row risks sheet written by clinfuse
# (excelize streaming writer, BenchmarkWorkbook100k) and by openpyxl's
# write-only mode (bench/reports_openpyxl.py), interleaved ROUNDS times
# (default 3) so that both see the same machine load.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
bin=$(mktemp -d)/reports.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./reports
for i in $(seq "$rounds"); do
	echo "round $i"
	(cd reports && "$bin" -test.run '^$' -test.bench 'Workbook100k$' -test.benchtime 1x \
		-test.benchmem | grep Benchmark)
	/usr/bin/python3 bench/reports_openpyxl.py 100000
done
