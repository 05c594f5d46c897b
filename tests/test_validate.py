"""`matrixbook validate`: each kind of error planted at a known cell of the default workbook is
reported at exactly that cell with its rule code; the unchanged workbook has no error."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from conftest import MASTER, header_cell
from matrixbook.api import validate
from matrixbook.cli import cli


def records(sheet: str) -> list[dict[str, Any]]:
    """Rows of the default workbook as dicts, with their Excel row number under '_row'."""
    rows = CalamineWorkbook.from_path(str(MASTER)).get_sheet_by_name(sheet).to_python()
    head = rows[0]
    return [dict(zip(head, r, strict=False), _row=i) for i, r in enumerate(rows[1:], start=2)
            if any(v != "" for v in r)]


def findings_at(path: Path, cell_sheet: str, cell: str) -> list[tuple[str, str]]:
    report = validate(path)
    return [(f.rule, f.severity) for f in report.findings if f.sheet == cell_sheet
            and f.cell == cell]


def test_unchanged_default_workbook_has_no_error(master: Path) -> None:
    report = validate(master)
    assert report.errors == [], "\n".join(f"{f.where} {f.message}" for f in report.errors)


def test_default_workbook_is_never_modified(master: Path) -> None:
    before = master.read_bytes()
    CliRunner().invoke(cli, ["validate", str(master)])
    assert master.read_bytes() == before


PLANTED = [
    ("Entities", "Name (English)", None, "required"),
    ("Policies", "Date accessed", "05/01/2024", "wrong-type"),
    ("Policies", "Year adopted", "2018", "wrong-type"),
    ("Memberships", "Confirmed", "Maybe", "wrong-type"),
    ("Themes", "Relevance", "Hgh", "vocabulary"),
    ("Policies", "Mobility types", "Migration; Displacment", "vocabulary"),
    ("Entities", "Website", "www.example.org", "pattern"),
    ("Entities", "Founded (year)", 1850, "out-of-range"),
    ("Memberships", "Country", "QQQ", "unknown-country"),
    ("Memberships", "Body ID", "ENT-NOWHERE", "unknown-reference"),
    ("Policies", "GCM objectives", "2; 24", "vocabulary"),
    ("Entities", "Acronym", "LAS ", "whitespace"),
]


@pytest.mark.parametrize(("sheet", "header", "value", "rule"), PLANTED,
                         ids=[f"{p[0]}-{p[3]}-{p[1]}" for p in PLANTED])
def test_planted_error_is_reported_at_its_cell(edited, sheet, header, value, rule) -> None:
    cell = header_cell(sheet, header, 2)
    path = edited({sheet: {cell: value}})
    assert rule in [r for r, _ in findings_at(path, sheet, cell)]


def test_ambiguous_text_date_is_never_guessed(edited) -> None:
    cell = header_cell("Policies", "Date accessed", 2)
    report = validate(edited({"Policies": {cell: "05/01/2024"}}))
    # POL-001 (row 2) goes to CLIMB since issue 17, so a CLIMB warning may share the cell
    (f,) = [f for f in report.findings if f.cell == cell and f.rule != "climb-no-date-accessed"]
    assert f.rule == "wrong-type" and f.severity == "error"
    assert f.value == "05/01/2024"
    assert "2024-01-05 if you mean day 5 of month 1" in f.message
    assert "2024-05-01 if you mean month 5 day 1" in f.message


def test_list_item_not_in_vocabulary_suggests_the_closest(edited) -> None:
    cell = header_cell("Policies", "Mobility types", 2)
    report = validate(edited({"Policies": {cell: "Migration; Displacment"}}))
    (f,) = [f for f in report.findings if f.cell == cell]
    assert f.message == ("'Displacment' is not an allowed value for Mobility types. "
                         "Did you mean 'Displacement'?")


def test_duplicate_key_names_both_cells(edited) -> None:
    first, second = header_cell("Policies", "Policy ID", 2), header_cell("Policies", "Policy ID", 3)
    value = records("Policies")[0]["Policy ID"]
    report = validate(edited({"Policies": {second: value}}))
    (f,) = [f for f in report.findings if f.rule == "duplicate-key"]
    assert f.cell == second
    assert f"in {first} and {second}" in f.message


def test_an_id_overwritten_by_a_copy_is_not_told_to_become_another_id(edited) -> None:
    """A copied row that overwrote POL-002 leaves the references to POL-002 dangling: they
    point at the copy, not at a look-alike ID (POL-102 is another policy)."""
    second = header_cell("Policies", "Policy ID", 3)
    lost = records("Policies")[1]["Policy ID"]
    report = validate(edited({"Policies": {second: records("Policies")[0]["Policy ID"]}}))
    dangling = [f for f in report.findings if f.rule == "unknown-reference"]
    assert dangling and {f.sheet for f in dangling} == {"Recommendations"}
    for f in dangling:
        assert lost in str(f.value).split("; ") and "Did you mean" not in f.message
        assert (f"The Policies sheet has an ID in two rows (see its duplicate-ID error): if a "
                f"copied row took the place of '{lost}', give that row its own ID back."
                ) in f.message


def test_whitespace_is_a_warning_with_the_cleaned_value(edited) -> None:
    cell = header_cell("Entities", "Acronym", 2)
    report = validate(edited({"Entities": {cell: "LAS\u00a0"}}))
    (f,) = [f for f in report.findings if f.cell == cell]
    assert (f.severity, f.rule) == ("warning", "whitespace")
    assert "it is read as 'LAS'" in f.message
    assert report.ok


def test_end_before_start(edited) -> None:
    row = records("Workplan")[0]["_row"]
    cell = header_cell("Workplan", "End date", row)
    path = edited({"Workplan": {cell: datetime(2020, 1, 2)}})
    assert ("end-before-start", "error") in findings_at(path, "Workplan", cell)


def test_task_ending_after_its_deliverable_deadline(edited) -> None:
    task = next(r for r in records("Workplan") if r["Deliverable"])
    cell = header_cell("Workplan", "End date", task["_row"])
    path = edited({"Workplan": {cell: datetime(2025, 10, 15)}})
    assert ("after-deadline", "error") in findings_at(path, "Workplan", cell)


def test_interview_outside_the_data_collection_period(edited) -> None:
    interview = next(r for r in records("Interviews") if r["Date and time"])
    cell = header_cell("Interviews", "Date and time", interview["_row"])
    path = edited({"Interviews": {cell: datetime(2026, 3, 2, 10, 0)}})
    assert ("outside-collection-period", "error") in findings_at(path, "Interviews", cell)


def test_interview_done_without_consent_or_date(edited) -> None:
    interview = next(r for r in records("Interviews") if r["Date and time"])
    row = interview["_row"]
    path = edited({"Interviews": {header_cell("Interviews", "Status", row): "Done",
                                  header_cell("Interviews", "Consent", row): "No"}})
    assert ("done-without-consent", "error") in findings_at(
        path, "Interviews", header_cell("Interviews", "Consent", row))
    path = edited({"Interviews": {header_cell("Interviews", "Status", row): "Planned",
                                  header_cell("Interviews", "Date and time", row): None}},
                  name="nodate.xlsx")
    assert ("missing-interview-date", "error") in findings_at(
        path, "Interviews", header_cell("Interviews", "Date and time", row))


def test_two_interviews_of_one_interviewer_at_the_same_time(edited) -> None:
    dated = [r for r in records("Interviews") if r["Date and time"]]
    a, b = dated[0], dated[1]
    path = edited({"Interviews": {
        header_cell("Interviews", "Interviewer", b["_row"]): a["Interviewer"],
        header_cell("Interviews", "Date and time", b["_row"]): a["Date and time"],
        header_cell("Interviews", "Status", b["_row"]): "Confirmed",
        header_cell("Interviews", "Status", a["_row"]): "Confirmed",
    }})
    cell = header_cell("Interviews", "Date and time", max(a["_row"], b["_row"]))
    assert ("interviewer-clash", "error") in findings_at(path, "Interviews", cell)


def test_missing_sheet_and_misspelt_header(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(MASTER)
    wb["Sources"].title = "Source list"
    cell = header_cell("Entities", "Name (English)", 1)
    wb["Entities"][cell] = "Name (Englsh)"
    path = tmp_path / "broken.xlsx"
    wb.save(path)
    report = validate(path)
    missing = [f for f in report.findings if f.rule == "missing-sheet"]
    assert [(f.sheet, f.severity) for f in missing] == [("Sources", "error")]
    assert "The sheet 'Source list' is probably it: rename it to 'Sources'." in missing[0].message
    (f,) = [f for f in report.findings if f.rule == "misspelt-header"]
    assert (f.sheet, f.cell) == ("Entities", cell)
    assert "it probably means 'Name (English)'" in f.message


@pytest.mark.parametrize("broken", ["sheet", "header"])
def test_a_missing_sheet_or_renamed_header_is_said_then_exit_2(
        tmp_path: Path, broken: str) -> None:
    """DESIGN.md: a missing sheet or a renamed header is exit 2; every finding is still said,
    the sheet or cell named with what to type, and the build makes nothing."""
    from matrixbook.cli import cli

    wb = openpyxl.load_workbook(MASTER)
    if broken == "sheet":
        del wb["Sources"]
        said = ("Sources", None, "The workbook has no sheet 'Sources'. Add a sheet named "
                "'Sources' (run `matrixbook init --blank` for one with the right headers).")
    else:
        cell = header_cell("Entities", "Name (English)", 1)
        wb["Entities"][cell] = "English name"
        said = ("Entities", cell, "The column 'Name (English)' is missing from the header row.")
    path = tmp_path / "broken.xlsx"
    wb.save(path)
    before = path.read_bytes()
    result = CliRunner().invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 2, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is False
    found = [(f["sheet"], f["cell"], f["message"]) for f in data["findings"]
             if f["rule"] in ("missing-sheet", "missing-column")]
    assert found and found[0][:2] == said[:2] and found[0][2].startswith(said[2]), found
    built = CliRunner().invoke(cli, ["build", str(path), "--out", str(tmp_path / "out")])
    assert built.exit_code == 2
    assert "Nothing was built: fix the errors above" in built.stderr
    assert not (tmp_path / "out").exists()
    assert path.read_bytes() == before


def test_duplicated_header_names_both_cells(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(MASTER)
    ws = wb["Themes"]
    ws.cell(row=1, column=ws.max_column + 1, value="Evidence")
    path = tmp_path / "dup.xlsx"
    wb.save(path)
    (f,) = [f for f in validate(path).findings if f.rule == "duplicate-header"]
    assert f.sheet == "Themes" and f.row == 1
    assert "appears twice" in f.message


def test_extra_columns_sheets_and_empty_rows_are_fine(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(MASTER)
    ws = wb["Policies"]
    ws.cell(row=1, column=ws.max_column + 2, value="My own remarks")
    ws.cell(row=2, column=ws.max_column, value="anything at all")
    wb.create_sheet("Scratch")["A1"] = "=1+1"
    ws.insert_rows(3, amount=2)  # two fully empty rows inside the data
    path = tmp_path / "extra.xlsx"
    wb.save(path)
    report = validate(path)
    assert report.errors == [], [f.message for f in report.errors]


def test_empty_brief_section_is_a_warning_then_an_error_at_final_stage(edited) -> None:
    cell = header_cell("Entities", "Data", 2)
    path = edited({"Entities": {cell: None}})

    def of_row_2(stage: str) -> list[tuple[str, str]]:
        found = [f for f in validate(path, stage=stage).findings
                 if f.rule == "empty-section" and f.sheet == "Entities" and f.row == 2]
        assert len(found) == 1
        assert f"'Data' ({cell})" in found[0].message
        return [(f.rule, f.severity) for f in found]

    assert of_row_2("draft") == [("empty-section", "warning")]
    assert of_row_2("final") == [("empty-section", "error")]


def test_an_empty_section_of_a_body_without_its_id_names_the_row(edited) -> None:
    path = edited({"Entities": {header_cell("Entities", "Entity ID", 3): None,
                                header_cell("Entities", "Data", 3): None}})
    [found] = [f for f in validate(path).findings
               if f.rule == "empty-section" and f.sheet == "Entities" and f.row == 3]
    assert found.message.startswith("In the brief of row 3 (no Entity ID yet), ")
    assert "nan" not in found.message


def test_a_column_typed_the_wrong_way_is_one_entry_in_the_text(edited) -> None:
    """Thousands of rows with the same mistake print as one entry naming the cells; the JSON
    still has every cell."""
    letters = header_cell("Policies", "Language", 2)[:-1]
    rows = range(2, 12)
    path = edited({"Policies": {f"{letters}{r}": "English" for r in rows if r != 7}})
    text = CliRunner().invoke(cli, ["validate", str(path)]).output
    [entry] = [line for line in text.splitlines() if "'English'" in line]
    assert entry.startswith(f"  {letters}2:{letters}6, {letters}8:{letters}11 error   "
                            "'English' is not an allowed value for Language.")
    assert "(The same in 9 cells.)" in text
    found = json.loads(CliRunner().invoke(cli, ["validate", str(path), "--format",
                                                "json"]).output)["findings"]
    assert sorted(f["row"] for f in found if f["value"] == "English") == [
        r for r in rows if r != 7]


def test_json_output_follows_the_contract(edited) -> None:
    cell = header_cell("Themes", "Relevance", 2)
    path = edited({"Themes": {cell: "Hgh"}})
    result = CliRunner().invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert list(data) == ["ok", "errors", "warnings", "findings"]
    assert data["ok"] is False and data["errors"] == 1
    (f,) = [f for f in data["findings"] if f["severity"] == "error"]
    assert f == {"severity": "error", "sheet": "Themes", "cell": cell, "row": 2,
                 "column": "Relevance", "value": "Hgh", "rule": "vocabulary",
                 "message": "'Hgh' is not an allowed value for Relevance. Did you mean 'High'?"}


def test_text_output_names_sheet_cell_and_what_to_type(edited) -> None:
    cell = header_cell("Themes", "Relevance", 2)
    path = edited({"Themes": {cell: "Hgh"}})
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"\nThemes\n  {cell:<7} error   'Hgh' is not an allowed value for Relevance. " \
           "Did you mean 'High'?" in result.output
    assert result.output.splitlines()[0].endswith("fix the errors before you send it.")
    assert max(len(line) for line in result.output.splitlines() if str(path) not in line) <= 100


def test_text_output_puts_the_summary_then_errors_then_warnings(edited) -> None:
    """One error in a workbook with many warnings: the summary is the first line, the error
    comes next, and the empty brief sections of all entities are one entry naming them."""
    cell = header_cell("Themes", "Relevance", 2)
    # Three entities with an empty section (the default workbook's are all written).
    path = edited({"Themes": {cell: "Hgh"},
                   "Entities": {header_cell("Entities", "Data", r): None for r in (2, 3, 4)}})
    report = validate(path)
    warnings = len(report.warnings)
    lines = CliRunner().invoke(cli, ["validate", str(path)]).output.splitlines()
    assert lines[:6] == [
        f"{path}: 1 error, {warnings} warnings — fix the errors before you send it.",
        "",
        "Errors (1)",
        "Themes",
        f"  {cell:<7} error   'Hgh' is not an allowed value for Relevance. Did you mean "
        "'High'?",
        "",
    ]
    assert lines[6:8] == [f"Warnings ({warnings})", "Entities"]
    briefs = [f for f in report.warnings if f.rule == "empty-section" and f.sheet == "Entities"]
    assert len(briefs) >= 3
    first = briefs[0]
    # (after the entities no recommendation names yet, each a line)
    at = next(i for i, line in enumerate(lines) if i >= 8 and line.startswith(
        f"  {len(briefs)} rows  warning In the briefs of {len(briefs)} entities, sections are "
        f"empty: {first.item}"))
    assert first.item == f"ENT-LAS ({', '.join(first.cells)})"
    entry = " ".join(line.strip() for line in lines[at:lines.index("", at)])
    for f in briefs:  # every entity named, once, with its cells
        assert entry.count(f"{f.item};") + entry.count(f"{f.item}.") == 1
    sheets = {f.sheet for f in report.warnings if f.rule == "empty-section"}
    assert sum("In the brief" in line for line in lines) == len(sheets)  # one entry a sheet


def test_json_keeps_every_finding_errors_first(edited) -> None:
    cell = header_cell("Themes", "Relevance", 2)
    path = edited({"Themes": {cell: "Hgh"}})
    data = json.loads(CliRunner().invoke(cli, ["validate", str(path), "--format",
                                               "json"]).output)
    found = data["findings"]
    assert len(found) == data["errors"] + data["warnings"] == len(validate(path).findings)
    assert [f["severity"] for f in found] == ["error"] + ["warning"] * data["warnings"]
    assert found[0]["cell"] == cell
    briefs = [f for f in found if f["rule"] == "empty-section"]
    assert [f["sheet"] for f in briefs] == sorted((f["sheet"] for f in briefs),
                                                  key=["Entities", "Dialogues"].index)
    assert [f["row"] for f in briefs if f["sheet"] == "Entities"] == sorted(
        f["row"] for f in briefs if f["sheet"] == "Entities")


def test_a_failed_build_prints_findings_as_validate_does(edited, tmp_path: Path) -> None:
    cell = header_cell("Themes", "Relevance", 2)
    path = edited({"Themes": {cell: "Hgh"}, "Entities": {header_cell("Entities", "Acronym", 3):
                                                          "GCC "}})
    # (before any status is out of date: build does not look at the calendar)
    shown = CliRunner().invoke(cli, ["validate", str(path), "--today", "2025-08-01"]).output
    built = CliRunner().invoke(cli, ["build", str(path), "--out", str(tmp_path / "out")])
    assert built.exit_code == 1
    assert shown in built.output
    assert built.output.index("Errors (1)") < built.output.index("Warnings (")


def test_exit_codes(master: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", str(master)]).exit_code == 0
    missing = runner.invoke(cli, ["validate", str(tmp_path / "nope.xlsx")])
    assert missing.exit_code == 2
    assert "nope.xlsx: no such file" in missing.output
    assert "Traceback" not in missing.output


def test_json_is_printed_even_when_the_file_cannot_be_read(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "nope.xlsx"), "--format",
                                      "json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert (data["ok"], data["errors"]) == (False, 1)
    assert data["findings"][0]["rule"] == "cannot-run"
    assert "nope.xlsx: no such file" in data["findings"][0]["message"]


def test_outputs_are_readable_by_colleagues(tmp_path: Path) -> None:
    import os
    import stat

    path = tmp_path / "new.xlsx"
    CliRunner().invoke(cli, ["init", str(path), "--blank"])
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_date_typed_as_text_is_reported_once(edited) -> None:
    interview = next(r for r in records("Interviews") if r["Date and time"])
    cell = header_cell("Interviews", "Date and time", interview["_row"])
    path = edited({"Interviews": {cell: "12/09/2025 10:00"}})
    assert findings_at(path, "Interviews", cell) == [("wrong-type", "error")]


def test_renamed_header_points_at_the_cell(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(MASTER)
    cell = header_cell("Entities", "Name (English)", 1)
    wb["Entities"][cell] = "English name"
    path = tmp_path / "renamed.xlsx"
    wb.save(path)
    (f,) = [f for f in validate(path).errors]
    assert (f.rule, f.cell, f.column) == ("missing-column", cell, "Name (English)")
    assert f"{cell} holds 'English name'" in f.message
    assert "rename it to 'Name (English)'" in f.message


def test_title_typed_above_the_headers_is_one_finding(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(MASTER)
    wb["Workplan"].insert_rows(1)
    wb["Workplan"]["A1"] = "Consultancy workplan"
    path = tmp_path / "title.xlsx"
    wb.save(path)
    (f,) = validate(path).errors
    assert (f.sheet, f.rule, f.cell) == ("Workplan", "header-row", "A2")
    assert f.message.startswith("The headers of 'Workplan' are in row 2, not row 1. Delete "
                                "row 1 above them")


def test_a_missing_sheet_does_not_flood_its_references(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(MASTER)
    del wb["Entities"]
    path = tmp_path / "noentities.xlsx"
    wb.save(path)
    assert [(f.sheet, f.rule) for f in validate(path).errors] == [("Entities", "missing-sheet")]


def test_countries_typed_with_commas_or_by_name_say_what_to_type(tmp_path) -> None:
    """A reviewer typed 'SAU, ARE' and 'Saudi Arabia': the messages said only that neither is
    an ISO code. Now they say the separator, and the code of the country named."""
    import openpyxl

    from conftest import MASTER, header_cell
    from matrixbook.api import validate

    comma = header_cell("Policies", "Countries covered", 3)
    name = header_cell("Policies", "Countries covered", 4)
    wb = openpyxl.load_workbook(MASTER)
    wb["Policies"][comma] = "SAU, ARE"
    wb["Policies"][name] = "Saudi Arabia"
    path = tmp_path / "countries.xlsx"
    wb.save(path)
    found = {f.cell: f.message for f in validate(path).findings
             if f.sheet == "Policies" and f.cell in (comma, name)}
    assert found[comma] == ("'SAU, ARE' holds 2 values separated by commas; this column "
                            "separates them with ';'. Type 'SAU; ARE'.")
    assert found[name].startswith("'Saudi Arabia' is not an ISO 3166-1 alpha-3 country code. "
                                  "Did you mean 'SAU' (Saudi Arabia)?")
    french = {f.cell: f.message for f in validate(path, lang="fr").findings
              if f.sheet == "Policies" and f.cell == comma}
    assert french[comma] == ("'SAU, ARE' contient 2 valeurs séparées par des virgules\u00a0; "
                             "cette colonne les sépare par ';'. Tapez 'SAU; ARE'.")
