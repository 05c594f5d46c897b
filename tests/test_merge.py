"""`matrixbook merge BASE MINE THEIRS --out MERGED`: copies edited in parallel, built in code.

BASE is the default workbook plus a test entity, four test policies, a column of the reviewer's
own and a sheet of their own. Each test makes MINE and THEIRS from it with known edits and
asserts the cells of MERGED, the conflicts, the messages and the exit status. The properties at
the end generate edits of a small workbook with hypothesis.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from conftest import MASTER, to_pdf
from matrixbook.cli import cli
from matrixbook.merge import merge
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


POLICIES = [policy(f"POL-90{i}", f"Test strategy {n}") for i, n in
            enumerate(("one", "two", "three", "four"), start=1)]
COMMENT = "Reviewer comment"
OWN_SHEET = "Contacts log"
CONFLICTS = "Merge conflicts"


class Sheet:
    """A sheet of an openpyxl workbook addressed by header and record ID, as staff read it."""

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

    def keys(self) -> list[Any]:
        return [self.ws.cell(r, 1).value for r in range(2, self.last_row() + 1)]

    def last_row(self) -> int:
        rows = [r for r in range(2, self.ws.max_row + 1)
                if self.ws.cell(r, 1).value not in (None, "")]
        return max(rows, default=1)

    def append(self, record: dict[str, Any]) -> int:
        row = self.last_row() + 1
        for header, value in record.items():
            text(self.ws.cell(row, self.col(header)), value)
        return row

    def set(self, key: str, header: str, value: Any) -> str:
        ref = f"{self.letter(header)}{self.row_of(key)}"
        text(self.ws[ref], value)
        return ref

    def get(self, key: str, header: str) -> Any:
        return self.ws[self.ref(key, header)].value

    def ref(self, key: str, header: str) -> str:
        return f"{self.letter(header)}{self.row_of(key)}"

    def delete(self, key: str) -> None:
        self.ws.delete_rows(self.row_of(key))


def text(cell: Any, value: Any) -> None:
    """Type a value; text stays text even when it starts with '=' (as after an apostrophe)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wb = openpyxl.load_workbook(MASTER)
    Sheet(wb["Entities"]).append(ENTITY)
    pol = Sheet(wb["Policies"])
    pol.ws.cell(1, len([h for h in pol.headers if h]) + 1, COMMENT)
    for record in POLICIES:
        pol.append(record)
    own = wb.create_sheet(OWN_SHEET)
    for row in (["Contact", "Organisation", "Last contact"],
                ["C-1", "Test body", datetime(2025, 8, 1)],
                ["C-2", "Test body", datetime(2025, 8, 2)]):
        own.append(row)
    path = tmp_path_factory.mktemp("merge") / "base.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def copy(base: Path, tmp_path: Path) -> Callable[..., Path]:
    """copy(edit, name) -> BASE after edit(workbook), saved as `name`."""

    def make(edit: Callable[[Any], None], name: str) -> Path:
        wb = openpyxl.load_workbook(base)
        edit(wb)
        path = tmp_path / name
        wb.save(path)
        return path

    return make


def run(*args: Any) -> Any:
    return CliRunner().invoke(cli, ["merge", *map(str, args)], catch_exceptions=False)


def opened(path: Path, sheet: str = "Policies") -> Sheet:
    return Sheet(openpyxl.load_workbook(path)[sheet])


