"""Reading the workbook's sheets in background threads, while Python does other work.

python-calamine parses a sheet's XML without holding Python's lock (the GIL), so two threads
can parse the sheets while the main thread imports pandas and pandera or checks the sheets
already read. On a 20,000-policy workbook the parse alone
takes about as long as those imports (see benchmarks/README.md).

This module imports neither pandas nor pandera: a command starts the loader first and imports
them after. Every error the reading raises (an InputError naming the file and what to do) is
raised again in the main thread, when the sheet it concerns is asked for, so a command reports
the same one-line message as if it had read the sheets one after another (when two sheets
fail, the first in the schema's order: `first_error`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
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


class NotRead(RuntimeError):
    """A sheet left unread because the reading stopped before it (an earlier error)."""

    def __init__(self, title: str) -> None:
        super().__init__(f"the sheet '{title}' was not read")


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
    """Open the workbook and read its sheets in background threads.

    `declared`: the sheet names of the schema; with `extra=True` the file's other sheets are
    read too, except those of `skip` (the hidden drop-down lists: formulas, not data). The
    largest sheet (in a global mapping, Policies: most of the file) is read by one thread and
    the others, in the schema's order, by a second one with its own handle on the
    file, so the small sheets are read, turned into tables and checked while the large one is
    still being parsed. `arrived()` hands the sheets over as they are read. Use the loader as a
    context manager: leaving the block waits for the threads to stop and close the file; leaving
    it on an error (or Ctrl+C) only tells them to stop, so the command ends at once."""

    def __init__(self, path: Path, declared: Sequence[str], *, extra: bool = False,
                 skip: Sequence[str] = ()) -> None:
        self.path = Path(path)
        self.declared = list(declared)
        self.extra = extra
        self.skip = {t.casefold() for t in skip}
        self._opened = _Slot()
        self.order: list[str] = []  # every sheet the loader reads: the largest, then the rest
        self._sheets: dict[str, _Slot] = {}
        self._arrivals: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._taking = threading.Event()  # the main thread has started taking sheets
        self._thread = threading.Thread(target=self._run, name="matrixbook-sheets", daemon=True)
        self._thread.start()

    # -- the reading threads ------------------------------------------------------------------
    def _run(self) -> None:
        workbook: filecheck.Workbook | None = None
        try:
            workbook = filecheck.open_workbook(self.path)
            titles = workbook.sheet_names
            declared = list(sheet_titles(self.declared, titles).values())
            largest = max(declared, key=lambda t: workbook.sizes.get(t, 0), default=None)
            rest = [t for t in declared if t != largest]
            if self.extra:  # staff's own sheets
                rest += [t for t in titles if t not in declared and t.casefold() not in self.skip]
            first = [largest] if largest is not None else []
            self._sheets = {title: _Slot() for title in first + rest}
            self.order = first + rest
            second = threading.Thread(target=self._read_apart, args=(rest,),
                                      name="matrixbook-sheets-2", daemon=True)
            if rest:
                second.start()
        except BaseException as exc:  # handed to the main thread, raised there
            self._opened.set(error=exc)
            if workbook is not None:
                workbook.close()
            return
        try:
            self._opened.set(titles)
            self._read(workbook, first)
            if rest:
                second.join()  # so that joining this thread waits for both
        finally:
            workbook.close()

    def _read_apart(self, titles: list[str]) -> None:
        """Read `titles` with a handle of this thread's own (calamine reads one sheet at a
        time per handle), once the main thread starts taking sheets: until then it is busy
        importing pandas and pandera, and a third busy thread on two cores would slow it."""
        self._taking.wait()
        if self._stop.is_set():
            for title in titles:
                self._hand_over(title, error=NotRead(title))
            return
        try:
            workbook = filecheck.open_workbook(self.path)
        except BaseException as exc:
            self._hand_over(titles[0], error=exc)
            for title in titles[1:]:
                self._hand_over(title, error=NotRead(title))
            return
        try:
            self._read(workbook, titles)
        finally:
            workbook.close()

    def _read(self, workbook: filecheck.Workbook, titles: list[str]) -> None:
        stopped = False
        for title in titles:
            if stopped or self._stop.is_set():
                # as reading one sheet after another would have: nothing after an error
                self._hand_over(title, error=NotRead(title))
                continue
            try:
                self._hand_over(title, filecheck.sheet_rows(workbook, title))
            except BaseException as exc:
                stopped = True
                self._hand_over(title, error=exc)

    def _hand_over(self, title: str, value: Any = None,
                   error: BaseException | None = None) -> None:
        self._sheets[title].set(value, error)
        self._arrivals.put(title)

    # -- the main thread ----------------------------------------------------------------------
    def titles(self) -> list[str]:
        """Every sheet of the file, in order (raises the InputError of a file that cannot be
        opened)."""
        return self._opened.get()

    def arrived(self) -> Iterator[str]:
        """The sheets of `order` as the threads finish reading them (each once)."""
        self.titles()
        self._taking.set()
        for _ in self.order:
            yield self._arrivals.get()

    def rows(self, title: str) -> tuple[Rows, filecheck.SheetScan]:
        """The sheet's cells and what the scan found, once a thread has read them (raises
        the error the reading raised). Each sheet is handed over once: the loader keeps no
        reference to it afterwards."""
        self.titles()
        self._taking.set()
        slot = self._sheets.get(title)
        if slot is None:
            raise KeyError(f"the sheet '{title}' was not asked for")
        try:
            return slot.get()
        finally:
            slot.value = None

    def first_error(self, titles: Sequence[str]) -> BaseException | None:
        """The error of the first of `titles` (in that order) whose reading failed, waiting
        for each: what reading them one after another would have stopped at."""
        for title in titles:
            slot = self._sheets.get(title)
            if slot is None:
                continue
            slot.ready.wait()
            slot.value = None
            if slot.error is not None and not isinstance(slot.error, NotRead):
                return slot.error
        return None

    def close(self) -> None:
        """Stop after the sheet being read (calamine cannot be interrupted) and wait."""
        self._stop.set()
        self._taking.set()
        self._thread.join()

    def __enter__(self) -> SheetLoader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None:
            self.close()
        else:
            # An error or Ctrl+C ends the command: tell the threads to stop, without waiting
            # for a large sheet's parse to finish (they end with the process).
            self._stop.set()
            self._taking.set()


__all__ = ["SheetLoader", "sheet_titles"]
