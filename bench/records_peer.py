#!/usr/bin/python3
"""Python peers of the clinfuse records benchmark (records.BenchmarkReadObservationsCSV).

Writes the same generated Synthea 3.x observations file as the Go benchmark (three numeric
rows for every two text rows, 5,000 patients), then times reading it with the standard
csv module (rows parsed, VALUE converted to float for numeric rows) and, when installed,
pandas.read_csv. The Go benchmark reads the very same file when CLINFUSE_BENCH_FILE names
it, so that both run side by side on one input:

    /usr/bin/python3 bench/records_peer.py --rows 1000000 --out /tmp/obs.csv --keep
    CLINFUSE_BENCH_FILE=/tmp/obs.csv go test ./ingest/records -run '^$' \\
        -bench ReadObservationsCSV -benchtime 3x

Usage: /usr/bin/python3 bench/records_peer.py [--rows N] [--out PATH] [--keep]
Prints one line per reader: reader rows rows_per_second.
"""
import argparse
import csv
import os
import tempfile
import time

HEADER = "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE\n"


def row(i):
    p, day = i % 5000, 1 + i % 28
    stem = (f"2020-01-{day:02d}T08:{i % 60:02d}:00Z,{p:08x}-aaaa-4bbb-8ccc-{p:012x},"
            f"{i:08x}-dddd-4eee-8fff-{i:012x},")
    if i % 5 < 3:
        return (stem + "laboratory,4548-4,Hemoglobin A1c/Hemoglobin.total in Blood,"
                f"{4 + i % 6}.{i % 10},%,numeric\n")
    return stem + ("survey,72166-2,Tobacco smoking status,"
                   "Never smoked tobacco (finding),,text\n")


def write(path, rows):
    with open(path, "w", newline="") as f:
        f.write(HEADER)
        for i in range(rows):
            f.write(row(i))


def read_csv_module(path):
    n = 0
    with open(path, newline="", encoding="utf-8-sig") as f:
        r = csv.reader(f)
        next(r)
        for rec in r:
            if rec[8] == "numeric":
                float(rec[6])
            n += 1
    return n


def read_pandas(path):
    import pandas
    return len(pandas.read_csv(path))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--out")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    path = args.out or os.path.join(tempfile.mkdtemp(), "observations.csv")
    write(path, args.rows)
    try:
        for name, fn in (("python-csv", read_csv_module), ("pandas", read_pandas)):
            try:
                start = time.perf_counter()
                n = fn(path)
                secs = time.perf_counter() - start
            except ImportError:
                continue
            print(f"{name} {n} {n / secs:.0f}")
    finally:
        if not args.keep:
            os.remove(path)


if __name__ == "__main__":
    main()
