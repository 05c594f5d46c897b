"""Word's order of property elements: Word refuses a file whose elements are out of order."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Child order of Word's property elements (ECMA-376, wml.xsd). Word refuses a file whose
# elements are out of order ("unreadable content"), LibreOffice does not: docxtpl's {% cellbg %}
# puts <w:shd> first in a cell's properties, so every rendered document is put back in order.
_SEQUENCES = {
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
              "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
              "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
              "tblPrChange"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
             "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns",
             "cellDel", "cellMerge", "tcPrChange"),
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
            "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
            "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
            "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
            "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
            "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
            "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
            "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight",
            "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
            "eastAsianLayout", "specVanish", "oMath"),
}


def schema_order(root: Any) -> None:
    """Put the children of every table, cell, paragraph and run property element of `root`
    in the order the Word schema requires (unknown elements keep their place at the end).

    An element with a single child, most of those of a note's long tables, is in order as it
    stands: it is passed over without a sort. The four kinds are found in one walk of the
    tree (each element's children are its own: the order they are sorted in is no matter)."""
    ranks = _schema_ranks()
    for element in root.iter(*ranks):
        if len(element) < 2:
            continue
        rank = ranks[element.tag]
        last = len(rank)
        children = list(element)
        ordered = sorted(children, key=lambda c: rank.get(c.tag, last))
        if ordered != children:
            for child in children:
                element.remove(child)
            element.extend(ordered)


@lru_cache(maxsize=1)
def _schema_ranks() -> dict[str, dict[str, int]]:
    """Qualified tag of each property element -> {qualified child tag: place in _SEQUENCES}."""
    from docx.oxml.ns import qn

    return {qn(f"w:{name}"): {qn(f"w:{child}"): i for i, child in enumerate(sequence)}
            for name, sequence in _SEQUENCES.items()}
