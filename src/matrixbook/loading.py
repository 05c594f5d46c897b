"""Opening the workbook and reading its sheets' cells, one sheet after another.

`SheetReader` is the plain reader `reading.read_book` uses: it opens the file (through
`filecheck`, which refuses what is not a safe workbook) and hands over each sheet's cells when
asked. `matrixbook.speedups.loading` has a reader with the same methods that parses the sheets
in background threads while pandas is imported; `reading.read_book` takes whichever
`speedups.loading.sheet_reader` gives it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matrixbook import filecheck

Rows = list[list[Any]]


def sheet_titles(declared: Sequence[str], titles: Sequence[str]) -> dict[str, str]:
    """Each declared sheet name -> the sheet of the file that holds it: the same name, or the
    same name in other capitals or with spaces around it. Declared sheets the file lacks are
    left out."""
    by_lower = {t.strip().casefold(): t for t in titles}
    found = {}
    for name in declared:
        title = name if name in titles else by_lower.get(name.casefold())
        if title is not None:
            found[name] = title
    return found


def sheets_to_read(declared: Sequence[str], titles: Sequence[str], extra: bool,
                   skip: Sequence[str] = ()) -> list[str]:
    """The sheets of the file to read: the declared ones in the declared order, then (with
    `extra`) staff's own sheets in the file's order, except those of `skip` (the hidden
    drop-down lists: formulas, not data)."""
    found = list(sheet_titles(declared, titles).values())
    if extra:
        skipped = {t.casefold() for t in skip}
        found += [t for t in titles if t not in found and t.casefold() not in skipped]
    return found


class SheetReader:
    """The workbook's sheets, read one after another in the calling thread.

    `declared`: the sheet names of the schema; with `extra=True` the file's other sheets are
    read too, except those of `skip`. Use it as a context manager (leaving the block closes
    the file)."""

    def __init__(self, path: Path, declared: Sequence[str], *, extra: bool = False,
                 skip: Sequence[str] = ()) -> None:
        self.path = Path(path)
        self.declared = list(declared)
        self.extra = extra
        self._workbook = filecheck.open_workbook(self.path)
        self.order = sheets_to_read(self.declared, self._workbook.sheet_names, extra, skip)

    def titles(self) -> list[str]:
        """Every sheet of the file, in order."""
        return self._workbook.sheet_names

    def arrived(self) -> list[str]:
        """The sheets to read, in the order `rows` should be asked for them."""
        return list(self.order)

    def rows(self, title: str) -> tuple[Rows, filecheck.SheetScan]:
        """The sheet's cells and what the scan of its XML found (raises the InputError of a
        sheet that cannot be read)."""
        if title not in self.order:
            raise KeyError(f"the sheet '{title}' was not asked for")
        return filecheck.sheet_rows(self._workbook, title)

    def close(self) -> None:
        self._workbook.close()

    def __enter__(self) -> SheetReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Rows", "SheetReader", "sheet_titles", "sheets_to_read"]
