#!/usr/bin/python3
"""Dump a clinfuse workbook as JSON, as openpyxl reads it.

Usage: check_workbook.py REPORT.xlsx

Used by the reports package tests (TestWorkbookWithOpenpyxl) to check the
workbook with a second, independent reader: Debian's python3-openpyxl. For
every sheet it prints the title, frozen cell, filter range, conditional
format ranges, column widths and every cell as [data_type, value,
number_format]. It checks nothing itself.
"""
import json
import sys

import openpyxl


def cell(c):
    v = c.value
    if v is not None and not isinstance(v, (str, int, float, bool)):
        v = str(v)
    return [c.data_type, v, c.number_format]


def sheet(ws):
    return {
        "title": ws.title,
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "conditional": sorted(str(r.sqref) for r in ws.conditional_formatting),
        "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items())},
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "rows": [[cell(c) for c in row] for row in ws.iter_rows()],
    }


def main():
    wb = openpyxl.load_workbook(sys.argv[1])
    out = {
        "sheets": [sheet(ws) for ws in wb.worksheets],
        "active": wb.active.title,
        "creator": wb.properties.creator,
        "created": str(wb.properties.created),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
