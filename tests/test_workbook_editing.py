"""What staff meet while editing the master workbook: country choices with their names, one
drop-down of body IDs that follows the workbook, a warning (and a repair) when the hidden
Lists sheet is gone, and statuses the calendar has left behind."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from conftest import MASTER, header_cell, soffice
from matrixbook.api import validate
from matrixbook.cli import cli

BODY_LIST = "Entities.Entity ID | Dialogues.Dialogue ID"


def _validations(ws) -> dict[str, object]:
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def _lists_column(rows: list[list[object]], header: str) -> list[object]:
    i = rows[0].index(header)
    return [r[i] for r in rows[1:] if r[i] not in ("", None)]


# 13. Countries ------------------------------------------------------------------------------

def test_country_drop_down_shows_code_and_name(master: Path) -> None:
    wb = openpyxl.load_workbook(master)
    country = header_cell("Memberships", "Country", 2)
    dv = _validations(wb["Memberships"])[country]
    assert dv.type == "list" and dv.errorStyle == "information"
    letter = re.fullmatch(r"Lists!\$([A-Z]+)\$2:\$[A-Z]+\$\d+", dv.formula1).group(1)
    choices = [c.value for c in wb["Lists"][letter][1:]]
    assert "SAU \u2014 Saudi Arabia" in choices
    assert "PSE \u2014 State of Palestine" in choices
    assert "XEU \u2014 European Union" in choices  # the extra codes of workbook.yaml
    assert "Pick it from the list (e.g. SAU \u2014 Saudi Arabia) or type the code" in dv.prompt
    seat = header_cell("Entities", "Seat country", 2)
    assert _validations(wb["Entities"])[seat].formula1 == dv.formula1


def test_a_picked_country_reads_as_its_code(edited, tmp_path: Path) -> None:
    country = header_cell("Memberships", "Country", 2)
    covered = header_cell("Policies", "Countries covered", 2)
    path = edited({"Memberships": {country: "SAU \u2014 Saudi Arabia"},
                   "Policies": {covered: "MAR \u2014 Morocco; DZA"}})
    from matrixbook.schema import load_schema
    from matrixbook.validation import check_workbook

    checked = check_workbook(path, load_schema())
    assert checked.tables["Memberships"].at[2, "country"] == "SAU"
    assert checked.tables["Policies"].at[2, "countries"] == ["MAR", "DZA"]
    assert [f for f in checked.report.findings if f.cell in (country, covered)] == []
    # The outputs use the code: the CLIMB/membership tables hold SAU, not the choice text.
    assert "SAU \u2014" not in json.dumps(checked.tables["Memberships"]["country"].tolist())


def test_a_choice_naming_another_country_is_an_error(edited) -> None:
    country = header_cell("Memberships", "Country", 2)
    path = edited({"Memberships": {country: "SAU \u2014 Egypt"}})
    (f,) = [f for f in validate(path).findings if f.cell == country]
    assert (f.severity, f.rule) == ("error", "unknown-country")
    assert f.message == ("'SAU \u2014 Egypt' mixes two countries: SAU is Saudi Arabia. Pick the "
                         "country from the list, or type its three-letter code alone.")


# 14. Body IDs -------------------------------------------------------------------------------

def test_every_body_id_column_has_the_list_of_all_bodies(master: Path, schema) -> None:
    wb = openpyxl.load_workbook(master)
    names = {n: d.attr_text for n, d in wb.defined_names.items()}
    # The list's column on the Lists sheet follows the vocabularies declared before it.
    letter = get_column_letter([c.value for c in wb["Lists"][1]].index(BODY_LIST) + 1)
    assert names["Entities_Dialogues_IDs"] == (
        f"OFFSET(Lists!${letter}$2,0,0,MAX(1,COUNTA(Entities!$A$2:$A$510)"
        "+COUNTA(Dialogues!$A$2:$A$509)),1)")
    for sheet in ("Memberships", "Themes", "Policies", "Interviews", "Sources"):
        cell = header_cell(sheet, "Body ID", 2)
        dv = _validations(wb[sheet])[cell]
        assert (dv.type, dv.formula1, dv.errorStyle) == ("list", "Entities_Dialogues_IDs",
                                                         "warning"), sheet
    lists = wb["Lists"]
    column = [c.value for c in lists[1]].index(BODY_LIST) + 1
    first = lists.cell(row=2, column=column).value
    assert first.ref == lists.cell(row=2, column=column).coordinate  # an array formula
    assert first.text == (
        "=IF(1<=COUNTA(Entities!$A$2:$A$510),INDEX(Entities!$A$2:$A$510,SMALL(IF("
        "Entities!$A$2:$A$510<>\"\",ROW(Entities!$A$2:$A$510)-1),1)),IF(1<=COUNTA("
        "Entities!$A$2:$A$510)+COUNTA(Dialogues!$A$2:$A$509),INDEX(Dialogues!$A$2:$A$509,"
        "SMALL(IF(Dialogues!$A$2:$A$509<>\"\",ROW(Dialogues!$A$2:$A$509)-1),1-(COUNTA("
        "Entities!$A$2:$A$510)))),\"\"))")
    # validate and build never read the Lists sheet: formulas there are no finding.
    assert [f for f in validate(master).findings if f.sheet == "Lists"] == []


def test_libreoffice_computes_the_body_list_as_rows_are_added(edited, tmp_path: Path) -> None:
    """Open the workbook in LibreOffice after adding an entity below a gap and emptying a
    dialogue row: the list holds every ID there is, in order, without blanks."""
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    path = edited({"Entities": {"A14": "ENT-NEW"}, "Dialogues": {"A3": None}})
    out = tmp_path / "lo"
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   capture_output=True, timeout=240, check=False)
    rows = CalamineWorkbook.from_path(str(out / path.name)).get_sheet_by_name(
        "Lists").to_python()
    ids = _lists_column(rows, BODY_LIST)
    source = CalamineWorkbook.from_path(str(path))
    entities = [r[0] for r in source.get_sheet_by_name("Entities").to_python()[1:] if r[0]]
    dialogues = [r[0] for r in source.get_sheet_by_name("Dialogues").to_python()[1:] if r[0]]
    assert ids == entities + dialogues
    assert "ENT-NEW" in ids and ids.index("ENT-NEW") < ids.index(dialogues[0])


# 15. The Lists sheet ------------------------------------------------------------------------

@pytest.fixture
def without_lists(tmp_path: Path) -> Path:
    wb = openpyxl.load_workbook(MASTER)
    del wb["Lists"]
    wb["Policies"]["A2"].comment = None
    path = tmp_path / "my book.xlsx"
    wb.save(path)
    return path


def test_validate_warns_when_the_lists_sheet_is_gone(without_lists: Path) -> None:
    report = validate(without_lists)
    (f,) = [f for f in report.findings if f.rule == "no-lists-sheet"]
    copy = without_lists.with_name("my book-lists.xlsx")
    assert (f.severity, f.sheet) == ("warning", "Lists")
    assert f.message == (
        "The hidden sheet 'Lists' is missing, so the drop-down lists of this workbook show no "
        "choices (Countries, Body IDs, statuses...). To restore them, run `matrixbook init "
        f"--repair-lists \"{without_lists}\" --out \"{copy}\"`: it writes a copy with the lists "
        "rebuilt and every cell of your data unchanged; open it, then use it in place of "
        "my book.xlsx.")
    assert [f for f in validate(MASTER).findings if f.rule == "no-lists-sheet"] == []


def _cells(path: Path) -> dict[tuple[str, str], object]:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets if ws.title != "Lists"
            for row in ws.iter_rows() for c in row if c.value is not None}


def test_repair_lists_writes_a_copy_with_the_lists_and_the_data_unchanged(
        without_lists: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(without_lists)
    wb["Policies"].cell(row=1, column=wb["Policies"].max_column + 1, value="My remarks")
    wb["Policies"].cell(row=2, column=wb["Policies"].max_column, value="my remark")
    wb.create_sheet("My notes")["B2"] = "keep me"
    wb.save(without_lists)
    before = without_lists.read_bytes()
    out = tmp_path / "repaired.xlsx"

    result = CliRunner().invoke(cli, ["init", "--repair-lists", str(without_lists), "--out",
                                      str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out}: a copy of {without_lists} with its "
                                    "drop-down lists rebuilt and the checks of ")
    assert without_lists.read_bytes() == before  # the user's file is only read
    assert _cells(out) == _cells(without_lists)  # every cell of the data, own sheets too
    fresh, repaired = openpyxl.load_workbook(MASTER), openpyxl.load_workbook(out)
    assert repaired["Lists"].sheet_state == "hidden"
    assert ({n: d.attr_text for n, d in repaired.defined_names.items()}
            == {n: d.attr_text for n, d in fresh.defined_names.items()})
    lists = [[c.value for c in row] for row in fresh["Lists"].iter_rows(max_col=30)]
    assert [[c.value for c in row] for row in repaired["Lists"].iter_rows(max_col=30)] == lists
    def checks(ws) -> dict[str, tuple[object, ...]]:
        # (xlsxwriter writes the earliest date, 1900-01-01, as serial 0; openpyxl as 1)
        return {k: (v.type, v.formula1 if v.type != "date" else None, v.formula2, v.prompt,
                    v.errorStyle or "stop") for k, v in _validations(ws).items()}

    for sheet in ("Themes", "Memberships", "Interviews", "Policies"):
        assert checks(repaired[sheet]) == checks(fresh[sheet]), sheet
    assert [f for f in validate(out).findings if f.rule == "no-lists-sheet"] == []


def test_repair_lists_never_writes_over_the_workbook(without_lists: Path,
                                                    tmp_path: Path) -> None:
    runner = CliRunner()
    no_out = runner.invoke(cli, ["init", "--repair-lists", str(without_lists)])
    assert no_out.exit_code == 2
    assert ("Add --out NEW.xlsx: the repaired copy is written to a new file, never over "
            f"{without_lists}.") in no_out.output
    same = runner.invoke(cli, ["init", "--repair-lists", str(without_lists), "--out",
                               str(without_lists)])
    assert same.exit_code == 2 and "would write over the workbook itself" in same.output
    taken = tmp_path / "taken.xlsx"
    taken.write_bytes(b"keep")
    exists = runner.invoke(cli, ["init", "--repair-lists", str(without_lists), "--out",
                                 str(taken)])
    assert exists.exit_code == 2 and taken.read_bytes() == b"keep"
    assert zipfile.is_zipfile(without_lists)


# 16. Statuses left behind -------------------------------------------------------------------

def _stale(path: Path, today: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["validate", str(path), "--format", "json", "--today",
                                      today])
    return [f for f in json.loads(result.output)["findings"] if f["rule"] == "stale-status"]


def test_statuses_left_behind_are_warned_about(edited) -> None:
    status = header_cell("Interviews", "Status", 2)
    when = header_cell("Interviews", "Date and time", 2)
    task_status = header_cell("Workplan", "Status", 2)
    task_end = header_cell("Workplan", "End date", 2)
    src_status = header_cell("Sources", "Collection status", 2)
    src_due = header_cell("Sources", "Due date", 2)
    path = edited({
        "Interviews": {status: "Planned", when: datetime(2025, 8, 26, 10, 0)},
        "Workplan": {task_status: "Not started", task_end: datetime(2025, 8, 20)},
        "Sources": {src_status: "Requested", src_due: datetime(2025, 8, 22)},
    })
    early = _stale(path, "2025-08-20")
    assert early == []  # nothing has passed yet (a task ending today is not late)
    found = {(f["sheet"], f["cell"]): f for f in _stale(path, "2025-08-27")}
    ids = {s: openpyxl.load_workbook(path)[s]["A2"].value
           for s in ("Interviews", "Workplan", "Sources")}
    assert found["Interviews", status]["severity"] == "warning"
    assert found["Interviews", status]["message"] == (
        f"{ids['Interviews']} is still Planned, but its Date and time (2025-08-26, {when}) has "
        f"passed (today: 2025-08-27). Type in {status} what has happened since (Done, "
        f"Postponed, Declined or Cancelled), or, if it is still to come, type its new Date "
        f"and time in {when}.")
    assert found["Workplan", task_status]["message"] == (
        f"{ids['Workplan']} is still Not started, but its End date (2025-08-20, {task_end}) has "
        f"passed (today: 2025-08-27). Type in {task_status} what has happened since (In "
        "progress, Done, On hold or Cancelled), or, if it is still to come, type its new End "
        f"date in {task_end}.")
    assert found["Sources", src_status]["message"].startswith(
        f"{ids['Sources']} is still Requested, but its Due date (2025-08-22, {src_due}) has "
        "passed")


def test_done_and_cancelled_are_never_stale(edited) -> None:
    status = header_cell("Interviews", "Status", 2)
    when = header_cell("Interviews", "Date and time", 2)
    consent = header_cell("Interviews", "Consent", 2)
    path = edited({"Interviews": {status: "Done", when: datetime(2025, 8, 26, 10, 0),
                                  consent: "Yes"}})
    assert [f for f in _stale(path, "2026-01-01") if f["cell"] == status] == []


def test_pending_statuses_are_declared_in_the_vocabularies(schema) -> None:
    assert schema.vocabulary("interview_status").pending_codes == ("Planned", "Confirmed")
    assert schema.vocabulary("workplan_status").pending_codes == ("Not started",)
    assert schema.vocabulary("collection_status").pending_codes == ("To collect", "Requested")
    assert {(s.name, c.name, c.pending_until) for s in schema.sheets for c in s.columns
            if c.pending_until} == {("Interviews", "Status", "starts_at"),
                                    ("Workplan", "Status", "end_date"),
                                    ("Sources", "Collection status", "due_date")}


def test_many_stale_rows_are_one_entry_in_the_text(master: Path) -> None:
    lines = CliRunner().invoke(cli, ["validate", str(master), "--today",
                                     "2026-01-01"]).output.splitlines()
    at = lines.index("Workplan")
    cell = header_cell("Workplan", "Status", 2)
    assert re.match(r"  \d+ rows warning \d+ rows are still Not started after their End date "
                    r"\(today: 2026-01-01\): WP-01 \(Not started, 2025-\d\d-\d\d: " + cell + r"\);",
                    lines[at + 1] + " " + lines[at + 2].strip())
    assert sum("are still Not started" in line for line in lines) == 1
