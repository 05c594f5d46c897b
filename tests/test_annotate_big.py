"""The annotated copy written by patching the user's file (speedups.annotate) against the plain
openpyxl writer (MATRIXBOOK_PLAIN=1): the same marks, comments and Findings sheet; and on a
large workbook, every cell, style, drop-down and comment the user had, kept."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from conftest import MASTER, header_cell
from matrixbook import annotate as annotate_module
from matrixbook.api import annotate_copy, validate
from matrixbook.speedups import PLAIN_VARIABLE
from matrixbook.speedups import annotate as patch


def _forbid(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError(f"{module.__name__}.{name} was not to be called")

    monkeypatch.setattr(module, name, fail)


def _workbook_with_errors(tmp_path: Path, extra_rows: int = 0) -> Path:
    """The default workbook with errors of every kind of mark: a wrong value, an emptied
    required cell (a cell the file may not hold at all), a duplicate ID (two cells), text in
    a number column; a sheet, a comment and a styled cell of the user's own."""
    wb = openpyxl.load_workbook(MASTER)
    ws = wb["Policies"]
    ws[header_cell("Policies", "Level", 3)] = "Regionl"
    ws[header_cell("Policies", "Title (original language)", 4)] = None
    ws[header_cell("Policies", "Policy ID", 5)] = ws[header_cell("Policies", "Policy ID", 2)].value
    year = header_cell("Policies", "Year adopted", 6)
    ws[year] = "twenty"
    ws[year].data_type = "s"
    notes = wb.create_sheet("My notes")
    notes["B2"] = "keep me"
    notes["B2"].font = Font(bold=True, color="FF0000")
    notes["B2"].comment = Comment("my own note", "me")
    notes["C3"].fill = PatternFill("solid", fgColor="00FF00")
    level = header_cell("Policies", "Level", 1).rstrip("1")
    ident = header_cell("Policies", "Policy ID", 1).rstrip("1")
    last = ws.max_row
    for n in range(extra_rows):  # copies of the researched rows, one error in each tenth
        source = ws[2 + n % (last - 1)]
        row = last + 1 + n
        for cell in source:
            target = ws.cell(row=row, column=cell.column, value=cell.value)
            target._style = cell._style
        ws[f"{ident}{row}"] = f"POL-{100000 + n}"
        if n % 10 == 0:
            ws[f"{level}{row}"] = "Regionl"
    path = tmp_path / "mine.xlsx"
    wb.save(path)
    return path


def _value(v: Any) -> Any:
    return getattr(v, "text", v)  # an array formula: its text


def _cells(ws: Any) -> dict[str, tuple[Any, ...]]:
    return {c.coordinate: (_value(c.value), c.number_format, c.font.b,
                           c.font.color and c.font.color.rgb, c.alignment.wrap_text,
                           c.border.left.style,
                           c.fill.fgColor.rgb if c.fill.fill_type else None,
                           c.comment.text if c.comment else None)
            for row in ws.iter_rows() for c in row}


def _validations(ws: Any) -> list[tuple[str, str | None, str | None]]:
    return sorted((str(v.sqref), v.type, v.formula1) for v in ws.data_validations.dataValidation)


