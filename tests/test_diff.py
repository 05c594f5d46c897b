"""`matrixbook diff`: pairs of workbooks built in code from the default one, with known changes.

The base copy gets a test entity, four test policies, a column of the reviewer's own and a sheet
of their own (whatever the default workbook holds besides, both versions hold it too, so it never
shows in the difference). Each test edits a copy and asserts the exact changes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from conftest import MASTER, to_pdf
from matrixbook.cli import cli
from matrixbook.diff import compare
from matrixbook.diff_workbook import FILLS
from matrixbook.schema import Schema

ENTITY = {"Entity ID": "ENT-TEST", "Acronym": "TEST", "Name (English)": "Test body",
          "Entity type": "Regional political organisation", "Geographic focus": "Maghreb",
          "IOM engagement": "To be assessed"}


def policy(pid: str, title: str, **more: Any) -> dict[str, Any]:
    record = {"Policy ID": pid, "Title (original language)": title, "Language": "en",
              "Body ID": "ENT-TEST", "Level": "Regional", "Instrument category": "Policy",
              "Instrument type": "Strategy", "Binding": "No", "Status": "In force",
              "Year adopted": 2018, "Confirmed": "No"}
    record.update(more)
    return record


POLICIES = [
    policy("POL-901", "Test strategy one", Language="english", **{"Year adopted": 2016}),
    policy("POL-902", "Test strategy two"),
    policy("POL-903", "Test strategy three"),
    policy("POL-904", "Test strategy four", **{"Title (English)": "Test strategy four"}),
]
COMMENT = "Reviewer comment"
OWN_SHEET = "Contacts log"


class Sheet:
    """A sheet of an openpyxl workbook addressed by header, as staff read it."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    @property
    def headers(self) -> list[Any]:
        return [c.value for c in self.ws[1]]

    def col(self, header: str) -> int:
        return self.headers.index(header) + 1

    def letter(self, header: str) -> str:
        return get_column_letter(self.col(header))

    def row_of(self, key: Any) -> int:
        for row in range(2, self.ws.max_row + 1):
            if self.ws.cell(row, 1).value == key:
                return row
        raise KeyError(key)

    def last_row(self) -> int:
        rows = [r for r in range(2, self.ws.max_row + 1) if self.ws.cell(r, 1).value not in
                (None, "")]
        return max(rows, default=1)

    def append(self, record: dict[str, Any]) -> int:
        row = self.last_row() + 1
        for header, value in record.items():
            self.ws.cell(row, self.col(header), value)
        return row

    def set(self, key: str, header: str, value: Any) -> str:
        ref = f"{self.letter(header)}{self.row_of(key)}"
        self.ws[ref] = value
        return ref

    def values(self, row: int) -> list[Any]:
        return [c.value for c in self.ws[row]]

    def delete(self, key: str) -> None:
        self.ws.delete_rows(self.row_of(key))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default workbook plus the test records, a reviewer's column and a sheet of theirs."""
    wb = openpyxl.load_workbook(MASTER)
    Sheet(wb["Entities"]).append(ENTITY)
    pol = Sheet(wb["Policies"])
    pol.ws.cell(1, len([h for h in pol.headers if h]) + 1, COMMENT)
    for record in POLICIES:
        pol.append(record)
    pol.set("POL-901", COMMENT, "check the year")
    own = wb.create_sheet(OWN_SHEET)
    for row in (["Contact", "Organisation", "Last contact"],
                ["C-1", "Test body", datetime(2025, 8, 1)],
                ["C-2", "Test body", datetime(2025, 8, 2)]):
        own.append(row)
    path = tmp_path_factory.mktemp("diff") / "base.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def revise(base: Path, tmp_path: Path) -> Callable[..., Path]:
    """revise(edit) -> a copy of the base workbook after edit(workbook) has run on it."""

    def make(edit: Callable[[Any], None], name: str = "new.xlsx") -> Path:
        wb = openpyxl.load_workbook(base)
        edit(wb)
        path = tmp_path / name
        wb.save(path)
        return path

    return make


