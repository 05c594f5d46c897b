"""Writing MERGED: MINE opened with openpyxl, the plan applied, every conflict marked.

Opening MINE itself (not rebuilding a workbook) keeps what its owner made of it: formatting,
drop-downs, comments, column widths, frozen panes, staff's own sheets. Cells THEIRS changed are
written as values (text always as text, never as a formula). Each conflict cell gets a fill and
a comment with THEIRS's and BASE's values, and a `Merge conflicts` sheet, first in the book,
lists every conflict with a link to its cell.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path
from typing import Any

from matrixbook import xlsx
from matrixbook.cells import column_letter, column_number, row_number
from matrixbook.files import atomic_write, open_for_copy
from matrixbook.merge.decide import Conflict, Plan, Ref, SheetPlan
from matrixbook.merge.matching import CONFLICTS_SHEET, show, shown

CONFLICT_FILL = xlsx.TINTS["vermillion"].lstrip("#")
AUTHOR = "matrixbook merge"
HEADERS = ("Sheet", "Cell", "Record", "Column", "What happened", "MINE (kept)", "THEIRS",
           "BASE")
WIDTHS = (16, 8, 14, 22, 70, 24, 24, 24)


def write_merged(plan: Plan, mine: Path, theirs: Path, out: Path) -> Path:
    wb = open_for_copy(mine, out, " to merge into")
    if CONFLICTS_SHEET in wb.sheetnames:  # the list of an earlier merge: replaced
        del wb[CONFLICTS_SHEET]
    theirs_wb: list[Any] = []  # opened only when a sheet is copied from it

    def theirs_book() -> Any:
        if not theirs_wb:
            theirs_wb.append(open_for_copy(theirs, out, " to copy its sheets"))
        return theirs_wb[0]

    for sheet in plan.sheets:
        on_sheet = [c for c in plan.conflicts if c.sheet == sheet.title]
        if sheet.remove:
            del wb[sheet.title]
        elif sheet.copy_from_theirs:
            _copy_sheet(theirs_book()[sheet.title], wb)
            for c in on_sheet:
                c.cell = "A1"
        else:
            _apply(wb[sheet.title], sheet, on_sheet)
    for c in plan.conflicts:  # a sheet kept whole (deleted in THEIRS, edited in MINE)
        if c.cell is None and c.row_ref is not None and c.col_ref is None:
            c.cell = "A1"
    order = {title: i for i, title in enumerate(wb.sheetnames)}
    plan.conflicts.sort(key=lambda c: (order.get(c.sheet, len(order)), _row_col(c.cell)))
    if plan.conflicts:
        _conflicts_sheet(wb, plan.conflicts)
    with atomic_write(out) as tmp:
        wb.save(tmp)
    return out


def _apply(ws: Any, plan: SheetPlan, conflicts: list[Conflict]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    header = plan.header_row
    last_header = max((c.column for c in ws[header] if c.value not in (None, "")), default=0)

    def col(ref: Ref) -> int:
        return ref[1] + 1 if ref[0] == "m" else last_header + 1 + ref[1]

    def row(ref: Ref) -> int:
        return ref[1] if ref[0] == "m" else plan.last_row + 1 + ref[1]

    for i, text in enumerate(plan.new_columns):
        target = ws.cell(header, last_header + 1 + i)
        _text(target, text)
        if last_header:
            _copy_style(ws.cell(header, last_header), target)
            width = ws.column_dimensions[column_letter(last_header - 1)].width
            ws.column_dimensions[column_letter(last_header + i)].width = width
    width = last_header + len(plan.new_columns)
    if plan.appended and plan.last_row > header:  # new rows look like the last record
        for i in range(plan.appended):
            for k in range(1, width + 1):
                _copy_style(ws.cell(plan.last_row, k), ws.cell(plan.last_row + 1 + i, k))
    for ref, text in plan.headers:
        _text(ws.cell(header, col(ref)), text)
    for row_ref, col_ref, value in plan.cells:
        _text(ws.cell(row(row_ref), col(col_ref)), shown(value))
    deleted = sorted(plan.deleted)

    def final(r: int) -> int:  # where row r of MINE ends up once the deleted rows are gone
        return r - sum(1 for d in deleted if d < r)

    fill = PatternFill("solid", fgColor=CONFLICT_FILL)
    for c in conflicts:
        if c.row_ref is None or c.col_ref is None:
            continue
        r, k = row(c.row_ref), col(c.col_ref)
        target = ws.cell(r, k)
        target.fill = fill
        text = _comment_text(c)
        if target.comment is not None and target.comment.text:
            text += "\n\n" + target.comment.text
        comment = Comment(text[:30000], AUTHOR)
        comment.width, comment.height = 320, min(80 + 18 * len(text) // 45, 400)
        target.comment = comment
        c.cell = f"{column_letter(k - 1)}{final(r)}"
    for r in reversed(deleted):
        ws.delete_rows(r)


def _row_col(cell: str | None) -> tuple[int, int]:
    """A1 -> (1, 1): conflicts listed down each sheet, as a person reads it."""
    return (row_number(cell) or 0, column_number(cell))


def _comment_text(c: Conflict) -> str:
    if c.kind in ("changed-both", "header-renamed-both"):
        return (f"Merge conflict. MINE (kept): {show(c.mine)}. THEIRS: {show(c.theirs)}. "
                f"BASE: {show(c.base)}.")
    if c.kind == "added-both":
        return (f"Merge conflict: added in both copies. MINE (kept): {show(c.mine)}. "
                f"THEIRS: {show(c.theirs)}.")
    return "Merge conflict. " + c.message


def _text(cell: Any, value: Any) -> None:
    """Set a cell; text never turns into a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _copy_style(source: Any, target: Any) -> None:
    if source.has_style:
        target.font = copy(source.font)
        target.fill = copy(source.fill)
        target.border = copy(source.border)
        target.alignment = copy(source.alignment)
        target.number_format = source.number_format
        target.protection = copy(source.protection)