def test_the_patched_copy_marks_what_openpyxl_marks(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    source = _workbook_with_errors(tmp_path)
    report = validate(source)
    monkeypatch.setattr(annotate_module, "_annotate_with_openpyxl", None)  # must not be used
    fast = annotate_copy(source, report, tmp_path / "fast.xlsx")
    monkeypatch.undo()
    monkeypatch.setenv(PLAIN_VARIABLE, "1")
    _forbid(monkeypatch, patch, "write")
    plain = annotate_copy(source, report, tmp_path / "plain.xlsx")
    a, b = openpyxl.load_workbook(fast), openpyxl.load_workbook(plain)
    assert a.sheetnames == b.sheetnames and a.sheetnames[0] == "Findings"
    assert a.active.title == b.active.title == "Findings"
    for title in a.sheetnames:
        if title == "Findings":
            continue
        fast_cells, plain_cells = _cells(a[title]), _cells(b[title])
        for ref in set(fast_cells) | set(plain_cells):
            got, want = fast_cells.get(ref), plain_cells.get(ref)
            if got is None or want is None:  # an empty cell one writer keeps and not the other
                assert (got or want)[0] is None and not (got or want)[-1], (title, ref)
                continue
            assert got[0] == want[0], (title, ref)  # the value
            assert got[6:] == want[6:], (title, ref)  # fill and comment
            # the same look, but where openpyxl made a cell the file lacked (its default
            # look; the patch gives it its column's)
            assert got[1:6] == want[1:6] or (want[0] is None and want[-1]), (title, ref)
        assert _validations(a[title]) == _validations(b[title]), title
    fa, fb = a["Findings"], b["Findings"]
    assert [[c.value for c in r] for r in fa.iter_rows()] == \
        [[c.value for c in r] for r in fb.iter_rows()]
    for r in range(2, fa.max_row + 1):
        assert fa.cell(r, 1).fill.fgColor.rgb == fb.cell(r, 1).fill.fgColor.rgb
        assert fa.row_dimensions[r].height == fb.row_dimensions[r].height
        link = fb.cell(r, 3).hyperlink
        assert (fa.cell(r, 3).hyperlink and fa.cell(r, 3).hyperlink.location) == \
            (link and (link.location or link.target.lstrip("#")))
    assert [fa.column_dimensions[x].width for x in "ABCDEFG"] == \
        [fb.column_dimensions[x].width for x in "ABCDEFG"]
    assert fa.freeze_panes == fb.freeze_panes == "A2"
    assert fa.auto_filter.ref == fb.auto_filter.ref


def test_a_big_workbook_keeps_everything_the_user_had(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 more policies, 200 wrong Levels among them: the marked cells change, and only
    them; every other part of the file is the same bytes."""
    source = _workbook_with_errors(tmp_path, extra_rows=2000)
    report = validate(source)
    assert len([f for f in report.findings if f.rule == "vocabulary"]) >= 201
    monkeypatch.setattr(annotate_module, "_annotate_with_openpyxl", None)  # must not be used
    out = annotate_copy(source, report, tmp_path / "checked.xlsx")
    before, after = openpyxl.load_workbook(source), openpyxl.load_workbook(out)
    marked = {(f.sheet, ref) for f in report.findings for ref in f.cells}
    for title in before.sheetnames:
        old, new = _cells(before[title]), _cells(after[title])
        for ref, value in old.items():
            if (title, ref) in marked:
                assert new[ref][0] == value[0] and new[ref][1:6] == value[1:6], (title, ref)
                assert new[ref][6] in ("00FFC7CE", "00FFEB9C") and new[ref][7], (title, ref)
            else:
                assert new.get(ref) == value, (title, ref)
        assert _validations(after[title]) == _validations(before[title]), title
        assert before[title].sheet_state == after[title].sheet_state
    assert after["My notes"]["B2"].comment.text == "my own note"
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
    policies = before.sheetnames.index("Policies") + 1
    assert sorted(changed) == sorted(["[Content_Types].xml", "xl/workbook.xml",
                                      "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                                      f"xl/worksheets/sheet{policies}.xml",
                                      *[f"xl/worksheets/sheet{n}.xml" for n in
                                        _other_marked_sheets(before, marked, policies)],
                                      *_selected(source)])


def _other_marked_sheets(wb: Any, marked: set[tuple[str, str]], policies: int) -> list[int]:
    titles = {t for t, _ in marked}
    return [i + 1 for i, t in enumerate(wb.sheetnames) if t in titles and i + 1 != policies]


def _selected(path: Path) -> list[str]:
    """The sheet shown until now, which is no longer selected (the Findings sheet is)."""
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")
                and b'tabSelected="1"' in z.read(n)[:4000]]


def test_a_marked_sheet_with_comments_of_its_own_is_written_by_openpyxl(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wb = openpyxl.load_workbook(MASTER)
    level = header_cell("Policies", "Level", 3)
    wb["Policies"][level] = "Regionl"
    wb["Policies"]["A2"].comment = Comment("checked with the ministry", "me")
    source = tmp_path / "commented.xlsx"
    wb.save(source)
    used: list[str] = []
    plain = annotate_module._annotate_with_openpyxl

    def spy(*args: Any) -> Path:
        used.append("openpyxl")
        return plain(*args)

    monkeypatch.setattr(annotate_module, "_annotate_with_openpyxl", spy)
    out = annotate_copy(source, validate(source), tmp_path / "checked.xlsx")
    assert used == ["openpyxl"]
    ws = openpyxl.load_workbook(out)["Policies"]
    assert ws["A2"].comment.text == "checked with the ministry"
    assert ws[level].comment.text.startswith("ERROR: 'Regionl' is not an allowed value")
