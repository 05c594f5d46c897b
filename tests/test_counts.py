"""Issue 16, item 3: states and organisations are counted apart, the same way in every output.

The Rabat Process has 55 confirmed partner states, the United Kingdom (a state whose
membership no source confirms), the European Union (an organisation, not a state) and two
observer states: the briefing note and the matrix's membership grid say so alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import MASTER
from matrixbook.api import build
from matrixbook.schema import load_schema
from matrixbook.validation import check_workbook


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("counts")
    result = build(MASTER, folder, only=["matrix", "briefs"], audience="external",
                   today=date(2025, 9, 3))
    assert result.report.ok
    return folder


def rabat_rows() -> dict[str, list[tuple[str, bool]]]:
    """Roles of the Rabat Process in the default workbook: role -> [(code, confirmed)]."""
    members = check_workbook(MASTER, load_schema()).tables["Memberships"]
    rabat = members[(members["body_id"] == "DLG-RABAT") & members["end_date"].isna()]
    out: dict[str, list[tuple[str, bool]]] = {}
    for r in rabat.itertuples():
        out.setdefault(r.role, []).append((r.country, bool(r.confirmed)))
    return out


def test_rabat_counts_states_and_organisations_apart(out: Path) -> None:
    rows = rabat_rows()
    states = [c for c, _ in rows["Member"] if c != "XEU"]
    assert len(states) == 56 and ("GBR", False) in rows["Member"] and ("XEU", True) in \
        rows["Member"] and len(rows["Observer"]) == 2
    intro = next(p.text for p in docx.Document(str(out / "briefs" / "DLG-RABAT.docx")).paragraphs
                 if p.text.startswith("On 3 September 2025:"))
    assert intro.startswith(
        "On 3 September 2025: 56 member states (1 not confirmed: United Kingdom), 1 member "
        "organisation (European Union) and 2 observer states.")
    table = docx.Document(str(out / "briefs" / "DLG-RABAT.docx")).tables
    members = next(t for t in table if t.rows[0].cells[0].text == "Country")
    names = [r.cells[0].text for r in members.rows[1:]]
    assert "European Union (organisation)" in names and "United Kingdom" in names

    grid = list(openpyxl.load_workbook(out / "mapping_matrix.xlsx")["Membership"].values)
    header = next(i for i, r in enumerate(grid) if r[0] == "Country")
    col = grid[header].index("Rabat Process")
    per = {r[0]: r[col] for r in grid if r[0] and str(r[0]).endswith("(every role)")}
    assert per == {"States per body (every role)": 56 + 2,
                   "Organisations per body (every role)": 1}
    by_code = {r[1]: r for r in grid[header + 1:] if r[1]}
    assert by_code["XEU"][0] == "European Union (organisation)"
    assert by_code["XEU"][col] == "M" and by_code["GBR"][col] == "M?"
    summary = list(openpyxl.load_workbook(out / "mapping_matrix.xlsx")["Summary"].values)
    assert not [r for r in summary if r[0] and "European Union" in str(r[0])]


def test_brief_states_match_the_grid_for_every_body(out: Path) -> None:
    """For every body, the member states the note counts are the grid's M cells of states."""
    grid = list(openpyxl.load_workbook(out / "mapping_matrix.xlsx")["Membership"].values)
    header = next(i for i, r in enumerate(grid) if r[0] == "Country")
    tables = check_workbook(MASTER, load_schema()).tables
    bodies = [*zip(tables["Entities"].entity_id, tables["Entities"].acronym, strict=True),
              *zip(tables["Dialogues"].dialogue_id, tables["Dialogues"].acronym, strict=True)]
    for body_id, acronym in bodies:
        col = grid[header].index(acronym)
        states = sum(1 for r in grid[header + 1:] if r[1] and str(r[col] or "").startswith("M")
                     and not str(r[0]).endswith("(organisation)"))
        intro = next((p.text for p in docx.Document(
            str(out / "briefs" / f"{body_id}.docx")).paragraphs
            if p.text.startswith("On 3 September 2025:")), "")
        if states:
            assert f" {states} member state" in intro, (body_id, intro)
        else:
            assert "member state" not in intro, (body_id, intro)
