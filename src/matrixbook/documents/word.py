"""Word documents from the templates (docxtpl): rendered, mended for Word, dated the day of the
data and written byte-identical for the same data. A template error becomes a
`TemplateProblem` naming the template, the paragraph and its text, never a traceback."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from matrixbook import speedups
from matrixbook.documents.figures import with_images
from matrixbook.documents.html import _line_of, _reason, environment
from matrixbook.documents.keeping import document_keep_styles, keep_headings_after_tables
from matrixbook.documents.ordering import schema_order
from matrixbook.documents.templates import find_template
from matrixbook.documents.translate import TemplateText, english_t, translate_docx
from matrixbook.documents.zipping import deterministic_zip
from matrixbook.errors import TemplateProblem
from matrixbook.xlsx import FIXED_CREATED

AUTHOR = "IOM MENA Regional Office"
_TAGS = re.compile(r"<[^>]+>")


@lru_cache(maxsize=8)
def _docx_environment(fast: bool) -> jinja2.Environment:
    return environment()


def _inspect(path: Path, tpl: Any) -> dict[str, list[str]]:
    """The text of the template's paragraphs, its tags checked."""
    paragraphs_of = _template_paragraphs(tpl)
    _check_tags(path, paragraphs_of)
    return paragraphs_of


def _load_template(path: Path, t: TemplateText) -> tuple[Any, dict[str, list[str]]]:
    """A fresh DocxTemplate of `path` (docxtpl renders a document only once), its fixed texts
    in t's language, and the text of the template's paragraphs, its tags checked."""
    try:
        if speedups.enabled():
            from matrixbook.speedups import word

            return word.load_template(path, _inspect, lambda data: translate_docx(data, t),
                                      t.language)
        from docxtpl import DocxTemplate

        data = path.read_bytes()
        tpl = DocxTemplate(io.BytesIO(translate_docx(data, t)))
        tpl.init_docx()
        return tpl, _inspect(path, tpl)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TemplateProblem(f"Template {path} is not a Word document that can be read "
                              f"({exc}). Save it again from Word as .docx.") from None


def _save(tpl: Any) -> bytes:
    """The rendered document's bytes, every zip entry dated and permitted alike."""
    if speedups.enabled():
        from matrixbook.speedups import word

        return word.save(tpl)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return deterministic_zip(buffer.getvalue())


def render_docx(name: str, context: Mapping[str, Any], target: Path,
                source: Path | None = None, title: str = "") -> Path:
    """Render templates/<name> (Word, docxtpl) to `target`, byte-identical for the same data."""
    target.write_bytes(docx_bytes(name, context, source, title))
    return target


def docx_bytes(name: str, context: Mapping[str, Any], source: Path | None = None,
               title: str = "") -> bytes:
    """templates/<name> (Word, docxtpl) rendered, as the bytes render_docx writes."""
    path = find_template(name, source)
    t = context.get("t")
    tpl, paragraphs_of = _load_template(path, t if isinstance(t, TemplateText) else english_t())
    try:
        tpl.render(with_images(tpl, context), jinja_env=_docx_environment(speedups.enabled()),
                   autoescape=True)
    except jinja2.TemplateError as exc:
        raise _docx_problem(tpl, path, exc, paragraphs_of) from None
    spread_tables(tpl.docx.element.body)
    keep_headings_after_tables(tpl.docx.element.body, document_keep_styles(tpl.docx))
    language = t.texts.language if isinstance(t, TemplateText) else None
    if language is not None and language.code != "en":  # longer words than the template's
        fit_headers(tpl.docx.element.body)
    if language is not None and language.rtl:  # paragraphs, runs and tables right to left
        _right_to_left(tpl.docx, language)
    schema_order(tpl.docx.element.body)
    for section in tpl.docx.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                schema_order(part._element)
    set_properties(tpl.docx, title, context.get("properties") or {})
    return _save(tpl)


# The longest word of a header cell (8.5-point bold) in twentieths of a point per character,
# and the cell's padding: the templates size their columns for the English headers, and a
# column of "Year" is too narrow for "Année", of "Binding" for "Contraignant".
HEADER_CHAR_TWIPS, HEADER_PADDING_TWIPS = 118, 260


