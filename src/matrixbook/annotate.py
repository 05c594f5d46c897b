"""`validate --annotate OUT.xlsx`: a copy of the user's own workbook with every finding marked.

Each bad cell gets a fill (red for errors, amber for warnings) and a comment with the message,
and a Findings sheet lists every finding with a link to its cell. This module decides what is
marked and how the Findings sheet reads; the plain writer is openpyxl, which keeps what it does
not understand in the user's file (their formatting, extra sheets, columns). On the fast path
`speedups.annotate` writes the same marks by patching only the parts of the file they touch.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matrixbook import speedups
from matrixbook.errors import UsageError
from matrixbook.files import atomic_write, open_for_copy, refuse_overwrite
from matrixbook.report import ERROR, WARNING, Finding, Report, Severity, json_value

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


COMMENT_WIDTH = 320
FINDINGS_HEADERS = ["Severity", "Sheet", "Cell", "Column", "Value found", "Rule", "What to do"]
FINDINGS_WIDTHS = (9, 14, 8, 22, 24, 22, 90)
HEADER_FILL, HEADER_FONT, LINK_FONT = "0033A0", "FFFFFF", "0563C1"
FILLS = {ERROR: ERROR_FILL, WARNING: WARNING_FILL}


def annotate(source: Path, report: Report, out: Path, *, force: bool = False,
             words: Texts | None = None) -> Path:
    """`words`: the Findings sheet's headers and the severity words in that language (the
    messages are the report's own, already in it: matrixbook.i18n.findings)."""
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
    if speedups.enabled() and source.suffix.lower() == out.suffix.lower():
        from matrixbook.speedups import annotate as patch

        try:
            sheetnames = _sheet_names(source)
            with atomic_write(out) as tmp:
                patch.write(source, tmp, _marks(report, sheetnames, words),
                            _findings_sheet(report, sheetnames, words))
            return out
        except patch.CannotPatch:
            pass  # written by openpyxl below
    return _annotate_with_openpyxl(source, report, out, words)


def _sheet_names(source: Path) -> list[str]:
    """The sheet names of the file, in order (the package was read once already)."""
    from python_calamine import CalamineWorkbook

    from matrixbook.speedups.annotate import CannotPatch

    try:
        book = CalamineWorkbook.from_path(str(source))
    except Exception as exc:
        raise CannotPatch(str(exc)) from exc
    try:
        return list(book.sheet_names)
    finally:
        close = getattr(book, "close", None)
        if close:
            close()


def _marked_cells(report: Report, sheetnames: list[str]) -> dict[tuple[str, str], list[Finding]]:
    """Each cell to mark (the sheet's title in the file, the cell) -> its findings."""
    titles = {t.casefold(): t for t in sheetnames}
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in report.findings:
        if f.sheet.casefold() in titles:
            for ref in f.cells:  # its own cell and every other cell its message names
                by_cell[(titles[f.sheet.casefold()], ref)].append(f)
    return by_cell


def _comment(findings: list[Finding], words: Texts | None) -> tuple[str, int]:
    """The comment of a marked cell and its height."""
    text = "\n".join(_say(words, "{severity}: {message}").format(
        severity=_severity(f, words).upper(), message=f.message) for f in findings)
    return text[:30000], min(60 + 18 * len(text) // 45, 400)


def _worst(findings: list[Finding]) -> Severity:
    return ERROR if any(f.severity == ERROR for f in findings) else WARNING


def _marks(report: Report, sheetnames: list[str],
           words: Texts | None) -> dict[tuple[str, str], Any]:
    from matrixbook.speedups.annotate import Mark

    marks = {}
    for place, findings in _marked_cells(report, sheetnames).items():
        text, height = _comment(findings, words)
        marks[place] = Mark(FILLS[_worst(findings)], text, COMMENT_WIDTH, height)
    return marks


def _findings_name(sheetnames: list[str]) -> str:
    name, n = FINDINGS_SHEET, 2
    while name in sheetnames:
        name = f"{FINDINGS_SHEET} ({n})"
        n += 1
    return name


def _findings_rows(report: Report, sheetnames: list[str],
                   words: Texts | None) -> list[tuple[Finding, list[Any], str | None, float]]:
    """Each row of the Findings sheet: its finding, its values, the cell it links to and its
    height (LibreOffice does not grow rows by itself: each row fits its longest text)."""
    titles = {t.casefold(): t for t in sheetnames}
    ordered = sorted(report.sorted(sheetnames), key=lambda f: f.severity != ERROR)
    rows: list[tuple[Finding, list[Any], str | None, float]] = []
    for f in ordered:
        values = [_severity(f, words), f.sheet, f.cell or "", f.column or "",
                  _shown(json_value(f.value)), f.rule, f.message]
        link = (f"'{titles[f.sheet.casefold()]}'!{f.cell}"
                if f.cell and f.sheet.casefold() in titles else None)
        lines = max(-(-len(str(v if v is not None else "")) // int(w * 1.1))
                    for v, w in zip(values, FINDINGS_WIDTHS, strict=True))
        rows.append((f, values, link, 15 * max(1, lines)))
    return rows


def _findings_sheet(report: Report, sheetnames: list[str], words: Texts | None) -> Any:
    from matrixbook.speedups.annotate import FindingsRow, FindingsSheet

    return FindingsSheet(
        _findings_name(sheetnames), _headers(words), HEADER_FILL, HEADER_FONT, LINK_FONT,
        FINDINGS_WIDTHS,
        [FindingsRow(values, FILLS[f.severity], link, height)
         for f, values, link, height in _findings_rows(report, sheetnames, words)])


def _annotate_with_openpyxl(source: Path, report: Report, out: Path,
                            words: Texts | None = None) -> Path:
    """The plain writer: the whole workbook through openpyxl's objects."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = open_for_copy(source, out, " for annotation")
    fills = {ERROR: PatternFill("solid", fgColor=ERROR_FILL),
             WARNING: PatternFill("solid", fgColor=WARNING_FILL)}
    for (title, ref), findings in _marked_cells(report, wb.sheetnames).items():
        cell = wb[title][ref]
        cell.fill = fills[_worst(findings)]
        text, tall = _comment(findings, words)
        comment = Comment(text, "matrixbook")
        comment.width, comment.height = COMMENT_WIDTH, tall
        cell.comment = comment

    name = _findings_name(wb.sheetnames)
    rows = _findings_rows(report, wb.sheetnames, words)
    ws = wb.create_sheet(name, 0)
    ws.append(_headers(words))
    for c in ws[1]:
        c.font = Font(bold=True, color=HEADER_FONT)
        c.fill = PatternFill("solid", fgColor=HEADER_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, (f, values, link, height) in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            _text(cell, v)
            cell.alignment = wrap
        ws.cell(row=r, column=1).fill = fills[f.severity]
        if link:
            cell = ws.cell(row=r, column=3)
            cell.hyperlink = f"#{link}"
            cell.font = Font(color=LINK_FONT, underline="single")
        ws.row_dimensions[r].height = height
    for letter, width in zip("ABCDEFG", FINDINGS_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
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


def _headers(words: Texts | None) -> list[str]:
    return [_say(words, h) for h in FINDINGS_HEADERS]


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
