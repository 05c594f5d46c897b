"""What `schemas/` declares is what the code does: sheet names, status meanings, column defaults
and the CLIMB mapping come from the yaml, so changing them there changes the tool."""

from __future__ import annotations

import importlib
import re
import shutil
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
import yaml

from conftest import REPO
from matrixbook.model.interviews import Timing
from matrixbook.newbook import write_workbook
from matrixbook.outputs.calendar import event_statuses
from matrixbook.outputs.review_log import STATUS_FILL
from matrixbook.outputs.workplan.interviews import INTERVIEW_STATUS_FILL
from matrixbook.outputs.workplan.schedule import MARKERS, STATUS_COLOUR, PlanTerms
from matrixbook.resources import seed_dir
from matrixbook.schema import Meaning, Schema, SchemaError, load_schema
from matrixbook.schema_climb import ClimbMapping
from matrixbook.seed import load_about, load_seed
from matrixbook.validation import check_workbook

build_module = importlib.import_module("matrixbook.build")  # not matrixbook.build(), the API
RENAMED = {"Policies": "Politiques", "Memberships": "Adhesions", "Interviews": "Entretiens"}


def schema_copy(tmp_path: Path, edit: dict[str, str] | None = None) -> Path:
    """A copy of schemas/ with the text replacements of `edit` made in every yaml file."""
    root = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", root)
    for path in root.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for old, new in (edit or {}).items():
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    return root


def renamed_schema(tmp_path: Path) -> Schema:
    edit = {f"name: {old}\n": f"name: {new}\n" for old, new in RENAMED.items()}
    edit |= {f"{old}.": f"{new}." for old, new in RENAMED.items()}  # references
    edit |= {"lists_sheet: Lists": "lists_sheet: Listes", "about_sheet: About":
             "about_sheet: A propos"}
    return load_schema(schema_copy(tmp_path, edit))


def test_sheet_names_are_read_from_the_declarations(schema: Schema) -> None:
    names = schema.names
    assert (names.policies, names.entities, names.lists, names.about) == (
        "Policies", "Entities", "Lists", "About")
    assert [schema.sheet(n).id for n in schema.sheet_names] == yaml.safe_load(
        (REPO / "schemas" / "workbook.yaml").read_text())["sheets"]


def test_a_sheet_the_code_reads_must_be_declared(tmp_path: Path) -> None:
    root = schema_copy(tmp_path, {"lists_sheet: Lists\n": ""})
    with pytest.raises(SchemaError, match="workbook.yaml declares no sheet lists"):
        load_schema(root)


def test_sheets_renamed_in_the_yaml_are_written_checked_and_built(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = renamed_schema(tmp_path)
    path = write_workbook(tmp_path / "renamed.xlsx", schema, load_seed(seed_dir(), schema),
                          about=load_about(seed_dir()))
    wb = openpyxl.load_workbook(path)
    assert {"Politiques", "Adhesions", "Entretiens", "Listes", "A propos"} <= set(wb.sheetnames)
    ws = wb["Politiques"]
    headers = [c.value for c in ws[1]]
    context, url = headers.index("Climate context") + 1, headers.index("Source URL") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, context).value)
    ws.cell(row, url).value = None
    wb.save(path)

    report = check_workbook(path, schema).report
    assert report.ok, report.to_text()
    assert not [f for f in report.findings if f.rule in ("no-lists-sheet", "missing-sheet")]
    climb = [f for f in report.findings if f.rule == "climb-no-source"]
    assert [(f.sheet, f.row) for f in climb] == [("Politiques", row)]

    monkeypatch.setattr(build_module, "load_schema", lambda: schema)
    result = build_module.build_outputs(path, tmp_path / "out")
    assert result.report.ok
    climb_sheet = openpyxl.load_workbook(tmp_path / "out" / "climb_policies.xlsx").worksheets[0]
    assert climb_sheet.max_row > 2  # the climate policies of Politiques, with their members


# --- what a status means: flags on the terms of vocabularies.yaml ----------------------------

