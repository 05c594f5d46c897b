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

# The estimate of a note wraps its text itself, character by character, at the widths of the
# template (matrixbook.model.cover.wrapped): a web address or a French sentence is as long as
# it prints, where a count of words took a forty-character link for one word and put the
# Doha and Rabat notes a page and a half short. Fitted on the 68 default notes (English and
# French, internal and external) printed by LibreOffice: every one within half a page
# (tests/test_print.py checks the notes that were off).
TEXT_CHARS = 96  # running text, 10 pt across 17 cm
REFERENCE_CHARS = 108  # a reference, 9 pt, indented 0.8 cm
REFERENCE_LINE = 0.9  # a 9-point line
ROW_PADDING_LINES = 0.25  # a table row's padding and rule
NOTE_LINES_PER_PAGE = 52
NOTE_MAP_LINES = 26  # the membership map, its legend and caption


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


def wrapped_lines(texts: Iterable[str], chars: int, line: float = 1.0) -> float:
    """Lines the paragraphs fill wrapped at `chars` characters a line (each `line` high),
    with the half-line of space after each."""
    from matrixbook.model.cover import wrapped

    return sum(wrapped(t, chars) * line + 0.5 for t in texts if t)


def wrapped_table(rows: Iterable[Sequence[str]], chars: Sequence[int]) -> float:
    """Lines a table fills: its introduction and header, then each row as tall as its tallest
    cell, each column wrapped at its own `chars` characters a line."""
    from matrixbook.model.cover import wrapped

    total = float(TABLE_LINES)
    for row in rows:
        tallest = max([wrapped(c, n) for c, n in zip(row, chars, strict=False)] + [1])
        total += tallest * TABLE_LINE + ROW_PADDING_LINES
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
    # The pages the cover takes when it is measured (matrixbook.model.cover): 1 on its own
    # page, a fraction when the note runs on after it; else from cover_lines.
    cover_pages: float | None = None
    lines_per_page: int = LINES_PER_PAGE

    @property
    def pages(self) -> float:
        cover = (self.cover_pages if self.cover_pages is not None
                 else max(1, math.ceil(self.cover_lines / COVER_CAPACITY)))
        raw = cover + self.body_lines / self.lines_per_page
        return math.ceil(raw * 2) / 2  # to the half page begun: more precision would be false

    @property
    def method(self) -> str:
        if self.cover_pages is not None:  # measured: the rate of matrixbook.model.briefs
            return (f"text wrapped at the template's widths ({TEXT_CHARS} characters a line "
                    f"of text), {self.lines_per_page} lines a page, the cover as measured")
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
