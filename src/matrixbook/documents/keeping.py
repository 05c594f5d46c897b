"""Headings that stay with what follows them, even right after a table.

Two things LibreOffice does that Word does not, each mended here once for every template:

- it ignores "keep with next" on a paragraph that directly follows a table: a heading after
  a table can print alone at the foot of a page, its text on the next (Word keeps them either
  way). A 1-point empty paragraph between the table and the heading gives LibreOffice a
  paragraph to break after, and the heading keeps with its text again. The spacer takes the
  heading's space before it: at the top of a page LibreOffice drops that space on the first
  paragraph, so a heading carried to a new page starts at its top as it did.
- it does not carry a heading along when the paragraph after it moves on to keep with its own
  next (a heading, its introduction, the membership map): so that paragraph keeps no further.

Done on every rendered Word document, so every template (and a staff member's own copy) gets
it wherever a heading lands, whichever tags (`{%p if %}`, `{%p for %}`) stood around it.
Measured on the 68 default notes and the four reports, English and French, printed by
LibreOffice: 8 pages ended with a heading before, none after.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# The spacer: 1 point high; it prints nothing.
SPACER_POINTS = 1


@lru_cache(maxsize=64)
def _w(tag: str) -> str:
    """The qualified name of a w: element or attribute (asked for thousands of times a
    note)."""
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def document_keep_styles(document: Any) -> dict[str, int]:
    """keep_with_next_styles of a python-docx `document`, whose styles part may be held as
    plain bytes (matrixbook.speedups.word carries it from one note to the next unparsed)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = document.part.part_related_by(RT.STYLES)
    element = getattr(part, "element", None)
    if element is not None:
        return keep_with_next_styles(element)
    return dict(_styles_of_blob(part.blob))


@lru_cache(maxsize=8)
def _styles_of_blob(blob: bytes) -> tuple[tuple[str, int], ...]:
    from docx.oxml import parse_xml

    return tuple(keep_with_next_styles(parse_xml(blob)).items())


def keep_with_next_styles(styles: Any) -> dict[str, int]:
    """The paragraph styles that keep with the next paragraph, their own setting or the one
    they are based on (Heading 1, Heading 2, a staff member's own heading style), with the
    space before them in twentieths of a point."""
    by_id = {s.get(_w("styleId")): s for s in styles.iter(_w("style"))
             if s.get(_w("type")) == "paragraph"}

    def keeps(style_id: str | None, seen: frozenset[str] = frozenset()) -> bool:
        style = by_id.get(style_id or "")
        if style is None or style_id in seen:
            return False
        keep = style.find(f"{_w('pPr')}/{_w('keepNext')}")
        if keep is not None:
            return keep.get(_w("val"), "true") not in ("0", "false", "off")
        based = style.find(_w("basedOn"))
        return based is not None and keeps(based.get(_w("val")), seen | {style_id or ""})

    def before(style_id: str | None, seen: frozenset[str] = frozenset()) -> int:
        style = by_id.get(style_id or "")
        if style is None or style_id in seen:
            return 0
        spacing = style.find(f"{_w('pPr')}/{_w('spacing')}")
        if spacing is not None and spacing.get(_w("before")) is not None:
            return int(spacing.get(_w("before")))
        based = style.find(_w("basedOn"))
        return before(based.get(_w("val")), seen | {style_id or ""}) if based is not None else 0

    return {i: before(i) for i in by_id if keeps(i)}


def _heading_space(paragraph: Any, keeping: dict[str, int]) -> int | None:
    """The space before `paragraph` (twentieths of a point) if it keeps with the next, else
    None."""
    ppr = paragraph.find(_w("pPr"))
    if ppr is None:
        return None
    style = ppr.find(_w("pStyle"))
    style_id = (style.get(_w("val")) or "") if style is not None else ""
    own = ppr.find(_w("keepNext"))
    if own is not None and own.get(_w("val"), "true") in ("0", "false", "off"):
        return None
    if own is None and style_id not in keeping:
        return None
    spacing = ppr.find(_w("spacing"))
    if spacing is not None and spacing.get(_w("before")) is not None:
        return int(spacing.get(_w("before")))
    return keeping.get(style_id, 0)


def _spacer(before: int) -> Any:
    from docx.oxml import OxmlElement

    paragraph = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    spacing = OxmlElement("w:spacing")
    spacing.set(_w("before"), str(before))
    spacing.set(_w("after"), "0")
    spacing.set(_w("line"), str(SPACER_POINTS * 20))
    spacing.set(_w("lineRule"), "exact")
    ppr.append(spacing)
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(_w("val"), str(SPACER_POINTS * 2))
    rpr.append(size)
    ppr.append(rpr)
    paragraph.append(ppr)
    return paragraph


def _text(paragraph: Any) -> str:
    return "".join(t.text or "" for t in paragraph.iter(_w("t")))


def _no_further_keep(paragraph: Any, keeping: dict[str, int]) -> bool:
    """Let the paragraph after a heading (an introduction) not keep with the one after it:
    LibreOffice does not carry a heading along when the paragraph after it moves to the next
    page to keep with its own next one (a membership map), and leaves the heading alone at the
    foot of the page. The heading keeps with its introduction; the introduction may end a page
    before its map or table. A picture (no text) keeps with its caption; a heading with the
    heading under it."""
    from docx.oxml import OxmlElement

    if paragraph.tag != _w("p") or not _text(paragraph).strip():
        return False
    ppr = paragraph.find(_w("pPr"))
    style = ppr.find(_w("pStyle")) if ppr is not None else None
    style_id = (style.get(_w("val")) or "") if style is not None else ""
    if style_id.startswith("Heading") or _heading_space(paragraph, keeping) is None:
        return False
    assert ppr is not None  # a paragraph that keeps with the next has its properties
    keep = ppr.find(_w("keepNext"))
    if keep is None:
        keep = OxmlElement("w:keepNext")
        ppr.append(keep)  # schema_order puts it in its place
    keep.set(_w("val"), "0")
    return True


def keep_headings_after_tables(body: Any, keeping: dict[str, int]) -> int:
    """Put a 1-point spacer between every table and a heading (any paragraph that keeps with
    the next: its own setting or a style of `keeping`) right after it, at the top level of the
    body; returns how many were put. The spacer takes the heading's space before it, so that
    a heading that starts a page starts at its top, as it did without the spacer."""
    from docx.oxml import OxmlElement

    put = 0
    for element in list(body):
        if element.tag != _w("p"):
            continue
        space = _heading_space(element, keeping)
        if space is not None and _text(element).strip() and element.getnext() is not None:
            _no_further_keep(element.getnext(), keeping)
        previous = element.getprevious()
        if space is None or previous is None or previous.tag != _w("tbl"):
            continue
        element.addprevious(_spacer(space))
        ppr = element.find(_w("pPr"))
        spacing = ppr.find(_w("spacing"))
        if spacing is None:
            spacing = OxmlElement("w:spacing")
            ppr.append(spacing)  # schema_order puts it in its place
        spacing.set(_w("before"), "0")
        put += 1
    return put
