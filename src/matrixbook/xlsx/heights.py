"""Row heights for wrapped text: neither Excel nor LibreOffice grows a row written by
xlsxwriter, so every output counts the lines of its cells itself. One estimator; each output
passes its calibration (a `Sizing`): how many characters a column-width unit holds in its font,
where a line may break, and how many points a line takes."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

WORDS = "words"  # lines break between words; a run of spaces counts as one
BREAKS = "breaks"  # lines break after a space, slash or hyphen; spaces count as typed
TEXTWRAP = "textwrap"  # Python's textwrap (breaks at hyphens, expands tabs)
_BREAK_AFTER = re.compile(r"(?<=[ /-])")


@dataclass(frozen=True)
class Sizing:
    """One output's calibration of the estimator."""

    chars_per_unit: float = 1.2  # characters of text per column-width unit
    spare: int = 1  # characters kept free at the end of a line
    fewest: int = 1  # characters a line holds in the narrowest column
    indent: float = 0  # width units an indent takes from the text
    line: float = 15.0  # points per line
    extra: float = 3.0  # points added to the lines
    most_lines: int | None = None
    most_points: float | None = 409.0  # Excel's tallest row
    wrap: str = WORDS

    def chars(self, width: float) -> int:
        """Characters a line holds in a column `width` units wide."""
        return max(int((width - self.indent) * self.chars_per_unit) - self.spare, self.fewest)

    def lines_of(self, text: str, width: float) -> int:
        return count_lines(text, self.chars(width), self.wrap)

    def lines(self, texts: Iterable[tuple[Any, float]], minimum: int = 1) -> int:
        """Lines of the tallest of the (text, column width) pairs; only text counts."""
        lines = minimum
        for text, width in texts:
            if isinstance(text, str) and text:
                lines = max(lines, self.lines_of(text, width))
        return lines

    def height(self, lines: int) -> float:
        """Points for a row of `lines` lines."""
        if self.most_lines is not None:
            lines = min(lines, self.most_lines)
        points = self.line * lines + self.extra
        return points if self.most_points is None else min(points, self.most_points)

    def row_height(self, texts: Iterable[tuple[Any, float]], minimum: int = 1) -> float:
        return self.height(self.lines(texts, minimum))


# About 1.2 characters of text per width unit: right for the wide fallback fonts of
# LibreOffice, a little loose in Calibri.
KIT = Sizing()


def count_lines(text: str, per_line: int, wrap: str = WORDS) -> int:
    """How many lines `text` takes wrapped at `per_line` characters; a word longer than a
    line is cut where it meets the edge."""
    if wrap == TEXTWRAP:
        return sum(len(textwrap.wrap(p, per_line)) or 1 for p in text.split("\n"))
    if len(text) <= per_line and "\n" not in text:
        return 1  # short text: one line, whatever its words
    total = 0
    for paragraph in text.split("\n"):
        tokens = (_BREAK_AFTER.split(paragraph) if wrap == BREAKS
                  else [word + " " for word in paragraph.split()])
        count, used = 1, 0
        for token in tokens:
            size, visible = len(token), len(token.rstrip(" "))
            if used and used + visible > per_line:
                count, used = count + 1, 0
            while visible > per_line:
                count, visible, size = count + 1, visible - per_line, size - per_line
            used += size
        total += count
    return total


def row_height(values: Iterable[Any], widths: Iterable[float], minimum: int = 1,
               line: float = 15.0) -> float:
    """Points for a row whose wrapped text fits, the values in columns of `widths`."""
    sizing = KIT if line == KIT.line else Sizing(line=line)
    return sizing.row_height(zip(values, widths, strict=False), minimum)


def row_heights(columns: list[list[Any]], widths: list[float], minimum: int = 1,
                line: float = 15.0) -> list[float]:
    """row_height of every row, from the columns (lists of equal length) rather than the rows:
    each distinct text of a column is wrapped once."""
    sizing = KIT if line == KIT.line else Sizing(line=line)
    rows = len(columns[0]) if columns else 0
    lines = np.full(rows, minimum, dtype=np.int64)
    for values, width in zip(columns, widths, strict=False):
        per_line = sizing.chars(width)
        counted: dict[str, int] = {}

        def count(value: Any, per_line: int = per_line, counted: dict[str, int] = counted) -> int:
            if not (isinstance(value, str) and value):
                return 1
            found = counted.get(value)
            if found is None:
                found = counted[value] = count_lines(value, per_line)
            return found

        np.maximum(lines, np.fromiter(map(count, values), dtype=np.int64, count=rows), out=lines)
    return [sizing.height(n) for n in lines.tolist()]
