"""Headings that stay with what follows them, even right after a table.

LibreOffice ignores "keep with next" on a paragraph that directly follows a table: a heading
after a table can print alone at the foot of a page, its text on the next (Word keeps them
either way). A 1-point empty paragraph between the table and the heading gives LibreOffice a
paragraph to break after, and the heading keeps with its text again. Done once on every
rendered Word document, so every template (and a staff member's own copy) gets it wherever a
heading lands after a table, whichever tags (`{%p if %}`, `{%p for %}`) stood between them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# The spacer: 1 point high, no space around it; it prints nothing.
SPACER_POINTS = 1


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def document_keep_styles(document: Any) -> frozenset[str]:
    """keep_with_next_styles of a python-docx `document`, whose styles part may be held as
    plain bytes (matrixbook.speedups.word carries it from one note to the next unparsed)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = document.part.part_related_by(RT.STYLES)
    element = getattr(part, "element", None)
    if element is not None:
        return frozenset(keep_with_next_styles(element))
    return _styles_of_blob(part.blob)


@lru_cache(maxsize=8)
def _styles_of_blob(blob: bytes) -> frozenset[str]:
    from docx.oxml import parse_xml

    return frozenset(keep_with_next_styles(parse_xml(blob)))


def keep_with_next_styles(styles: Any) -> set[str]:
    """Ids of the paragraph styles that keep with the next paragraph, their own setting or
    the one they are based on (Heading 1, Heading 2, a staff member's own heading style)."""
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

    return {i for i in by_id if keeps(i)}


def _is_heading(paragraph: Any, keeping: frozenset[str]) -> bool:
    ppr = paragraph.find(_w("pPr"))
    if ppr is None:
        return False
    own = ppr.find(_w("keepNext"))
    if own is not None:
        return own.get(_w("val"), "true") not in ("0", "false", "off")
    style = ppr.find(_w("pStyle"))
    return style is not None and (style.get(_w("val")) or "") in keeping


def _spacer() -> Any:
    from docx.oxml import OxmlElement

    paragraph = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    spacing = OxmlElement("w:spacing")
    spacing.set(_w("before"), "0")
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


def keep_headings_after_tables(body: Any, keeping: frozenset[str]) -> int:
    """Put a 1-point spacer between every table and a heading (any paragraph that keeps with
    the next: its own setting or a style of `keeping`) right after it, at the top level of the
    body; returns how many were put."""
    put = 0
    for element in list(body):
        if element.tag != _w("p") or not _is_heading(element, keeping):
            continue
        before = element.getprevious()
        if before is not None and before.tag == _w("tbl"):
            element.addprevious(_spacer())
            put += 1
    return put
