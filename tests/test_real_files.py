"""Real files from a public test suite (tests/data, see its README) and malformed files made in
code: each gives exit 1 or 2, one plain line (never a traceback, never a reader's internals),
the cannot-run JSON when asked, and the file is never changed."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from conftest import MASTER, header_cell
from matrixbook.cli import cli

DATA = Path(__file__).parent / "data"
REAL = sorted(p for p in DATA.iterdir() if p.suffix in (".xlsx", ".xls", ".xlsb", ".ods"))
# What a reader's own error text looks like: never shown to staff.
INTERNALS = re.compile(r"Cell limit exceeded|Expecting '|Unrecognized|Range is missing|"
                       r"BytesText|XmlError|Traceback|zipfile|KeyError|ValueError|calamine",
                       re.IGNORECASE)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def check_plain(result: Result, json_asked: bool) -> str:
    """Exit 1 or 2, no traceback, no internals; at exit 2 one line; JSON on stdout if asked."""
    assert result.exit_code in (1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert not INTERNALS.search(result.output), result.output
    if json_asked:
        data = json.loads(result.stdout)
        assert data["ok"] is False and data["errors"] >= 1
    if result.exit_code == 2 and not _stopped(result, json_asked):
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        return lines[0]
    return ""


STOPPING = {"missing-sheet", "missing-column", "misspelt-header", "header-row"}


def _stopped(result: Result, json_asked: bool) -> bool:
    """Exit 2 after the findings: the workbook was read but is not in the schema's shape (a
    sheet or a header missing), which the findings name."""
    if json_asked:
        rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
        return bool(rules & STOPPING) and "cannot-run" not in rules
    return "has no sheet" in result.output or "is missing from the header row" in result.output


def test_the_sample_is_real_and_small() -> None:
    assert 10 <= len(REAL) <= 20
    for path in REAL:
        head = path.read_bytes()[:64]
        assert not head.startswith(b"version https://git-lfs"), f"{path.name} is an LFS pointer"
        assert 0 < path.stat().st_size < 50_000, path.name
        assert path.name in (DATA / "README.md").read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_real_file_as_it_is(path: Path, fmt: str, tmp_path: Path) -> None:
    before = digest(path)
    check_plain(run("validate", str(path), "--format", fmt), fmt == "json")
    check_plain(run("diff", str(MASTER), str(path), "--format", fmt), fmt == "json")
    out = tmp_path / "out"
    result = run("build", str(path), "--out", str(out))
    check_plain(result, False)
    assert not out.exists()
    assert digest(path) == before


def renamed(source: Path, target: Path) -> Path | None:
    """A copy whose first sheet is named 'Entities', so that its cells are read as one."""
    try:
        zin = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        return None
    done = False
    with zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data, n = re.subn(rb'(<(?:\w+:)?sheet\b[^>]*?\bname=")[^"]*', rb"\1Entities",
                                  data, count=1)
                done = done or n > 0
            elif info.filename == "content.xml":
                data, n = re.subn(rb'(<table:table\b[^>]*?\btable:name=")[^"]*',
                                  rb"\1Entities", data, count=1)
                done = done or n > 0
            zout.writestr(info, data)
    return target if done else None


READABLE = [p for p in REAL if p.name in {"errors.xlsx", "merged_cells.ods", "no-header.xlsx",
                                          "richtext_issue.ods", "empty_sheet.xlsx",
                                          "issues.ods", "special_cells.ods"}]


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_real_file_with_its_sheet_renamed_gives_findings(path: Path, tmp_path: Path) -> None:
    copy = renamed(path, tmp_path / path.name)
    assert copy is not None
    result = run("validate", str(copy), "--format", "json")
    check_plain(result, True)
    # The other sheets are missing: said sheet by sheet, then exit 2 (DESIGN.md's contract).
    assert result.exit_code == 2
    findings = json.loads(result.stdout)["findings"]
    assert any(f["sheet"] == "Entities" for f in findings)
    assert {"Dialogues", "Policies"} <= {f["sheet"] for f in findings
                                         if f["rule"] == "missing-sheet"}


@pytest.mark.parametrize(("name", "expected"), [
    ("pass_protected.ods", "is password-protected. Open it in LibreOffice, save a copy without "
                           "the password"),
    ("pass_protected.xlsx", "is password-protected. Open it in Excel, remove the password"),
    ("issue_594_dos.ods", "cannot be read as a workbook (it declares far more cells than it "
                          "holds)"),
    ("issue252.xlsx", "is incomplete or damaged"),
    ("issue_530.xlsx", "is a zip file but not an Excel workbook"),
    ("date.xls", "is in the old Excel 97-2003 format (.xls)"),
    ("biff5_write.xls", "is in the old Excel 97-2003 format (.xls)"),
    ("too_small.xls", "is not an Excel workbook (it looks like a text or CSV file)"),
    ("date.xlsb", "is a binary Excel workbook (.xlsb)"),
    ("errors.xlsx", "is not a matrixbook master workbook"),
])
def test_real_file_message(name: str, expected: str) -> None:
    line = check_plain(run("validate", str(DATA / name)), False)
    assert line.startswith(f"Error: {DATA / name} {expected}"), line


# ---------------------------------------------------------------------------------------------
# Malformed files made in code, from the default workbook.


def rewrite(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w",
                                                          zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return target


def test_excel_4_file_is_not_called_csv(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    # an Excel 4.0 worksheet: a BOF record (0x0409), version 0x0000, type 0x0010 (worksheet)
    path.write_bytes(bytes.fromhex("0904060000001000000000000a000000") + b"\x00" * 32)
    line = check_plain(run("validate", str(path)), False)
    assert line == (f"Error: {path} is in an old Excel format (Excel 2.x to 4.0, .xls). Open it "
                    "in Excel or LibreOffice and save it as Excel Workbook (.xlsx).")


def test_binary_file_is_not_called_text(tmp_path: Path) -> None:
    path = tmp_path / "picture.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100))
    line = check_plain(run("validate", str(path)), False)
    assert line == (f"Error: {path} is not an Excel workbook (it is in a format this tool does "
                    "not read). Open it in Excel and save it as Excel Workbook (.xlsx).")


def test_bad_crc_is_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "crc.xlsx"
    shutil.copyfile(MASTER, path)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/workbook.xml")
        offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        size = info.compress_size
    data = bytearray(path.read_bytes())
    data[offset + size // 2] ^= 0xFF  # one flipped byte inside the compressed part
    path.write_bytes(bytes(data))
    before = digest(path)
    for fmt in ("text", "json"):
        result = run("validate", str(path), "--format", fmt)
        assert check_plain(result, fmt == "json") == (
            f"Error: {path} is incomplete or damaged (perhaps a download that did not finish). "
            "Download or copy it again, or open it in Excel and save it again.")
        result = run("diff", str(MASTER), str(path), "--format", fmt)
        assert check_plain(result, fmt == "json").startswith(f"Error: {path} is incomplete")
    assert digest(path) == before


def test_a_sheet_listed_but_missing_from_the_zip(tmp_path: Path) -> None:
    from matrixbook import filecheck

    wb = filecheck.open_workbook(MASTER)
    part = wb.parts["Policies"]
    wb.close()
    path = rewrite(MASTER, tmp_path / "lost.xlsx",
                   lambda name, data: None if name == part else data)
    for fmt in ("text", "json"):
        line = check_plain(run("validate", str(path), "--format", fmt), fmt == "json")
        assert line in (
            f"Error: {path}: the sheet 'Policies' is listed in the workbook but its contents "
            "are missing from the file; it is damaged. Open it in Excel or LibreOffice and save "
            "it again, or use an earlier copy.",
            f"Error: {path} cannot be read as a workbook (its contents are not laid out as "
            "Excel or LibreOffice save them). Open it in Excel or LibreOffice and save it "
            "again as .xlsx.")


def test_password_protected_ods_is_told_to_remove_the_password() -> None:
    path = DATA / "pass_protected.ods"
    for fmt in ("text", "json"):
        line = check_plain(run("validate", str(path), "--format", fmt), fmt == "json")
        assert line == (f"Error: {path} is password-protected. Open it in LibreOffice, save a "
                        "copy without the password (File > Save As, with 'Save with password' "
                        "unticked) and check that copy.")


def test_reader_internals_become_plain_words() -> None:
    from matrixbook.filecheck import _plain

    for internal, plain in [
        ("Cell limit exceeded (17179869184 cells requested, max 100000000)",
         "it declares far more cells than it holds"),
        ("Expecting 'table-cell', found 'Text(BytesText { content: Borrowed(\"\") })'",
         "its contents are not laid out as Excel or LibreOffice save them"),
        ("Unrecognized sheet:state: show",
         "its contents are not laid out as Excel or LibreOffice save them"),
        ("Range is missing the expected column component.",
         "its contents are not laid out as Excel or LibreOffice save them"),
    ]:
        assert _plain(RuntimeError(internal)) == plain


# ---------------------------------------------------------------------------------------------
# Cells and rows


def _with_staff_columns(tmp_path: Path) -> Path:
    """The default workbook with two staff columns headed 'Notes' on Entities."""
    wb = openpyxl.load_workbook(MASTER)
    ws = wb["Entities"]
    first = ws.max_column + 1
    for col in (first, first + 1):
        ws.cell(row=1, column=col, value="My notes")
        ws.cell(row=2, column=col, value=f"note {col}")
    path = tmp_path / "twice.xlsx"
    wb.save(path)
    return path


def test_two_staff_columns_with_one_header_do_not_crash(tmp_path: Path) -> None:
    path = _with_staff_columns(tmp_path)
    result = run("validate", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["errors"] == 0
    result = run("diff", str(MASTER), str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    out = tmp_path / "out"
    result = run("build", str(path), "--out", str(out), "--only", "matrix")
    assert result.exit_code == 0, result.output


def test_a_row_of_only_spaces_is_an_empty_row(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(MASTER)
    ws = wb["Policies"]
    row = ws.max_row + 2
    for col in range(1, ws.max_column + 1):
        ws.cell(row=row, column=col, value="   ")
    path = tmp_path / "spaces.xlsx"
    wb.save(path)
    result = run("validate", str(path), "--format", "json")
    findings = [f for f in json.loads(result.stdout)["findings"] if f["row"] == row]
    assert [(f["severity"], f["rule"], f["cell"]) for f in findings] == [
        ("warning", "blank-row", f"A{row}")]
    assert findings[0]["message"] == (
        f"Row {row} holds only spaces, so it is read as an empty row. Delete the row (or clear "
        "its cells) so that it does not look like a record.")
    assert result.exit_code == 0


def test_a_cell_of_only_spaces_is_not_read_as_none(edited) -> None:
    cell = header_cell("Entities", "Acronym", 2)
    path = edited({"Entities": {cell: "   "}})
    result = run("validate", str(path), "--format", "json")
    messages = [f["message"] for f in json.loads(result.stdout)["findings"]
                if f["cell"] == cell and f["sheet"] == "Entities"]
    assert messages and all("'None'" not in m for m in messages), messages


@pytest.mark.parametrize(("text", "hint"), [
    ("18/08/2025", "'18/08/2025' is text, not a date. Type it as a real date: 2025-08-18 "
                   "(day 18 of month 8)."),
    ("08/18/2025", "'08/18/2025' is text, not a date. Type it as a real date: 2025-08-18 "
                   "(day 18 of month 8)."),
    ("05/01/2024", "'05/01/2024' is text, not a date, and it is ambiguous. Type it as a real "
                   "date: 2024-01-05 if you mean day 5 of month 1, or 2024-05-01 if you mean "
                   "month 5 day 1."),
    ("31/31/2025", "'31/31/2025' is text, not a date, and no such day exists. Type the date as "
                   "a real date, e.g. 2025-09-12."),
    ("2010-12-19", "'2010-12-19' is written as a date but stored as text (the cell is formatted "
                   "as Text, or the date was typed after an apostrophe). Format the cell as a "
                   "date (Format Cells > Date) and type the date again, without an apostrophe."),
    ("2010-13-19", "'2010-13-19' is text, not a date. Type the date as a real date, e.g. "
                   "2025-09-12."),
])
def test_date_hints_offer_only_dates_that_exist(edited, text: str, hint: str) -> None:
    cell = header_cell("Policies", "Adoption date", 2)
    path = edited({"Policies": {cell: text}})
    result = run("validate", str(path), "--format", "json")
    found = [f for f in json.loads(result.stdout)["findings"]
             if f["sheet"] == "Policies" and f["cell"] == cell]
    assert [f["message"] for f in found] == [hint]


def test_a_cell_over_excels_limit_is_an_error_at_its_cell(edited, tmp_path: Path) -> None:
    cell = header_cell("Policies", "Title (English)", 2)
    marked = edited({"Policies": {cell: "LONG-CELL-MARK"}})
    # openpyxl (like Excel) cuts a longer cell as it saves: the long text goes into the XML
    # itself, as LibreOffice or another program can write it
    path = rewrite(marked, tmp_path / "long.xlsx", lambda name, data: data.replace(
        b"LONG-CELL-MARK", b"x" * 40_000))
    result = run("validate", str(path), "--format", "json")
    assert result.exit_code == 1
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "cell-too-long"]
    assert [(f["sheet"], f["cell"], f["severity"]) for f in found] == [
        ("Policies", cell, "error")]
    assert found[0]["message"] == (
        "The cell holds 40,000 characters; Excel keeps at most 32,767 in a cell and cuts the "
        "rest. Shorten it by 7,233 characters (or keep the long text in a document and give "
        "its link here).")
    out = tmp_path / "out"
    built = run("build", str(path), "--out", str(out), "--only", "climb")
    assert built.exit_code == 1
    assert not out.exists()  # nothing cut short: nothing written


def test_diff_that_cannot_run_prints_the_json_and_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.xlsx"
    result = run("diff", str(MASTER), str(missing), "--format", "json")
    line = check_plain(result, True)
    assert result.exit_code == 2
    assert line.startswith(f"Error: {missing}: no such file.")
    assert json.loads(result.stdout)["findings"][0]["message"] == line[len("Error: "):]


def test_diff_out_with_an_ods_is_refused_before_any_work(tmp_path: Path) -> None:
    new = tmp_path / "master.ods"
    shutil.copyfile(DATA / "issues.ods", new)
    out = tmp_path / "CHANGES.xlsx"
    line = check_plain(run("diff", str(MASTER), str(new), "--out", str(out)), False)
    assert line == (f"Error: --out marks the changed cells in a copy of {new}, which needs it "
                    "saved as an Excel workbook (.xlsx). Save it as .xlsx and compare that, or "
                    "run diff without --out.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["master.ods"]
