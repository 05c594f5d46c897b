"""Issue 16, item 1: the documents speak of the mapping and its sources, never of the tool or
of the workbook's sheets, and their Word properties describe the document itself."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import MASTER
from matrixbook.api import build
from matrixbook.schema import load_schema
from matrixbook.validation import check_workbook

TOOL_WORDS = re.compile(r"\bsheets?\b|matrixbook|edit the workbook", re.IGNORECASE)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for audience in ("external", "internal"):
        folder = tmp_path_factory.mktemp(audience)
        result = build(MASTER, folder, only=["briefs", "inception_report"], audience=audience)
        assert result.report.ok
        out[audience] = folder
    return out


def document_texts(folder: Path) -> dict[str, str]:
    """Every word a reader can see in each .docx (body, header, footer, properties) and
    .html (text and <head>) of a build."""
    texts = {}
    for path in sorted(folder.rglob("*.docx")):
        with zipfile.ZipFile(path) as z:
            parts = [n for n in z.namelist() if n.endswith(".xml")
                     and (n.startswith("word/document") or n.startswith("word/header")
                          or n.startswith("word/footer") or n.startswith("docProps/"))]
            texts[str(path.relative_to(folder))] = " ".join(
                re.sub(r"<[^>]+>", " ", z.read(n).decode("utf-8")) for n in parts)
    for path in sorted(folder.rglob("*.html")):
        texts[str(path.relative_to(folder))] = path.read_text(encoding="utf-8")
    return texts


@pytest.mark.parametrize("audience", ["external", "internal"])
def test_no_tool_words_in_any_document(built: dict[str, Path], audience: str) -> None:
    texts = document_texts(built[audience])
    assert len(texts) == 2 * 17 + 2  # 17 notes and the inception report, each twice
    found = {name: sorted({m.group(0).lower() for m in TOOL_WORDS.finditer(text)})
             for name, text in texts.items()}
    assert {name: words for name, words in found.items() if words} == {}


def test_word_properties_describe_the_document(built: dict[str, Path]) -> None:
    schema = load_schema()
    publisher = schema.publisher
    tables = check_workbook(MASTER, schema).tables
    data_day = max(tables[s]["checked_on"].max() for s in ("Entities", "Dialogues"))
    for name, title in (("briefs/ENT-LAS.docx", "Briefing note: League of Arab States"),
                        ("briefs/DLG-RABAT.docx", "Briefing note: Euro-African Dialogue on "
                                                  "Migration and Development (Rabat Process)"),
                        ("inception_report.docx", "Inception report")):
        path = built["external"] / name
        props = docx.Document(str(path)).core_properties
        assert props.title == title
        assert props.author == publisher.author == "IOM MENA Regional Office"
        assert props.language == "en-GB"
        assert props.subject and "template" not in props.subject
        assert "IOM" in props.keywords and "template" not in props.category
        assert props.comments == ""
        assert props.created.date() == props.modified.date() == data_day.date()
        with zipfile.ZipFile(path) as z:
            app = z.read("docProps/app.xml").decode("utf-8")
        assert "<Company>International Organization for Migration</Company>" in app
    las = docx.Document(str(built["external"] / "briefs/ENT-LAS.docx")).core_properties
    assert "LAS" in las.keywords and "League of Arab States" in las.subject
