"""`matrixbook init`: the new workbook carries the schema (headers, drop-downs, help) and never
writes over a file it was not told to replace; the committed default is what init produces."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from conftest import MASTER
from matrixbook.cli import cli


def _init(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["init", *args])
    return result.exit_code, result.output


def test_blank_workbook_has_every_declared_header(tmp_path: Path, schema) -> None:
    path = tmp_path / "new.xlsx"
    code, out = _init(str(path), "--blank")
    assert code == 0, out
    assert out == f"Wrote {path} (blank).\n"
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["About", *[s.name for s in schema.sheets], "Lists"]
    for sheet in schema.sheets:
        rows = book.get_sheet_by_name(sheet.name).to_python()
        assert rows[0] == sheet.headers
        assert len(rows) == 1  # headers only


def test_drop_downs_and_help_come_from_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.xlsx"
    _init(str(path), "--blank")
    wb = openpyxl.load_workbook(path)
    assert wb["Lists"].sheet_state == "hidden"
    ws = wb["Themes"]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    relevance = validations["D2:D502"]
    assert relevance.type == "list"
    assert relevance.formula1.startswith("Lists!$")
    assert relevance.promptTitle == "Relevance"
    assert relevance.prompt.startswith("Required.")
    lists = wb["Lists"]
    col = re.match(r"Lists!\$([A-Z]+)\$", relevance.formula1).group(1)
    assert [c.value for c in lists[col][1:6]] == ["High", "Medium", "Low", "None", "Not assessed"]
    policies = wb["Policies"]
    binding = next(dv for dv in policies.data_validations.dataValidation
                   if str(dv.sqref).startswith("J2"))
    assert binding.formula1 == '"Yes,No"'
    dates = next(dv for dv in policies.data_validations.dataValidation
                 if str(dv.sqref).startswith("M2"))
    assert dates.type == "date"
    assert policies.freeze_panes == "B2"


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "mine.xlsx"
    path.write_bytes(b"precious")
    code, out = _init(str(path))
    assert code == 2
    assert f"{path} already exists; choose another name or add --force" in out
    assert path.read_bytes() == b"precious"
    code, _ = _init(str(path), "--force")
    assert code == 0
    assert zipfile.is_zipfile(path)


def test_committed_default_workbook_is_what_init_writes(tmp_path: Path) -> None:
    path = tmp_path / "fresh.xlsx"
    code, out = _init(str(path))
    assert code == 0, out
    assert path.read_bytes() == MASTER.read_bytes(), (
        "workbook/master.xlsx is out of date with workbook/seed/: run "
        "`matrixbook init workbook/master.xlsx --force` and commit it")


def test_seeded_workbook_holds_the_terms_of_reference(master: Path) -> None:
    book = CalamineWorkbook.from_path(str(master))
    entities = book.get_sheet_by_name("Entities").to_python()
    ids = [r[0] for r in entities[1:] if r[0]]
    assert ids == ["ENT-LAS", "ENT-GCC", "ENT-OIC", "ENT-AMU", "ENT-CENSAD", "ENT-AFESD",
                   "ENT-ISDB", "ENT-ACDC-RCC-NA", "ENT-GHC"]
    dialogues = [r[0] for r in book.get_sheet_by_name("Dialogues").to_python()[1:] if r[0]]
    assert {"DLG-KHARTOUM", "DLG-RABAT", "DLG-ROME", "DLG-ABUDHABI", "DLG-DOHA",
            "DLG-5PLUS5"} <= set(dialogues)
    policies = [r for r in book.get_sheet_by_name("Policies").to_python()[1:] if r[0]]
    assert len(policies) >= 12
    interviews = book.get_sheet_by_name("Interviews").to_python()
    header = interviews[0]
    names = [r[header.index("Interviewee")] for r in interviews[1:] if r[0]]
    assert len(names) >= 12
    assert all("placeholder" in n.lower() for n in names if n)
    workplan = book.get_sheet_by_name("Workplan").to_python()
    h = workplan[0]
    deadlines = {r[h.index("End date")].isoformat() for r in workplan[1:]
                 if r[h.index("Type")] == "Deliverable"}
    assert {"2025-09-12", "2025-09-30"} <= deadlines
