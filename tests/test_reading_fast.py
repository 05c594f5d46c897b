"""What the speed-ups of `validate` (issue 9) must not change: the same findings, at the same
cells, whatever order the loader's threads read the sheets in."""

from __future__ import annotations

import json
import pickle
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from matrixbook.api import validate
from matrixbook.errors import InputError
from matrixbook.loading import sheet_titles
from matrixbook.reading import read_book
from matrixbook.schema import Schema
from matrixbook.speedups.loading import SheetLoader, prefetch
from matrixbook.validation.columns import _convert
from matrixbook.values import blank_mask
from test_climb import AMU, book, member, policy, policy_cell

TEST_BODY = dict(AMU, **{"Entity ID": "ENT-TEST", "Acronym": "TEST",
                         "Name (English)": "Test Union"})


def test_sheets_come_back_in_schema_order_and_own_sheets_in_file_order(
        schema: Schema, master: Path, tmp_path: Path) -> None:
    path = tmp_path / "own.xlsx"
    wb = openpyxl.load_workbook(master)
    wb.create_sheet("Zeta notes", 0)["A1"] = "first"
    wb.create_sheet("Alpha notes")["A1"] = "last"
    wb.save(path)
    read = read_book(path, schema, keep_extra_sheets=True)
    assert list(read.sheets) == schema.sheet_names
    # (the hidden Lists sheet holds the drop-downs, not data: it is never read)
    assert list(read.extra_sheets) == ["Zeta notes", "About", "Alpha notes"]
    assert read.extra_sheets["Alpha notes"].columns.tolist() == ["last"]


def test_the_largest_sheet_is_read_first(schema: Schema, master: Path) -> None:
    with SheetLoader(master, schema.sheet_names) as loader:
        loader.titles()
        assert loader.order[0] == "Memberships"  # 445 rows: the largest part of the file
        assert sorted(loader.order) == sorted(schema.sheet_names)
        assert sorted(loader.arrived()) == sorted(schema.sheet_names)


def test_sheet_titles_match_like_staff_type_them() -> None:
    assert sheet_titles(["Policies", "Sources"], ["policies ", "Sources", "Notes"]) == {
        "Policies": "policies ", "Sources": "Sources"}


def test_an_error_in_a_small_sheet_reaches_the_command(master: Path, tmp_path: Path) -> None:
    """The second thread reads the small sheets: its error is the command's one line."""
    path = tmp_path / "far.xlsx"
    wb = openpyxl.load_workbook(master)
    wb["Workplan"]["A1048576"] = "stray"
    wb.save(path)
    with pytest.raises(InputError, match="sheet 'Workplan': a value in row 1,048,576"):
        validate(path)


def test_a_loader_left_early_stops_without_hanging(schema: Schema, master: Path) -> None:
    with SheetLoader(master, schema.sheet_names):
        pass  # nothing asked for: closing must not wait forever
    with SheetLoader(master, schema.sheet_names) as loader:
        rows, _ = loader.rows("Entities")
        assert rows[0][0] == "Entity ID"


def test_members_are_read_on_each_policy_own_date(schema: Schema, tmp_path: Path) -> None:
    """Policies of one body on different dates, one undated: each is read on its own date
    (pandas 3.1's groupby files a dated row under an undated one; the rule does not use it)."""
    memberships = [member(1, "ENT-TEST", "EGY", start=datetime(2015, 1, 1))]
    path = book(tmp_path, schema, [
        policy("POL-001", "Before", "ENT-TEST", **{"Year adopted": None}),
        policy("POL-002", "Old", "ENT-TEST"),  # 2010: EGY joined in 2015
        policy("POL-003", "New", "ENT-TEST", **{"Adoption date": datetime(2016, 5, 1),
                                                "Year adopted": 2016}),
        policy("POL-004", "Old too", "ENT-TEST", **{"Adoption date": datetime(2012, 3, 1),
                                                    "Year adopted": 2012}),
    ], memberships, [TEST_BODY])
    found = sorted((f.cell, f.message) for f in validate(path).findings
                   if f.rule == "climb-no-countries")
    assert [cell for cell, _ in found] == [policy_cell(schema, "Countries covered", r)
                                           for r in (3, 5)]
    assert "no member of ENT-TEST on 2010-12-31" in found[0][1]
    assert "no member of ENT-TEST on 2012-03-01" in found[1][1]


def test_blank_mask_is_is_blank_of_each_cell() -> None:
    assert blank_mask(pd.Series([[], ["a"], [], ["b", "c"]], dtype=object)).tolist() == [
        True, False, True, False]
    assert blank_mask(pd.Series(["x", None, "  ", ""], dtype="str")).tolist() == [
        False, True, True, True]
    assert blank_mask(pd.Series(["x", None, 3, []], dtype=object)).tolist() == [
        False, True, False, True]
    assert blank_mask(pd.to_datetime(pd.Series(["2020-01-01", None]))).tolist() == [
        False, True]


