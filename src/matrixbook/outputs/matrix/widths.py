"""How wide the Matrix's text columns are, so it prints on few pages.

The Matrix prints its themes on the first page across and its other columns on the pages
after (the details, then the internal columns), beside the body and name columns repeated on
each. A row is as tall on every page across as its tallest cell, so a long text in a narrow
column leaves the themes page mostly empty. Each page across after the themes is therefore
filled: its columns share the page's width in the way that makes the rows shortest.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np

from matrixbook import xlsx

# Of a page across, what its columns take: LibreOffice's fonts vary a little.
FILL_SHARE = 0.98
SPAN = 16  # units over its least width a column that does not take the rest is tried at
TRIALS = 4096  # the most combinations of widths tried for one page across


def pixels(widths: Sequence[float]) -> int:
    return sum(xlsx.column_pixels(w) for w in widths)


def fill(page_pixels: float, fixed: Sequence[Sequence[int]], groups: Sequence[Sequence[int]],
         least: Sequence[float], lines: Callable[[int, float], Sequence[int]]) -> list[float]:
    """Widths (in Excel units) of the columns of `groups` (each the indexes of the columns
    printed on one page across), from their `least` widths (indexed like the columns) up to
    filling `page_pixels` each. `fixed` holds, per row, the lines of the columns whose width
    is given (body, name, themes); `lines(column, width)` the lines of each row's text in a
    column that wide.

    In each group the column with the most text takes what the others leave; the others are
    tried at every width up to SPAN units over their least, and the widths that make the
    rows shortest in all (the tallest cell of each row, over every page across) are kept,
    the long text as wide as possible among equals."""
    widths = [float(w) for w in least]
    cache: dict[tuple[int, float], np.ndarray] = {}

    def col_lines(c: int, w: float) -> np.ndarray:
        if (c, w) not in cache:
            cache[c, w] = np.asarray(lines(c, w), dtype=np.int64)
        return cache[c, w]

    floor = np.asarray([max(r, default=1) for r in fixed], dtype=np.int64)
    if not len(floor):
        return widths
    budget = [int(max(page_pixels * FILL_SHARE - pixels([least[c] for c in g]), 0) // 7)
              for g in groups]
    for _ in range(2):  # each group again, once the others have their widths
        for g, group in enumerate(groups):
            if not group:
                continue
            filler = max(group, key=lambda c: int(col_lines(c, least[c]).sum()))
            others = [c for c in group if c != filler]
            outside = np.max([floor, *(col_lines(c, widths[c]) for h, grp in enumerate(groups)
                                       if h != g for c in grp)], axis=0)
            # at most TRIALS combinations, however many columns share the page
            per_column = int(TRIALS ** (1 / len(others))) if others else 1
            span = max(1, min(SPAN, per_column, budget[g] + 1))
            best: tuple[int, int] | None = None
            chosen: tuple[int, ...] = (0,) * len(others)
            for extra in itertools.product(range(span), repeat=len(others)):
                rest = budget[g] - sum(extra)
                if rest < 0:
                    continue
                tallest = np.maximum(outside, col_lines(filler, least[filler] + rest))
                for c, k in zip(others, extra, strict=True):
                    tallest = np.maximum(tallest, col_lines(c, least[c] + k))
                score = (int(tallest.sum()), -rest)
                if best is None or score < best:
                    best = score
                    chosen = extra
            for c, k in zip(others, chosen, strict=True):
                widths[c] = least[c] + k
            widths[filler] = least[filler] + budget[g] - sum(chosen)
    return widths
