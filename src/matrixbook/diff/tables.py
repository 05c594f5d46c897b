"""One sheet of one version, in the shape the comparison needs: columns by header, records by
key."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from matrixbook.cells import column_letter, column_number
from matrixbook.diff.values import _key_text
from matrixbook.reading import Book, SheetData, normalise_header

# ---------------------------------------------------------------------------------------------
# One sheet of one version, in the shape the comparison needs


@dataclass
class _Column:
    ident: str  # normalised header: the identity of a column across versions
    header: str  # as the user reads it
    position: int  # 0-based column index in the file
    type: str | None  # declared type, None for staff's own columns


@dataclass
class _Table:
    name: str  # schema name, or the title of a staff's own sheet
    title: str  # the sheet's title in the file
    position: int  # index of the sheet in the file
    frame: pd.DataFrame  # raw cells; index: Excel row; columns: idents
    columns: dict[str, _Column]
    key: str | None  # ident of the key column
    declared: bool
    header_row: int = 1
    separator: str = ";"

    def cell(self, ident: str, row: int) -> str:
        return f"{column_letter(self.columns[ident].position)}{row}"


def _tables(book: Book) -> list[_Table]:
    titles = list(book.sheet_titles)
    out = []
    for name, data in book.sheets.items():
        out.append(_declared_table(book, name, data, titles))
    for title, frame in book.extra_sheets.items():
        out.append(_plain_table(title, frame, titles.index(title) if title in titles else -1))
    return out


def _declared_table(book: Book, name: str, data: SheetData, titles: list[str]) -> _Table:
    sheet = data.sheet
    frame = data.frame
    columns: dict[str, _Column] = {}
    rename: dict[str, str] = {}
    for col in sheet.columns:
        if data.has(col.field):
            ident = normalise_header(col.name)
            columns[ident] = _Column(ident, col.name, data.positions[col.field], col.type)
            rename[col.field] = ident
    for header in data.extra_headers:
        ident = normalise_header(header)
        if ident in columns:  # two extra headers that differ only in spacing or case
            continue
        columns[ident] = _Column(ident, header, data.positions[header], None)
        rename[header] = ident
    frame = frame[list(rename)].set_axis(list(rename.values()), axis=1)
    frame, columns = _recover_misspelt(book, data, frame, columns)
    key = normalise_header(sheet.key) if sheet.key else None
    return _Table(name, data.title, titles.index(data.title) if data.title in titles else -1,
                  frame, columns, key if key in columns else None, True, sheet.header_row,
                  book.schema.separator)


def _recover_misspelt(book: Book, data: SheetData, frame: pd.DataFrame,
                      columns: dict[str, _Column]) -> tuple[pd.DataFrame, dict[str, _Column]]:
    """Put back the columns read_book leaves out because their header looks like a misspelt
    declared one ('Statu' for 'Status'): a renamed header must be compared, not dropped."""
    misspelt = [f for f in book.findings
                if f.sheet == data.sheet.name and f.rule == "misspelt-header" and f.cell
                and isinstance(f.value, str) and normalise_header(f.value) not in columns]
    if not misspelt:
        return frame, columns
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(book.path))  # read_book has already vetted it
    try:
        rows = workbook.get_sheet_by_name(data.title).to_python(skip_empty_area=False)
    finally:
        close = getattr(workbook, "close", None)
        if close:
            close()
    frame = frame.copy()
    columns = dict(columns)
    for f in misspelt:
        position = column_number(f.cell) - 1
        values = {}
        for row in frame.index:  # Excel row numbers of the records read_book kept
            cells = rows[row - 1] if row - 1 < len(rows) else []
            value = cells[position] if position < len(cells) else None
            values[row] = None if value == "" else value
        ident = normalise_header(f.value)
        frame[ident] = pd.Series(values, dtype=object)
        columns[ident] = _Column(ident, str(f.value), position, None)
    return frame, columns


def _plain_table(title: str, frame: pd.DataFrame, position: int) -> _Table:
    columns: dict[str, _Column] = {}
    keep: list[int] = []
    idents: list[str] = []
    for i, header in enumerate(frame.columns):
        ident = normalise_header(header)
        if ident in columns:
            n = 2
            while f"{ident} ({n})" in columns:
                n += 1
            ident = f"{ident} ({n})"
        columns[ident] = _Column(ident, str(header), i, None)
        keep.append(i)
        idents.append(ident)
    frame = frame.iloc[:, keep].set_axis(idents, axis=1) if len(frame.columns) else frame
    if len(frame.columns):
        frame = frame[frame.notna().any(axis=1)]
    key = None
    if idents:
        first = frame[idents[0]].map(_key_text)
        if len(first) and first.notna().all() and first.is_unique:
            key = idents[0]
    return _Table(title, title, position, frame, columns, key, False)


