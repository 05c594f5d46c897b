"""Word tables whose columns hold their words: no word of a header, a term of a vocabulary or a
time breaks in the middle of a column.

What was wrong, printed by LibreOffice: the briefing notes' Policies table broke its header
'Bindin|g'; the inception report's "Every interview" table 'Tim|e' and every time
('10:0|0'), and in French the mode 'Visioconfér|ence'; the mapping report's matrix, fourteen
theme columns of 1.7 cm, broke 'manageme|nt', 'développe|ment' and eight more theme words.

Words are measured in DejaVu Sans, the font LibreOffice prints the templates' Arial with where
Arial is not installed (as here and in CI; matplotlib ships the same files). It is wider than
Arial, so a word that fits here fits in Word too.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import docx
import matplotlib
import pytest
from docx.oxml.ns import qn
from PIL import ImageFont

from conftest import REPO, build_default, to_pdf
from matrixbook.i18n import texts
from matrixbook.schema import load_schema

TEMPLATES = REPO / "templates"
TWIPS_PER_POINT = 20
DEFAULT_MARGIN = 108  # a cell's left and right padding when the table sets none (twips)
# A word may break after a hyphen (Counter-|trafficking) and anywhere in a web address.
_PIECES = re.compile(r"[^\s-]+-?")


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return ImageFont.truetype(str(ttf / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")),
                              size=100)


def points(word: str, size: float, bold: bool) -> float:
    """How wide `word` prints at `size` points."""
    return _font(bold).getlength(word) * size / 100


def pieces(text: str) -> list[str]:
    """The pieces of `text` a line cannot break inside (web addresses left out)."""
    return [p for w in text.split() if "://" not in w and not w.startswith("www.")
            for p in _PIECES.findall(w)]


def _style_value(document: docx.document.Document, style_id: str | None,
                 attribute: str) -> object:
    style = (document.styles.get_by_id(style_id, 1) if style_id
             else document.styles["Normal"])
    while style is not None:
        value = getattr(style.font, attribute)
        if value is not None:
            return value
        style = style.base_style
    return None


def _margins(tbl: object) -> tuple[int, int]:
    mar = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")  # type: ignore[attr-defined]
    if mar is None:
        return DEFAULT_MARGIN, DEFAULT_MARGIN
    return tuple(int(mar.find(qn(f"w:{edge}")).get(qn("w:w")))  # type: ignore[return-value]
                 for edge in ("left", "right"))


def too_wide(path: Path) -> Iterator[tuple[str, float, float]]:
    """(word, its width, the room of its column) in points, for every word of a table cell of
    the Word document `path` that is wider than its column less the cell's padding. A cell of
    rotated text is measured against its row's height."""
    document = docx.Document(str(path))
    for tbl in document.element.body.iter(qn("w:tbl")):
        left, right = _margins(tbl)
        grid = [int(float(c.get(qn("w:w")))) for c in
                tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
        for tr in tbl.findall(qn("w:tr")):
            height = tr.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
            column = 0
            for tc in tr.findall(qn("w:tc")):
                span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                n = int(span.get(qn("w:val"))) if span is not None else 1
                room = (sum(grid[column:column + n]) - left - right) / TWIPS_PER_POINT
                column += n
                rotated = tc.find(f"{qn('w:tcPr')}/{qn('w:textDirection')}")
                if rotated is not None and rotated.get(qn("w:val")) in ("btLr", "tbRl"):
                    assert height is not None, "a rotated header needs a row height"
                    room = (int(height.get(qn("w:val"))) - 2 * TWIPS_PER_POINT) \
                        / TWIPS_PER_POINT
                for p in tc.iter(qn("w:p")):
                    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
                    style_id = style.get(qn("w:val")) if style is not None else None
                    for r in p.iter(qn("w:r")):
                        text = "".join(t.text or "" for t in r.iter(qn("w:t")))
                        rpr = r.find(qn("w:rPr"))
                        b = rpr.find(qn("w:b")) if rpr is not None else None
                        bold = (b.get(qn("w:val"), "1") not in ("0", "false") if b is not None
                                else bool(_style_value(document, style_id, "bold")))
                        sz = rpr.find(qn("w:sz")) if rpr is not None else None
                        size = (int(sz.get(qn("w:val"))) / 2 if sz is not None
                                else _style_value(document, style_id, "size").pt)  # type: ignore[union-attr]
                        for word in pieces(text):
                            if points(word, size, bold) > room:
                                yield word, round(points(word, size, bold), 1), round(room, 1)


# --------------------------------------------------------------------------- the built documents

@pytest.fixture(scope="module")
def english(built: Path) -> Path:
    return built  # the session's internal build of the default workbook (conftest)


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_default(tmp_path_factory.mktemp("fr"), lang="fr",
                         only=["briefs", "mapping_report", "inception_report"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_table_word_fits_its_column(lang: str, english: Path, french: Path) -> None:
    """Every word of every table of the notes and reports built from the default workbook
    fits the width of its column (a rotated header: the height of its row)."""
    folder = english if lang == "en" else french
    documents = [folder / "mapping_report.docx", folder / "inception_report.docx",
                 *sorted((folder / "briefs").glob("*.docx"))]
    assert len(documents) == 19
    wrong = {d.name: sorted(set(w)) for d in documents if (w := list(too_wide(d)))}
    assert wrong == {}


# --------------------------------------------------------------------------- the templates

def _table_of(path: Path, header: str) -> tuple[object, dict[str, float]]:
    """The table of the template `path` whose header row holds the fixed text `header`, and
    the room (points) of each of its columns by header msgid."""
    document = docx.Document(str(path))
    for table in document.tables:
        msgids = [re.sub(r'^\{\{ t\("(.*)"\) \}\}$', r"\1", c.text) for c in table.rows[0].cells]
        if header in msgids:
            left, right = _margins(table._tbl)
            grid = [int(float(c.get(qn("w:w"))))
                    for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
            return table, {m: (w - left - right) / TWIPS_PER_POINT
                           for m, w in zip(msgids, grid, strict=True)}
    raise AssertionError(f"no table with {header!r} in {path.name}")


def _terms(vocabulary: str) -> list[str]:
    fr = texts("fr")
    codes = load_schema().vocabulary(vocabulary).codes
    return [*codes, *(fr.term(vocabulary, c) for c in codes)]


TABLE = 8.5  # points: the "Table text" and "Table heading" styles
# (template, column header, what the column holds besides its header, in English and French)
COLUMNS = [
    ("brief.docx", "Type", _terms("instrument_types")),
    ("brief.docx", "Year", ["2010"]),
    ("brief.docx", "Status", [*_terms("policy_status"), "(not confirmed)", "(non confirmé)"]),
    ("brief.docx", "Binding", ["Yes", "No", "Oui", "Non"]),
    ("brief.docx", "Climate context", _terms("climate_contexts")),
    ("inception_report.docx", "Time", ["00:00", "10:00", "23:59"]),
    ("inception_report.docx", "Mode", _terms("interview_modes")),
    ("inception_report.docx", "Interviewee and role", []),
    ("inception_report.docx", "Organisation", []),
    ("inception_report.docx", "Status", _terms("interview_status")),
]


@pytest.mark.parametrize(("template", "header", "values"), COLUMNS,
                         ids=[f"{t.split('.')[0]}-{h}" for t, h, _ in COLUMNS])
def test_template_columns_hold_their_words(template: str, header: str,
                                           values: list[str]) -> None:
    """Each column of the policies table of the notes and of the inception report's "Every
    interview" table holds its header (English and French, bold) and every term of its
    vocabulary (English and French) without breaking a word, whatever the data holds."""
    other = "Binding" if template == "brief.docx" else "Time"
    _, rooms = _table_of(TEMPLATES / template, other)
    room = rooms[header]
    fr = texts("fr").t(header, "documents")
    wide = [(w, round(points(w, TABLE, True), 1)) for w in pieces(f"{header} {fr}")
            if points(w, TABLE, True) > room]
    wide += [(w, round(points(w, TABLE, False), 1)) for v in values for w in pieces(v)
             if points(w, TABLE, False) > room]
    assert wide == [], (header, round(room, 1))


def test_matrix_theme_headers_are_rotated_to_fit() -> None:
    """Fourteen theme columns share 24 cm of a landscape page: no column is as wide as
    'développement' or 'management' in the header's bold, so the theme names run upwards in a
    row tall enough for the longest word of any theme, English or French; the cells ('Non
    évaluée', 'Moyenne') fit the column."""
    document = docx.Document(str(TEMPLATES / "mapping_report.docx"))
    matrix = next(t for t in document.tables
                  if t._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}") is not None
                  and "theme_names" in t.rows[0].cells[1].text)
    head = matrix.rows[0]
    theme = head.cells[2]._tc
    direction = theme.find(f"{qn('w:tcPr')}/{qn('w:textDirection')}")
    assert direction is not None and direction.get(qn("w:val")) == "btLr"
    height = head._tr.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
    room = int(height.get(qn("w:val"))) / TWIPS_PER_POINT - 2
    longest = max(points(w, 7, True) for t in _terms("themes") for w in pieces(t))
    assert longest < room


# --------------------------------------------------------------------------- as printed

def printed_words(pdf: Path, first: int = 1, last: int = 0) -> list[str]:
    """The words of pages `first` to `last` (0: the end) of `pdf`, as pdftotext reads them."""
    command = ["pdftotext", "-f", str(first), *(["-l", str(last)] if last else []), str(pdf),
               "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()


@pytest.mark.office
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_printed_tables_keep_their_words_whole(lang: str, english: Path, french: Path,
                                               tmp_path: Path) -> None:
    """Printed by LibreOffice, the words that broke ('Bindin|g', 'Tim|e', '10:0|0',
    'Visioconfér|ence', 'manageme|nt', 'développe|ment') print whole."""
    folder = english if lang == "en" else french
    t = texts(lang)
    note = printed_words(to_pdf(folder / "briefs" / "ENT-LAS.docx", tmp_path))
    assert t.t("Binding", "documents") in note
    assert "Bindin" not in note
    interviews = printed_words(to_pdf(folder / "inception_report.docx", tmp_path))
    assert {t.t("Time", "documents"), "10:00",
            *t.term("interview_modes", "Video call").split()} <= set(interviews)
    assert not {"Tim", "10:0", "Visioconfér"} & set(interviews)
    # The matrix is page 4 of the mapping report, after the cover and the summary.
    report = to_pdf(folder / "mapping_report.docx", tmp_path)
    matrix = printed_words(report, 4, 4)
    themes = [w for c in load_schema().vocabulary("themes").codes
              for w in t.term("themes", c).split()]
    # A word broken at its hyphen is whole; pdftotext joins it ("Countertrafficking").
    assert [w for w in themes if w not in matrix and w.replace("-", "") not in matrix
            and not set(pieces(w)) <= set(matrix)] == []
