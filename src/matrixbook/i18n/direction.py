"""Right-to-left writing, for a language flagged `rtl` (Arabic): the helpers every writer
calls, so that a right-to-left language needs no change in the outputs.

- Excel: `xlsx_sheet(worksheet, lang)` turns an xlsxwriter sheet round (`right_to_left()`).
- Word: `docx_bidi(element, lang)` marks every paragraph `w:bidi`, every run `w:rtl` and every
  table `w:bidiVisual` under a WordprocessingML element (a python-docx body, a docxtpl
  document's body, or the parsed `word/document.xml`).
- HTML: `html_dir(lang)` is the `dir` attribute of the page ('rtl' or 'ltr').

For a left-to-right language each helper does nothing, so calling it always is safe."""

from __future__ import annotations

from typing import Any

from matrixbook.i18n.languages import Language

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Where w:bidi, w:rtl and w:bidiVisual go in their parents (ECMA-376 Part 1, the sequences of
# CT_PPrBase, CT_RPr and CT_TblPrBase): before the first of these siblings, else at the end
# (w:pPr and w:tblPr keep their change-tracking and section children last).
_AFTER_BIDI = ("adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
               "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
               "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr",
               "pPrChange")
_AFTER_RTL = ("cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange")
_AFTER_BIDI_VISUAL = ("tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
                      "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout",
                      "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange")


def html_dir(lang: Language) -> str:
    """The `dir` attribute of an HTML page in `lang`: 'rtl' or 'ltr'."""
    return lang.direction


def xlsx_sheet(worksheet: Any, lang: Language) -> None:
    """Turn an xlsxwriter worksheet right to left (column A on the right) for an rtl
    language."""
    if lang.rtl:
        worksheet.right_to_left()


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _child(parent: Any, tag: str, before: tuple[str, ...], first: bool = False) -> Any:
    """The child `tag` of `parent`, added in its place in the schema's sequence if missing."""
    from lxml import etree

    found = parent.find(_w(tag))
    if found is not None:
        return found
    element = etree.Element(_w(tag))
    if first:
        parent.insert(0, element)
        return element
    later = {_w(t) for t in before}
    for i, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(i, element)
            return element
    parent.append(element)
    return element


def docx_bidi(element: Any, lang: Language) -> int:
    """Mark every paragraph, run and table under `element` (an lxml element of a Word
    document, e.g. `document.element.body` of python-docx) right to left for an rtl language.
    Returns how many paragraphs were marked (0 for a left-to-right language)."""
    if not lang.rtl:
        return 0
    element = getattr(element, "_element", element)
    paragraphs = 0
    for p in element.iter(_w("p")):
        ppr = _child(p, "pPr", (), first=True)
        _child(ppr, "bidi", _AFTER_BIDI)
        paragraphs += 1
    for r in element.iter(_w("r")):
        rpr = _child(r, "rPr", (), first=True)
        _child(rpr, "rtl", _AFTER_RTL)
    for tbl in element.iter(_w("tbl")):
        tblpr = _child(tbl, "tblPr", (), first=True)
        _child(tblpr, "bidiVisual", _AFTER_BIDI_VISUAL)
    return paragraphs
