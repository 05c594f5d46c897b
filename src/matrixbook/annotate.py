"""`validate --annotate OUT.xlsx`: a copy of the user's own workbook with every finding marked.

openpyxl keeps what it does not understand in the user's file (their formatting, extra sheets,
columns); each bad cell gets a fill (red for errors, amber for warnings) and a comment with the
message, and a Findings sheet lists every finding with a link to its cell.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrixbook.errors import UsageError
from matrixbook.files import atomic_write, open_for_copy, refuse_overwrite
from matrixbook.report import ERROR, WARNING, Finding, Report, json_value

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
FINDINGS_SHEET = "Findings"

if TYPE_CHECKING:
    from matrixbook.i18n import Texts


def _text(cell: Any, value: Any) -> None:
    """Set a cell to text that never turns into a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def annotate(source: Path, report: Report, out: Path, *, force: bool = False,
             words: Texts | None = None) -> Path:
    """`words`: the Findings sheet's headers and the severity words in that language (the
    messages are the report's own, already in it: matrixbook.i18n.findings)."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    if out.resolve() == source.resolve():
        raise UsageError(f"--annotate would write over the workbook itself ({source}); give "
                         "another file name, e.g. master-annotated.xlsx.")
    refuse_overwrite(out, force)
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"--annotate needs an Excel workbook; {source.name} is not .xlsx. "
                         "Save it as Excel Workbook (.xlsx) and run again.")
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"--annotate writes an Excel workbook: end the name with .xlsx "
                         f"(not {out.name}).")
    wb = open_for_copy(source, out, " for annotation")
    titles = {t.casefold(): t for t in wb.sheetnames}

    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in report.findings:
        if f.sheet.casefold() in titles:
            for ref in f.cells:  # its own cell and every other cell its message names
                by_cell[(titles[f.sheet.casefold()], ref)].append(f)
    fills = {ERROR: PatternFill("solid", fgColor=ERROR_FILL),
             WARNING: PatternFill("solid", fgColor=WARNING_FILL)}
    for (title, ref), findings in by_cell.items():
        cell = wb[title][ref]
        worst = ERROR if any(f.severity == ERROR for f in findings) else WARNING
        cell.fill = fills[worst]
        text = "\n".join(_say(words, "{severity}: {message}").format(
            severity=_severity(f, words).upper(), message=f.message) for f in findings)
        comment = Comment(text[:30000], "matrixbook")
        comment.width, comment.height = 320, min(60 + 18 * len(text) // 45, 400)
        cell.comment = comment

    name = FINDINGS_SHEET
    n = 2
    while name in wb.sheetnames:
        name = f"{FINDINGS_SHEET} ({n})"
        n += 1
    ws = wb.create_sheet(name, 0)
    headers = [_say(words, h) for h in ("Severity", "Sheet", "Cell", "Column", "Value found",
                                        "Rule", "What to do")]
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="0033A0")
    ordered = sorted(report.sorted(wb.sheetnames), key=lambda f: f.severity != ERROR)
    for r, f in enumerate(ordered, start=2):
        values = [_severity(f, words), f.sheet, f.cell or "", f.column or "",
                  _shown(json_value(f.value)), f.rule, f.message]
        for c, v in enumerate(values, start=1):
            _text(ws.cell(row=r, column=c), v)
        ws.cell(row=r, column=1).fill = fills[f.severity]
        if f.cell and f.sheet.casefold() in titles:
            link = ws.cell(row=r, column=3)
            link.hyperlink = f"#'{titles[f.sheet.casefold()]}'!{f.cell}"
            link.font = Font(color="0563C1", underline="single")
    for letter, width in zip("ABCDEFG", (9, 14, 8, 22, 24, 22, 90), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2, max_col=7):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        # LibreOffice does not grow rows by itself: size each row to its longest text.
        lines = max(-(-len(str(c.value or "")) // int(w * 1.1)) for c, w in
                    zip(row, (9, 14, 8, 22, 24, 22, 90), strict=True))
        ws.row_dimensions[row[0].row].height = 15 * max(1, lines)
    ws.freeze_panes = "A2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.auto_filter.ref = f"A1:G{max(2, len(report.findings) + 1)}"
    wb.active = 0
    with atomic_write(out) as tmp:
        wb.save(tmp)
    return out


def _say(words: Texts | None, text: str) -> str:
    return words.t(text, "annotate") if words is not None else text


def _severity(finding: Finding, words: Texts | None) -> str:
    """'error' or 'warning', in the language of `words` (the report's own word)."""
    return words.t(finding.severity.value, "report") if words is not None \
        else finding.severity.value


def _shown(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value
