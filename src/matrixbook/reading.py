"""Reading the master workbook fast (python-calamine), without ever writing to it.

Each declared sheet becomes a DataFrame of the raw cell values as Excel holds them (text, numbers,
dates, booleans; empty cells as None), indexed by Excel row number, with one column per declared
header found (named by the column's `field`) and staff's own extra columns kept under their
header text. Structural problems (missing sheet, misspelt or duplicated header) become findings.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from matrixbook import filecheck
from matrixbook.cells import column_letter, column_letters, column_number
from matrixbook.errors import InputError
from matrixbook.loading import sheet_titles
from matrixbook.report import Finding
from matrixbook.report.catalogue import (
    BLANK_ROW,
    DUPLICATE_HEADER,
    EXCEL_ERROR,
    FORMULA,
    HEADER_ROW,
    HEADER_SPACING,
    MERGED_CELLS,
    MISSING_COLUMN,
    MISSING_SHEET,
    MISSPELT_HEADER,
    SHEET_NAME,
)
from matrixbook.report.message import msg
from matrixbook.schema import Schema, Sheet
from matrixbook.speedups.loading import sheet_reader
from matrixbook.values import is_blank

_SPACES = re.compile(r"[\s\u00a0]+")


def normalise_header(text: str) -> str:
    return _SPACES.sub(" ", str(text)).strip().casefold()


@dataclass
class SheetData:
    sheet: Sheet
    title: str  # the sheet's name in the file
    frame: pd.DataFrame  # index: Excel row numbers; columns: fields, then extra headers
    positions: dict[str, int]  # field or extra header -> 0-based column index in the file
    extra_headers: list[str] = field(default_factory=list)
    source: Path | None = None  # the file it was read from

    def cell(self, field_or_header: str, row: int) -> str:
        return f"{column_letter(self.positions[field_or_header])}{row}"

    def has(self, field_name: str) -> bool:
        return field_name in self.positions


@dataclass
class Book:
    path: Path
    schema: Schema
    sheets: dict[str, SheetData]
    sheet_titles: list[str]  # every sheet in the file, in order
    findings: list[Finding] = field(default_factory=list)
    extra_sheets: dict[str, pd.DataFrame] = field(default_factory=dict)


def read_book(path: Path | str, schema: Schema, *, keep_extra_sheets: bool = False,
              on_sheet: Callable[[SheetData], None] | None = None) -> Book:
    """Read the workbook (never writing to it) and return its declared sheets as raw frames.

    `on_sheet` is called with each declared sheet as soon as its frame is built, so the caller
    can check it while the other sheets are still being read. (The sheets come from
    `speedups.loading.sheet_reader`: the plain `loading.SheetReader`, or a reader that parses
    them in threads and hands them over as they are done; both give the same cells.)

    Raises InputError (exit 2) when the file cannot be read as a workbook at all.
    """
    path = Path(path)
    with sheet_reader(path, schema.sheet_names, extra=keep_extra_sheets,
                      skip=[schema.names.lists]) as reader:
        titles = reader.titles()
        found = sheet_titles(schema.sheet_names, titles)
        if not found:
            raise InputError(
                f"{path} is not a matrixbook master workbook: it has none of the sheets "
                f"{', '.join(s.name for s in schema.sheets)}. Check that you chose the right "
                "file (the default is workbook/master.xlsx).")
        findings = _sheet_name_findings(schema, titles, found)
        by_title = {title: schema.sheet(name) for name, title in found.items()}
        read: dict[str, tuple[SheetData, list[Finding]]] = {}
        extra: dict[str, pd.DataFrame] = {}
        for title in reader.arrived():
            sheet = by_title.get(title)
            if sheet is None:  # staff's own sheet (keep_extra_sheets)
                rows, _ = reader.rows(title)
                extra[title] = _plain_frame(rows)
                continue
            rows, scan = reader.rows(title)
            data, sheet_findings = _frame(sheet, title, rows)
            data.source = path
            del rows
            read[sheet.name] = data, [*sheet_findings, *_cell_problems(data, scan, scan.merged)]
            if on_sheet is not None:
                on_sheet(data)
    # Leaving the block ended any reading thread, before anything else runs (the briefing
    # notes fork worker processes later, which must not happen while a thread holds a lock).
    sheets: dict[str, SheetData] = {}
    for sheet in schema.sheets:  # in the schema's order, whatever order they were read in
        if sheet.name in read:
            sheets[sheet.name], sheet_findings = read[sheet.name]
            findings.extend(sheet_findings)
    extra = {title: extra[title] for title in titles if title in extra}
    return Book(path, schema, sheets, titles, findings, extra)


def _sheet_name_findings(schema: Schema, titles: list[str],
                         found: dict[str, str]) -> list[Finding]:
    """A declared sheet the file lacks, or holds under another spelling."""
    findings = []
    for sheet in schema.sheets:
        title = found.get(sheet.name)
        if title is None:
            # Never suggest renaming a sheet that is already read as another one
            # (Interviews is close to Review, but it is the Interviews sheet).
            spare = [t for t in titles if t not in found.values()]
            guess = difflib.get_close_matches(sheet.name, spare, n=1, cutoff=0.6)
            hint = (msg("missing-sheet", " The sheet '{guess}' is probably it: rename it to "
                        "'{sheet}'.", guess=guess[0], sheet=sheet.name) if guess else
                    msg("missing-sheet", " Add a sheet named '{sheet}' (run `matrixbook init "
                        "--blank` for one with the right headers).", sheet=sheet.name))
            findings.append(MISSING_SHEET.at(
                sheet.name, msg("missing-sheet", "The workbook has no sheet '{sheet}'.{hint}",
                                sheet=sheet.name, hint=hint)))
        elif title != sheet.name:
            findings.append(SHEET_NAME.at(
                title, msg("sheet-name", "The sheet '{title}' is read as '{sheet}'; rename it to "
                           "'{sheet}' exactly.", title=title, sheet=sheet.name)))
    return findings


def _matches(sheet: Sheet, row: list[Any]) -> int:
    wanted = {normalise_header(c.name) for c in sheet.columns}
    return sum(1 for v in row if isinstance(v, str) and normalise_header(v) in wanted)


def _misplaced_header(sheet: Sheet, rows: list[list[Any]]) -> int | None:
    """The Excel row that holds the headers when it is not the declared header row (a title
    typed above them, say); None when the declared row is the header row."""
    header_at = sheet.header_row - 1
    if len(rows) > header_at and _matches(sheet, rows[header_at]) * 3 >= len(sheet.columns):
        return None
    for i in range(min(len(rows), header_at + 11)):
        if i != header_at and _matches(sheet, rows[i]) * 2 >= len(sheet.columns):
            return i + 1
    return None


def _frame(sheet: Sheet, title: str, rows: list[list[Any]]) -> tuple[SheetData, list[Finding]]:
    findings: list[Finding] = []
    header_at = sheet.header_row - 1
    moved = _misplaced_header(sheet, rows)
    if moved is not None:
        above = (msg("header-row", "row {row}", row=sheet.header_row)
                 if moved == sheet.header_row + 1
                 else msg("header-row", "rows {first} to {last}", first=sheet.header_row,
                          last=moved - 1))
        finding = HEADER_ROW.at(
            sheet.name,
            msg("header-row", "The headers of '{title}' are in row {moved}, not row {row}. "
                "Delete {above} above them (keep titles and notes on a sheet of your own), so "
                "that the headers are in row {row}. The sheet was not checked further.",
                title=title, moved=moved, row=sheet.header_row, above=above),
            cell=f"A{moved}", row=moved)
        return SheetData(sheet, title, pd.DataFrame(), {}, []), [finding]
    header = rows[header_at] if len(rows) > header_at else []
    wanted = {normalise_header(c.name): c for c in sheet.columns}
    positions: dict[str, int] = {}
    extra_headers: list[str] = []
    unmatched: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(header):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        text = str(raw)
        key = normalise_header(text)
        cell = f"{column_letter(i)}{sheet.header_row}"
        col = wanted.get(key)
        if col is None:
            unmatched.append((i, text))
            continue
        if col.field in positions:
            first = f"{column_letter(seen[col.field])}{sheet.header_row}"
            findings.append(DUPLICATE_HEADER.at(
                sheet.name,
                msg("duplicate-header", "The header '{name}' appears twice, in {first} and "
                    "{cell}; the column in {cell} is not read. Delete it or give it another "
                    "name.", name=col.name, first=first, cell=cell),
                cell=cell, row=sheet.header_row, column=col.name, value=text, also=(first,)))
            continue
        if text != col.name:
            findings.append(HEADER_SPACING.at(
                sheet.name,
                msg("header-spacing", "The header '{text}' is read as '{name}'; type it exactly "
                    "as '{name}'.", text=text, name=col.name),
                cell=cell, row=sheet.header_row, column=col.name, value=text))
        positions[col.field] = i
        seen[col.field] = i
    missing = [c for c in sheet.columns if c.field not in positions]
    missing_names = [c.name for c in missing]
    for i, text in unmatched:
        cell = f"{column_letter(i)}{sheet.header_row}"
        guess = difflib.get_close_matches(text, missing_names, n=1, cutoff=0.75)
        if guess:
            findings.append(MISSPELT_HEADER.at(
                sheet.name,
                msg("misspelt-header", "The header '{text}' is not one the workbook expects; it "
                    "probably means '{name}'. Rename it to '{name}' exactly.", text=text,
                    name=guess[0]),
                cell=cell, row=sheet.header_row, column=text, value=text))
            missing_names.remove(guess[0])
        else:
            key = _distinct(text, i, positions)
            extra_headers.append(key)
            positions[key] = i
    unknown_at = {positions[h]: h for h in extra_headers}
    for name in missing_names:
        if sheet.by_name[name].translation_of:
            continue  # a column in another language (Mandate (French)) is optional
        # Where the column would stand: just right of the declared column before it.
        order = [c.name for c in sheet.columns]
        before = [sheet.by_name[n].field for n in order[:order.index(name)]]
        placed = [positions[f] for f in before if f in positions]
        expected = (placed[-1] + 1) if placed else 0
        there = unknown_at.get(expected)
        if there is not None:
            cell = f"{column_letter(expected)}{sheet.header_row}"
            findings.append(MISSING_COLUMN.at(
                sheet.name,
                msg("missing-column", "The column '{name}' is missing from the header row. {cell} "
                    "holds '{there}', which the workbook does not expect: if that is this "
                    "column, rename it to '{name}'; otherwise add a column headed '{name}'.",
                    name=name, cell=cell, there=there),
                cell=cell, row=sheet.header_row, column=name, value=there))
        else:
            findings.append(MISSING_COLUMN.at(
                sheet.name,
                msg("missing-column", "The column '{name}' is missing from the header row (row "
                    "{row}). Add a column headed '{name}'.", name=name, row=sheet.header_row),
                column=name))
    fields = [c.field for c in sheet.columns if c.field in positions] + extra_headers
    frame, blank_rows = _body_frame(rows[header_at + 1:], [positions[f] for f in fields],
                                    fields, first_row=sheet.header_row + 1)
    for n in blank_rows:
        findings.append(BLANK_ROW.at(
            sheet.name,
            msg("blank-row", "Row {row} holds only spaces, so it is read as an empty row. Delete "
                "the row (or clear its cells) so that it does not look like a record.", row=n),
            cell=f"A{n}", row=n))
    return SheetData(sheet, title, frame, positions, extra_headers), findings


def _distinct(text: str, index: int, taken: dict[str, int] | set[str]) -> str:
    """A staff column's name, told apart from an earlier column with the same header text
    (common in real files): the second 'Notes', in column F, is 'Notes (F)'."""
    if text not in taken:
        return text
    return f"{text} ({column_letter(index)})"


def _only_spaces(row: Any) -> bool:
    """Every cell empty or spaces (stops at the first real value, usually the row's ID)."""
    return all(v.__class__ is str and not v.strip() for v in row)


def _body_frame(body: list[list[Any]], idx: list[int], fields: list[str],
                first_row: int) -> tuple[pd.DataFrame, list[int]]:
    """The chosen columns of the data rows in one pass: fully empty rows left out, empty
    cells as None, indexed by Excel row number; and the Excel rows left out because they
    hold only spaces."""
    if not idx:
        return pd.DataFrame(index=pd.Index([], dtype=int)), []
    width = max(idx) + 1
    kept: list[Any]
    if idx == list(range(width)) and all(len(row) == width for row in body):
        # Every column of the sheet is wanted (the usual case: calamine hands every row at
        # the sheet's width): keep the rows themselves, no per-row Python work but the test.
        filled = [row.count("") != width for row in body]
        kept = list(compress(body, filled))
        numbers = list(compress(range(first_row, first_row + len(body)), filled))
    else:
        pick = operator.itemgetter(*idx)
        single = len(idx) == 1
        pad = [""] * width
        kept, numbers = [], []
        for n, row in enumerate(body, start=first_row):
            if len(row) < width:
                row = row + pad[len(row):]
            values = (row[idx[0]],) if single else pick(row)
            if values.count("") != len(values):
                kept.append(values)
                numbers.append(n)
    # (the first cell tells most rows apart at once: an ID is not spaces)
    blank = [n for n, values in zip(numbers, kept, strict=True)
             if (first := values[0]).__class__ is str and not first.strip()
             and _only_spaces(values)]
    if blank:
        gone = set(blank)
        pairs = [(n, v) for n, v in zip(numbers, kept, strict=True) if n not in gone]
        numbers, kept = [n for n, _ in pairs], [v for _, v in pairs]
    if not kept:
        return pd.DataFrame({f: pd.Series(dtype=object) for f in fields}), blank
    grid = np.empty((len(kept), len(idx)), dtype=object)
    grid[:] = kept
    grid[grid == ""] = None
    # Kept as Python objects (object dtype): the checks look at each cell's own type, and
    # turning every text column into pandas' str type here would be undone by the checks.
    return (pd.DataFrame(grid, columns=fields, index=pd.Index(numbers, dtype=int), dtype=object),
            blank)


def _header_at(data: SheetData, col_index: int) -> str | None:
    for name, i in data.positions.items():
        if i == col_index:
            col = data.sheet.by_field.get(name)
            return col.name if col else name
    return None


def _cell_problems(data: SheetData, scan: filecheck.SheetScan,
                   merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[Finding]:
    """Excel error values (#N/A...) that calamine reads as empty, and merged cells."""
    sheet = data.sheet
    out = []
    for cell, code in scan.error_cells:
        letters = column_letters(cell)
        index = column_number(cell) - 1
        row = int(cell[len(letters):])
        if row <= sheet.header_row:
            continue
        out.append(EXCEL_ERROR.at(
            sheet.name,
            msg("excel-error", "The cell shows the Excel error {code}, not a value. Replace the "
                "formula or paste the value itself, or leave the cell empty.", code=code),
            cell, row, _header_at(data, index), code))
    for cell, formula in scan.formulas.items():
        row = int(cell[len(column_letters(cell)):])
        if row <= sheet.header_row or any(cell == c for c, _ in scan.error_cells):
            continue
        header = _header_at(data, column_number(cell) - 1)
        shown = _shown_formula(formula)
        out.append(FORMULA.at(
            sheet.name,
            msg("formula", "The cell holds the formula {formula}; matrixbook reads its last "
                "saved result ({value}), not the formula, and the outputs show that result. "
                "Type the value itself.", formula=shown, value=_result(data, cell)),
            cell, row, header, shown))
    for (r0, c0), (r1, c1) in merged:
        first, last = f"{column_letter(c0)}{r0 + 1}", f"{column_letter(c1)}{r1 + 1}"
        out.append(MERGED_CELLS.at(
            sheet.name,
            msg("merged-cells", "The cells {first}:{last} are merged, so only {first} holds a "
                "value. Unmerge them (Home > Merge & Center) and type the value in each row.",
                first=first, last=last),
            first, r0 + 1, _header_at(data, c0), None))
    return out


def _shown_formula(formula: str) -> str:
    """The formula as Excel's formula bar shows it, cut at 60 characters ('=1+1'); a shared
    formula's copies carry no text of their own."""
    if not formula:
        return "(a copy of a shared formula)"
    text = "=" + formula
    return text if len(text) <= 60 else text[:59] + "…"


def _result(data: SheetData, cell: str) -> str:
    """The value read for the formula's cell, quoted ('2'; '' for none)."""
    row = int(cell[len(column_letters(cell)):])
    index = column_number(cell) - 1
    key = next((k for k, i in data.positions.items() if i == index), None)
    value = data.frame.at[row, key] if key is not None and row in data.frame.index else None
    if is_blank(value):
        return "''"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"'{value}'"


def _plain_frame(rows: list[list[Any]]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame()
    header: list[str] = []
    for i, h in enumerate(rows[0]):
        text = str(h) if h not in (None, "") else f"({column_letter(i)})"
        header.append(_distinct(text, i, set(header)))
    frame = pd.DataFrame(rows[1:], columns=header, dtype=object)
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame.where(frame.ne(""), None)
