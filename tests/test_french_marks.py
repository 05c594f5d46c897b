"""Every English text a French output shows is marked "[EN]" (issue 20): free text before it
("[EN] Kick-off meeting..."), a name after it ("Cairo [EN]", "Gulf Health Council for
Cooperation Council States [EN]"), in Word, HTML, xlsx and the pictures' labels; the
counterpart columns (Task (French), Seat city (French)) are used where filled; English
outputs keep their bytes."""

from __future__ import annotations

import filecmp
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from conftest import MASTER, TODAY, header_cell
from matrixbook.api import build
from matrixbook.cli import cli
from matrixbook.pictures.charts import _short

KICK_OFF = "Kick-off meeting with IOM MENA RO; handover of documents and contacts"
RCC_NAME = "Africa CDC Regional Collaborating Centre for Northern Africa"
GHC_NAME = "Gulf Health Council for Cooperation Council States"


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One internal French build of the default workbook (no French task, seat city, nor a
    French name for RCC, GHC, Rome, Abu Dhabi, Doha, IGAD-RCP and RMFM)."""
    out = tmp_path_factory.mktemp("fr-marks")
    result = build(MASTER, out, audience="internal", today=date.fromisoformat(TODAY),
                   lang="fr")
    assert result.report.ok
    return out


def _sheet(path: Path, name: str) -> Any:
    return openpyxl.load_workbook(path)[name]


def _row_of(ws: Any, first: str) -> list[Any]:
    return next([c.value for c in row] for row in ws.iter_rows() if row[0].value == first)


def _facts(page: str) -> dict[str, str]:
    return dict(re.findall(r'<th scope="row">([^<]*)</th><td>([^<]*)</td>', page))


def _word_cells(path: Path) -> list[list[str]]:
    return [[c.text for c in row.cells] for table in docx.Document(str(path)).tables
            for row in table.rows]


# ------------------------------------------------------------------------------- workplan

def test_the_french_workplan_marks_a_task_left_in_english(french: Path) -> None:
    ws = _sheet(french / "workplan.xlsx", "Calendrier")
    assert _row_of(ws, "WP-01")[1] == f"[EN] {KICK_OFF}"
    # the legend says what the mark means
    legend = [row[1].value for row in ws.iter_rows() if isinstance(row[1].value, str)]
    assert "[EN]\u00a0: texte anglais, pas encore traduit." in legend


def test_a_french_task_is_shown_unmarked(edited: Any, tmp_path: Path) -> None:
    book = edited({"Workplan": {header_cell("Workplan", "Task (French)", 2):
                                "Réunion de lancement"}})
    result = build(book, tmp_path / "out", only=["workplan", "inception_report"],
                   today=date.fromisoformat(TODAY), lang="fr")
    assert result.report.ok, result.report.to_text()
    row = _row_of(_sheet(tmp_path / "out" / "workplan.xlsx", "Calendrier"), "WP-01")
    assert row[1] == "Réunion de lancement"
    row = _row_of(_sheet(tmp_path / "out" / "workplan.xlsx", "Calendrier"), "WP-02")
    assert row[1].startswith("[EN] Draft the inception report")
    # the Gantt chart of the inception report names it the same way (a label of its SVG)
    page = (tmp_path / "out" / "inception_report.html").read_text(encoding="utf-8")
    assert "WP-01 Réunion de lancement" in page and "WP-01 [EN] Kick-off" not in page
    assert "WP-02 [EN] Draft the inception" in page


# ------------------------------------------------------------------------------- notes

def test_a_french_note_marks_the_seat_city_left_in_english(french: Path) -> None:
    page = (french / "briefs" / "ENT-LAS.html").read_text(encoding="utf-8")
    assert _facts(page)["Ville du siège"] == "Cairo [EN]"
    assert ["Ville du siège", "Cairo [EN]"] in _word_cells(french / "briefs" / "ENT-LAS.docx")
    gcc = (french / "briefs" / "ENT-GCC.html").read_text(encoding="utf-8")
    assert _facts(gcc)["Ville du siège"] == "Riyadh [EN]"
    assert ["Ville du siège", "Kuwait City [EN]"] in _word_cells(
        french / "briefs" / "ENT-AFESD.docx")


def test_a_french_seat_city_is_shown_unmarked(edited: Any, tmp_path: Path) -> None:
    book = edited({"Entities": {header_cell("Entities", "Seat city (French)", 2): "Le Caire"}})
    result = build(book, tmp_path / "out", only=["briefs"], today=date.fromisoformat(TODAY),
                   lang="fr")
    assert result.report.ok, result.report.to_text()
    page = (tmp_path / "out" / "briefs" / "ENT-LAS.html").read_text(encoding="utf-8")
    assert _facts(page)["Ville du siège"] == "Le Caire"


def test_a_name_left_in_english_is_marked_once_after_it_in_the_title(french: Path) -> None:
    page = (french / "briefs" / "ENT-ACDC-RCC-NA.html").read_text(encoding="utf-8")
    assert f"<h1>{RCC_NAME} [EN]</h1>" in page
    assert f"<title>Note d&#39;orientation\u00a0: {RCC_NAME} [EN]</title>" in page
    # the acronym under the title is read with it: no second mark, no English name repeated
    subtitle = re.search(r'<p class="subtitle">(.*?)</p>', page, re.S)
    assert subtitle is not None and subtitle.group(1) == "RCC (Northern Africa)"
    document = docx.Document(str(french / "briefs" / "ENT-ACDC-RCC-NA.docx"))
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == [
        f"{RCC_NAME} [EN]"]
    # a French short name under an English name: the name alone is marked
    doha = (french / "briefs" / "DLG-DOHA.html").read_text(encoding="utf-8")
    assert re.search(r"<h1>Doha Dialogue on Labour Mobility [^<]* States \[EN\]</h1>", doha)
    subtitle = re.search(r'<p class="subtitle">(.*?)</p>', doha, re.S)
    assert subtitle is not None and subtitle.group(1) == "Dialogue de Doha"
    # a body with its French name has no mark at all
    las = (french / "briefs" / "ENT-LAS.html").read_text(encoding="utf-8")
    assert "<h1>Ligue des États arabes</h1>" in las and "LEA [EN]" not in las


# ------------------------------------------------------------------------------- matrix, reports

def test_the_french_matrix_marks_each_english_name(french: Path) -> None:
    path = french / "mapping_matrix.xlsx"
    matrix = _sheet(path, "Matrice")
    rows = [[c.value for c in row[:2]] for row in matrix.iter_rows()]
    assert ["GHC [EN]", f"{GHC_NAME} [EN]"] in rows
    assert ["LEA", "Ligue des États arabes"] in rows
    summary = " ".join(str(c.value) for row in _sheet(path, "Synthèse").iter_rows()
                       for c in row if isinstance(c.value, str))
    for label in ("RCC (Northern Africa) [EN]", "GHC [EN]", "Abu Dhabi Dialogue [EN]",
                  "IGAD-RCP [EN]", "RMFM [EN]"):
        assert label in summary
    assert "GHC," not in summary and "RMFM;" not in summary  # never unmarked in a list
    composition = [c.value for c in _sheet(path, "Composition")[5]]
    assert "GHC [EN]" in composition and "CCG" in composition


def test_the_french_reports_mark_each_english_name(french: Path) -> None:
    report = (french / "mapping_report.html").read_text(encoding="utf-8")
    start = report.index("Résumé analytique")
    summary = report[start:report.index("<h2", start)]
    assert "GHC [EN] (Migration et santé)" in summary
    assert "Abu Dhabi Dialogue [EN] (Migration de main-d&#39;œuvre et mobilité)" in summary
    assert "LEA (Réduction" in summary
    inception = (french / "inception_report.html").read_text(encoding="utf-8")
    assert f"<td>GHC [EN]</td><td>{GHC_NAME} [EN]</td>" in inception
    assert "<td>LEA</td><td>Ligue des États arabes</td>" in inception
    policies = _sheet(french / "policy_database.xlsx", "Politiques")
    issuers = {row[3].value for row in policies.iter_rows(min_row=2)}
    assert f"{GHC_NAME} (GHC) [EN]" in issuers  # name and acronym read as one: one mark
    assert "Ligue des États arabes (LEA)" in issuers


def test_a_chart_label_cut_short_keeps_its_mark() -> None:
    assert _short("RCC (Northern Africa) [EN]", 22) == "RCC (Northern Af… [EN]"
    assert _short("GHC [EN]", 22) == "GHC [EN]"
    assert _short("Africa CDC Regional Collaborating Centre", 22) == "Africa CDC Regional C…"


def test_the_french_heat_map_labels_keep_the_mark(french: Path) -> None:
    report = (french / "mapping_report.html").read_text(encoding="utf-8")
    assert "RCC (Northern Af… [EN]" in report  # the heat-map's row label, in its SVG
    assert "RCC (Northern Africa)…" not in report


# ------------------------------------------------------------------------------- validate, English

def test_validate_reports_the_task_and_seat_city_left_untranslated() -> None:
    result = CliRunner().invoke(cli, ["validate", str(MASTER), "--stage", "final", "--lang",
                                      "fr", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    findings = json.loads(result.output)["findings"]
    columns = {(f["sheet"], f.get("column")) for f in findings if f["rule"] == "untranslated"}
    assert ("Workplan", "Task (French)") in columns
    cell = header_cell("Entities", "Seat city (French)", 2)
    las = next(f for f in findings if f["rule"] == "untranslated" and f["cell"] == cell
               and f["sheet"] == "Entities")
    assert las["message"] == (
        "ENT-LAS\u00a0: 'Seat city (French)' est vide, donc une version française montre le texte "
        "anglais de 'Seat city', signalé comme non traduit. Tapez le texte français en "
        f"{cell}.")


def test_english_outputs_keep_their_bytes_without_the_new_columns(tmp_path: Path) -> None:
    """A workbook made before Task (French) and Seat city (French) existed builds the same
    English files, byte for byte, as the default workbook."""
    wb = openpyxl.load_workbook(MASTER)
    new, old = tmp_path / "new" / "master.xlsx", tmp_path / "old" / "master.xlsx"
    new.parent.mkdir()
    old.parent.mkdir()
    wb.save(new)  # saved by the same program as the old one (the outputs name the file)
    for sheet, header in (("Workplan", "Task (French)"), ("Entities", "Seat city (French)")):
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        ws.delete_cols(headers.index(header) + 1)
    wb.save(old)
    only = ["workplan", "briefs", "inception_report"]
    for book in (new, old):
        result = build(book, book.parent / "out", only=only, today=date.fromisoformat(TODAY))
        assert result.report.ok, result.report.to_text()
    compared = filecmp.dircmp(new.parent / "out", old.parent / "out")
    assert not compared.left_only and not compared.right_only
    files = [p.relative_to(new.parent / "out") for p in (new.parent / "out").rglob("*")
             if p.is_file()]
    assert len(files) > 30
    for name in files:
        assert (new.parent / "out" / name).read_bytes() == \
            (old.parent / "out" / name).read_bytes(), name
