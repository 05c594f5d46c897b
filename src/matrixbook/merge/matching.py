"""Which sheet, column and record of BASE is which in MINE and in THEIRS.

`merge` matches exactly as `diff` does (sheets by name or as renamed, columns by header or as
renamed, records by their ID, rows of sheets without an ID by content), so the two commands
never disagree on what a copy changed. This module is merge's only door into diff's matching:
when diff's internals move, only these imports follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matrixbook.diff.matching import _Alignment as Alignment
from matrixbook.diff.matching import _compare_tables, _match_tables, _pair_renames
from matrixbook.diff.render import show
from matrixbook.diff.tables import _Table as Table
from matrixbook.diff.tables import _tables
from matrixbook.diff.values import _classify, _key_text, _shown
from matrixbook.diff.values import _typed as typed
from matrixbook.reading import Book

__all__ = ["Alignment", "Table", "typed", "same", "tables", "match_tables", "column_pairs",
           "key_text", "shown", "show",
           "differs", "Columns"]

CONFLICTS_SHEET = "Merge conflicts"


def same(a: Any, b: Any, ctype: str | None, separator: str = ";") -> bool:
    """The two cells hold the same value as the workbook means it (3 and 3.0 alike; a change
    in white space only is a change: someone typed it)."""
    if type(a) is type(b) and a == b:  # most cells: the same value, nothing to type
        return True
    return _classify(a, b, ctype, ctype, separator) is None


def tables(book: Book) -> list[Table]:
    """The book's sheets as diff reads them, without a previous merge's conflict list."""
    return [t for t in _tables(book) if t.name != CONFLICTS_SHEET]


def match_tables(old: list[Table], new: list[Table]
                 ) -> tuple[list[tuple[Table, Table]], list[Table], list[Table]]:
    """Pairs (old, new), the old tables gone, the new tables added."""
    return _match_tables(old, new)


def differs(old: Table, new: Table) -> bool:
    """NEW changed anything in the sheet (a cell, a record, a column, its title)."""
    return bool(_compare_tables(old, new))


@dataclass
class Columns:
    """Columns of OLD matched to columns of NEW: (old ident, new ident) pairs, renames among
    them, and the columns only one of them has."""

    pairs: list[tuple[str, str]]
    renamed: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    fresh: list[str] = field(default_factory=list)

    def new_of(self, old_ident: str) -> str | None:
        return next((b for a, b in self.pairs if a == old_ident), None)


def column_pairs(o: Table, n: Table) -> Columns:
    """Columns matched as diff matches them: same header, else a rename (close name at the
    same place or with the same values)."""
    pairs = [(i, i) for i in n.columns if i in o.columns]
    gone = [c for i, c in o.columns.items() if i not in n.columns]
    fresh = [c for i, c in n.columns.items() if i not in o.columns]
    renamed: list[tuple[str, str]] = []
    if gone and fresh:
        align = Alignment.of(o, n, pairs)

        def agreement(a: Any, b: Any) -> float | None:
            return align.agreement(o, n, a.ident, b.ident)

        for a, b in _pair_renames(gone, fresh, name=lambda c: c.header,
                                  position=lambda c: c.position, agreement=agreement):
            pairs.append((a.ident, b.ident))
            renamed.append((a.ident, b.ident))
            gone.remove(a)
            fresh.remove(b)
    return Columns(pairs, renamed, [c.ident for c in gone], [c.ident for c in fresh])


def align(o: Table, n: Table, columns: Columns) -> Alignment:
    """Records of OLD matched to records of NEW (positions into each frame)."""
    return Alignment.of(o, n, columns.pairs)


def row_map(alignment: Alignment) -> dict[int, int]:
    """OLD frame position -> NEW frame position, for the records both have."""
    return {int(a): int(b) for a, b in zip(alignment.old_pos, alignment.new_pos, strict=True)}


def positions(values: np.ndarray) -> list[int]:
    return [int(v) for v in values]


key_text = _key_text  # a record's ID as text (2018.0 -> '2018'), None when empty
shown = _shown  # a cell value as a person reads it (2018 not 2018.0, a date without 00:00)


def empty_like(t: Table) -> Table:
    """A sheet with the same name and no column: the BASE of a sheet both copies added."""
    import pandas as pd

    return Table(t.name, t.title, -1, pd.DataFrame(index=pd.Index([], dtype=int)), {}, None,
                 False, t.header_row, t.separator)
