"""What must hold for every output, present and future: an external build carries no internal
column and no personal data; text from the workbook never becomes a live formula, a field or
markup in any output."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from conftest import MASTER
from matrixbook.api import build
from matrixbook.schema import Column, load_schema

SCHEMA = load_schema()


def _free_text(col: Column) -> bool:
    return (col.type == "string" and not col.vocabulary and not col.pattern
            and not col.references and not col.unique)


def _fill(tmp_path: Path, values: dict[tuple[str, str], str]) -> Path:
    """Copy the default workbook and set (sheet, header) in every data row to values[...]
    (with {row} replaced by the Excel row number); text stays text."""
    wb = openpyxl.load_workbook(MASTER)
    for (sheet, header), template in values.items():
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        col = headers.index(header) + 1
        for row in range(2, ws.max_row + 1):
            if ws.cell(row=row, column=1).value is None:
                continue
            cell = ws[f"{get_column_letter(col)}{row}"]
            cell.value = template.replace("{row}", str(row))
            cell.data_type = "s"
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    return path


def _all_text(out: Path) -> dict[str, bytes]:
    """Every file of a build, unzipped where it is a zip (xlsx, docx), as bytes by name."""
    found = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    found[f"{path.relative_to(out)}:{name}"] = z.read(name)
        else:
            found[str(path.relative_to(out))] = data
    return found


def _canary(col: Column, sheet: str) -> str:
    token = f"canary{sheet[:3]}{col.field.replace('_', '')}r".lower() + "{row}"
    return f"{token}@example.org" if col.pattern and "@" in col.pattern else token


@pytest.fixture(scope="module")
def canaries(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[tuple[str, str], str]]:
    tmp = tmp_path_factory.mktemp("canary")
    values = {(s.name, c.name): _canary(c, s.name) for s in SCHEMA.sheets for c in s.columns
              if c.internal and c.type == "string"}
    return _fill(tmp, values), values


def test_every_internal_column_is_filled_with_a_canary(canaries) -> None:
    _, values = canaries
    internal = {(s.name, c.name) for s in SCHEMA.sheets for c in s.columns if c.internal}
    assert set(values) == internal
    assert ("Interviews", "Interviewee") in values and ("Interviews", "Email") in values


def test_external_build_carries_no_internal_value(canaries, tmp_path: Path) -> None:
    path, values = canaries
    result = build(path, tmp_path / "ext", audience="external", today=date(2025, 9, 3))
    assert result.report.ok, result.report.to_text()
    assert result.written
    files = _all_text(tmp_path / "ext")
    prefixes = [v.split("{row}")[0].encode() for v in values.values()]
    leaks = [(name, p.decode()) for name, data in files.items() for p in prefixes
             if p in data.lower()]
    assert leaks == []


def test_internal_build_does_carry_them(canaries, tmp_path: Path) -> None:
    """The canaries are visible where internal outputs show them, so the test above can fail."""
    path, _ = canaries
    result = build(path, tmp_path / "int", audience="internal", today=date(2025, 9, 3))
    assert result.report.ok
    blob = b"".join(_all_text(tmp_path / "int").values()).lower()
    assert b"canaryintinterviewee" in blob
    assert b"canaryentinternalnotes" in blob


FORMULAS = ['=HYPERLINK("http://example.com/x","click")', "+1+1", "-2+3", "@SUM(1,2)",
            "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "{{ 7*7 }} {% raw %}"]


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("inject")
    values = {}
    i = 0
    for sheet in SCHEMA.sheets:
        for col in sheet.columns:
            if _free_text(col) and not col.internal:
                values[(sheet.name, col.name)] = FORMULAS[i % len(FORMULAS)]
                i += 1
    path = _fill(tmp, values)
    out = tmp / "out"
    result = build(path, out, audience="internal", today=date(2025, 9, 3))
    assert result.report.ok, result.report.to_text()
    return out


def test_no_live_formula_in_any_generated_workbook(injected: Path) -> None:
    sheets = {n: d for n, d in _all_text(injected).items()
              if ".xlsx:xl/worksheets/sheet" in n}
    assert sheets
    assert [n for n, d in sheets.items() if b"<f>" in d or b"<f " in d] == []
    strings = b"".join(d for n, d in _all_text(injected).items() if "sharedStrings" in n)
    assert b"=HYPERLINK(" in strings  # the text is there, as text


def test_no_unguarded_csv_cell(injected: Path) -> None:
    csvs = list(injected.rglob("*.csv"))
    assert csvs
    for path in csvs:
        text = path.read_text(encoding="utf-8-sig")
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, cell)


def test_no_markup_or_field_from_text_in_documents(injected: Path) -> None:
    files = _all_text(injected)
    html = {n: d for n, d in files.items() if n.endswith(".html")}
    assert html
    for name, data in html.items():
        assert b"<script>alert(1)</script>" not in data, name
    # Template syntax typed into the workbook is shown as typed, never evaluated.
    assert any(b"{{ 7*7 }}" in d for d in html.values())
    docx = {n: d for n, d in files.items() if ".docx:word/document.xml" in n}
    assert docx
    for name, data in docx.items():
        assert b"<script>" not in data, name
        assert b"HYPERLINK &quot;http://example.com" not in data, name
        assert b"w:instrText" not in data or b"example.com/x" not in data, name


def test_an_interrupted_write_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    from matrixbook.files import atomic_write

    target = tmp_path / "mapping_matrix.xlsx"
    target.write_bytes(b"previous build")
    with pytest.raises(RuntimeError), atomic_write(target) as tmp:
        tmp.write_bytes(b"half of the new")
        raise RuntimeError("power cut")
    assert target.read_bytes() == b"previous build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mapping_matrix.xlsx"]


def test_validate_warns_when_the_workbook_is_open_in_excel(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from matrixbook.cli import cli

    path = tmp_path / "master.xlsx"
    path.write_bytes(MASTER.read_bytes())
    (tmp_path / "~$master.xlsx").write_bytes(b"")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stderr.startswith(f"Warning: {path} seems to be open in Excel or LibreOffice")
