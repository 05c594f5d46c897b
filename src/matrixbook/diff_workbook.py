"""`diff --out CHANGES.xlsx`: the change log a reviewer reads, and the new workbook with every
changed cell marked, like tracked changes in Word.

Two files, not one:

- CHANGES.xlsx, the change log, is a generated document: written with xlsxwriter like every
  other output (text stays text, fixed properties, byte-identical for the same two versions),
  it opens on a Summary (counts per sheet), then Changes (one row per changed field, added or
  removed record, column or sheet, each with a link to its cell) and Validation (the problems
  the new version introduces and those it fixes).
- CHANGES-tracked.xlsx (CHANGES-tracked.xlsm for a macro workbook) is a copy of NEW made with
  openpyxl, so everything staff put in it is kept; each changed cell is filled and carries the
  old value in a cell comment, each added record is shaded, each renamed or added column is
  marked on its header. No sheet is added to it: it stays the user's workbook, which can be
  read, validated or compared again as it is.

One file would need the log to be written by openpyxl into the copy (xlsxwriter cannot open an
existing workbook), losing the typed writers and the byte-identical log. The price of two files
is that the log's links open the tracked copy by its file name: keep both in one folder. Each
row also names its cell in plain text, so the log stands on its own when sent alone.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any

from matrixbook import xlsx
from matrixbook.diff import (
    ADDED,
    CHANGED,
    COLUMN_ADDED,
    COLUMN_REMOVED,
    COLUMN_RENAMED,
    REMOVED,
    SHEET_ADDED,
    SHEET_REMOVED,
    SHEET_RENAMED,
    WHITESPACE,
    Change,
    Comparison,
    show,
)
from matrixbook.errors import UsageError
from matrixbook.files import atomic_write, refuse_overwrite

# One colour per kind of mark, the same in the log and in the tracked copy (light tints of the
# colour-blind-safe palette, behind black text).
FILLS = {
    CHANGED: xlsx.TINTS["orange"],
    WHITESPACE: xlsx.TINTS["grey"],
    ADDED: xlsx.TINTS["green"],
    REMOVED: xlsx.TINTS["vermillion"],
    COLUMN_ADDED: xlsx.TINTS["sky"],
    COLUMN_RENAMED: xlsx.TINTS["sky"],
    COLUMN_REMOVED: xlsx.TINTS["vermillion"],
    SHEET_ADDED: xlsx.TINTS["sky"],
    SHEET_RENAMED: xlsx.TINTS["sky"],
    SHEET_REMOVED: xlsx.TINTS["vermillion"],
}
LABELS = {
    CHANGED: "Changed",
    WHITESPACE: "White space only",
    ADDED: "Record added",
    REMOVED: "Record removed",
    COLUMN_ADDED: "Column added",
    COLUMN_REMOVED: "Column removed",
    COLUMN_RENAMED: "Column renamed",
    SHEET_ADDED: "Sheet added",
    SHEET_REMOVED: "Sheet removed",
    SHEET_RENAMED: "Sheet renamed",
}
AUTHOR = "matrixbook"
# Row heights of the log: 10-point Calibri, wrapped as Python's textwrap wraps, 30 lines at most.
SIZING = xlsx.Sizing(chars_per_unit=1.2, spare=0, fewest=8, line=13.5, extra=0, most_lines=30,
                     most_points=None, wrap=xlsx.TEXTWRAP)


def tracked_path(out: Path, new: Path) -> Path:
    """CHANGES.xlsx -> CHANGES-tracked.xlsx (.xlsm when NEW keeps macros)."""
    suffix = ".xlsm" if new.suffix.lower() == ".xlsm" else ".xlsx"
    return out.with_name(f"{out.stem}-tracked{suffix}")


def check_targets(out: Path, old: Path, new: Path, *, force: bool = False) -> None:
    """Refuse, before any work, an --out that would replace an input or an existing file."""
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"--out {out}: give a file name ending in .xlsx, e.g. changes.xlsx.")
    if new.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"--out marks the changed cells in a copy of {new}, which needs it "
                         "saved as an Excel workbook (.xlsx). Save it as .xlsx and compare that, "
                         "or run diff without --out.")
    inputs = {_resolved(old): old, _resolved(new): new}
    for target in (out, tracked_path(out, new)):
        if _resolved(target) in inputs:
            raise UsageError(f"--out would write over {inputs[_resolved(target)]}, one of the "
                             "workbooks being compared; give another name, e.g. changes.xlsx.")
        refuse_overwrite(target, force)


def write_changes(result: Comparison, out: Path, *, force: bool = False) -> list[Path]:
    """Write the change log at `out` and the tracked copy of NEW beside it; return both."""
    old, new = Path(result.old_path), Path(result.new_path)
    check_targets(out, old, new, force=force)
    tracked = tracked_path(out, new)
    existed = tracked.exists()
    write_tracked(result, tracked)  # first: openpyxl is the likelier of the two to fail
    try:
        write_log(result, out, tracked.name)
    except BaseException:
        if not existed:  # never one file of the pair without the other
            tracked.unlink(missing_ok=True)
        raise
    return [out, tracked]


# ---------------------------------------------------------------------------------------------
# The change log


def write_log(result: Comparison, out: Path, tracked_name: str) -> Path:
    import xlsxwriter

    with atomic_write(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), xlsx.workbook_options())
        xlsx.set_properties(wb, "Changes in the master workbook",
                            f"{Path(result.old_path).name} → {Path(result.new_path).name}")
        f = _formats(wb)
        _summary_sheet(wb, f, result, tracked_name)
        _changes_sheet(wb, f, result, tracked_name)
        _validation_sheet(wb, f, result, tracked_name)
        wb.close()
    return out


def _formats(wb: Any) -> dict[str, Any]:
    base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
    f = {
        "title": wb.add_format({**base, "bold": True, "font_size": 16,
                                "font_color": xlsx.IOM_BLUE}),
        "label": wb.add_format({**base, "bold": True}),
        "text": wb.add_format({**base, "text_wrap": True}),
        "plain": wb.add_format(base),
        "number": wb.add_format({**base, "num_format": "0"}),
        "date": wb.add_format({**base, "num_format": xlsx.DATE_FORMAT, "align": "left"}),
        "head": wb.add_format({**xlsx.HEADER, **base}),
        "total": wb.add_format({**base, "bold": True, "top": 1, "num_format": "0"}),
        "link": wb.add_format({**base, "font_color": "#0563C1", "underline": 1}),
        "count": wb.add_format({**base, "num_format": "0;-0;;@"}),  # zero left blank
    }
    for kind, colour in FILLS.items():
        f[kind] = wb.add_format({**base, "bg_color": colour, "text_wrap": True})
    return f


def _link(tracked_name: str, title: str, cell: str) -> str:
    sheet = title.replace("'", "''")
    return f"external:{tracked_name}#'{sheet}'!{cell}"


def _summary_sheet(wb: Any, f: dict[str, Any], result: Comparison, tracked_name: str) -> None:
    ws = wb.add_worksheet("Summary")
    old, new = Path(result.old_path).name, Path(result.new_path).name
    ws.write_string(0, 0, "Changes in the master workbook", f["title"])
    ws.write_string(2, 0, "Old version", f["label"])
    ws.write_string(2, 1, old, f["plain"])
    ws.write_string(3, 0, "New version", f["label"])
    ws.write_string(3, 1, new, f["plain"])
    ws.write_string(4, 0, "Result", f["label"])
    ws.write_string(4, 1, result.summary().replace(result.old_path, old)
                    .replace(result.new_path, new), f["plain"])
    headers = ["Sheet", "Records added", "Records removed", "Records changed",
               "Fields changed", "White space only", "Columns added, removed or renamed",
               "Sheet added, removed or renamed", "New problems", "Problems fixed"]
    keys = ["added", "removed", "records_changed", "fields_changed", "whitespace", "columns",
            "sheet", "introduced", "fixed"]
    top = 6
    ws.set_row(top, 42)
    for c, h in enumerate(headers):
        ws.write_string(top, c, h, f["head"])
    counts = result.counts()
    totals = dict.fromkeys(keys, 0)
    row = top
    for row, (sheet, n) in enumerate(counts.items(), start=top + 1):
        ws.write_string(row, 0, sheet, f["plain"])
        for c, k in enumerate(keys, start=1):
            ws.write_number(row, c, n[k], f["count"])
            totals[k] += n[k]
    row += 1
    ws.write_string(row, 0, "Total" if counts else "No differences", f["total"])
    for c, k in enumerate(keys, start=1):
        ws.write_number(row, c, totals[k], f["total"])
    row += 2
    ws.write_string(row, 0, "How to read it", f["label"])
    notes = [
        "Records are matched by their ID and columns by their header: a record or a column "
        "moved to another place is not a change.",
        "The Changes sheet lists each change. The link in its Cell column opens the cell in "
        f"{tracked_name}, the new version with every change marked: keep both files in the "
        "same folder. Point at a marked cell to read its old value.",
        "The Validation sheet lists the problems the new version introduces (their cells are "
        "in the new version) and those it fixes (cells in the old version); `matrixbook "
        "validate` says how to fix each.",
    ]
    for note in notes:  # unwrapped lines in column A, read across the table's width
        for line in textwrap.wrap(note, 130):
            row += 1
            ws.write_string(row, 0, line, f["plain"])
    row += 2
    ws.write_string(row, 0, "Colours", f["label"])
    for kind in (CHANGED, WHITESPACE, ADDED, COLUMN_RENAMED, REMOVED):
        row += 1
        label = {COLUMN_RENAMED: "Column or sheet added or renamed",
                 REMOVED: "Record, column or sheet removed (in this log only)"}.get(
                     kind, LABELS[kind])
        ws.write_string(row, 0, "", f[kind])
        ws.write_string(row, 1, label, f["plain"])
    ws.set_column(0, 0, 22)
    ws.set_column(1, len(headers) - 1, 14)
    xlsx.print_setup(ws, header_rows=0, title="Changes in the master workbook")
    ws.activate()


def _changes_sheet(wb: Any, f: dict[str, Any], result: Comparison, tracked_name: str) -> None:
    ws = wb.add_worksheet("Changes")
    headers = ["Sheet", "ID", "Column", "Change", "Old value", "New value", "Cell",
               "Old cell"]
    widths = [14, 14, 22, 16, 44, 44, 8, 8]
    for c, (h, w) in enumerate(zip(headers, widths, strict=True)):
        ws.write_string(0, c, h, f["head"])
        ws.set_column(c, c, w)
    for r, change in enumerate(result.changes, start=1):
        old, new = _log_text(change, change.old), _log_text(change, change.new)
        ws.set_row(r, _row_height([(change.column, widths[2]), (old, widths[4]),
                                   (new, widths[5])]))
        ws.write_string(r, 0, change.sheet, f["plain"])
        xlsx.write_value(ws, r, 1, change.key, f["plain"])
        xlsx.write_value(ws, r, 2, change.column, f["text"])
        ws.write_string(r, 3, LABELS[change.kind], f[change.kind])
        for c, (value, text) in ((4, (change.old, old)), (5, (change.new, new))):
            if text is None:
                xlsx.write_value(ws, r, c, value, f["text"], f["date"])
            else:
                ws.write_string(r, c, text, f["text"])
        title = result.titles.get(change.sheet)
        if change.cell and title:
            ws.write_url(r, 6, _link(tracked_name, title, change.cell), f["link"],
                         string=change.cell)
        else:
            ws.write_blank(r, 6, None, f["plain"])
        xlsx.write_value(ws, r, 7, change.old_cell, f["plain"])
    last = max(len(result.changes), 1)
    ws.autofilter(0, 0, last, len(headers) - 1)
    ws.freeze_panes(1, 0)
    xlsx.print_setup(ws, title="Changes in the master workbook")


def _log_text(change: Change, value: Any) -> str | None:
    """The text to show for a value, or None to write the value itself, typed."""
    if change.kind == WHITESPACE:  # quotes make the spaces that changed visible
        return show(value, exact=True)
    if isinstance(value, dict):  # a whole record: its first fields, enough to recognise it
        fields = [(k, v) for k, v in value.items() if str(v) != str(change.key)][:3]
        return "\n".join(f"{k}: {show(v).strip(chr(39))}" for k, v in fields)
    return None


def _row_height(texts: list[tuple[Any, float]]) -> float:
    """Rows tall enough for their wrapped text: xlsxwriter does not fit rows itself."""
    return SIZING.row_height(texts)


def _validation_sheet(wb: Any, f: dict[str, Any], result: Comparison,
                      tracked_name: str) -> None:
    ws = wb.add_worksheet("Validation")
    headers = ["Status", "Severity", "Sheet", "ID", "Column", "Cell", "Rule", "What to do"]
    widths = [13, 9, 14, 14, 20, 8, 18, 70]
    for c, (h, w) in enumerate(zip(headers, widths, strict=True)):
        ws.write_string(0, c, h, f["head"])
        ws.set_column(c, c, w)
    for r, fc in enumerate(result.findings, start=1):
        finding = fc.finding
        ws.set_row(r, _row_height([(finding.message, widths[7]), (finding.column, widths[4])]))
        status = "New problem" if fc.status == "introduced" else "Fixed"
        ws.write_string(r, 0, status, f[CHANGED] if fc.status == "introduced" else f[ADDED])
        ws.write_string(r, 1, finding.severity, f["plain"])
        ws.write_string(r, 2, finding.sheet, f["plain"])
        xlsx.write_value(ws, r, 3, fc.key, f["plain"])
        xlsx.write_value(ws, r, 4, finding.column, f["text"])
        title = result.titles.get(finding.sheet)
        if fc.status == "introduced" and finding.cell and title:
            ws.write_url(r, 5, _link(tracked_name, title, finding.cell), f["link"],
                         string=finding.cell)
        else:
            xlsx.write_value(ws, r, 5, finding.cell, f["plain"])
        ws.write_string(r, 6, finding.rule, f["plain"])
        ws.write_string(r, 7, finding.message, f["text"])
    ws.autofilter(0, 0, max(len(result.findings), 1), len(headers) - 1)
    ws.freeze_panes(1, 0)
    xlsx.print_setup(ws, title="Changes in the master workbook")


# ---------------------------------------------------------------------------------------------
# The tracked copy


def _note(change: Change, old_name: str) -> str | None:
    if change.kind == CHANGED:
        return f"Changed since {old_name}. Was: {show(change.old)}"
    if change.kind == WHITESPACE:
        return (f"Only the white space changed since {old_name}. Was: "
                f"{show(change.old, exact=True)}")
    if change.kind == ADDED:
        return f"Record added since {old_name}."
    if change.kind == COLUMN_ADDED:
        return f"Column added since {old_name}."
    if change.kind == COLUMN_RENAMED:
        return f"Header renamed since {old_name}. Was: '{change.old}'"
    if change.kind == SHEET_ADDED:
        return f"Sheet added since {old_name}."
    if change.kind == SHEET_RENAMED:
        return f"Sheet renamed since {old_name}. Was: '{change.old}'"
    return None


def write_tracked(result: Comparison, out: Path) -> Path:
    """A copy of NEW in which each change is marked at its cell, with the old value noted."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    new = Path(result.new_path)
    old_name = Path(result.old_path).name
    wb = openpyxl.load_workbook(new, keep_vba=new.suffix.lower() == ".xlsm", rich_text=False)
    fills = {kind: PatternFill("solid", fgColor=colour.lstrip("#"))
             for kind, colour in FILLS.items()}
    notes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for change in result.changes:
        title = result.titles.get(change.sheet, "")
        if not change.cell or title not in wb.sheetnames:
            continue
        ws = wb[title]
        if change.kind in (SHEET_ADDED, SHEET_RENAMED):
            ws.sheet_properties.tabColor = FILLS[change.kind].lstrip("#")
        if change.kind == ADDED:
            row = change.row or 0
            for cell in ws[row]:
                cell.fill = fills[ADDED]
        else:
            ws[change.cell].fill = fills[change.kind]
        note = _note(change, old_name)
        if note:
            notes[(title, change.cell)].append(note)
    for (title, ref), texts in notes.items():
        cell = wb[title][ref]
        text = "\n".join(texts)
        if cell.comment is not None:  # keep the comment staff wrote, after ours
            text += f"\n\n— Earlier comment ({cell.comment.author or 'unknown'}) —\n" \
                    f"{cell.comment.text}"
        comment = Comment(text[:30000], AUTHOR)
        comment.width, comment.height = 300, min(60 + 16 * (len(text) // 40 + 1), 360)
        cell.comment = comment
    with atomic_write(out) as tmp:
        wb.save(tmp)
    return out


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()
