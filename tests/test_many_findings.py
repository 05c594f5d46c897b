"""Workbooks full of findings (issue 19): the same findings as one by one, each message written
once per distinct value, rows that hold only an ID told as one entry in the text (every cell
still in the JSON), and the JSON exactly as the json module writes it."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import header_cell
from matrixbook.api import validate
from matrixbook.report import ERROR, WARNING, Finding, Report
from matrixbook.report.render import report_json
from matrixbook.schema import Schema

TODAY = date(2025, 9, 3)


def _policy_column(name: str) -> str:
    return "".join(ch for ch in header_cell("Policies", name, 1) if ch.isalpha())


def test_one_suggestion_per_distinct_wrong_value(edited: Callable[..., Path],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Sixty typos of two distinct values in Level: sixty findings, two suggestions looked
    for (not one per cell), each cell with its own finding and the message of its value."""
    level = _policy_column("Level")
    cells = {f"{level}{r}": ("Regionl" if r % 2 else "Nationl") for r in range(2, 62)}
    path = edited({"Policies": cells})
    calls: list[str] = []
    close = difflib.get_close_matches

    def counted(word: str, *args: Any, **kwargs: Any) -> list[str]:
        calls.append(word)
        return close(word, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    found = [f for f in validate(path, today=TODAY).findings if f.rule == "vocabulary"
             and f.column == "Level"]
    assert sorted(f.cell for f in found) == sorted(cells)
    for f in found:
        assert f.value == cells[f.cell]
        assert f.message.startswith(f"'{cells[f.cell]}' is not an allowed value for Level.")
    assert sorted(w for w in calls if w in ("Regionl", "Nationl")) == ["Nationl", "Regionl"]


def test_rows_far_below_holding_only_an_id_are_one_entry(edited: Callable[..., Path],
                                                         schema: Schema) -> None:
    """A stray fill-down: an ID in column A of rows 5,000 to 5,199 and nothing else."""
    ident = _policy_column("Policy ID")
    path = edited({"Policies": {f"{ident}{r}": "x" for r in range(5000, 5200)}})
    report = validate(path, today=TODAY)
    text = report.to_text(schema.sheet_names)
    required = [c.name for c in schema.sheet("Policies").columns
                if c.required and c.name != "Policy ID"]
    assert (f"Rows 5,000 to 5,199 hold only a Policy ID: 200 records with no {required[0]}, "
            in " ".join(text.split()))
    assert f"({200 * len(required):,} required cells empty)" in " ".join(text.split())
    assert ("'x', first in A5000, is used again in rows 5,001 to 5,199 (199 more times)"
            in " ".join(text.split()))
    assert len(text.splitlines()) < 80  # not a line per cell
    # the JSON keeps every finding at its cell
    findings = json.loads(report.to_json(schema.sheet_names))["findings"]
    empty = [f for f in findings if f["rule"] == "required" and f["row"] >= 5000]
    assert len(empty) == 200 * len(required)
    twice = [f for f in findings if f["rule"] == "duplicate-key"]
    assert [f["cell"] for f in twice] == [f"A{r}" for r in range(5001, 5200)]
    assert twice[0]["message"].startswith("'x' is used twice, in A5000 and A5001;")


def test_rows_far_below_are_told_in_french(edited: Callable[..., Path],
                                          schema: Schema) -> None:
    """validate --lang fr: the grouped entries (rows holding only an ID, many copies of one
    ID) in French, their row ranges with French words and separators."""
    from matrixbook.i18n import texts
    from matrixbook.i18n.findings import report_text

    ident = _policy_column("Policy ID")
    rows = [*range(5000, 5200), 6000, 6002, 6004, 6006, 6008]
    path = edited({"Policies": {f"{ident}{r}": "x" for r in rows}})
    text = report_text(validate(path, today=TODAY, lang="fr"), texts("fr"), schema.sheet_names)
    nb = "\u202f"  # French groups thousands with a narrow no-break space
    # the lines joined (no-break spaces kept: French puts one before : and ;)
    text = " ".join(text.replace(nb, "_").replace("\u00a0", "~").split())
    text = text.replace("_", nb).replace("~", "\u00a0")
    assert (f"Les lignes 5{nb}000 à 5{nb}199, 6{nb}000, 6{nb}002, 6{nb}004 et 2 de plus ne "
            "contiennent qu'une valeur de Policy ID\u00a0: 205 enregistrements sans Title "
            "(original language), Body ID," in text)
    assert " et Confirmed (" in text
    assert ("'x', d'abord en A5000, est repris aux lignes 5{nb}001 à 5{nb}199, 6{nb}000, "
            "6{nb}002, 6{nb}004 et 2 de plus (204 fois de plus)\u00a0; chaque Policy ID doit être "
            "unique.".replace("{nb}", nb) in text)
    assert "Rows " not in text and " to " not in text and "records" not in text


def test_two_rows_holding_only_an_id_keep_their_own_lines(edited: Callable[..., Path],
                                                          schema: Schema) -> None:
    ident = _policy_column("Policy ID")
    path = edited({"Policies": {f"{ident}200": "POL-900", f"{ident}201": "POL-901"}})
    text = validate(path, today=TODAY).to_text(schema.sheet_names)
    assert "hold only a Policy ID" not in text
    assert "Title (original language) is required" in text


def test_the_json_is_what_the_json_module_writes() -> None:
    values: list[Any] = [None, True, False, 0, -3, 2.5, 1e21, float("nan"), float("inf"),
                         "plain", 'quote " and \\ backslash', "line\nbreak\ttab\x01",
                         "Côte d’Ivoire — منظمة", [], ["MAR", "TUN"], ["a", ["nested", 1]],
                         datetime(2025, 9, 3, 10, 30), date(2025, 9, 3)]
    findings = [Finding(ERROR if i % 2 else WARNING, "Policies", "vocabulary",
                        f"message {i} \u2028 \"quoted\"", f"B{i + 2}", i + 2, "Level", v)
                for i, v in enumerate(values)]
    findings.append(Finding(ERROR, "", "cannot-run", "no cell", None, None, None, None))
    report = Report("book.xlsx", findings)
    for order in (None, ["Policies"]):
        assert report.to_json(order) == json.dumps(report.as_json(order), ensure_ascii=False,
                                                   indent=2)
    assert report_json(True, 0, 0, []) == json.dumps(
        {"ok": True, "errors": 0, "warnings": 0, "findings": []}, indent=2)
