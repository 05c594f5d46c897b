"""Bad and odd files: one clear line naming the file and what to do, exit 2 (or findings and
exit 1 where the workbook is readable), never a traceback, in bounded time and memory; the
input is never changed."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import MASTER, header_cell, soffice
from matrixbook.cli import cli


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"


def run_validate(path: Path, *args: str) -> tuple[int, str]:
    before = digest(path)
    result = CliRunner().invoke(cli, ["validate", str(path), *args], catch_exceptions=False)
    assert digest(path) == before, "the input file was modified"
    return result.exit_code, result.output


def one_line_error(output: str) -> str:
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "master.xlsx"
    path.write_bytes(b"")
    code, out = run_validate(path)
    assert code == 2
    assert one_line_error(out) == (f"Error: {path} is empty (0 bytes). Use a saved copy of the "
                                   "workbook.")


def test_csv_renamed_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "master.xlsx"
    path.write_text("Entity ID,Acronym\nENT-LAS,LAS\n", encoding="utf-8")
    code, out = run_validate(path)
    assert code == 2
    assert "is not an Excel workbook (it looks like a text or CSV file)" in one_line_error(out)


def test_truncated_download(tmp_path: Path) -> None:
    path = tmp_path / "master.xlsx"
    data = MASTER.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    code, out = run_validate(path)
    assert code == 2
    assert "is incomplete or damaged (perhaps a download that did not finish)" in \
        one_line_error(out)


def test_password_protected_workbook(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    path = tmp_path / "master.xlsx"
    with MASTER.open("rb") as plain, path.open("wb") as out:
        OOXMLFile(plain).encrypt("s3cret", out)
    code, out = run_validate(path)
    assert code == 2
    assert f"Error: {path} is password-protected." in one_line_error(out)


def test_old_xls_format(tmp_path: Path) -> None:
    path = tmp_path / "master.xls"
    # An OLE2 compound file header, as every Excel 97-2003 workbook starts.
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4088)
    code, out = run_validate(path)
    assert code == 2
    assert "is in the old Excel 97-2003 format (.xls)" in one_line_error(out)
    assert "save it as Excel Workbook (.xlsx)" in out


def test_xlsm_is_read_normally(tmp_path: Path) -> None:
    path = tmp_path / "master.xlsm"
    shutil.copyfile(MASTER, path)
    code, out = run_validate(path)
    assert code == 0, out


@pytest.mark.office
def test_ods_is_read(tmp_path: Path) -> None:
    if soffice() is None:
        pytest.skip("LibreOffice is not installed: the .ods case was NOT checked")
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "ods", "--outdir", str(tmp_path), str(MASTER)],
                   capture_output=True, timeout=180, check=True)
    path = tmp_path / "master.ods"
    code, out = run_validate(path, "--format", "json")
    assert code == 0, out
    assert json.loads(out)["errors"] == 0
    code, out = run_validate(path, "--annotate", str(tmp_path / "marked.xlsx"))
    assert code == 2
    assert "Save it as Excel Workbook (.xlsx)" in one_line_error(out)


def test_directory_and_missing_path(tmp_path: Path) -> None:
    code, out = run_validate(tmp_path)
    assert code == 2
    assert one_line_error(out) == (f"Error: {tmp_path} is a folder, not a workbook. Give the path "
                                   "of the .xlsx file.")
    code, out = run_validate(tmp_path / "missing.xlsx")
    assert code == 2
    assert "missing.xlsx: no such file" in one_line_error(out)


def test_wrong_workbook(tmp_path: Path) -> None:
    path = tmp_path / "budget.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Budget line"
    wb.save(path)
    code, out = run_validate(path)
    assert code == 2
    assert "is not a matrixbook master workbook" in one_line_error(out)


def test_merged_cells_are_a_warning_at_the_first_cell(edited, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(MASTER)
    first = header_cell("Themes", "Evidence", 2)
    last = header_cell("Themes", "Evidence", 3)
    wb["Themes"].merge_cells(f"{first}:{last}")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    code, out = run_validate(path, "--format", "json")
    findings = json.loads(out)["findings"]
    merged = [f for f in findings if f["rule"] == "merged-cells"]
    assert [(f["sheet"], f["cell"], f["severity"]) for f in merged] == [
        ("Themes", first, "warning")]
    assert f"The cells {first}:{last} are merged" in merged[0]["message"]


def test_formulas_saved_without_values(tmp_path: Path) -> None:
    cell = header_cell("Policies", "Note", 2)
    wb = openpyxl.load_workbook(MASTER)
    wb["Policies"][cell] = '=CONCATENATE("a","b")'  # openpyxl saves formulas without values
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    code, out = run_validate(path)
    assert code == 2
    line = one_line_error(out)
    assert f"the sheet 'Policies' has formulas saved without their values (e.g. {cell})" in line
    assert "Open the workbook in Excel or LibreOffice, save it, and run again." in line


def test_a_formula_with_its_result_is_a_warning_at_its_cell(tmp_path: Path) -> None:
    """A title typed as =1+1 (saved by Excel with its result) was read as 2 in silence and
    reached the policy database and CLIMB as the title '2'."""
    cell = header_cell("Policies", "Title (English)", 2)
    wb = openpyxl.load_workbook(MASTER)
    wb["Policies"][cell] = "=1+1"
    saved = tmp_path / "saved.xlsx"
    wb.save(saved)
    # what Excel writes: the formula and the result it last computed
    path = tmp_path / "formula.xlsx"
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if b"<f>1+1</f>" in data:
                data = data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>")
                data = data.replace(b"<f>1+1</f><v/>", b"<f>1+1</f><v>2</v>")
                assert b"<f>1+1</f><v>2</v>" in data
            dst.writestr(item, data)
    before = digest(path)
    code, out = run_validate(path, "--format", "json")
    assert code == 0  # a warning: the workbook still builds
    found = [f for f in json.loads(out)["findings"] if f["rule"] == "formula"]
    assert [(f["sheet"], f["cell"], f["severity"], f["column"]) for f in found] == [
        ("Policies", cell, "warning", "Title (English)")]
    assert found[0]["message"] == (
        "The cell holds the formula =1+1; matrixbook reads its last saved result ('2'), not "
        "the formula, and the outputs show that result. Type the value itself.")
    code, out = run_validate(path, "--lang", "fr")
    assert "La cellule contient la formule =1+1" in out
    assert digest(path) == before


def test_excel_error_value_is_a_finding(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(MASTER)
    cell = header_cell("Policies", "Note", 2)
    wb["Policies"][cell] = "#N/A"
    wb["Policies"][cell].data_type = "e"
    path = tmp_path / "na.xlsx"
    wb.save(path)
    code, out = run_validate(path, "--format", "json")
    assert code == 1
    (f,) = [f for f in json.loads(out)["findings"] if f["rule"] == "excel-error"]
    assert (f["sheet"], f["cell"], f["column"], f["value"]) == ("Policies", cell, "Note", "#N/A")
    assert f["message"].startswith("The cell shows the Excel error #N/A")


def test_cell_of_32767_characters(edited) -> None:
    provisions = header_cell("Policies", "Relevant provisions", 2)
    language = header_cell("Policies", "Language", 3)
    path = edited({"Policies": {provisions: "x" * 32767, language: "y" * 32767}})
    code, out = run_validate(path, "--format", "json")
    assert code == 1
    findings = json.loads(out)["findings"]
    assert [f["cell"] for f in findings if f["severity"] == "error"] == [language]
    assert all(len(f["message"]) < 400 for f in findings)


def measured(path: Path) -> tuple[int, str, float, int]:
    """Run `matrixbook validate` in a fresh process; return code, output, seconds, peak MiB."""
    probe = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "p = subprocess.run([sys.executable, '-m', 'matrixbook', 'validate', sys.argv[1]],"
             " capture_output=True, text=True)\n"
             "print(p.returncode, time.perf_counter() - t,"
             " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
             "print(p.stdout + p.stderr)\n")
    before = digest(path)
    out = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True,
                         text=True, timeout=120).stdout
    assert digest(path) == before
    head, _, text = out.partition("\n")
    code, seconds, mib = head.split()
    return int(code), text, float(seconds), int(mib)


@pytest.mark.parametrize("cell", ["XFD1048576", "A1048576"])
def test_stray_value_far_from_the_data(tmp_path: Path, cell: str) -> None:
    wb = openpyxl.load_workbook(MASTER)
    wb["Policies"][cell] = "oops"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    code, out, seconds, mib = measured(path)
    assert code == 2, out
    assert "sheet 'Policies'" in out and "Ctrl+End" in out
    assert "Traceback" not in out
    assert seconds < 30 and mib < 600, (seconds, mib)


def _rewrite(source: Path, target: Path, replace: dict[str, bytes]) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, replace.get(item.filename, zin.read(item.filename)))


def test_xml_entity_bomb(tmp_path: Path) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1
                                                     else b"&lol;" * 10) for i in range(1, 10))
            + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b"<si><t>&lol9;</t></si></sst>")
    path = tmp_path / "bomb.xlsx"
    _rewrite(MASTER, path, {"xl/sharedStrings.xml": bomb})
    code, out, seconds, mib = measured(path)
    assert code == 2, out
    assert "contains XML entity declarations (xl/sharedStrings.xml)" in out
    assert seconds < 30 and mib < 600


def test_zip_bomb(tmp_path: Path) -> None:
    path = tmp_path / "zipbomb.xlsx"
    shutil.copyfile(MASTER, path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("xl/media/padding.xml", b"\0" * (300 << 20))
    assert path.stat().st_size < 2 << 20
    code, out, seconds, mib = measured(path)
    assert code == 2, out
    assert "holds a part (xl/media/padding.xml) that would expand to 300 MiB" in out
    assert seconds < 30 and mib < 600


def test_annotate_never_writes_over_the_input(master: Path) -> None:
    code, out = run_validate(master, "--annotate", str(master))
    assert code == 2
    assert "would write over the workbook itself" in one_line_error(out)


