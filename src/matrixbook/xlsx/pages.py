"""How a generated sheet prints: A4, landscape, one page wide, header rows repeated, a footer
with the audience and page numbers; and estimates of where its pages break."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matrixbook.xlsx.language import right_to_left, say

A4_LANDSCAPE = (841.9, 595.3)  # points
MARGIN_INCHES = (0.4, 0.6)  # left/right and top/bottom
MARGINS = (MARGIN_INCHES[0] * 72, MARGIN_INCHES[1] * 72)  # the same in points
DEFAULT_ROW = 15.0  # points


def print_setup(ws: Any, *, header_rows: int = 1, audience: str | None = None,
                title: str = "", landscape: bool = True, repeat_row: int | None = None,
                gridlines: bool = True, texts: Any = None) -> None:
    """A4 landscape, fitted to one page wide, header rows repeated (the first `header_rows`,
    or the one row `repeat_row`), footer with title, audience and page numbers, in the
    language of `texts` (matrixbook.i18n; None: English), right to left if it is written so."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    side, top = MARGIN_INCHES
    ws.set_margins(left=side, right=side, top=top, bottom=top)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    left = f"&L{_footer_escape(title)}" if title else ""
    centre = f"&C{_footer_escape(say(texts, audience.capitalize()))}" if audience else ""
    ws.set_footer(f"{left}{centre}&R{say(texts, 'Page &P of &N')}", {"margin": 0.3})
    right_to_left(ws, texts)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
    if not gridlines:
        ws.hide_gridlines(2)


def _footer_escape(text: str) -> str:
    return text.replace("&", "&&")


def column_pixels(width: float) -> int:
    """A column's width in pixels, as Excel draws it."""
    return int(width * 7 + 5)


class Pager:
    """Where the printed pages of a sheet fitted to one page wide break, estimated from the
    row heights the output sets, so a section title and its header row never sit alone at the
    foot of a page.

    The shrink factor depends on how the office suite measures column widths: LibreOffice
    draws the same widths about a third wider than Excel (measured on the mapping matrix), so
    it shrinks more and fits more rows on a page. The pager follows both and breaks where
    either would orphan a section.
    """

    WIDTH_FACTORS = (1.0, 1.35)  # Excel, LibreOffice

    def __init__(self, widths: Sequence[float]) -> None:
        sheet_width = sum(column_pixels(w) * 0.75 for w in widths)
        printable_w = A4_LANDSCAPE[0] - 2 * MARGINS[0]
        printable_h = A4_LANDSCAPE[1] - 2 * MARGINS[1]
        self.capacity = [printable_h / min(1.0, printable_w / (sheet_width * k)) * 0.95
                         for k in self.WIDTH_FACTORS]
        self.used = [0.0 for _ in self.WIDTH_FACTORS]
        self.breaks: list[int] = []

    def add(self, height: float) -> None:
        self.used = [height if u + height > cap else u + height
                     for u, cap in zip(self.used, self.capacity, strict=True)]

    def keep_together(self, row: int, needed: float) -> None:
        if any(u and u + needed > cap for u, cap in zip(self.used, self.capacity, strict=True)):
            self.breaks.append(row)
            self.used = [0.0 for _ in self.used]
