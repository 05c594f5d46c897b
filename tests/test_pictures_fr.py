"""Pictures in a French build (issues 20 and 21): every word on or around a picture is French,
where a reader meets it: the legend and disclaimer drawn in the map, the axis labels and
legends of the charts, the alt text in the Word file, the caption under the picture, the
heading and the image's description on the matrix's Summary sheet."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import MASTER, TODAY
from matrixbook.api import build
from matrixbook.i18n import texts
from matrixbook.pictures import maps, style


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pictures-fr")
    result = build(MASTER, out, audience="internal", today=date.fromisoformat(TODAY), lang="fr",
                   only=["briefs", "mapping_report", "inception_report", "matrix"])
    assert result.report.ok
    return out


def alt_texts(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)


def figures(html: Path) -> list[tuple[str, str]]:
    return re.findall(r'<figure class="picture">(<svg.*?</svg>)<figcaption>(.*?)</figcaption>',
                      html.read_text(encoding="utf-8"), re.S)


def svg_words(svg: str) -> str:
    return " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))


FRENCH_DISCLAIMER = ("Les frontières et les noms indiqués ainsi que les désignations employées "
                     "sur cette carte n'impliquent aucune approbation ou acceptation officielle "
                     "de la part de l'OIM.")


def test_the_french_gcc_brief_map_speaks_french(french: Path) -> None:
    note = french / "briefs" / "ENT-GCC.docx"
    (alt,) = alt_texts(note)
    assert alt.startswith("CCG\u00a0: carte des États qui y ont un rôle au 3 septembre 2025."), alt
    assert ("Membre (6)\u00a0: Arabie saoudite, Bahreïn, Émirats arabes unis, Koweït, Oman, "
            "Qatar.") in alt
    ((svg, caption),) = figures(note.with_suffix(".html"))
    assert caption.startswith("CCG\u00a0: États qui y ont un rôle au 3 septembre 2025, par rôle"), \
        caption
    assert "un point signale un État trop petit" in caption
    words = svg_words(svg)
    assert "Membre" in words and "Aucun rôle" in words
    assert "Member" not in words and "No role" not in words
    # the disclaimer wraps over two lines of the SVG: their words joined are the whole text
    assert FRENCH_DISCLAIMER + " Frontières\u00a0: Natural Earth (domaine public)." in words
    assert style.DISCLAIMER not in words


def test_the_french_disclaimer_is_drawn_under_every_french_map() -> None:
    """The same map in English and in French differ by their legend band only; the French one
    carries the catalogue's disclaimer (not IOM's confirmed wording: the catalogue says so)."""
    fr = texts("fr")
    assert fr.t(style.DISCLAIMER, style.CONTEXT) == FRENCH_DISCLAIMER
    roles = {"SAU": ("Member", True), "OMN": ("Observer", False)}
    french_map = maps.membership_map("fr-test", roles, "carte", fr)
    english_map = maps.membership_map("fr-test", roles, "carte")
    assert french_map.png != english_map.png
    words = svg_words(french_map.svg)
    assert "Observateur, non confirmé" in words and "Membre" in words
    assert "Observer" not in svg_words(french_map.svg)
    po = Path(maps.__file__).resolve().parents[1] / "i18n" / "locale" / "fr" / \
        "LC_MESSAGES" / "pictures.po"
    assert "UNCONFIRMED WORDING" in po.read_text(encoding="utf-8")


def test_the_french_reports_pictures_speak_french(french: Path) -> None:
    report = french / "mapping_report.docx"
    alts = alt_texts(report)
    assert [a.split(" ")[0] for a in alts] == ["Carte", "Carte", "Graphique"]
    assert alts[0].startswith("Carte thermique de la pertinence de 14 thématiques")
    found = figures(french / "mapping_report.html")
    assert len(found) == 3
    (heat_svg, heat_caption), (map_svg, map_caption), (chart_svg, chart_caption) = found
    heat = svg_words(heat_svg)
    assert "Élevée" in heat and "Non évaluée (?)" in heat and "Action" in heat
    assert "High" not in heat and "No entry" not in heat
    assert "organismes" in svg_words(map_svg) and "bodies" not in svg_words(map_svg)
    assert map_caption.startswith("Pays selon le nombre d&#39;organismes, parmi les 17")
    assert "Année d'adoption (par périodes de cinq ans)" in svg_words(chart_svg)
    assert "LEA" in svg_words(chart_svg)  # the bodies by their French acronyms
    assert chart_caption.startswith("Année d&#39;adoption, par organisme")
    docx_text = zipfile.ZipFile(report).read("word/document.xml").decode("utf-8")
    assert "Politiques par organisme et par année" in docx_text


def test_the_french_gantt_has_french_months_and_phases(french: Path) -> None:
    (alt,) = alt_texts(french / "inception_report.docx")
    assert "Livrable 1 le 12 septembre 2025\u00a0; Livrable 2 le 30 septembre 2025" in alt
    ((svg, caption),) = figures(french / "inception_report.html")
    words = svg_words(svg)
    assert "sept." in words and "Livrable 1\u00a0: 12 sept." in words
    assert "Démarrage" in words and "Échéance d'un livrable" in words
    assert not re.search(r"\b(Sep|Aug)\b", words) and "Inception" not in words
    assert caption.startswith("Le plan de travail par phase")


def test_the_french_matrix_summary_overlap_map(french: Path) -> None:
    book = load_workbook(french / "mapping_matrix.xlsx")
    texts_found = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
                   if isinstance(c.value, str)]
    assert "Carte des chevauchements d'appartenance" in texts_found
    assert any(t.startswith("Pays selon le nombre d'organismes") for t in texts_found)
    with zipfile.ZipFile(french / "mapping_matrix.xlsx") as z:
        drawing = z.read("xl/drawings/drawing1.xml").decode("utf-8")
    assert "descr=\"Carte du nombre d'organismes, parmi les 17 de la cartographie" in drawing


def test_heatmap_headers_stand_in_their_columns_in_french() -> None:
    """The French theme names are longer: wrapped at 16 characters, four lines ran into the
    next column's header ('Réduction des risques de catastrophe et situations d'urgence')."""
    from matrixbook.i18n import texts
    from matrixbook.pictures.charts import _header
    from matrixbook.schema import load_schema

    fr = texts("fr")
    for code in load_schema().vocabulary("themes").codes:
        label = fr.term("themes", code)
        assert _header(label).count("\n") <= 2, label
        assert _header(label).replace("\n", " ") == label
