"""The column passes give pandera only the columns with a failing cell
(matrixbook.validation.passes): the same failure cases, in the same order, as pandera running
every declared column, on a workbook with every kind of column failure; and pandera is not
run at all when every column passes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from conftest import MASTER, header_cell
from matrixbook.api import validate
from matrixbook.reading import read_book
from matrixbook.schema import Schema
from matrixbook.validation import check_workbook, columns, key_sets, passes

TODAY = date(2025, 9, 3)


def _cell(sheet: str, header: str, row: int) -> str:
    letters = "".join(ch for ch in header_cell(sheet, header, 1) if ch.isalpha())
    return f"{letters}{row}"


def _errors() -> dict[str, dict[str, object]]:
    """A cell of every kind of failure both passes look for, most of them many times."""
    policies: dict[str, object] = {}
    for r in range(2, 40):
        if r % 3 == 0:
            policies[_cell("Policies", "Level", r)] = "Regionl"  # vocabulary
        if r % 4 == 0:
            policies[_cell("Policies", "Year adopted", r)] = "about 2019"  # wrong type
        if r % 5 == 0:
            policies[_cell("Policies", "Body ID", r)] = "ENT-NOPE"  # unknown reference
        if r % 6 == 0:
            policies[_cell("Policies", "Countries covered", r)] = "MAR; Marocco; TUN"  # country
        if r % 7 == 0:
            policies[_cell("Policies", "Status", r)] = " Adopted "  # spaces
    policies[_cell("Policies", "Year adopted", 9)] = 1812  # out of range
    policies[_cell("Policies", "Adoption date", 10)] = datetime(1901, 5, 1)  # out of range
    policies[_cell("Policies", "Policy ID", 11)] = "POL 11"  # pattern
    policies[_cell("Policies", "Title (original language)", 12)] = None  # required
    policies[_cell("Policies", "Policy ID", 13)] = "POL-001"  # duplicate key (of row 2)
    return {
        "Policies": policies,
        "Entities": {_cell("Entities", "Founded (year)", 3): "nineteen",
                     _cell("Entities", "Website", 4): "not a link",
                     _cell("Entities", "Geographic focus", 5): "Sahel; Moon"},
        "Memberships": {_cell("Memberships", "Confirmed", 2): "perhaps",
                        _cell("Memberships", "Start date", 3): "18/08/2025",
                        _cell("Memberships", "Role", 4): "Membre"},
    }


def test_the_settled_columns_change_no_failure_case(edited: Callable[..., Path],
                                                    schema: Schema) -> None:
    path = edited(_errors())
    book = read_book(path, schema)
    typed = {}
    compared = 0
    for name, data in book.sheets.items():
        profiles = columns.profile_sheet(data)
        declared = columns.raw_checks(data, profiles)
        full = passes.run_pandera(passes.to_pandera(name, declared), data.frame)
        pruned = passes.failures(name, declared, data.frame)
        assert _cases(pruned) == _cases(full), name
        compared += len(full)
        bad = {(f.row, data.sheet.by_name[f.column].field)
               for f in columns.raw_findings(data, profiles)
               if f.rule == "wrong-type" and f.row is not None and f.column is not None}
        typed[name] = columns.typed_frame(data, schema, bad, profiles)
    keys = key_sets(schema, typed, book)
    checks_seen = set()
    for name, data in book.sheets.items():
        declared = columns.typed_checks(data, schema, keys)
        full = passes.run_pandera(passes.to_pandera(name, declared), typed[name])
        pruned = passes.failures(name, declared, typed[name])
        assert _cases(pruned) == _cases(full), name
        compared += len(full)
        checks_seen |= set(full["check"])
    assert compared > 40
    assert {"vocabulary", "unknown-reference", "unknown-country", "out-of-range", "pattern",
            "field_uniqueness"} <= checks_seen


def _cases(fc: pd.DataFrame) -> list[tuple[object, ...]]:
    return [(c, k, repr(v), int(i)) for c, k, v, i in
            zip(fc["column"], fc["check"], fc["failure_case"], fc["index"], strict=True)]


def test_the_findings_name_every_planted_cell(edited: Callable[..., Path]) -> None:
    """What the user sees of the same workbook: each planted cell has its finding."""
    path = edited(_errors())
    found = {(f.cell, f.rule) for f in validate(path, today=TODAY).findings}
    level = _cell("Policies", "Level", 3)
    assert (level, "vocabulary") in found
    assert (_cell("Policies", "Year adopted", 4), "wrong-type") in found
    assert (_cell("Policies", "Body ID", 5), "unknown-reference") in found
    assert (_cell("Policies", "Countries covered", 6), "unknown-country") in found
    assert (_cell("Policies", "Status", 7), "whitespace") in found
    assert (_cell("Policies", "Year adopted", 9), "out-of-range") in found
    assert (_cell("Policies", "Policy ID", 11), "pattern") in found
    assert (_cell("Policies", "Title (original language)", 12), "required") in found
    assert (_cell("Policies", "Policy ID", 13), "duplicate-key") in found
    assert (_cell("Memberships", "Confirmed", 2), "wrong-type") in found


def test_pandera_is_not_run_when_every_column_passes(schema: Schema,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object) -> None:
        raise AssertionError("pandera was run on columns whose every cell passes")

    monkeypatch.setattr(passes, "run_pandera", fail)
    report = check_workbook(MASTER, schema, today=TODAY).report
    assert report.ok
    assert not [f for f in report.findings if f.rule in ("wrong-type", "whitespace",
                                                         "required", "vocabulary")]
