"""Reading the workbook's sheets in a background thread, while Python does other work.

python-calamine parses a sheet's XML without holding Python's lock (the GIL), so one thread can
parse the sheets, in the order they will be needed, while the main thread imports pandas and
pandera or turns the previous sheet into a table. On a 20,000-policy workbook the parse alone
takes about as long as those imports (see benchmarks/README.md).

This module imports neither pandas nor pandera: a command starts the loader first and imports
them after. Every error the reading raises (an InputError naming the file and what to do) is
raised again in the main thread, when the sheet it concerns is asked for, so a command reports
the same one-line message, at the same point, as if it had read the sheets one after another.
"""

from __future__ import annotations

import threading
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


class _Slot:
    """One result the thread hands over: a value or the exception it raised."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def set(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value, self.error = value, error
        self.ready.set()

    def get(self) -> Any:
        self.ready.wait()
        if self.error is not None:
            raise self.error
        return self.value


class SheetLoader:
    """Open the workbook and read its sheets in a background thread.

    `declared`: the sheet names of the schema, read first and in that order; with
    `extra=True` the file's other sheets follow, in file order. Use it as a context manager:
    leaving the block stops the thread and closes the file, also when an error ends the
    command early."""

    def __init__(self, path: Path, declared: Sequence[str], *, extra: bool = False) -> None:
        self.path = Path(path)
        self._declared = list(declared)
        self._extra = extra
        self._opened = _Slot()
        self._sheets: dict[str, _Slot] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="matrixbook-sheets", daemon=True)
        self._thread.start()

    # -- the thread ---------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            workbook = filecheck.open_workbook(self.path)
        except BaseException as exc:  # handed to the main thread, raised there
            self._opened.set(error=exc)
            return
        try:
            try:
                titles = workbook.sheet_names
                order = list(sheet_titles(self._declared, titles).values())
                if self._extra:
                    order += [t for t in titles if t not in order]
                with self._lock:
                    for title in order:
                        self._sheets[title] = _Slot()
            except BaseException as exc:
                self._opened.set(error=exc)
                return
            self._opened.set(titles)
            for title in order:
                if self._stop.is_set():
                    break
                try:
                    self._sheets[title].set(filecheck.sheet_rows(workbook, title))
                except BaseException as exc:
                    self._sheets[title].set(error=exc)
                    break  # as a reading one sheet after another would have stopped
        finally:
            workbook.close()
            with self._lock:  # anything not read (stopped early): say so, never hang
                for slot in self._sheets.values():
                    if not slot.ready.is_set():
                        slot.set(error=RuntimeError("the sheet was not read"))

    # -- the main thread ----------------------------------------------------------------------
    def titles(self) -> list[str]:
        """Every sheet of the file, in order (raises the InputError of a file that cannot be
        opened)."""
        return self._opened.get()

    def rows(self, title: str) -> tuple[Rows, filecheck.SheetScan]:
        """The sheet's cells and what the scan found, once the thread has read them. Each
        sheet is handed over once: the loader keeps no reference to it afterwards."""
        self.titles()
        with self._lock:
            slot = self._sheets.get(title)
        if slot is None:
            raise KeyError(f"the sheet '{title}' was not asked for")
        try:
            return slot.get()
        finally:
            slot.value = None

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

    def __enter__(self) -> SheetLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["SheetLoader", "sheet_titles"]