def digest(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def fill(cell: Any) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None


CONFLICT_FILL = "00F2C0A0"


# ---------------------------------------------------------------------------------------------
# Cells


def test_a_change_on_one_side_is_taken_and_a_change_alike_once(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    def mine(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.set("POL-901", "Title (English)", "Strategy one (EN)")
        pol.set("POL-903", "Note", "agreed note")

    def theirs(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.set("POL-902", "Note", "checked by Amal")
        pol.set("POL-903", "Note", "agreed note")
        pol.set("POL-904", "Year adopted", 2019)

    out = tmp_path / "merged.xlsx"
    result = run(base, copy(mine, "mine.xlsx"), copy(theirs, "theirs.xlsx"), "--out", out)
    assert result.exit_code == 0, result.output
    pol = opened(out)
    assert pol.get("POL-901", "Title (English)") == "Strategy one (EN)"
    assert pol.get("POL-902", "Note") == "checked by Amal"
    assert pol.get("POL-903", "Note") == "agreed note"
    assert pol.get("POL-904", "Year adopted") == 2019
    lines = result.output.splitlines()
    assert "Sheet     From MINE  From THEIRS  Alike in both  Conflicts" in lines
    assert "Policies  1 cell     2 cells      1 cell         0" in lines
    assert lines[-1] == f"Merged cleanly into {out}."
    assert CONFLICTS not in openpyxl.load_workbook(out).sheetnames


def test_a_cell_changed_differently_is_a_conflict_that_keeps_mine(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    mine = copy(lambda wb: Sheet(wb["Policies"]).set("POL-902", "Note", "mine"), "mine.xlsx")
    theirs = copy(lambda wb: Sheet(wb["Policies"]).set("POL-902", "Note", "theirs"),
                  "theirs.xlsx")
    out = tmp_path / "merged.xlsx"
    result = run(base, mine, theirs, "--out", out)
    assert result.exit_code == 1, result.output
    wb = openpyxl.load_workbook(out)
    pol = Sheet(wb["Policies"])
    ref = pol.ref("POL-902", "Note")
    cell = pol.ws[ref]
    assert cell.value == "mine"
    assert fill(cell) == CONFLICT_FILL
    assert cell.comment.text == "Merge conflict. MINE (kept): 'mine'. THEIRS: 'theirs'. BASE: " \
                                "(empty)."
    message = ("'Note' of POL-902 was changed in both copies: MINE 'mine' (kept), THEIRS "
               "'theirs', BASE (empty).")
    assert f"  Policies!{ref}  {message}" in result.output.splitlines()
    assert result.output.splitlines()[-1] == (
        f"1 conflict: MERGED keeps MINE's value in each. Open {out}, settle each one listed on "
        "its 'Merge conflicts' sheet (then delete that sheet), and validate again.")
    assert wb.sheetnames[0] == CONFLICTS and wb.active.title == CONFLICTS
    listed = wb[CONFLICTS]
    assert [c.value for c in listed[1]] == ["Sheet", "Cell", "Record", "Column",
                                            "What happened", "MINE (kept)", "THEIRS", "BASE"]
    assert [c.value for c in listed[2]] == ["Policies", ref, "POL-902", "Note", message,
                                            "mine", "theirs", None]
    assert listed["B2"].hyperlink.location == f"'Policies'!{ref}"
    assert listed.max_row == 2


def test_the_same_edit_typed_differently_is_no_conflict(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    mine = copy(lambda wb: Sheet(wb["Policies"]).set("POL-901", "Year adopted", 2017),
                "mine.xlsx")
    theirs = copy(lambda wb: Sheet(wb["Policies"]).set("POL-901", "Year adopted", 2017.0),
                  "theirs.xlsx")
    out = tmp_path / "merged.xlsx"
    result = merge(base, mine, theirs, out, _schema())
    assert result.conflicts == []
    assert result.counts["Policies"]["alike_cells"] == 1
    assert opened(out).get("POL-901", "Year adopted") == 2017


# ---------------------------------------------------------------------------------------------
# Records


def test_records_added_on_each_side_come_in_mines_order_then_theirs(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    def mine(wb: Any) -> None:
        Sheet(wb["Policies"]).append(policy("POL-905", "Mine's new strategy"))

    def theirs(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.append(policy("POL-907", "Theirs, first"))
        pol.append(policy("POL-906", "Theirs, second", Note="=1+1"))

    out = tmp_path / "merged.xlsx"
    result = merge(base, copy(mine, "mine.xlsx"), copy(theirs, "theirs.xlsx"), out, _schema())
    assert result.exit_code == 0, result.to_text()
    pol = opened(out)
    assert pol.keys()[-6:] == ["POL-901", "POL-902", "POL-903", "POL-904", "POL-905",
                               "POL-907", "POL-906"][-6:]
    assert pol.get("POL-907", "Title (original language)") == "Theirs, first"
    assert pol.get("POL-906", "Year adopted") == 2018
    note = pol.ws[pol.ref("POL-906", "Note")]
    assert note.value == "=1+1" and note.data_type == "s"  # text stays text
    assert result.counts["Policies"]["mine_added"] == 1
    assert result.counts["Policies"]["theirs_added"] == 2


def test_a_record_added_on_both_sides(base: Path, copy: Callable[..., Path],
                                      tmp_path: Path) -> None:
    alike = copy(lambda wb: Sheet(wb["Policies"]).append(policy("POL-905", "Same")), "a.xlsx")
    again = copy(lambda wb: Sheet(wb["Policies"]).append(policy("POL-905", "Same")), "b.xlsx")
    other = copy(lambda wb: Sheet(wb["Policies"]).append(policy("POL-905", "Other")), "c.xlsx")
    out = tmp_path / "once.xlsx"
    once = merge(base, alike, again, out, _schema())
    assert once.conflicts == [] and once.counts["Policies"]["alike_added"] == 1
    assert opened(out).keys().count("POL-905") == 1
    out = tmp_path / "differ.xlsx"
    differ = merge(base, alike, other, out, _schema())
    pol = opened(out)
    ref = pol.ref("POL-905", "Title (original language)")
    assert differ.flatten(["kind", "sheet", "key", "column", "cell"]) == [
        ["added-both", "Policies", "POL-905", "Title (original language)", ref]]
    assert differ.conflicts[0].message == (
        "Record POL-905 was added in both copies with a different 'Title (original language)': "
        "MINE 'Same' (kept), THEIRS 'Other'.")
    assert pol.keys().count("POL-905") == 1 and pol.ws[ref].value == "Same"
    assert differ.exit_code == 1


def test_a_record_deleted_on_one_side_and_unchanged_on_the_other_is_deleted(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    def mine(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.delete("POL-902")
        pol.set("POL-904", "Note", "kept below the deleted rows")

    out = tmp_path / "merged.xlsx"
    result = merge(base, copy(mine, "mine.xlsx"),
                   copy(lambda wb: Sheet(wb["Policies"]).delete("POL-903"), "theirs.xlsx"),
                   out, _schema())
    assert result.exit_code == 0, result.to_text()
    pol = opened(out)
    assert pol.keys()[-2:] == ["POL-901", "POL-904"]
    assert pol.get("POL-904", "Note") == "kept below the deleted rows"
    n = result.counts["Policies"]
    assert (n["mine_deleted"], n["theirs_deleted"]) == (1, 1)


def test_deleted_on_one_side_and_edited_on_the_other_is_a_conflict_that_keeps_the_record(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    def mine(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.delete("POL-902")
        pol.set("POL-903", "Note", "mine edits 903")

    def theirs(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.set("POL-902", "Note", "theirs edits 902")
        pol.delete("POL-903")

    out = tmp_path / "merged.xlsx"
    result = merge(base, copy(mine, "mine.xlsx"), copy(theirs, "theirs.xlsx"), out, _schema())
    pol = opened(out)
    assert pol.keys()[-3:] == ["POL-901", "POL-903", "POL-904", "POL-902"][-3:]
    assert pol.get("POL-903", "Note") == "mine edits 903"
    assert pol.get("POL-902", "Note") == "theirs edits 902"  # THEIRS's record, at the end
    assert result.flatten(["kind", "key", "cell"]) == [
        ["deleted-in-theirs", "POL-903", f"A{pol.row_of('POL-903')}"],
        ["deleted-in-mine", "POL-902", f"A{pol.row_of('POL-902')}"]]
    assert [c.message for c in result.conflicts] == [
        "Record POL-903 was deleted in THEIRS and edited in MINE: MERGED keeps MINE's record. "
        "Delete the row by hand if it should go.",
        "Record POL-902 was deleted in MINE and edited in THEIRS: MERGED has THEIRS's record "
        "back (added at the end of the sheet). Delete the row by hand if it should go."]
    for key in ("POL-902", "POL-903"):
        assert fill(pol.ws[f"A{pol.row_of(key)}"]) == CONFLICT_FILL
    assert result.exit_code == 1


def test_a_value_in_a_new_column_is_an_edit_of_a_record_deleted_on_the_other_side(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    def mine(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.ws.cell(1, pol.col(COMMENT) + 1, "Priority")
        pol.set("POL-904", "Priority", "high")

    out = tmp_path / "merged.xlsx"
    result = merge(base, copy(mine, "mine.xlsx"),
                   copy(lambda wb: Sheet(wb["Policies"]).delete("POL-904"), "theirs.xlsx"),
                   out, _schema())
    assert result.flatten(["kind", "key"]) == [["deleted-in-theirs", "POL-904"]]
    assert opened(out).get("POL-904", "Priority") == "high"


def test_moved_rows_and_columns_merge_cleanly(base: Path, copy: Callable[..., Path],
                                              tmp_path: Path) -> None:
    def mine(wb: Any) -> None:  # the test policies in reverse order; an edit of POL-902
        pol = Sheet(wb["Policies"])
        rows = [pol.row_of(p["Policy ID"]) for p in POLICIES]
        values = [[c.value for c in pol.ws[r]] for r in rows]
        for r, row_values in zip(rows, reversed(values), strict=True):
            for c, v in enumerate(row_values, start=1):
                pol.ws.cell(r, c).value = v
        pol.set("POL-902", "Note", "mine")

    def theirs(wb: Any) -> None:  # the reviewer's column moved first; an edit of POL-903
        ws = wb["Policies"]
        ws.insert_cols(1)
        last = ws.max_column
        for r in range(1, ws.max_row + 1):
            ws.cell(r, 1).value = ws.cell(r, last).value
            ws.cell(r, last).value = None
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "POL-903")
        ws.cell(row, 1).value = "theirs comment"

    out = tmp_path / "merged.xlsx"
    result = merge(base, copy(mine, "mine.xlsx"), copy(theirs, "theirs.xlsx"), out, _schema())
    assert result.conflicts == [], result.to_text()
    pol = opened(out)
    assert pol.keys()[-4:] == ["POL-904", "POL-903", "POL-902", "POL-901"]  # MINE's order
    assert pol.headers[0] == "Policy ID"  # MINE's layout
    assert pol.get("POL-902", "Note") == "mine"
    assert pol.get("POL-903", COMMENT) == "theirs comment"
    assert result.counts["Policies"]["theirs_cells"] == 1


# ---------------------------------------------------------------------------------------------
# Sheets and columns


def test_sheets_and_columns_added_on_either_side_are_kept(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    def mine(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.ws.cell(1, pol.col(COMMENT) + 1, "Priority")
        pol.set("POL-902", "Priority", "high")
        wb.create_sheet("My notes").append(["Mine only"])

    def theirs(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.ws.cell(1, pol.col(COMMENT) + 1, "Checked by")
        pol.set("POL-901", "Checked by", "Amal")
        own = wb.create_sheet("Donor contacts")
        own.append(["Donor", "Contact"])
        own.append(["EU", "=not a formula"])
        own["B2"].data_type = "s"
        own.column_dimensions["A"].width = 30

    out = tmp_path / "merged.xlsx"
    result = merge(base, copy(mine, "mine.xlsx"), copy(theirs, "theirs.xlsx"), out, _schema())
    assert result.exit_code == 0, result.to_text()
    wb = openpyxl.load_workbook(out)
    pol = Sheet(wb["Policies"])
    assert pol.headers[-3:] == [COMMENT, "Priority", "Checked by"]
    assert pol.get("POL-902", "Priority") == "high"
    assert pol.get("POL-901", "Checked by") == "Amal"
    assert "My notes" in wb.sheetnames and wb["My notes"]["A1"].value == "Mine only"
    donors = wb["Donor contacts"]
    assert [[c.value for c in row] for row in donors.iter_rows()] == [
        ["Donor", "Contact"], ["EU", "=not a formula"]]
    assert donors["B2"].data_type == "s"
    assert donors.column_dimensions["A"].width == 30
    assert "Sheet 'Donor contacts' added (from THEIRS)." in result.notes
    assert result.counts["Policies"]["theirs_columns"] == 1


def test_a_header_renamed_on_one_side_is_matched_and_renamed(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    def mine(wb: Any) -> None:
        Sheet(wb["Policies"]).set("POL-901", COMMENT, "mine on 901")

    def theirs(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.ws.cell(1, pol.col(COMMENT)).value = "Reviewer comments"
        pol.set("POL-902", "Reviewer comments", "theirs on 902")

    out = tmp_path / "merged.xlsx"
    result = merge(base, copy(mine, "mine.xlsx"), copy(theirs, "theirs.xlsx"), out, _schema())
    assert result.conflicts == []
    pol = opened(out)
    assert pol.headers.count("Reviewer comments") == 1 and COMMENT not in pol.headers
    assert pol.get("POL-901", "Reviewer comments") == "mine on 901"
    assert pol.get("POL-902", "Reviewer comments") == "theirs on 902"
    assert (f"Policies: column '{COMMENT}' renamed 'Reviewer comments' (by THEIRS)."
            in result.notes)


def test_a_header_renamed_differently_on_both_sides_is_a_conflict(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    def rename(to: str) -> Callable[[Any], None]:
        def edit(wb: Any) -> None:
            pol = Sheet(wb["Policies"])
            pol.ws.cell(1, pol.col(COMMENT)).value = to
        return edit

    out = tmp_path / "merged.xlsx"
    result = merge(base, copy(rename("Reviewer remarks"), "mine.xlsx"),
                   copy(rename("Reviewer comments"), "theirs.xlsx"), out, _schema())
    pol = opened(out)
    ref = f"{pol.letter('Reviewer remarks')}1"
    assert result.flatten(["kind", "cell", "mine", "theirs", "base"]) == [
        ["header-renamed-both", ref, "Reviewer remarks", "Reviewer comments", COMMENT]]
    assert result.conflicts[0].message == (
        f"The column '{COMMENT}' was renamed differently: 'Reviewer remarks' in MINE (kept), "
        "'Reviewer comments' in THEIRS.")
    assert fill(pol.ws[ref]) == CONFLICT_FILL


def test_sheets_and_columns_deleted_on_one_side(base: Path, copy: Callable[..., Path],
                                                tmp_path: Path) -> None:
    def mine(wb: Any) -> None:  # deletes the reviewer's column, edits the Contacts log
        pol = Sheet(wb["Policies"])
        pol.ws.delete_cols(pol.col(COMMENT))
        wb[OWN_SHEET]["B2"] = "edited in MINE"

    def theirs(wb: Any) -> None:  # fills the reviewer's column, deletes the Contacts log
        Sheet(wb["Policies"]).set("POL-901", COMMENT, "theirs")
        del wb[OWN_SHEET]

    out = tmp_path / "merged.xlsx"
    result = merge(base, copy(mine, "mine.xlsx"), copy(theirs, "theirs.xlsx"), out, _schema())
    assert result.flatten(["kind", "sheet", "column"]) == [  # in the order of the sheets
        ["column-deleted-in-mine", "Policies", COMMENT],
        ["sheet-deleted-in-theirs", OWN_SHEET, None]]
    wb = openpyxl.load_workbook(out)
    assert wb[OWN_SHEET]["B2"].value == "edited in MINE"  # kept: MINE edited it
    assert COMMENT not in Sheet(wb["Policies"]).headers  # MINE's layout
    # The other way round: the sheet deleted in MINE comes back from THEIRS; the column
    # deleted in THEIRS stays (MINE's layout), with a note.
    out = tmp_path / "reverse.xlsx"
    result = merge(base, copy(theirs, "theirs.xlsx"), copy(mine, "mine.xlsx"), out, _schema())
    wb = openpyxl.load_workbook(out)
    assert wb[OWN_SHEET]["B2"].value == "edited in MINE"
    assert Sheet(wb["Policies"]).get("POL-901", COMMENT) == "theirs"
    assert (f"Policies: column '{COMMENT}' was deleted in THEIRS; MERGED keeps it (MINE's "
            "layout). Delete it by hand if it should go.") in result.notes
    assert [c.kind for c in result.conflicts] == ["sheet-deleted-in-mine"]
    # Deleted on one side and untouched on the other: deleted.
    out = tmp_path / "deleted.xlsx"
    untouched = copy(lambda wb: None, "untouched.xlsx")
    result = merge(base, untouched, copy(theirs, "theirs.xlsx"), out, _schema())
    assert OWN_SHEET not in openpyxl.load_workbook(out).sheetnames
    assert f"Sheet '{OWN_SHEET}' deleted (by THEIRS)." in result.notes


def test_a_staff_sheet_edited_on_both_sides_merges_by_row(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    def mine(wb: Any) -> None:
        wb[OWN_SHEET]["B2"] = "Test body (Cairo)"

    def theirs(wb: Any) -> None:
        wb[OWN_SHEET].append(["C-3", "Another body", datetime(2025, 8, 3)])

    out = tmp_path / "merged.xlsx"
    result = merge(base, copy(mine, "mine.xlsx"), copy(theirs, "theirs.xlsx"), out, _schema())
    assert result.conflicts == []
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(out)[OWN_SHEET].iter_rows()]
    assert rows[1:] == [["C-1", "Test body (Cairo)", datetime(2025, 8, 1)],
                        ["C-2", "Test body", datetime(2025, 8, 2)],
                        ["C-3", "Another body", datetime(2025, 8, 3)]]


def test_mines_formatting_drop_downs_comments_and_widths_are_kept(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    def mine(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        ref = pol.ref("POL-901", "Note")
        pol.ws[ref].fill = PatternFill("solid", fgColor="FFFF00")
        pol.ws[ref].comment = Comment("ask Amal", "me")
        pol.ws.column_dimensions[pol.letter("Note")].width = 61

    def theirs(wb: Any) -> None:
        Sheet(wb["Policies"]).set("POL-901", "Title (English)", "Theirs")

    mine_path = copy(mine, "mine.xlsx")
    out = tmp_path / "merged.xlsx"
    merge(base, mine_path, copy(theirs, "theirs.xlsx"), out, _schema())
    before, after = openpyxl.load_workbook(mine_path), openpyxl.load_workbook(out)
    pol = Sheet(after["Policies"])
    note = pol.ws[pol.ref("POL-901", "Note")]
    assert fill(note) == "00FFFF00" and note.comment.text == "ask Amal"
    assert pol.ws.column_dimensions[pol.letter("Note")].width == 61
    assert pol.get("POL-901", "Title (English)") == "Theirs"
    assert after.sheetnames == before.sheetnames
    for title in before.sheetnames:
        b, a = before[title], after[title]
        assert [str(v.sqref) for v in a.data_validations.dataValidation] == \
               [str(v.sqref) for v in b.data_validations.dataValidation], title
        assert a.freeze_panes == b.freeze_panes
        assert a.sheet_state == b.sheet_state


def test_two_valid_copies_can_break_a_rule_together(base: Path, copy: Callable[..., Path],
                                                    tmp_path: Path) -> None:
    def adds(entity_id: str) -> Callable[[Any], None]:
        def edit(wb: Any) -> None:
            Sheet(wb["Entities"]).append({**ENTITY, "Entity ID": entity_id, "Acronym": "NEW"})
        return edit

    out = tmp_path / "merged.xlsx"
    mine, theirs = copy(adds("ENT-NEWA"), "mine.xlsx"), copy(adds("ENT-NEWB"), "theirs.xlsx")
    for path in (mine, theirs):
        assert run_validate(path).exit_code == 0
    result = run(base, mine, theirs, "--out", out)
    assert result.exit_code == 1
    summary = next(line for line in result.output.splitlines()
                   if line.startswith("Validation of MERGED: "))
    assert summary.startswith(f"Validation of MERGED: {out}: 1 error, ")
    assert result.output.splitlines()[-1] == (
        f"Merged without conflict, but {out} breaks rules that each copy kept: run "
        "`matrixbook validate` on it and fix them.")
    assert "Acronym" in run_validate(out).output


def run_validate(path: Path) -> Any:
    return CliRunner().invoke(cli, ["validate", str(path), "--today", "2025-09-03"])


# ---------------------------------------------------------------------------------------------
# Safety and bad input


def test_inputs_are_never_modified(base: Path, copy: Callable[..., Path],
                                   tmp_path: Path) -> None:
    mine = copy(lambda wb: Sheet(wb["Policies"]).set("POL-902", "Note", "mine"), "mine.xlsx")
    theirs = copy(lambda wb: Sheet(wb["Policies"]).delete("POL-903"), "theirs.xlsx")
    before = [digest(p) for p in (base, mine, theirs)]
    assert run(base, mine, theirs, "--out", tmp_path / "merged.xlsx").exit_code == 0
    assert run(base, mine, theirs, "--out", tmp_path / "merged.xlsx", "--force").exit_code == 0
    assert [digest(p) for p in (base, mine, theirs)] == before


def test_out_never_replaces_a_file_without_force_nor_an_input(
        base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    mine = copy(lambda wb: None, "mine.xlsx")
    theirs = copy(lambda wb: None, "theirs.xlsx")
    out = tmp_path / "merged.xlsx"
    out.write_bytes(b"precious")
    result = CliRunner().invoke(cli, ["merge", str(base), str(mine), str(theirs), "--out",
                                      str(out)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {out} already exists; choose another name or add --force to replace it."]
    assert out.read_bytes() == b"precious"
    before = digest(mine)
    result = CliRunner().invoke(cli, ["merge", str(base), str(mine), str(theirs), "--out",
                                      str(mine), "--force"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: --out would write over {mine} (MINE); the copies being merged are never "
        "replaced. Give another name, e.g. merged.xlsx."]
    assert digest(mine) == before
    result = CliRunner().invoke(cli, ["merge", str(base), str(mine), str(theirs), "--out",
                                      str(tmp_path / "merged.ods")])
    assert result.exit_code == 2
    assert "give a file name ending in .xlsx" in result.stderr
    assert run(base, mine, theirs, "--out", out, "--force").exit_code == 0
    assert openpyxl.load_workbook(out).sheetnames == openpyxl.load_workbook(mine).sheetnames


def test_bad_input_is_one_line_and_exit_2(base: Path, copy: Callable[..., Path],
                                          tmp_path: Path) -> None:
    mine = copy(lambda wb: None, "mine.xlsx")
    out = tmp_path / "merged.xlsx"
    missing = tmp_path / "nowhere.xlsx"
    result = CliRunner().invoke(cli, ["merge", str(base), str(mine), str(missing), "--out",
                                      str(out)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {missing}: no such file. Check the path, or run `matrixbook init` to create a "
        "new master workbook."]
    text = tmp_path / "notes.xlsx"
    text.write_text("Policy ID,Title\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["merge", str(text), str(mine), str(base), "--out",
                                      str(out)])
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output and str(text) in result.stderr
    assert not out.exists()


def test_a_base_with_other_sheets_is_refused(base: Path, copy: Callable[..., Path],
                                             tmp_path: Path) -> None:
    def drop(wb: Any) -> None:
        del wb["Interviews"]

    other = copy(drop, "other.xlsx")
    mine = copy(lambda wb: None, "mine.xlsx")
    out = tmp_path / "merged.xlsx"
    result = CliRunner().invoke(cli, ["merge", str(other), str(mine), str(base), "--out",
                                      str(out), "--format", "json"])
    assert result.exit_code == 2
    message = ("other.xlsx has no sheet 'Interviews', which mine.xlsx and base.xlsx have: "
               "BASE (other.xlsx) must be the copy both started from (the version sent round), "
               "and MINE and THEIRS must keep its sheets. Check the three files and run again.")
    assert result.stderr.splitlines() == [f"Error: {message}"]
    data = json.loads(result.stdout)  # the cannot-run object every command prints
    assert data["ok"] is False and data["findings"][0]["message"] == message
    assert not out.exists()


def test_json_report(base: Path, copy: Callable[..., Path], tmp_path: Path) -> None:
    mine = copy(lambda wb: Sheet(wb["Policies"]).set("POL-902", "Note", "mine"), "mine.xlsx")
    theirs = copy(lambda wb: Sheet(wb["Policies"]).set("POL-902", "Note", "theirs"),
                  "theirs.xlsx")
    out = tmp_path / "merged.xlsx"
    result = run(base, mine, theirs, "--out", out, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["merged"] == str(out)
    assert data["counts"]["Policies"]["conflicts"] == 1
    [conflict] = data["conflicts"]
    assert {k: conflict[k] for k in ("kind", "sheet", "key", "column", "mine", "theirs",
                                     "base")} == {
        "kind": "changed-both", "sheet": "Policies", "key": "POL-902", "column": "Note",
        "mine": "mine", "theirs": "theirs", "base": None}
    assert data["validation"]["errors"] == 0


@pytest.mark.office
def test_merged_workbook_opens_in_libreoffice(base: Path, copy: Callable[..., Path],
                                              tmp_path: Path) -> None:
    def mine(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.set("POL-902", "Note", "mine")
        pol.delete("POL-903")

    def theirs(wb: Any) -> None:
        pol = Sheet(wb["Policies"])
        pol.set("POL-902", "Note", "theirs")
        pol.set("POL-903", "Note", "theirs edits 903")

    out = tmp_path / "merged.xlsx"
    result = merge(base, copy(mine, "mine.xlsx"), copy(theirs, "theirs.xlsx"), out, _schema())
    assert len(result.conflicts) == 2
    pdf = to_pdf(out, tmp_path)  # LibreOffice prints the first (active) sheet and the rest
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True,
                          text=True).stdout if shutil.which("pdftotext") else ""
    if text:
        assert "What happened" in text and "POL-902" in text and "POL-903" in text


# ---------------------------------------------------------------------------------------------
# Properties, on a small workbook: a Policies sheet and a sheet of the staff's own


SMALL_HEADERS = ["Policy ID", "Title (original language)", "Note", "Year adopted", "Remarks"]
VALUES = st.sampled_from(["a", "b", "c", "", "long text with spaces", 7, 2020])


def small_book(records: list[list[Any]], path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Policies"
    ws.append(SMALL_HEADERS)
    for record in records:
        ws.append([None if v == "" else v for v in record])
    wb.save(path)
    return path


def small_base() -> list[list[Any]]:
    return [[f"POL-{i:03d}", f"Title {i}", None, 2000 + i, None] for i in range(1, 7)]


# An edit: ("set", record index, column 1..4, value) | ("delete", index) | ("add", n, value)
EDITS = st.lists(st.one_of(
    st.tuples(st.just("set"), st.integers(0, 5), st.integers(1, 4), VALUES),
    st.tuples(st.just("delete"), st.integers(0, 5)),
    st.tuples(st.just("add"), st.integers(100, 120), VALUES),
    st.tuples(st.just("move"), st.integers(0, 5))), max_size=6)


def apply(records: list[list[Any]], edits: list[tuple[Any, ...]]) -> list[list[Any]]:
    out = [list(r) for r in records]
    by_key = {r[0]: r for r in out}
    for edit in edits:
        if edit[0] == "set":
            key = f"POL-{edit[1] + 1:03d}"
            if key in by_key:
                by_key[key][edit[2]] = None if edit[3] == "" else edit[3]
        elif edit[0] == "delete":
            key = f"POL-{edit[1] + 1:03d}"
            if key in by_key:
                out.remove(by_key.pop(key))
        elif edit[0] == "add":
            key = f"POL-{edit[1]:03d}"
            if key not in by_key:
                by_key[key] = [key, f"New {edit[1]}", edit[2] or None, 2020, None]
                out.append(by_key[key])
        else:  # move a record to the end: not a change
            key = f"POL-{edit[1] + 1:03d}"
            if key in by_key:
                out.remove(by_key[key])
                out.append(by_key[key])
    return out


def content(path: Path) -> dict[str, dict[str, Any]]:
    """Records by ID as {header: value}; the order of records and columns is not content."""
    ws = openpyxl.load_workbook(path)["Policies"]
    headers = [c.value for c in ws[1]]
    out = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[0] is not None:
            out[row[0]] = {h: (None if v == "" else v) for h, v in zip(headers, row,
                                                                      strict=False) if h}
    return out


def _schema() -> Schema:
    from matrixbook.schema import load_schema

    return load_schema()


PROPERTY = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def three_way(tmp: Path, mine_edits: Any, theirs_edits: Any, name: str) -> tuple[Any, Path]:
    folder = tmp / name
    folder.mkdir()
    base = small_book(small_base(), folder / "base.xlsx")
    mine = small_book(apply(small_base(), mine_edits), folder / "mine.xlsx")
    theirs = small_book(apply(small_base(), theirs_edits), folder / "theirs.xlsx")
    out = folder / "merged.xlsx"
    return merge(base, mine, theirs, out, _schema()), out


@PROPERTY
@given(edits=EDITS)
def test_property_merging_x_with_itself_gives_x(tmp_path_factory: pytest.TempPathFactory,
                                                edits: Any) -> None:
    tmp = tmp_path_factory.mktemp("same")
    result, out = three_way(tmp, edits, edits, "xx")
    assert result.conflicts == []
    assert content(out) == content(tmp / "xx" / "mine.xlsx")


@PROPERTY
@given(edits=EDITS, theirs_side=st.booleans())
def test_property_one_side_unchanged_gives_the_other(
        tmp_path_factory: pytest.TempPathFactory, edits: Any, theirs_side: bool) -> None:
    tmp = tmp_path_factory.mktemp("one")
    mine, theirs = ([], edits) if theirs_side else (edits, [])
    result, out = three_way(tmp, mine, theirs, "bx")
    assert result.conflicts == []
    assert content(out) == {k: dict(zip(SMALL_HEADERS, v, strict=True))
                            for k, v in ((r[0], r) for r in apply(small_base(), edits))}


def disjoint(mine_records: set[int]) -> Any:
    """Edits of MINE touch records 0-2 and add odd IDs; THEIRS's records 3-5 and even IDs."""
    def on(records: range, parity: int) -> Any:
        return st.lists(st.one_of(
            st.tuples(st.just("set"), st.sampled_from(list(records)), st.integers(1, 4),
                      VALUES),
            st.tuples(st.just("delete"), st.sampled_from(list(records))),
            st.tuples(st.just("add"), st.integers(50, 60).map(lambda n: 2 * n + parity),
                      VALUES)), max_size=5)
    return on(range(0, 3), 1), on(range(3, 6), 0)


MINE_EDITS, THEIRS_EDITS = disjoint(set())


@PROPERTY
@given(mine_edits=MINE_EDITS, theirs_edits=THEIRS_EDITS)
def test_property_disjoint_edits_give_both(tmp_path_factory: pytest.TempPathFactory,
                                           mine_edits: Any, theirs_edits: Any) -> None:
    tmp = tmp_path_factory.mktemp("disjoint")
    result, out = three_way(tmp, mine_edits, theirs_edits, "both")
    assert result.conflicts == []
    both = apply(small_base(), mine_edits + theirs_edits)
    assert content(out) == {r[0]: dict(zip(SMALL_HEADERS, r, strict=True)) for r in both}


@PROPERTY
@given(record=st.integers(0, 5), column=st.integers(1, 4),
       values=st.lists(st.sampled_from(["x", "y", "z", 1999]), min_size=2, max_size=2,
                       unique=True),
       other=EDITS)
def test_property_a_conflict_is_reported_whichever_copy_is_mine(
        tmp_path_factory: pytest.TempPathFactory, record: int, column: int, values: list[Any],
        other: Any) -> None:
    tmp = tmp_path_factory.mktemp("conflict")
    first = [("set", record, column, values[0])]
    second = [e for e in other if e[0] == "set"] + [("set", record, column, values[1])]
    one, _ = three_way(tmp, first, second, "ab")
    two, _ = three_way(tmp, second, first, "ba")
    key, header = f"POL-{record + 1:03d}", SMALL_HEADERS[column]
    for result in (one, two):
        assert ["changed-both", "Policies", key, header] in result.flatten(
            ["kind", "sheet", "key", "column"])
        assert result.exit_code == 1