def test_statuses_mean_what_their_flags_say(schema: Schema) -> None:
    assert event_statuses(schema) == {"Planned": ("TENTATIVE", 0), "Confirmed": ("CONFIRMED", 1),
                                      "Postponed": ("CANCELLED", 2), "Declined": ("CANCELLED", 2),
                                      "Cancelled": ("CANCELLED", 2)}
    assert PlanTerms.of(schema) == PlanTerms(("Done", "Cancelled"), ("Deliverable",))
    assert schema.codes("collection_status", Meaning.DONE) == ("Collected", "Reviewed")
    assert schema.codes("review_status", Meaning.DRAFT) == ("Draft",)
    assert schema.codes("comment_status", Meaning.OPEN) == ("Open",)
    assert schema.codes("workplan_phases", Meaning.COLLECTION) == ("Interviews",)


def test_an_unknown_flag_on_a_term_is_refused(tmp_path: Path) -> None:
    root = schema_copy(tmp_path, {"{code: Done, done: true}": "{code: Done, finished: true}"})
    with pytest.raises(SchemaError, match="interview_status: Done: unknown flag finished"):
        load_schema(root)


def test_a_status_renamed_in_the_yaml_keeps_its_meaning(tmp_path: Path) -> None:
    """Interviews 'Held' instead of 'Done': the rules ask for the flag, so a held interview
    without consent is still reported."""
    schema = load_schema(schema_copy(tmp_path, {"confirmed: true}, {code: Done, done: true}":
                                                "confirmed: true}, {code: Held, done: true}"}))
    assert schema.codes("interview_status", Meaning.DONE) == ("Held",)
    rows = load_seed(seed_dir(), schema)
    interviews = rows[schema.names.interviews]
    held = 0
    interviews[held].update({"Status": "Held", "Consent": None})
    path = write_workbook(tmp_path / "held.xlsx", schema, rows)
    report = check_workbook(path, schema).report
    assert [(f.sheet, f.row) for f in report.findings if f.rule == "done-without-consent"] == [
        (schema.names.interviews, held + 2)]


@pytest.mark.parametrize(("vocabulary", "keys"), [
    ("interview_status", INTERVIEW_STATUS_FILL), ("workplan_status", STATUS_COLOUR),
    ("workplan_item_types", MARKERS), ("comment_status", STATUS_FILL)])
def test_the_colours_of_the_outputs_name_terms_of_their_vocabulary(
        schema: Schema, vocabulary: str, keys: dict[str, object]) -> None:
    """Colours and markers stay keyed by term (they are layout); a term renamed in the yaml
    must not leave its colour behind."""
    assert set(keys) <= schema.vocabulary(vocabulary).code_set


# --- column defaults: what an empty cell is read as -------------------------------------------

def test_the_interview_defaults_are_declared_on_their_columns(schema: Schema) -> None:
    sheet = schema.sheet(schema.names.interviews)
    assert (sheet.column("time_zone").default, sheet.column("duration_min").default) == (
        "Africa/Cairo", 60)
    assert Timing.of(schema) == Timing("Africa/Cairo", 60)


@pytest.mark.parametrize(("edit", "message"), [
    ("default: Africa/Cairo", "Time zone: default 'Europe/Paris' is not in time_zones"),
    ("default: 60", "Duration \\(minutes\\): default 5 is outside 10..480"),
])
def test_a_default_the_column_would_refuse_is_refused(tmp_path: Path, edit: str,
                                                       message: str) -> None:
    wrong = edit.replace("Africa/Cairo", "Europe/Paris").replace("60", "5")
    with pytest.raises(SchemaError, match=message):
        load_schema(schema_copy(tmp_path, {edit: wrong}))


@pytest.mark.parametrize(("default", "clash"), [(60, False), (90, True)])
def test_the_clash_check_reads_an_empty_duration_as_the_declared_default(
        tmp_path: Path, default: int, clash: bool) -> None:
    """Two interviews of one interviewer 75 minutes apart, durations empty: they overlap only
    when an empty duration means more than 75 minutes."""
    schema = load_schema(schema_copy(tmp_path, {"default: 60": f"default: {default}"}))
    rows = load_seed(seed_dir(), schema)
    first, second = rows[schema.names.interviews][:2]
    second.update({"Interviewer": first["Interviewer"], "Time zone": first["Time zone"],
                   "Date and time": first["Date and time"] + timedelta(minutes=75)})
    first["Duration (minutes)"] = second["Duration (minutes)"] = None
    path = write_workbook(tmp_path / "clash.xlsx", schema, rows)
    found = [f.row for f in check_workbook(path, schema).report.findings
             if f.rule == "interviewer-clash"]
    assert found == ([3] if clash else [])