def cell(path: Path, sheet: str, key: str, header: str) -> str:
    wb = openpyxl.load_workbook(path, read_only=False)
    s = Sheet(wb[sheet])
    return f"{s.letter(header)}{s.row_of(key)}"


def the_revision(wb: Any) -> None:
    """Every kind of change at once: the revision the reviewer receives."""
    pol = Sheet(wb["Policies"])
    pol.set("POL-901", "Status", "Adopted")  # an edited cell
    pol.set("POL-901", "Language", "en")  # fixes a finding
    pol.set("POL-901", "Year adopted", 2016.0)  # the same number
    pol.set("POL-901", "Binding", False)  # No, typed as a yes/no value
    pol.set("POL-901", COMMENT, "year checked")  # in the reviewer's own column
    pol.set("POL-904", "Title (English)", "Test strategy four ")  # white space only
    moved = pol.values(pol.row_of("POL-902"))
    pol.delete("POL-902")
    pol.delete("POL-903")  # a removed record
    pol.append(policy("POL-905", "Test strategy five"))  # an added record
    row = pol.last_row() + 1
    for col, value in enumerate(moved, start=1):  # POL-902 moves to the end
        pol.ws.cell(row, col).value = value
    pol.ws.cell(1, pol.col(COMMENT), "Reviewer comments")  # a renamed header
    own = Sheet(wb[OWN_SHEET])
    own.set("C-2", "Last contact", datetime(2025, 8, 20))
    notes = wb.create_sheet("Reviewer notes")
    notes.append(["Note"])
    notes.append(["Check the years against the sources."])


def shade(c: Any) -> tuple[str | None, Any]:
    return c.fill.fill_type, c.fill.fgColor.rgb if c.fill.fill_type else None


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------
# The library


def test_identical_copies_have_no_difference(base: Path, tmp_path: Path, schema: Schema) -> None:
    copy = tmp_path / "copy.xlsx"
    shutil.copyfile(base, copy)
    result = compare(base, copy, schema)
    assert result.changes == []
    assert result.findings == []
    assert result.exit_code == 0


def test_the_exact_changes_of_a_revision(base: Path, revise: Callable[..., Path],
                                         schema: Schema) -> None:
    new = revise(the_revision)
    result = compare(base, new, schema)
    pol_old = lambda key, header: cell(base, "Policies", key, header)  # noqa: E731
    pol_new = lambda key, header: cell(new, "Policies", key, header)  # noqa: E731
    comment_col = Sheet(openpyxl.load_workbook(new)["Policies"]).letter("Reviewer comments")
    assert [c.as_dict() for c in result.changes] == [
        {"sheet": "Policies", "key": None, "column": "Reviewer comments",
         "old": COMMENT, "new": "Reviewer comments", "kind": "column-renamed",
         "cell": f"{comment_col}1", "old_cell": f"{comment_col}1"},
        {"sheet": "Policies", "key": "POL-901", "column": "Language", "old": "english",
         "new": "en", "kind": "changed", "cell": pol_new("POL-901", "Language"),
         "old_cell": pol_old("POL-901", "Language")},
        {"sheet": "Policies", "key": "POL-901", "column": "Status", "old": "In force",
         "new": "Adopted", "kind": "changed", "cell": pol_new("POL-901", "Status"),
         "old_cell": pol_old("POL-901", "Status")},
        {"sheet": "Policies", "key": "POL-901", "column": "Reviewer comments",
         "old": "check the year", "new": "year checked", "kind": "changed",
         "cell": pol_new("POL-901", "Reviewer comments"),
         "old_cell": pol_old("POL-901", COMMENT)},
        {"sheet": "Policies", "key": "POL-904", "column": "Title (English)",
         "old": "Test strategy four", "new": "Test strategy four ", "kind": "whitespace",
         "cell": pol_new("POL-904", "Title (English)"),
         "old_cell": pol_old("POL-904", "Title (English)")},
        {"sheet": "Policies", "key": "POL-905", "column": None, "old": None,
         "new": {**policy("POL-905", "Test strategy five")}, "kind": "added",
         "cell": pol_new("POL-905", "Policy ID"), "old_cell": None},
        {"sheet": "Policies", "key": "POL-903", "column": None,
         "old": policy("POL-903", "Test strategy three"), "new": None, "kind": "removed",
         "cell": None, "old_cell": pol_old("POL-903", "Policy ID")},
        {"sheet": "Contacts log", "key": "C-2", "column": "Last contact",
         "old": "2025-08-02", "new": "2025-08-20", "kind": "changed", "cell": "C3",
         "old_cell": "C3"},
        {"sheet": "Reviewer notes", "key": None, "column": None, "old": None,
         "new": "Reviewer notes", "kind": "sheet-added", "cell": "A1", "old_cell": None},
    ]
    assert result.exit_code == 1