def fit_headers(body: Any) -> None:
    """Widen each column whose header holds a word longer than the column (a translated
    header), taking the width from the table's widest columns, so no header word breaks in
    the middle ("Anné-e"). The 'spread' tables (a column per theme) keep their own sharing."""
    from docx.oxml.ns import qn

    for tbl in body.iter(qn("w:tbl")):
        caption = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
        grid = tbl.find(qn("w:tblGrid"))
        rows = tbl.findall(qn("w:tr"))
        if (caption is not None and caption.get(qn("w:val")) == "spread") or grid is None \
                or not rows:
            continue
        cols = grid.findall(qn("w:gridCol"))
        if any(len(tr.findall(qn("w:tc"))) != len(cols) for tr in rows):
            continue
        widths = [int(float(c.get(qn("w:w"), "0"))) for c in cols]
        needs = []
        for tc in rows[0].findall(qn("w:tc")):
            text = "".join(x.text or "" for x in tc.iter(qn("w:t")))
            longest = max((len(w) for w in text.split()), default=0)
            needs.append(longest * HEADER_CHAR_TWIPS + HEADER_PADDING_TWIPS)
        short = [i for i, (w, n) in enumerate(zip(widths, needs, strict=True)) if n > w]
        if not short:
            continue
        for i in short:
            missing = needs[i] - widths[i]
            for donor in sorted(range(len(widths)), key=lambda j: -widths[j]):
                spare = widths[donor] - max(needs[donor], widths[donor] * 2 // 3)
                if donor == i or spare <= 0:
                    continue
                moved = min(spare, missing)
                widths[donor] -= moved
                widths[i] += moved
                missing -= moved
                if not missing:
                    break
        for col, width in zip(cols, widths, strict=True):
            col.set(qn("w:w"), str(width))
        for tr in rows:
            for tc, width in zip(tr.findall(qn("w:tc")), widths, strict=True):
                tcw = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
                if tcw is not None:
                    tcw.set(qn("w:w"), str(width))
                    tcw.set(qn("w:type"), "dxa")


def _right_to_left(document: Any, language: Any) -> None:
    """A language written right to left: every paragraph bidi, every table bidiVisual, in the
    body, the page headers and the footers (matrixbook.i18n.direction)."""
    from matrixbook.i18n.direction import docx_bidi

    docx_bidi(document.element.body, language)
    # The header and footer parts docxtpl rendered (it puts new parts behind the document's
    # relationships: python-docx's sections may still hand out the template's).
    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype.endswith(("/header", "/footer")):
            docx_bidi(rel.target_part.element, language)


def set_properties(document: Any, title: str, properties: Mapping[str, str]) -> None:
    """Word's document properties (File > Info): the document's own title, subject, author,
    company, language and keywords, dated the day of the data, so a partner who opens them
    reads about the mapping, never about the template it came from; the same data gives the
    same bytes."""
    props = document.core_properties
    author = properties.get("author", AUTHOR)
    props.author = author
    props.last_modified_by = author
    props.title = title or properties.get("title", "")
    props.subject = _fit(properties.get("subject", ""))
    props.keywords = properties.get("keywords", "")
    props.category = properties.get("category", "")
    props.comments = properties.get("comments", "")
    props.language = properties.get("language", "")
    when = _data_datetime(properties.get("date", ""))
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    company = properties.get("company", "")
    for part in document.part.package.parts:
        if str(part.partname) == "/docProps/app.xml":
            _set_company(part, company)


def _fit(text: str, limit: int = 255) -> str:
    """A document property as Word holds it: at most 255 characters (a long French name of a
    body and its kind do not fit the subject otherwise)."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _data_datetime(text: str) -> datetime:
    """The date of the data (2025-09-12) as the documents' created and modified time; the fixed
    date of every generated file when the data carries none."""
    try:
        return datetime.fromisoformat(text[:10])
    except ValueError:
        return FIXED_CREATED


def _set_company(part: Any, company: str) -> None:
    """The Company of docProps/app.xml (python-docx reads only the core properties)."""
    from xml.sax.saxutils import escape

    blob = part.blob.decode("utf-8")
    value = f"<Company>{escape(company)}</Company>" if company else "<Company/>"
    blob = re.sub(r"<Company>.*?</Company>|<Company/>", value, blob, flags=re.S)
    part._blob = blob.encode("utf-8")  # noqa: SLF001 - a plain Part's bytes



def _template_paragraphs(tpl: Any) -> dict[str, list[str]]:
    """The text of every paragraph of the template, in Word's order (table cells included),
    for the body, the page headers and the footers: what staff see and can search for."""
    from docx.oxml.ns import qn

    def texts(element: Any) -> list[str]:
        return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in element.iter(qn("w:p"))]

    doc = tpl.docx
    out = {"body": texts(doc.element.body), "page header": [], "footer": []}
    for section in doc.sections:
        for part, where in ((section.header, "page header"), (section.footer, "footer")):
            if not part.is_linked_to_previous:
                out[where] += texts(part._element)
    return out


_DELIMITERS = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}


def _check_tags(path: Path, paragraphs_of: dict[str, list[str]]) -> None:
    """Every tag opened in a paragraph must close in it. docxtpl would otherwise swallow the
    paragraphs up to the next closing brace without a word: a note with sections missing."""
    for where, texts in paragraphs_of.items():
        for number, text in enumerate(texts, start=1):
            expected = None
            for match in _DELIMITERS.finditer(text):
                token = match.group()
                if token in _CLOSER:
                    if expected:
                        break
                    expected = _CLOSER[token]
                elif token == expected:
                    expected = None
                else:
                    expected = "?" + token
                    break
            if expected:
                problem = (f"a tag is opened but not closed with {expected}"
                           if not expected.startswith("?")
                           else f"{expected[1:]} closes a tag that was not opened")
                place = "" if where == "body" else f" of the {where}"
                raise TemplateProblem(
                    f"Template {path}, line {number}{place} (the paragraph that reads "
                    f"“{_short(text)}”): {problem}. Fix the template in Word and build again.")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def spread_tables(body: Any) -> None:
    """Share the width of repeated columns ({%tc for %}: one per theme, one per status).

    docxtpl gives every repeated column the template's width, so a matrix with thirteen themes
    would run off the page. A table whose alt-text title is 'spread' keeps its first column as
    drawn in the template and shares the rest of the table's width equally among the others.
    """
    from docx.oxml.ns import qn

    for tbl in body.iter(qn("w:tbl")):
        caption = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCaption')}")
        if caption is None or caption.get(qn("w:val")) != "spread":
            continue
        grid = tbl.find(qn("w:tblGrid"))
        cols = grid.findall(qn("w:gridCol"))
        if len(cols) < 2:
            continue
        total = sum(int(float(c.get(qn("w:w"), "0"))) for c in cols)
        first_cell_width = tbl.find(f"{qn('w:tr')}/{qn('w:tc')}/{qn('w:tcPr')}/{qn('w:tcW')}")
        first = int(first_cell_width.get(qn("w:w"))) if first_cell_width is not None else 0
        first = first or total // len(cols)
        other = max((total - first) // (len(cols) - 1), 1)
        widths = [first] + [other] * (len(cols) - 1)
        for col, width in zip(cols, widths, strict=True):
            col.set(qn("w:w"), str(width))
        for tr in tbl.findall(qn("w:tr")):
            for tc, width in zip(tr.findall(qn("w:tc")), widths, strict=False):
                tcpr = tc.find(qn("w:tcPr"))
                tcw = tcpr.find(qn("w:tcW")) if tcpr is not None else None
                if tcw is not None:
                    tcw.set(qn("w:w"), str(width))
                    tcw.set(qn("w:type"), "dxa")


def _docx_problem(tpl: Any, path: Path, exc: jinja2.TemplateError,
                  paragraphs_of: dict[str, list[str]]) -> TemplateProblem:
    """Name the template and the line: for a Word template, the number of the paragraph from
    the top (table cells included), with its text so staff can search for it in Word.

    jinja2 counts lines of the XML docxtpl lays out one paragraph a line (tag paragraphs
    removed); the paragraph is found back by its text, else by the tag it holds."""
    line = _line_of(exc, None)
    part = str(getattr(getattr(tpl, "current_rendering_part", None), "partname", "") or "")
    where = "footer" if "footer" in part else "page header" if "header" in part else "body"
    number, text = None, ""
    if line and where == "body":
        try:
            xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(tpl.get_xml()))
            lines = xml.splitlines()
            if 0 < line <= len(lines):
                text = " ".join(_TAGS.sub("", lines[line - 1]).split())
        except Exception:  # noqa: BLE001 - the context is a courtesy; the error still stands
            text = ""
        number = _find_paragraph(paragraphs_of["body"], text)
    elif where != "body" and len(paragraphs_of[where]) == 1:
        number, text = 1, paragraphs_of[where][0]
    if number:
        text = paragraphs_of[where][number - 1]
    place = "" if where == "body" else f" of the {where}"
    at = f"line {number}{place}" if number else f"line {line or '?'}{place}"
    shown = f" (the paragraph that reads “{_short(text)}”)" if text else ""
    return TemplateProblem(f"Template {path}, {at}{shown}: {_reason(exc)}. Fix the template "
                           "in Word and build again.")


def _find_paragraph(texts: list[str], line_text: str) -> int | None:
    """The number of the template paragraph that the rendered line came from."""
    def norm(t: str) -> str:
        t = re.sub(r"([{][{%#])(p|tr|tc|r) ", r"\1", t)  # {%p for %} is {% for %} once laid out
        return "".join(t.split())

    wanted = norm(line_text)
    if not wanted:
        return None
    for number, text in enumerate(texts, start=1):
        if norm(text) and norm(text) == wanted:
            return number
    for tag in re.findall(r"[{][{%#].*?[}%#][}]", line_text):
        for number, text in enumerate(texts, start=1):
            if norm(tag) in norm(text):
                return number
    return None
