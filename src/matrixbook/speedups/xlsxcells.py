"""xlsxwriter's cells written as the same XML with less Python per cell.

xlsxwriter writes each cell of a sheet through half a dozen calls (an attribute list, an
escape of each attribute, two regular expressions for control characters, one for spaces
kept, a write to the file), which is most of the time of a large sheet: the policy database
and the CLIMB export write a quarter of a million cells each at 20,000 policies. Here a row's
cells are put together as one string with the checks done only where a character asks for
them, for the kinds of cell the outputs write (number, date, text, blank); any other kind
(formula, boolean, rich text...) goes through xlsxwriter's own `_write_cell`. The bytes are
xlsxwriter's own (tests/test_speedups.py writes the same workbooks both ways).

`installed()` switches the faster methods in on xlsxwriter's classes for the time of a build,
and back after; xlsxwriter 3.3 (the version the project pins) is the one it mirrors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from matrixbook import speedups

# A text needs xlsxwriter's own escaping when it holds one of these: a control character or
# a literal _xHHHH_ (control-character escapes), one of Excel's two non-characters, or a
# character XML escapes.
_CONTROL = re.compile("_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_XML = re.compile('["&<>\n]')


def _cell_xml(sheet: Any, row: int, col: int, cell: Any, ref: str) -> str | None:
    """The <c> element xlsxwriter writes for `cell`, or None for a kind left to xlsxwriter."""
    kind = cell.__class__.__name__
    fmt = cell.format
    if fmt:
        attr = f' r="{ref}" s="{fmt._get_xf_index()}"'  # noqa: SLF001 - xlsxwriter's index
    else:
        attr = f' r="{ref}"' + _row_or_column_style(sheet, row, col)
    if kind == "String":
        string = cell.string
        if not sheet.constant_memory:  # the index of a shared string
            return f'<c{attr} t="s"><v>{string}</v></c>'
        if _CONTROL.search(string):
            string = sheet._escape_control_characters(string)  # noqa: SLF001
        if string.startswith("<r>") and string.endswith("</r>"):
            return f'<c{attr} t="inlineStr"><is>{string}</is></c>'
        space = ' xml:space="preserve"' if _preserve(string) else ""
        if _XML.search(string):
            string = sheet._escape_data(string)  # noqa: SLF001
        return f'<c{attr} t="inlineStr"><is><t{space}>{string}</t></is></c>'
    if kind in ("Number", "Datetime"):
        return f"<c{attr}><v>{cell.number:.16G}</v></c>"
    if kind == "Blank":
        return f"<c{attr}/>"
    return None


def _row_or_column_style(sheet: Any, row: int, col: int) -> str:
    """The style a cell without a format of its own takes: its row's, else its column's."""
    info = sheet.row_info.get(row)
    if info is not None and info.row_format:
        return f' s="{info.row_format._get_xf_index()}"'  # noqa: SLF001
    column = sheet.col_info.get(col)
    if column is not None and column.column_format is not None:
        return f' s="{column.column_format._get_xf_index()}"'  # noqa: SLF001
    return ""


def _preserve(string: str) -> bool:
    """xlsxwriter's `_preserve_whitespace` (`^\\s` or `\\s$`): the regular expressions' \\s is
    str.isspace, and `$` before a final newline still needs a space character last."""
    return bool(string) and (string[0].isspace() or string[-1].isspace())


def _write_cells(sheet: Any, row: int, cells: dict[int, Any]) -> None:
    """The cells of one row, in column order, as one write (xlsxwriter's own for a kind it
    alone writes, in its place)."""
    from xlsxwriter.utility import xl_rowcol_to_cell_fast

    fh = sheet.fh
    parts: list[str] = []
    for col in sorted(cells):
        cell = cells[col]
        xml = _cell_xml(sheet, row, col, cell, xl_rowcol_to_cell_fast(row, col))
        if xml is None:
            fh.write("".join(parts))
            parts.clear()
            _ORIGINAL["_write_cell"](sheet, row, col, cell)
        else:
            parts.append(xml)
    parts.append("</row>")
    fh.write("".join(parts))


def _write_rows(self: Any) -> None:
    """Worksheet._write_rows (the whole sheet, shared strings), the cells of a row at once."""
    self._calculate_spans()  # noqa: SLF001
    table, row_info, comments = self.table, self.row_info, self.comments
    for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
        cells = table.get(row_num)
        if row_num not in row_info and row_num not in comments and not cells:
            continue
        span = self.row_spans.get(int(row_num / 16))
        if cells:
            if row_num not in row_info:
                self._write_row(row_num, span)  # noqa: SLF001
            else:
                self._write_row(row_num, span, row_info[row_num])  # noqa: SLF001
            _write_cells(self, row_num, cells)
        else:
            self._write_empty_row(row_num, span, row_info.get(row_num))  # noqa: SLF001


def _write_single_row(self: Any, current_row_num: int = 0) -> None:
    """Worksheet._write_single_row (constant memory: the previous row, inline strings), the
    cells of the row at once."""
    row_num = self.previous_row
    self.previous_row = current_row_num
    cells = self.table.get(row_num)
    if row_num in self.row_info or row_num in self.comments or cells:
        if cells:
            if row_num not in self.row_info:
                self._write_row(row_num, None)  # noqa: SLF001
            else:
                self._write_row(row_num, None, self.row_info[row_num])  # noqa: SLF001
            _write_cells(self, row_num, cells)
        else:
            self._write_empty_row(row_num, None, self.row_info[row_num])  # noqa: SLF001
    self.table.clear()


def _write_sst_strings(self: Any) -> None:
    """SharedStrings._write_sst_strings: every <si> of the shared strings, as xlsxwriter writes
    them, in one write."""
    parts = []
    for string in self.string_table.string_array:
        if _CONTROL.search(string):
            string = self._escape_control_characters(string)
        if string.startswith("<r>") and string.endswith("</r>"):
            parts.append(f"<si>{string}</si>")
            continue
        space = ' xml:space="preserve"' if _preserve(string) else ""
        if _XML.search(string):
            string = self._escape_data(string)
        parts.append(f"<si><t{space}>{string}</t></si>")
    self.fh.write("".join(parts))


_ORIGINAL: dict[str, Callable[..., Any]] = {}


@contextmanager
def installed() -> Iterator[None]:
    """The faster row and shared-string writers in xlsxwriter's classes while the block runs
    (unless MATRIXBOOK_PLAIN is set); xlsxwriter's own again after."""
    if not speedups.enabled():
        yield
        return
    from xlsxwriter.sharedstrings import SharedStrings
    from xlsxwriter.worksheet import Worksheet

    saved = {"_write_rows": Worksheet._write_rows,  # noqa: SLF001
             "_write_single_row": Worksheet._write_single_row,  # noqa: SLF001
             "_write_sst_strings": SharedStrings._write_sst_strings}  # noqa: SLF001
    _ORIGINAL["_write_cell"] = Worksheet._write_cell  # noqa: SLF001
    Worksheet._write_rows = _write_rows  # noqa: SLF001
    Worksheet._write_single_row = _write_single_row  # noqa: SLF001
    SharedStrings._write_sst_strings = _write_sst_strings  # noqa: SLF001
    try:
        yield
    finally:
        Worksheet._write_rows = saved["_write_rows"]  # noqa: SLF001
        Worksheet._write_single_row = saved["_write_single_row"]  # noqa: SLF001
        SharedStrings._write_sst_strings = saved["_write_sst_strings"]  # noqa: SLF001