def test_the_validation_difference_follows_the_record(base: Path, revise: Callable[..., Path],
                                                      schema: Schema) -> None:
    result = compare(base, revise(the_revision), schema)
    ours = {"POL-901", "POL-902", "POL-904"}  # edited in place or moved
    assert [(f.key, f.finding.column, f.finding.rule, f.finding.cell)
            for f in result.introduced if f.key in ours] == [
        ("POL-904", "Title (English)", "whitespace",
         cell(revise(the_revision, "again.xlsx"), "Policies", "POL-904", "Title (English)"))]
    assert [(f.key, f.finding.column, f.finding.rule) for f in result.fixed
            if f.key in ours] == [("POL-901", "Language", "vocabulary")]


def test_a_moved_record_is_not_a_change(base: Path, revise: Callable[..., Path],
                                        schema: Schema) -> None:
    def move(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        first, last = pol.row_of("POL-901"), pol.row_of("POL-904")
        a, b = pol.values(first), pol.values(last)
        for col, (x, y) in enumerate(zip(a, b, strict=True), start=1):
            pol.ws.cell(first, col).value = y  # cell(r, c, None) would leave the old value
            pol.ws.cell(last, col).value = x

    result = compare(base, revise(move), schema)
    assert result.changes == [] and result.findings == [] and result.exit_code == 0


def test_a_moved_column_is_not_a_change(base: Path, revise: Callable[..., Path],
                                        schema: Schema) -> None:
    def move(wb: Any) -> None:  # the reviewer's column goes first, the rest shift right
        ws = wb["Policies"]
        ws.insert_cols(1)
        source = Sheet(ws).col(COMMENT)
        for row in range(1, ws.max_row + 1):
            ws.cell(row, 1).value = ws.cell(row, source).value
            ws.cell(row, source).value = None

    result = compare(base, revise(move), schema)
    assert result.changes == []


def test_typed_values_that_are_equal_are_not_changes(base: Path, revise: Callable[..., Path],
                                                     schema: Schema) -> None:
    def retype(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.set("POL-902", "Year adopted", 2018.0)  # 2018 and 2018.0
        pol.set("POL-902", "Binding", False)  # 'No' and FALSE in a yes/no column
        pol.set("POL-902", "Confirmed", "no")
        Sheet(wb[OWN_SHEET]).set("C-1", "Organisation", "Test body")

    assert compare(base, revise(retype), schema).changes == []


def test_text_stays_text(base: Path, revise: Callable[..., Path], schema: Schema) -> None:
    def as_text(wb: Any) -> None:
        Sheet(wb["Policies"]).set("POL-902", "Year adopted", "2018")

    result = compare(base, revise(as_text), schema)
    assert result.flatten(["kind", "key", "column", "old", "new"]) == [
        ["changed", "POL-902", "Year adopted", 2018, "2018"]]
    assert "Year adopted" in result.to_text() and "2018 → '2018'" in result.to_text()


def test_white_space_is_its_own_kind(base: Path, revise: Callable[..., Path],
                                     schema: Schema) -> None:
    def spaces(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.set("POL-902", "Title (original language)", "Test  strategy\u00a0two")
        pol.set("POL-903", "Title (original language)", "Test strategy 3 ")

    result = compare(base, revise(spaces), schema)
    assert result.flatten(["kind", "key", "column"]) == [
        ["whitespace", "POL-902", "Title (original language)"],
        ["changed", "POL-903", "Title (original language)"]]


def test_a_renamed_declared_header_is_a_rename(base: Path, revise: Callable[..., Path],
                                               schema: Schema) -> None:
    """'Statu' is close enough to 'Status' that the reader sets the column aside as misspelt;
    the diff still names it a rename and compares its values."""

    def rename(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.set("POL-902", "Status", "Draft")
        pol.ws.cell(1, pol.col("Status"), "Statu")

    new = revise(rename)
    result = compare(base, new, schema)
    letter = Sheet(openpyxl.load_workbook(new)["Policies"]).letter("Statu")
    assert result.flatten(["kind", "key", "column", "old", "new", "cell"]) == [
        ["column-renamed", None, "Statu", "Status", "Statu", f"{letter}1"],
        ["changed", "POL-902", "Statu", "In force", "Draft",
         cell(new, "Policies", "POL-902", "Statu")]]
    assert [(f.finding.rule, f.finding.column) for f in result.introduced][:1] == [
        ("misspelt-header", "Statu")]


def test_a_new_name_at_the_same_place_with_the_same_values_is_a_rename(
        base: Path, revise: Callable[..., Path], schema: Schema) -> None:
    def rename(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.ws.cell(1, pol.col(COMMENT), "Notes from IOM")

    result = compare(base, revise(rename), schema)
    assert result.flatten(["kind", "old", "new"]) == [
        ["column-renamed", COMMENT, "Notes from IOM"]]


def test_columns_added_and_removed(base: Path, revise: Callable[..., Path],
                                   schema: Schema) -> None:
    def columns(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        source = pol.col(COMMENT)
        for row in range(1, pol.ws.max_row + 1):
            pol.ws.cell(row, source).value = None
        pol.ws.cell(1, source + 3, "Priority")
        pol.set("POL-901", "Priority", "High")

    result = compare(base, revise(columns), schema)
    assert result.flatten(["kind", "column", "old", "new"]) == [
        ["column-added", "Priority", None, "Priority"],
        ["column-removed", COMMENT, COMMENT, None]]


def test_a_duplicated_id_pairs_in_order(base: Path, revise: Callable[..., Path],
                                        schema: Schema) -> None:
    def duplicate(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.append(policy("POL-902", "Test strategy two, again"))

    result = compare(base, revise(duplicate), schema)
    assert result.flatten(["kind", "key"]) == [["added", "POL-902"]]
    assert [(f.key, f.finding.rule) for f in result.introduced] == [
        ("POL-902", "duplicate-key")]


def test_own_sheet_without_a_unique_first_column_is_lined_up_by_rows(
        base: Path, revise: Callable[..., Path], schema: Schema) -> None:
    def log(wb: Any) -> None:
        own = Sheet(wb[OWN_SHEET])
        own.ws.cell(3, 1, "C-1")  # the first column is no longer unique: rows by content
        own.ws.cell(2, 2, "Another body")

    result = compare(base, revise(log), schema)
    assert result.flatten(["sheet", "kind", "key", "column", "old", "new", "cell"]) == [
        ["Contacts log", "changed", None, "Organisation", "Test body", "Another body", "B2"],
        ["Contacts log", "changed", None, "Contact", "C-2", "C-1", "A3"]]

    def insert(wb: Any) -> None:  # a row inserted above the others, one edited
        own = wb[OWN_SHEET]
        own.insert_rows(2)
        own["A2"], own["B2"] = "C-1", "A third body"
        own["C4"] = datetime(2025, 8, 30)

    result = compare(revise(log, "old.xlsx"), revise(lambda wb: (log(wb), insert(wb))), schema)
    assert result.flatten(["kind", "column", "old", "new", "cell", "old_cell"]) == [
        ["added", None, None, {"Contact": "C-1", "Organisation": "A third body"}, "A2", None],
        ["changed", "Last contact", date(2025, 8, 2), date(2025, 8, 30), "C4", "C3"]]


def test_sheets_removed_and_renamed(base: Path, revise: Callable[..., Path],
                                    schema: Schema) -> None:
    def sheets(wb: Any) -> None:
        wb[OWN_SHEET].title = "Contacts"

    result = compare(base, revise(sheets), schema)
    assert result.flatten(["kind", "sheet", "old", "new"]) == [
        ["sheet-renamed", "Contacts", OWN_SHEET, "Contacts"]]

    def drop(wb: Any) -> None:
        del wb[OWN_SHEET]

    result = compare(base, revise(drop, "dropped.xlsx"), schema)
    assert result.flatten(["kind", "sheet", "old", "cell"]) == [
        ["sheet-removed", OWN_SHEET, OWN_SHEET, None]]


def test_a_deleted_declared_sheet_fixes_nothing(base: Path, revise: Callable[..., Path],
                                                schema: Schema) -> None:
    """POL-901's bad language is not "fixed" by deleting the Policies sheet."""

    def drop(wb: Any) -> None:
        del wb["Policies"]

    result = compare(base, revise(drop), schema)
    assert result.flatten(["kind", "sheet"]) == [["sheet-removed", "Policies"]]
    assert [(f.finding.sheet, f.finding.rule) for f in result.introduced] == [
        ("Policies", "missing-sheet")]
    assert [f for f in result.fixed if f.finding.sheet == "Policies"] == []


def test_text_output_groups_by_sheet_and_record(base: Path, revise: Callable[..., Path],
                                                schema: Schema) -> None:
    new = revise(the_revision)
    text = compare(base, new, schema).to_text()
    assert all(len(line) <= 100 for line in text.splitlines())
    lines = text.splitlines()
    at = lines.index("Policies: 1 record added, 1 removed, 2 changed, 1 column change")

    def ref(key: str, header: str, path: Path = new) -> str:
        return cell(path, "Policies", key, header)

    comments = ref("POL-901", "Reviewer comments")
    assert lines[at:at + 9] == [
        "Policies: 1 record added, 1 removed, 2 changed, 1 column change",
        f"  Column renamed: '{COMMENT}' → 'Reviewer comments' ({comments[:2]}1)",
        f"  POL-901  changed (row {comments[2:]})",
        f"      Language           {ref('POL-901', 'Language'):<6} 'english' → 'en'",
        f"      Status             {ref('POL-901', 'Status'):<6} 'In force' → 'Adopted'",
        f"      Reviewer comments  {comments:<6} 'check the year' → 'year checked'",
        f"  POL-904  changed (row {ref('POL-904', 'Policy ID')[1:]})",
        f"      Title (English)    {ref('POL-904', 'Title (English)'):<6} white space only: "
        "'Test strategy four' → 'Test strategy four '",
        f"  POL-905  added (row {ref('POL-905', 'Policy ID')[1:]}): Test strategy five | en",
    ]
    assert lines[at + 9] == (f"  POL-903  removed (was row {ref('POL-903', 'Policy ID', base)[1:]})"
                             ": Test strategy three | en")
    assert lines[at + 11:at + 14] == ["Contacts log: 1 changed", "  C-2  changed (row 3)",
                                      "      Last contact  C3     2025-08-02 → 2025-08-20"]
    assert lines[at + 15:at + 17] == ["Reviewer notes: sheet added",
                                      "  Sheet 'Reviewer notes' added"]
    assert lines[-1] == "9 changes in 3 sheets; validation: 1 new problem, 1 fixed."


def test_long_text_edits_show_where_they_differ(base: Path, revise: Callable[..., Path],
                                                schema: Schema) -> None:
    long = "Art. 5 of the test strategy: " + "states shall cooperate on mobility. " * 6

    def edit(wb: Any) -> None:
        Sheet(wb["Policies"]).set("POL-902", "Relevant provisions", long + "New sentence.")

    def first(wb: Any) -> None:
        Sheet(wb["Policies"]).set("POL-902", "Relevant provisions", long)

    old = revise(first, "old.xlsx")
    text = compare(old, revise(edit), schema).to_text()
    was = next(line for line in text.splitlines() if line.strip().startswith("was:"))
    now = next(line for line in text.splitlines() if line.strip().startswith("now:"))
    assert len(now) <= 100 and now.rstrip("'").endswith("New sentence.")
    assert was.strip().startswith("was: '…")


def test_large_files_are_read_side_by_side(base: Path, revise: Callable[..., Path],
                                          schema: Schema, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above PARALLEL_BYTES each version is read and checked in its own process: same result."""
    from matrixbook.speedups import pool

    new = revise(the_revision)
    in_turn = compare(base, new, schema)
    monkeypatch.setattr(pool, "PARALLEL_BYTES", 0)
    side_by_side = compare(base, new, schema)
    assert side_by_side.changes == in_turn.changes
    assert side_by_side.findings == in_turn.findings


def test_side_by_side_a_bad_old_file_is_told_first(base: Path, tmp_path: Path, schema: Schema,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from matrixbook.errors import InputError
    from matrixbook.speedups import pool

    monkeypatch.setattr(pool, "PARALLEL_BYTES", 0)
    bad = tmp_path / "old.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputError, match=f"^{bad} is not an Excel workbook"):
        compare(bad, base, schema)


# ---------------------------------------------------------------------------------------------
# The command


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["diff", *args], catch_exceptions=False)


def test_exit_status_like_diff(base: Path, revise: Callable[..., Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy.xlsx"
    shutil.copyfile(base, copy)
    same = run(str(base), str(copy))
    assert same.exit_code == 0, same.output
    assert same.output.splitlines()[-1] == f"No differences between {base} and {copy}."
    differ = run(str(base), str(revise(the_revision)))
    assert differ.exit_code == 1


def test_a_missing_file_is_one_clear_line(base: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.xlsx"
    result = CliRunner().invoke(cli, ["diff", str(base), str(missing)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {missing}: no such file. Check the path, or run `matrixbook init` to create a "
        "new master workbook."]


def test_not_a_workbook_is_exit_2(base: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("Policy ID,Title\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(text), str(base)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {text}") and len(result.stderr.splitlines()) == 1


def test_json_has_one_entry_per_change(base: Path, revise: Callable[..., Path]) -> None:
    new = revise(the_revision)
    result = run(str(base), str(new), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["same"] is False
    assert len(data["changes"]) == 9
    assert data["changes"][2] == {
        "sheet": "Policies", "key": "POL-901", "column": "Status", "old": "In force",
        "new": "Adopted", "kind": "changed", "cell": cell(new, "Policies", "POL-901", "Status"),
        "old_cell": cell(base, "Policies", "POL-901", "Status")}
    removed = next(c for c in data["changes"] if c["kind"] == "removed")
    assert removed["cell"] is None and removed["key"] == "POL-903"
    assert {f["rule"] for f in data["findings"]["fixed"]} >= {"vocabulary"}


# ---------------------------------------------------------------------------------------------
# --out: the change log and the tracked copy


@pytest.fixture
def written(base: Path, revise: Callable[..., Path], tmp_path: Path) -> dict[str, Any]:
    new = revise(the_revision)
    before = (digest(base), digest(new))
    out = tmp_path / "changes.xlsx"
    result = run(str(base), str(new), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert (digest(base), digest(new)) == before  # neither input touched
    return {"new": new, "out": out, "tracked": tmp_path / "changes-tracked.xlsx",
            "output": result.output}


def test_out_writes_the_log_and_the_tracked_copy(written: dict[str, Any]) -> None:
    assert written["output"].splitlines()[-1] == (
        f"Wrote {written['out']} and {written['tracked']}.")
    log = openpyxl.load_workbook(written["out"])
    assert log.sheetnames == ["Summary", "Changes", "Validation"]
    changes = log["Changes"]
    assert [c.value for c in changes[1]] == ["Sheet", "ID", "Column", "Change", "Old value",
                                             "New value", "Cell", "Old cell"]
    status = next(r for r in changes.iter_rows(min_row=2) if r[2].value == "Status")
    ref = cell(written["new"], "Policies", "POL-901", "Status")
    assert [c.value for c in status[:7]] == ["Policies", "POL-901", "Status", "Changed",
                                             "In force", "Adopted", ref]
    assert (status[6].hyperlink.target, status[6].hyperlink.location) == (
        "changes-tracked.xlsx", f"'Policies'!{ref}")
    summary = log["Summary"]
    rows = {r[0].value: [c.value for c in r[1:10]] for r in summary.iter_rows(min_row=8)
            if r[0].value in ("Policies", "Contacts log", "Total")}
    assert rows["Policies"][:6] == [1, 1, 2, 3, 1, 1]
    assert rows["Contacts log"][:6] == [0, 0, 1, 1, 0, 0]


def test_tracked_copy_marks_each_changed_cell(written: dict[str, Any]) -> None:
    new = written["new"]
    wb = openpyxl.load_workbook(written["tracked"])
    pol = wb["Policies"]
    before = openpyxl.load_workbook(new)["Policies"]
    marked = {c.coordinate: (c.fill.fgColor.rgb[-6:], c.comment.text if c.comment else None)
              for row in pol.iter_rows() for c in row
              if shade(c) != shade(before[c.coordinate])}
    status = cell(new, "Policies", "POL-901", "Status")
    title = cell(new, "Policies", "POL-904", "Title (English)")
    added = Sheet(wb["Policies"]).row_of("POL-905")
    orange, grey, green = (FILLS[k].lstrip("#") for k in ("changed", "whitespace", "added"))
    assert marked[status] == (orange, "Changed since base.xlsx. Was: 'In force'")
    assert marked[title] == (grey, "Only the white space changed since base.xlsx. Was: "
                                   "'Test strategy four'")
    assert marked[f"A{added}"] == (green, "Record added since base.xlsx.")
    assert {ref for ref in marked if ref.endswith(str(added))} == {
        f"{get_column_letter(i)}{added}" for i in range(1, pol.max_column + 1)}
    header_marks = {ref for ref in marked if ref[-1] == "1" and ref[-2].isalpha()}
    comments = f"{Sheet(wb['Policies']).letter('Reviewer comments')}1"
    assert header_marks == {comments}
    assert marked[comments] == (FILLS["column-renamed"].lstrip("#"),
                                f"Header renamed since base.xlsx. Was: '{COMMENT}'")
    unmarked = [ref for ref in marked
                if not ref.endswith(str(added)) and ref not in header_marks]
    assert sorted(unmarked) == sorted([status, title,
                                       cell(new, "Policies", "POL-901", "Language"),
                                       cell(new, "Policies", "POL-901", "Reviewer comments")])
    assert wb["Contacts log"]["C3"].comment.text == (
        "Changed since base.xlsx. Was: 2025-08-02")
    # everything else in the user's workbook is kept
    assert wb.sheetnames == openpyxl.load_workbook(new).sheetnames
    assert wb["Policies"].data_validations.count == openpyxl.load_workbook(
        new)["Policies"].data_validations.count


def test_out_refuses_to_replace(base: Path, revise: Callable[..., Path], written: dict[str, Any],
                                tmp_path: Path) -> None:
    new = written["new"]
    again = CliRunner().invoke(cli, ["diff", str(base), str(new), "--out", str(written["out"])])
    assert again.exit_code == 2
    assert again.stderr == (f"Error: {written['out']} already exists; choose another name or "
                            "add --force to replace it.\n")
    forced = run(str(base), str(new), "--out", str(written["out"]), "--force")
    assert forced.exit_code == 1
    over = CliRunner().invoke(cli, ["diff", str(base), str(new), "--out", str(base),
                                    "--force"])
    assert over.exit_code == 2 and "write over" in over.stderr


def test_change_log_is_byte_identical(base: Path, revise: Callable[..., Path],
                                      tmp_path: Path) -> None:
    new = revise(the_revision)
    first, second = tmp_path / "a" / "changes.xlsx", tmp_path / "b" / "changes.xlsx"
    assert run(str(base), str(new), "--out", str(first)).exit_code == 1
    assert run(str(base), str(new), "--out", str(second)).exit_code == 1
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.office
def test_change_log_opens_in_libreoffice(written: dict[str, Any], tmp_path: Path) -> None:
    pdf = to_pdf(written["out"], tmp_path / "pdf")
    assert pdf.stat().st_size > 1000
    to_pdf(written["tracked"], tmp_path / "pdf")
