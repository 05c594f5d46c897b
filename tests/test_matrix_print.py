"""The mapping matrix on paper: what a reviewer checks after printing `mapping_matrix.xlsx` to
PDF (A4 landscape) in English and in French, for the default workbook.

- The Matrix prints its themes on one page across and its other columns on the pages across
  after them, the long texts in columns wide enough that a row is not mostly empty: at most
  two pages down (English), three (French).
- The title and subtitle print whole at the top of every Matrix page (in the page header: the
  body and name columns repeat on each page across, and cut what stood in them); the legend
  stands above the theme columns only.
- The Summary's notes and the overlap map's caption wrap within the printed width.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from conftest import MASTER, to_pdf
from matrixbook.api import build
from matrixbook.outputs.matrix import SMALLEST_SCALE
from matrixbook.outputs.matrix.layout import TITLE

TODAY = date(2025, 9, 3)
FRENCH_TITLE = "Matrice de cartographie des entités régionales et des dialogues interrégionaux"
# What the default workbook prints to (LibreOffice 7.4), internal build: the Matrix on
# 3 pages across x 2 down in English, x 3 down in French (longer theme headers and texts).
# The Membership sheet on 3 pages: its upright headers on two lines and its rows a line of
# 10-point text high (its headers on one line, 15-point rows, it took 4 in both languages).
# Look at the printed pages before raising a limit.
# English 13: the Summary's one-row "Gaps" table no longer starts a page of its own (it was
# kept with four rows it does not have), so the Summary prints on 3 pages, not 4.
PAGES = {"en": 13, "fr": 17}
SUMMARY_PAGES = {"en": 3, "fr": 4}
SUMMARY_FOOTER = {"en": "Mapping matrix summary", "fr": "Synthèse de la matrice"}
MATRIX_PAGES = {"en": 6, "fr": 9}
MEMBERSHIP_PAGES = 3
MATRIX_FOOTER = {"en": "Mapping matrix, data as of", "fr": "Matrice de cartographie, données au"}
MEMBERSHIP_FOOTER = {"en": "Membership as at", "fr": "Composition au"}


@pytest.fixture(scope="module", params=["en", "fr"])
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp(f"print-{request.param}")
    result = build(MASTER, out, only=["matrix"], today=TODAY, lang=request.param)
    assert result.report.ok, result.report.to_text()
    return request.param, result.written[0]


def _sheet_xml(path: Path, sheet: str) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/{sheet}.xml").decode("utf-8")


def test_matrix_page_setup(printed: tuple[str, Path]) -> None:
    """A4 landscape at a readable fixed scale; the body and name columns and the header row
    on every page; the print area starts at the legend (the title and subtitle are in the
    page header); the pages across break after the themes and after the details."""
    lang, path = printed
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    setup = ws.page_setup
    assert setup.paperSize == 9 and setup.orientation == "landscape"
    assert setup.scale >= SMALLEST_SCALE
    assert ws.print_title_cols == "$A:$B" and ws.print_title_rows == "$5:$5"
    assert re.fullmatch(r"'?[^!]+'?!\$A\$3:\$V\$\d+", ws.print_area), ws.print_area
    header = ws.oddHeader.left.text
    assert (TITLE if lang == "en" else FRENCH_TITLE) in header
    assert "master.xlsx" in header  # the subtitle: source, date, audience
    assert ws.page_margins.top * 72 > ws.page_margins.header * 72 + 2 * 14  # two lines fit
    assert ws.freeze_panes == "C6" and ws.auto_filter.ref.startswith("A5:")
    # Nothing above the table in the repeated columns A:B: it would print, cut, on each page.
    assert [ws.cell(r, c).value for r in (3, 4) for c in (1, 2)] == [None] * 4
    headers = [ws.cell(5, c).value for c in range(1, ws.max_column + 1)]
    themes_end = headers.index("Geographic focus" if lang == "en"
                               else "Orientation géographique")
    assert [b.id for b in ws.col_breaks.brk] == [themes_end, headers.index(
        "Kind" if lang == "en" else "Catégorie") + 1]


def test_matrix_columns_fill_their_pages(printed: tuple[str, Path]) -> None:
    """Each page across holds its columns beside the repeated ones, at the print scale, as
    LibreOffice measures them (a pixel a point): the details and the internal columns fill
    at least 90 % of the width the themes take, and none is wider than the page."""
    _, path = printed
    ws = openpyxl.load_workbook(path).worksheets[0]
    page = (841.9 - 2 * 0.4 * 72) * 100 / ws.page_setup.scale
    pixels: dict[int, int] = {}  # 1-based column: pixels, from the <col> ranges
    for low, high, width in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"',
                                       _sheet_xml(path, "sheet1")):
        for c in range(int(low), int(high) + 1):
            pixels[c] = round((float(width) - 0.7109375) * 7 + 5)
    breaks = [2, *(b.id for b in ws.col_breaks.brk), ws.max_column]
    widths = [pixels[1] + pixels[2] + sum(pixels[c] for c in range(a + 1, b + 1))
              for a, b in zip(breaks, breaks[1:], strict=False)]
    assert len(widths) == 3  # themes, details, internal columns
    assert all(w <= page for w in widths), (widths, page)
    assert all(w >= 0.9 * widths[0] for w in widths[1:]), widths


def test_summary_caption_wraps_within_the_printed_width(printed: tuple[str, Path]) -> None:
    """The overlap map's caption and the tables' notes span the sheet's columns, wrapped,
    in a row tall enough for their lines."""
    _, path = printed
    ws = openpyxl.load_workbook(path).worksheets[2]
    last = openpyxl.utils.get_column_letter(ws.max_column)
    merged = {str(r) for r in ws.merged_cells.ranges if str(r).startswith("A")}
    notes = [c for c in ws["A"] if c.font.i and isinstance(c.value, str) and c.row > 2]
    assert len(notes) >= 5  # four tables' notes and the caption
    for cell in notes:
        assert f"A{cell.row}:{last}{cell.row}" in merged, cell.value
        assert cell.alignment.wrap_text
        lines = len(cell.value) / (1.25 * 150)
        assert (ws.row_dimensions[cell.row].height or 15) >= 13.5 * int(lines), cell.value


# --- Printed by LibreOffice -----------------------------------------------------------------------


def _pages(pdf: Path) -> list[tuple[float, list[tuple[str, float, float, float, float]]]]:
    """(page width, [(word, xMin, yMin, xMax, yMax)]) of every page (pdftotext -bbox)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = []
    for page in xml.split("<page ")[1:]:
        width = float(re.match(r'width="([\d.]+)"', page).group(1))
        words = [(html.unescape(m[4]), float(m[0]), float(m[1]), float(m[2]), float(m[3]))
                 for m in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                                     r'xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)]
        pages.append((width, words))
    return pages


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.office
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_printed_matrix_pages_and_title(printed: tuple[str, Path], tmp_path: Path) -> None:
    """The page count, the title whole at the top of every Matrix page, no word past the
    right margin on any page (the overlap map's caption ran 9 points off the page)."""
    lang, path = printed
    pages = _pages(to_pdf(path, tmp_path))
    assert len(pages) <= PAGES[lang]
    text = ["".join(w[0] for w in words) for _, words in pages]
    matrix = [i for i, t in enumerate(text) if _squeezed(MATRIX_FOOTER[lang]) in t]
    assert 0 < len(matrix) <= MATRIX_PAGES[lang]
    membership = [t for t in text if _squeezed(MEMBERSHIP_FOOTER[lang]) in t]
    assert 0 < len(membership) <= MEMBERSHIP_PAGES
    summary = [t for t in text if _squeezed(SUMMARY_FOOTER[lang]) in t]
    assert 0 < len(summary) <= SUMMARY_PAGES[lang]
    title = TITLE if lang == "en" else FRENCH_TITLE
    cells_top = openpyxl.load_workbook(path).worksheets[0].page_margins.top * 72
    for i in matrix:
        _, words = pages[i]
        top = min(w[2] for w in words)
        first_line = [w for w in sorted(words, key=lambda w: w[1]) if w[2] < top + 5]
        assert " ".join(w[0] for w in first_line) == title, (i, first_line)
        # in the page header, above the cells: no column's edge cuts it
        assert all(w[4] < cells_top for w in first_line), (i, first_line, cells_top)
    for width, words in pages:
        assert all(w[3] <= width - 0.4 * 72 + 1 for w in words), [
            w[0] for w in words if w[3] > width - 0.4 * 72 + 1]
    summary = openpyxl.load_workbook(path).worksheets[2]
    caption = next(summary.cell(c.row + 1, 1).value for c in summary["A"]
                   if c.value in ("Overlap map", "Carte des chevauchements d'appartenance"))
    assert any(_squeezed(caption) in t for t in text)


def test_a_short_summary_table_does_not_start_a_page(printed: tuple[str, Path]) -> None:
    """A section title starts a page when its header and first four rows would not fit under
    it; a table of one row ("Gaps": every theme covered) needs only that row, and follows the
    themes on their page (a page break there left the English Summary's second page half
    empty in LibreOffice and nearly empty in Excel)."""
    lang, path = printed
    ws = openpyxl.load_workbook(path).worksheets[2]
    gaps = next(c.row for c in ws["A"] if isinstance(c.value, str)
                and c.value.startswith(("Gaps:", "Lacunes")))
    breaks = [b.id for b in ws.row_breaks.brk]
    if lang == "en":  # the French themes fill their page: "Gaps" starts the next
        assert gaps - 1 not in breaks, breaks
    assert len(breaks) <= 3


def test_a_kind_of_body_starts_a_page_unless_that_costs_one() -> None:
    """The dialogues start at the top of a page when they do not fit under the entities, but
    not when starting them on a page of their own would add a page; no last page holds one or
    two bodies when the page before can spare some."""
    from matrixbook.outputs.matrix.matrix_sheet import page_starts

    # A page holds 100 points: 20 above the first body, 10 (the header) on the others.
    entities, dialogues = [20.0] * 3, [30.0] * 3  # 60 + 90: the dialogues fit a page alone
    assert page_starts(entities + dialogues, [0, 3], 100, 20, 10) == [3]
    # Three pages either way: the dialogues still start a page.
    assert page_starts([20.0] * 4 + [30.0] * 5, [0, 4], 100, 20, 10) == [4, 7]
    # Flowing on takes two pages, a page apart three: they flow on under the entities.
    flowing = page_starts([20.0] * 2 + [15.0] * 8, [0, 2], 100, 20, 10)
    assert len(flowing) == 1 and flowing[0] > 2
    # Four bodies fit the first page; the last page takes one of them, so the first keeps
    # three (MIN_ROWS) and the last holds two.
    assert page_starts([20.0] * 5, [0], 100, 20, 10) == [3]
    assert page_starts([20.0] * 9, [0], 100, 20, 10) == [4, 7]  # 4, 3 and 2


def test_a_long_source_name_keeps_the_title_in_the_page_header(tmp_path: Path) -> None:
    """Excel takes a page header of 255 characters at most (xlsxwriter drops a longer one):
    with a long workbook name the header holds the title alone."""
    source = tmp_path / ("IOM MENA mapping of regional entities and dialogues, master copy "
                         "as sent to the regional office for review.xlsx")
    shutil.copyfile(MASTER, source)
    out = build(source, tmp_path / "out", only=["matrix"], today=TODAY).written[0]
    header = openpyxl.load_workbook(out).worksheets[0].oddHeader.left.text
    assert TITLE in header and "master copy" not in header