# --- the CLIMB mapping: typed, and never restating the Policies sheet --------------------------

def test_the_climb_mapping_is_typed_and_takes_its_checks_from_the_policies_sheet(
        schema: Schema) -> None:
    assert isinstance(schema.climb, ClimbMapping) and "climb" not in schema.extra
    by_label = {c.label: c for c in schema.climb.columns}
    policies = schema.sheet(schema.names.policies)
    assert by_label["Record ID"].pattern == policies.column("policy_id").pattern
    assert (by_label["Year adopted"].minimum, by_label["Year adopted"].maximum) == (
        policies.column("year_adopted").minimum, policies.column("year_adopted").maximum)
    assert [(n.field, n.name, n.rule) for n in schema.climb.needs] == [
        ("source_url", "Source URL", "climb-no-source"),
        ("date_accessed", "Date accessed", "climb-no-date-accessed"),
        ("provisions", "Relevant provisions", "climb-no-provisions"),
        ("mobility_types", "Mobility types", "climb-no-mobility-type")]


def test_a_policy_id_pattern_changed_in_the_policies_sheet_reaches_the_export(
        tmp_path: Path) -> None:
    schema = load_schema(schema_copy(tmp_path, {"'^POL-[0-9]{3,6}$'": "'^POL-[0-9]{4}$'"}))
    assert {c.label: c for c in schema.climb.columns}["Record ID"].pattern == "^POL-[0-9]{4}$"


@pytest.mark.parametrize(("edit", "message"), [
    ({"{label: Record ID, source: policy_id, type: string, required: true,":
      "{label: Record ID, source: policy_id, type: string, required: true, pattern: '^P$',"},
     "Record ID: pattern is declared by Policies.Policy ID; do not repeat it here"),
    ({"source: year_adopted, type: integer, required: true,":
      "source: year_adopted, type: integer, required: true, min: 1945, max: 2100,"},
     "Year adopted: min, max is declared by Policies.Year adopted"),
    ({"rule: climb-no-provisions": "rule: climb-no-text"},
     "need provisions: no rule 'climb-no-text'"),
])
def test_a_climb_declaration_that_repeats_or_misnames_is_refused(
        tmp_path: Path, edit: dict[str, str], message: str) -> None:
    with pytest.raises(SchemaError, match=re.escape(message)):
        load_schema(schema_copy(tmp_path, edit))


def test_the_hint_of_a_need_is_the_end_of_its_finding(tmp_path: Path) -> None:
    """Change a hint in climb.yaml: validate says the new words."""
    hint = "Copy the provisions from the official gazette."
    declared = ("Type the article and an excerpt of the provisions that govern human mobility, "
                "e.g.\n      Art. 16: ...")
    schema = load_schema(schema_copy(tmp_path, {declared: hint}))
    rows = load_seed(seed_dir(), schema)
    policies = rows[schema.names.policies]
    at = next(i for i, rec in enumerate(policies) if rec.get("Climate context"))
    policies[at]["Relevant provisions"] = None
    path = write_workbook(tmp_path / "hint.xlsx", schema, rows)
    found = [f for f in check_workbook(path, schema).report.findings
             if f.rule == "climb-no-provisions" and f.row == at + 2]
    assert len(found) == 1 and found[0].message.endswith(hint)


def test_a_column_key_the_loader_does_not_know_is_refused(tmp_path: Path) -> None:
    """A key nothing reads (a typo, or the retired `example`) is an error, not a silent no-op."""
    root = schema_copy(tmp_path, {"pattern: '^POL-[0-9]{3,6}$', width: 11,":
                                  "pattern: '^POL-[0-9]{3,6}$', width: 11, example: POL-001,"})
    with pytest.raises(SchemaError, match="Policies.Policy ID: unknown key example"):
        load_schema(root)
