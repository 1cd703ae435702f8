#!/usr/bin/python3
"""Writes maf_reference.tsv: the row count of every table in the shared
variants/maf folder by a plain tab split. Run from this folder once with
Debian's /usr/bin/python3; the result is committed and compared with Read by
TestMAFMatchesTabSplit.

    CLINFUSE_SHARED_DATA=/path/to/shared/data /usr/bin/python3 make_maf_reference.py

A plain tab split: gunzip when the file starts with the gzip magic, split
lines on LF, CRLF or lone CR (str.splitlines), drop blank lines and lines
starting with '#', take the first remaining line as the header and count
the rest. Columns: path, rows, columns (header width), sample_column
(Tumor_Sample_Barcode when present), samples (distinct values there).
"""
import gzip
import os
import sys

data = os.environ.get("CLINFUSE_SHARED_DATA", "../../../../shared/data")
folder = os.path.join(data, "variants", "maf")
with open("maf_reference.tsv", "w", newline="\n") as out:
    out.write("path\trows\tcolumns\tsample_column\tsamples\n")
    for name in sorted(os.listdir(folder)):
        raw = open(os.path.join(folder, name), "rb").read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        lines = [l for l in raw.decode("utf-8", "replace").splitlines()
                 if l.strip() and not l.startswith("#")]
        header, rows = lines[0].split("\t"), [l.split("\t") for l in lines[1:]]
        col, samples = "", 0
        if "Tumor_Sample_Barcode" in header:
            col = "Tumor_Sample_Barcode"
            i = header.index(col)
            samples = len({r[i] for r in rows if i < len(r)})
        out.write("variants/maf/%s\t%d\t%d\t%s\t%d\n" % (name, len(rows), len(header), col, samples))
sys.exit(0)
