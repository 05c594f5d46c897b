"""The benchmark's generator writes workbooks that `matrixbook validate` finds valid, at any
size: a benchmark timed on invalid data would time the error path, not the real one."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from matrixbook.cli import cli
from matrixbook.schema import Schema

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_generate", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def small(generate: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "p300.xlsx"
    assert generate.main(["--policies", "300", "--out", str(path)]) == 0
    return path


def test_generated_workbook_has_no_error_and_no_warning(small: Path) -> None:
    # The generator draws due dates at random over the years, whatever the status: checked
    # as of a day before them all (statuses against the calendar: test_workbook_editing.py).
    result = CliRunner().invoke(cli, ["validate", str(small), "--format", "json", "--today",
                                      "2000-01-01"])
    data = json.loads(result.output)
    # It writes the data alone, without the hidden sheet of drop-down lists, which is said.
    found = [f for f in data["findings"] if f["rule"] != "no-lists-sheet"]
    assert [f["rule"] for f in data["findings"] if f not in found] == ["no-lists-sheet"]
    assert (result.exit_code, data["errors"], found) == (0, 0, []), found[:5]


def test_every_declared_sheet_and_column_is_filled(small: Path, schema: Schema,
                                                   generate: ModuleType) -> None:
    book = CalamineWorkbook.from_path(str(small))
    counts = generate.sizes(schema, 300)
    assert counts["Policies"] == 300
    for sheet in schema.sheets:
        rows = book.get_sheet_by_name(sheet.name).to_python()
        assert rows[0] == sheet.headers
        assert len(rows) - 1 == counts[sheet.name]
        empty = [h for j, h in enumerate(rows[0]) if all(r[j] in ("", None) for r in rows[1:])]
        assert empty == [], f"{sheet.name}: never filled: {empty}"


def test_ids_follow_each_key_pattern(small: Path, schema: Schema) -> None:
    book = CalamineWorkbook.from_path(str(small))
    for sheet in schema.sheets:
        key = sheet.key_column
        rows = book.get_sheet_by_name(sheet.name).to_python()
        ids = [r[sheet.headers.index(key.name)] for r in rows[1:]]
        assert all(key.regex.fullmatch(i) for i in ids), sheet.name
        assert len(set(ids)) == len(ids), sheet.name


def test_sizes_are_capped_by_what_each_pattern_allows(schema: Schema,
                                                      generate: ModuleType) -> None:
    counts = generate.sizes(schema, 100_000)
    assert counts["Policies"] == 100_000
    assert counts["Entities"] == 1000 and counts["Dialogues"] == 400
    assert counts["Memberships"] == 9999  # MEM-[0-9]{4}
    assert counts["Themes"] == 8400
    assert counts["Interviews"] == 999  # INT-[0-9]{3}
    assert counts["Sources"] == 9999  # SRC-[0-9]{3,4}
    assert counts["Recommendations"] == 999  # REC-[0-9]{3}: several bodies a row
    assert counts["Review"] == 999  # REV-[0-9]{3}


def test_same_size_and_seed_give_the_same_bytes(generate: ModuleType, small: Path,
                                                tmp_path: Path) -> None:
    again = tmp_path / "again.xlsx"
    generate.write(again, 300)
    assert again.read_bytes() == small.read_bytes()


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_realistic_workbooks_have_the_errors_they_say(tmp_path: Path) -> None:
    """Grown from the default workbook: no error at 120 policies; with --errors, three on every
    second row (60 each of an unknown Body ID, text in Year adopted, 'Regionl' in Level)."""
    from collections import Counter

    realistic = _load("benchmark_realistic", GENERATOR.parent / "realistic.py")
    clean, bad = tmp_path / "clean.xlsx", tmp_path / "bad.xlsx"
    assert realistic.main(["--policies", "120", "--out", str(clean)]) == 0
    assert realistic.main(["--policies", "120", "--errors", "--out", str(bad)]) == 0
    result = CliRunner().invoke(cli, ["validate", str(clean), "--format", "json"])
    assert json.loads(result.output)["errors"] == 0
    result = CliRunner().invoke(cli, ["validate", str(bad), "--format", "json"])
    found = Counter((f["rule"], f["column"]) for f in json.loads(result.output)["findings"]
                    if f["severity"] == "error")
    assert found == {("unknown-reference", "Body ID"): 60, ("wrong-type", "Year adopted"): 60,
                     ("vocabulary", "Level"): 60}
    rows = CalamineWorkbook.from_path(str(clean)).get_sheet_by_name("Policies").to_python()
    assert len(rows) == 121