def test_yes_no_cells_convert_once_each(schema: Schema) -> None:
    col = schema.sheet("Policies").by_name["Confirmed"]
    cells = pd.Series(["Yes", " no ", True, None, "OUI", False, "Yes", float("nan")],
                      dtype=object)
    assert _convert(col, cells, schema.separator).tolist() == [
        True, False, True, pd.NA, True, False, True, pd.NA]


def test_rows_with_the_same_list_text_share_one_read_only_list(schema: Schema) -> None:
    col = schema.sheet("Policies").by_name["Countries covered"]
    cells = pd.Series(["MAR; TUN", None, "MAR;TUN ", "EGY", "MAR; TUN"], dtype=object)
    typed = _convert(col, cells, schema.separator)
    assert typed.tolist() == [["MAR", "TUN"], [], ["MAR", "TUN"], ["EGY"], ["MAR", "TUN"]]
    assert typed[0] is typed[4]  # one object for one text
    with pytest.raises(TypeError, match="copy them with list"):
        typed[0].append("DZA")
    assert typed[4] == ["MAR", "TUN"]
    assert pickle.loads(pickle.dumps(typed[0])) == ["MAR", "TUN"]
    assert isinstance(typed[0], list) and json.dumps(typed[0]) == '["MAR", "TUN"]'


def test_a_climate_policy_without_its_id_is_named_by_its_row(schema: Schema,
                                                            tmp_path: Path) -> None:
    path = book(tmp_path, schema, [policy("POL-001", "Plan"),
                                   policy(None, "Sans ID", Language=None)])
    messages = [f.message for f in validate(path).findings
                if f.rule == "climb-no-language" and f.row == 3]
    assert messages == [
        "The policy in row 3 goes to CLIMB but its Language is empty: CLIMB would not know "
        "the language of the text. Pick the language of the original text (e.g. ar, en, fr)."]


def test_the_reading_threads_have_ended_once_the_book_is_read(
        schema: Schema, master: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """build forks worker processes for the notes after reading: no reading thread may still
    run then (here a slow close of the file keeps them busy after the last sheet)."""
    import threading
    import time

    from matrixbook import filecheck

    close = filecheck.Workbook.close
    monkeypatch.setattr(filecheck.Workbook, "close",
                        lambda self: (time.sleep(0.3), close(self))[1])
    with prefetch(master, schema.sheet_names):
        read_book(master, schema)
        running = [t.name for t in threading.enumerate() if t.name.startswith("matrixbook")]
        assert running == []


def test_of_two_sheets_that_cannot_be_read_the_first_in_the_schema_is_told(
        master: Path, tmp_path: Path) -> None:
    """Memberships, the largest sheet of the default workbook, is read first and apart; its
    error must not hide the one of Entities, which comes before it."""
    path = tmp_path / "two.xlsx"
    wb = openpyxl.load_workbook(master)
    wb["Entities"]["O3"] = "=1+1"  # openpyxl saves a formula without its value
    wb["Memberships"]["I3"] = "=2+2"
    wb.save(path)
    for _ in range(3):  # whatever thread finishes first
        with pytest.raises(InputError, match=r"the sheet 'Entities' has formulas saved"):
            validate(path)


def test_a_reading_thread_that_cannot_start_is_an_error_not_a_hang(
        schema: Schema, master: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    start = threading.Thread.start

    def refuse(self: threading.Thread) -> None:
        if self.name == "matrixbook-sheets-2":
            raise RuntimeError("can't start new thread")
        start(self)

    monkeypatch.setattr(threading.Thread, "start", refuse)
    loader = SheetLoader(master, schema.sheet_names)
    with pytest.raises(RuntimeError, match="can't start new thread"):
        loader.titles()
    loader.close()


def test_an_error_ends_the_command_without_waiting_for_a_long_parse(
        schema: Schema, master: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C or an error in the main thread: the loader does not wait for the parse of a
    large sheet (which calamine cannot interrupt) before the command ends."""
    import time

    from matrixbook import filecheck

    rows = filecheck.sheet_rows
    monkeypatch.setattr(filecheck, "sheet_rows",
                        lambda wb, title: (time.sleep(3), rows(wb, title))[1])
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt), SheetLoader(master, schema.sheet_names) as loader:
        loader.titles()
        raise KeyboardInterrupt
    assert time.monotonic() - began < 1.5


def test_a_prefetch_for_other_sheets_is_left_alone_and_stopped(schema: Schema,
                                                               master: Path) -> None:
    import threading

    before = set(threading.enumerate())  # (an earlier test may leave a thread parsing)
    with prefetch(master, schema.sheet_names[:2]):
        read = read_book(master, schema)
    assert list(read.sheets) == schema.sheet_names
    assert set(threading.enumerate()) - before == set()
