#!/usr/bin/python3
"""Peer benchmark: a 100,000-row risks sheet with openpyxl's write-only mode.

Usage: /usr/bin/python3 bench/reports_openpyxl.py [ROWS] [OUT.xlsx]

Writes the same columns as the Risks sheet of clinfuse's report.xlsx
(patient id, target, risk as 0.0%, interval text, band, age, sex, driver,
data available, three similar patients), with a styled header, frozen
header row, autofilter and band colours by conditional formatting, the
way BenchmarkWorkbook100k in reports/bench_test.go writes it with
excelize's streaming writer. Prints one line: rows, seconds, peak resident
memory (ru_maxrss, MB, the rows held in memory included) and file size. Needs Debian's python3-openpyxl.
Compare with:  go test ./reports -run '^$' -bench Workbook100k -benchtime 3x
(bench/reports_compare.sh runs both, interleaved).
"""
import os
import resource
import sys
import tempfile
import time

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill

HEADER = ["Patient ID", "Target", "Risk", "95% interval", "Band", "Age", "Sex",
          "Driver of the score", "Data available",
          "Similar patient 1: outcome (similarity)",
          "Similar patient 2: outcome (similarity)",
          "Similar patient 3: outcome (similarity)"]


def rows(n):
    for i in range(n):
        p = (i % 1000) / 1000
        yield ("%08x-4c1e-4f6a-9d2b-%012d" % (i, i), "type 2 diabetes", p,
               "%.1f–%.1f%%" % (p * 80, min(1, p * 1.2) * 100),
               "low" if p < 0.2 else "medium" if p < 0.5 else "high",
               20 + i % 70, "F", "records", "images, records, variants",
               "R1: diagnosed (0.90)", "R2: not diagnosed (0.80)",
               "R3: diagnosed (0.70)")


def write(data, path):
    n = len(data)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Risks")
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHIJKL", (40, 17, 9, 14, 9, 6, 5, 10, 28, 26, 28, 26)):
        ws.column_dimensions[col].width = width
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E78")
    head = []
    for title in HEADER:
        c = WriteOnlyCell(ws, value=title)
        c.font, c.fill = bold, fill
        head.append(c)
    ws.append(head)
    for row in data:
        risk = WriteOnlyCell(ws, value=row[2])
        risk.number_format = "0.0%"
        ws.append([row[0], row[1], risk, *row[3:]])
    ws.auto_filter.ref = "A1:L%d" % (n + 1)
    for lo, hi, color in ((0, 0.2, "C6EFCE"), (0.2, 0.5, "FFEB9C"), (0.5, 1.01, "FFC7CE")):
        ws.conditional_formatting.add(
            "E2:E%d" % (n + 1),
            FormulaRule(formula=["AND($C2>=%s,$C2<%s)" % (lo, hi)],
                        fill=PatternFill("solid", bgColor=color)))
    wb.save(path)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        tempfile.mkdtemp(), "openpyxl.xlsx")
    # The rows are held in memory first, as clinfuse holds its Run.
    data = list(rows(n))
    held = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    write(data, path)
    secs = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("openpyxl write-only: %d rows, %.2f s, peak RSS %.1f MB (%.1f MB with the rows "
          "only), file %.1f MB" % (n, secs, peak, held, os.path.getsize(path) / 1e6))


if __name__ == "__main__":
    main()
