"""The Findings sheet as a new worksheet part."""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import quoteattr

from matrixbook.speedups.annotate.parts import MAIN, REL, FindingsSheet, _text
from matrixbook.speedups.annotate.styles import Styles

# -- the Findings sheet --------------------------------------------------------------------------

def findings_xml(sheet: FindingsSheet, styles: Styles) -> bytes:
    header = styles.own(font=styles.font(sheet.header_font, True, False),
                        fill=styles.fill(sheet.header_fill))
    plain = styles.own(wrap=True)
    link = styles.own(font=styles.font(sheet.link_font, False, True), wrap=True)
    fills = {rgb: styles.own(fill=styles.fill(rgb), wrap=True)
             for rgb in {r.fill for r in sheet.rows}}
    last = max(2, len(sheet.rows) + 1)
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
           f'xmlns:r="{REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
           f'<dimension ref="A1:G{len(sheet.rows) + 1}"/><sheetViews>'
           '<sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
           'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
           'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
           '<sheetFormatPr defaultRowHeight="15"/><cols>']
    for i, width in enumerate(sheet.widths, start=1):
        out.append(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>')
    out.append('</cols><sheetData><row r="1">')
    for i, text in enumerate(sheet.headers):
        out.append(_cell(f"{'ABCDEFG'[i]}1", text, header))
    out.append("</row>")
    links = []
    for r, row in enumerate(sheet.rows, start=2):
        out.append(f'<row r="{r}" ht="{row.height}" customHeight="1">')
        for i, value in enumerate(row.values):
            style = fills[row.fill] if i == 0 else link if i == 2 and row.link else plain
            out.append(_cell(f"{'ABCDEFG'[i]}{r}", value, style))
        out.append("</row>")
        if row.link:
            links.append(f'<hyperlink ref="C{r}" location={quoteattr(row.link)}/>')
    out.append(f'</sheetData><autoFilter ref="A1:G{last}"/>')
    if links:
        out.append("<hyperlinks>" + "".join(links) + "</hyperlinks>")
    out.append('<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
               'footer="0.5"/><pageSetup orientation="landscape" paperSize="9" fitToWidth="1" '
               'fitToHeight="0"/></worksheet>')
    return "".join(out).encode()


def _cell(ref: str, value: Any, style: int) -> str:
    """A cell whose text is always text (an inline string), never a formula."""
    if value is None:
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}" s="{style}"><v>{int.__repr__(value)}</v></c>'
    if isinstance(value, float) and math.isfinite(value):
        return f'<c r="{ref}" s="{style}"><v>{float.__repr__(value)}</v></c>'
    return (f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
            f"{_text(str(value))}</t></is></c>")


