"""Workbooks that look like the ones staff will have, to time matrixbook where it hurts.

    python benchmarks/realistic.py --policies 20000 --out benchmarks/data/real20000.xlsx
    python benchmarks/realistic.py --policies 20000 --errors --out benchmarks/data/err20000.xlsx
    python benchmarks/realistic.py --far-below --out benchmarks/data/farbelow.xlsx

- **realistic**: the default workbook (`workbook/master.xlsx`) with its Policies sheet grown to
  N rows from its own researched rows, cycled (long titles and summaries, lists of countries,
  themes and sources, dates, every column as the researchers filled it); the researched rows
  keep their IDs (Recommendations cite them), each copy gets a new Policy ID. Every other
  sheet is the default workbook's. `matrixbook validate` finds no error.
- **--errors**: the same, with three errors planted on every second policy — a Body ID that no
  sheet defines, text in Year adopted, a typo in Level ("Regionl") —, 30,000 errors at 20,000
  policies.
- **--far-below**: the default workbook whose Policies sheet also holds 100,000 rows of junk far
  below the data: an 'x' in column A (Policy ID) of rows 900,000 to 999,999, as a stray fill-down
  leaves them.

The files are written with xlsxwriter in constant_memory mode (inline strings, as a streaming
writer does), with fixed document properties, so the same options always give the same bytes.
Dates keep their date format; the hidden Lists sheet and the drop-downs are not copied (the
data is what is timed).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from itertools import cycle
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MASTER = REPO / "workbook" / "master.xlsx"
FAR_FIRST_ROW = 900_000  # 1-based row of the first junk row
FAR_ROWS = 100_000


def read_master(path: Path = MASTER) -> dict[str, list[list[Any]]]:
    """Every visible sheet of the workbook as rows of values (header row first)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
                for ws in wb.worksheets if ws.sheet_state == "visible"}
    finally:
        wb.close()


def grow_policies(rows: list[list[Any]], n: int, errors: bool) -> list[list[Any]]:
    """The header and `n` policies cycled from the researched ones, each with a new ID; with
    `errors`, three planted on every second row."""
    header, data = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
    col = {name: i for i, name in enumerate(header)}
    out = [header]
    for i, row in zip(range(n), cycle(data)):
        row = list(row)
        if i >= len(data):  # the researched rows keep their IDs (other sheets cite them)
            row[col["Policy ID"]] = f"POL-{100000 + i:06d}"
        if errors and i % 2 == 1:
            row[col["Body ID"]] = f"ENT-NOWHERE{i % 7}"
            row[col["Year adopted"]] = "about 2019"
            row[col["Level"]] = "Regionl"
        out.append(row)
    return out


def write(path: Path, sheets: dict[str, list[list[Any]]], far_below: bool = False) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"created": datetime(2025, 1, 1)})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, datetime | date):
                    ws.write_datetime(r, c, value, day)
                elif isinstance(value, bool | int | float):
                    ws.write(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
        if far_below and name == "Policies":
            for r in range(FAR_FIRST_ROW - 1, FAR_FIRST_ROW - 1 + FAR_ROWS):
                ws.write_string(r, 0, "x")
    wb.close()


def make(out: Path, policies: int | None, errors: bool = False, far_below: bool = False) -> None:
    sheets = read_master()
    if policies:
        sheets["Policies"] = grow_policies(sheets["Policies"], policies, errors)
    write(out, sheets, far_below)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policies", type=int, help="grow Policies to this many rows")
    parser.add_argument("--errors", action="store_true", help="plant errors on every 2nd row")
    parser.add_argument("--far-below", action="store_true",
                        help=f"{FAR_ROWS:,} junk rows from row {FAR_FIRST_ROW:,} of Policies")
    parser.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    args = parser.parse_args(argv)
    if args.errors and not args.policies:
        parser.error("--errors needs --policies")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    make(args.out, args.policies, args.errors, args.far_below)
    print(f"Wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
