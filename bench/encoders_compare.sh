#!/bin/sh
# Interleaved comparison of the clinfuse image encoder with the same network
# in PyTorch (bench/encoders_cnn.py), so that both see the same machine load.
# Usage: bench/encoders_compare.sh [rounds]   (from the repository root)
set -eu
rounds=${1:-3}
go test -c -o /tmp/encoders_bench.test ./encoders
i=1
while [ "$i" -le "$rounds" ]; do
	echo "round $i"
	/tmp/encoders_bench.test -test.run '^$' -test.bench 'ImageEncoder' \
		-test.benchtime 2s | grep Benchmark
	for threads in 1 2; do
		/usr/bin/python3 bench/encoders_cnn.py --threads "$threads" --seconds 2
	done
	i=$((i + 1))
done