def _copy_sheet(source: Any, wb: Any) -> Any:
    """A sheet of THEIRS copied into MERGED: values, styles, widths, heights, merged cells."""
    title = source.title
    n = 2
    while title in wb.sheetnames:
        title = f"{source.title[:25]} ({n})"
        n += 1
    ws = wb.create_sheet(title)
    for row in source.iter_rows():
        for cell in row:
            if cell.value is None and not cell.has_style:
                continue
            target = ws.cell(cell.row, cell.column)
            _text(target, cell.value)
            if cell.data_type == "f":
                target.value = cell.value  # a formula of THEIRS stays a formula
            _copy_style(cell, target)
    for key, dim in source.column_dimensions.items():
        ws.column_dimensions[key].width = dim.width
    for key, dim in source.row_dimensions.items():
        if dim.height:
            ws.row_dimensions[key].height = dim.height
    for merged in source.merged_cells.ranges:
        ws.merge_cells(str(merged))
    ws.freeze_panes = source.freeze_panes
    return ws


def _conflicts_sheet(wb: Any, conflicts: list[Conflict]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = wb.create_sheet(CONFLICTS_SHEET, 0)
    for k, h in enumerate(HEADERS, start=1):
        cell = ws.cell(1, k, h)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=xlsx.IOM_BLUE.lstrip("#"))
        cell.alignment = Alignment(horizontal="left", vertical="top")
    titles = set(wb.sheetnames)
    for r, c in enumerate(conflicts, start=2):
        values = [c.sheet, c.cell or "", c.key or "", c.column or "", c.message,
                  _plain(c.mine), _plain(c.theirs), _plain(c.base)]
        for k, v in enumerate(values, start=1):
            _text(ws.cell(r, k), v)
        if c.cell and c.sheet in titles:
            link = ws.cell(r, 2)
            sheet = c.sheet.replace("'", "''")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!{c.cell}")
            link.font = Font(color="0563C1", underline="single")
    for k, w in enumerate(WIDTHS):
        ws.column_dimensions[column_letter(k)].width = w
    for row in ws.iter_rows(min_row=2, max_col=len(HEADERS)):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        # LibreOffice does not grow rows by itself: size each row to its longest text.
        lines = max(-(-len(str(cell.value or "")) // int(w * 1.1))
                    for cell, w in zip(row, WIDTHS, strict=True))
        ws.row_dimensions[row[0].row].height = 15 * max(1, lines)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{column_letter(len(HEADERS) - 1)}{len(conflicts) + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    wb.active = 0
    ws.sheet_view.tabSelected = True


def _plain(value: Any) -> Any:
    """A value for the list: dates and numbers as they are, the rest as text."""
    if value is None or isinstance(value, int | float | bool):
        return value
    if hasattr(value, "isoformat"):
        return value
    return str(value)
