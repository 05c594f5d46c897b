"""How many pages a note will print: its lines at a stated rate, the cover on its own page."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from matrixbook.model.text import words

# The stated rate, measured on the notes of the default workbook printed by LibreOffice (A4,
# 2 cm margins, Arial 10 pt text, 8.5 pt tables).
WORDS_PER_LINE = 14  # running text across the page
CELL_WORDS_PER_LINE = 7  # text in a narrow table column (a wide one takes more)
TABLE_LINE = 0.85  # a table line is smaller than a text line
LINES_PER_PAGE = 52
COVER_CAPACITY = 58  # the cover holds more: its tables are in small print
HEADING_LINES = 3  # a heading and the space around it
TABLE_LINES = 3  # a table's introduction and header row
COVER_LINES = 16  # the cover without the name: date / audience / reference table, headings
SHORTEST_NOTE, LONGEST_NOTE = 5, 10  # pages, as the terms of reference ask
# A note's membership map, its legend and caption (about 20 lines), and the foot of the page
# it leaves blank when it does not fit there: measured on the default notes, +0.85 page.
MAP_LINES = 44


def text_lines(texts: Iterable[str], words_per_line: int = WORDS_PER_LINE) -> float:
    """Lines the paragraphs fill, with the half-line of space after each."""
    return sum(math.ceil(words(t) / words_per_line) + 0.5 for t in texts if t)


def table_lines(rows: Iterable[Iterable[str]],
                words_per_line: int | Sequence[int] = CELL_WORDS_PER_LINE) -> float:
    """Lines a table fills: a row is as tall as its tallest cell. `words_per_line`: how many
    words a column holds on a line, one figure for every column or one per column (a narrow
    column of long words, such as Climate context, wraps sooner than the widest one)."""
    total = float(TABLE_LINES)
    for row in rows:
        cells = list(row)
        per_line = ([words_per_line] * len(cells) if isinstance(words_per_line, int)
                    else list(words_per_line))
        tallest = max((math.ceil(words(c) / n) for c, n in zip(cells, per_line, strict=False)),
                      default=1)
        total += max(tallest, 1) * TABLE_LINE
    return total


@dataclass(frozen=True)
class PageEstimate:
    """How long a note will print: its lines at a stated rate, the cover on its own page(s).

    Why an estimate rather than the real count: `validate` has to warn before anything is built,
    and the real count depends on fonts and on Word versus LibreOffice.
    """

    words: int  # running text
    tables: tuple[int, ...]  # rows of each table
    cover_lines: float
    body_lines: float

    @property
    def pages(self) -> float:
        cover = max(1, math.ceil(self.cover_lines / COVER_CAPACITY))
        raw = cover + self.body_lines / LINES_PER_PAGE
        return math.ceil(raw * 2) / 2  # to the half page begun: more precision would be false

    @property
    def method(self) -> str:
        return (f"{WORDS_PER_LINE} words a line of text, {CELL_WORDS_PER_LINE} in a table "
                f"column, {LINES_PER_PAGE} lines a page, the cover on its own page")

    @property
    def summary(self) -> str:
        shown = [r for r in self.tables if r]
        return (f"about {self.pages:g} pages: {self.words} words of text and {len(shown)} "
                f"table(s) with {sum(shown)} rows ({self.method})")

    def as_dict(self) -> dict[str, Any]:
        return {"pages": f"{self.pages:g}", "words": self.words,
                "tables": len([r for r in self.tables if r]), "method": self.method,
                "summary": self.summary,
                "in_range": SHORTEST_NOTE <= self.pages <= LONGEST_NOTE}
