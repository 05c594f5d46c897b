"""Reading the workbook's sheets in background threads, while Python does other work.

python-calamine parses a sheet's XML without holding Python's lock (the GIL), so two threads
can parse the sheets while the main thread imports pandas and pandera or checks the sheets
already read. On a 20,000-policy workbook the parse alone takes about as long as those imports
(see benchmarks/README.md).

`SheetLoader` has the methods of the plain `loading.SheetReader` and hands over the same cells;
`reading.read_book` asks `sheet_reader` for one. A command starts the threads before it imports
pandas with `prefetch` (api.validate, api.build); `sheet_reader` then hands that loader over.
With MATRIXBOOK_PLAIN=1 both give way to the plain reader.

This module imports neither pandas nor pandera. Every error the reading raises (an InputError
naming the file and what to do) is raised again in the main thread, when the sheet it concerns
is asked for; when two sheets fail, the first in the declared order is told, as the plain reader
would tell it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matrixbook import filecheck, speedups
from matrixbook.loading import Rows, SheetReader, sheets_to_read

_Key = tuple[Path, tuple[str, ...], bool]
_prefetched: dict[_Key, SheetLoader] = {}


def _key(path: Path, declared: Sequence[str], extra: bool) -> _Key:
    return Path(path).resolve(), tuple(declared), extra


@contextmanager
def prefetch(path: Path, declared: Sequence[str], *, extra: bool = False,
             skip: Sequence[str] = ()) -> Iterator[None]:
    """Start reading the sheets now, in threads, for the `sheet_reader` call of the same file
    and sheets inside the block; one nobody took is stopped when the block ends."""
    if not speedups.enabled():
        yield
        return
    key = _key(path, declared, extra)
    loader = _prefetched[key] = SheetLoader(Path(path), declared, extra=extra, skip=skip)
    try:
        yield
    except BaseException:
        if _prefetched.get(key) is loader:
            del _prefetched[key]
            loader.stop()
        raise
    if _prefetched.get(key) is loader:
        del _prefetched[key]
        loader.close()


def sheet_reader(path: Path, declared: Sequence[str], *, extra: bool = False,
                 skip: Sequence[str] = ()) -> SheetReader | SheetLoader:
    """A reader of the workbook's sheets: the loader `prefetch` started for them, else a new
    one, else (MATRIXBOOK_PLAIN=1) the plain reader. `skip`: staff's sheets never read."""
    loader = _prefetched.pop(_key(path, declared, extra), None)
    if loader is not None and (not extra or loader.skip == {t.casefold() for t in skip}):
        return loader  # (`skip` only matters for staff's own sheets)
    if loader is not None:
        loader.close()
    if speedups.enabled():
        return SheetLoader(Path(path), declared, extra=extra, skip=skip)
    return SheetReader(Path(path), declared, extra=extra, skip=skip)


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
    read too. The largest sheet (in a global mapping, Policies: most of the file) is read by one
    thread and the others, in the schema's order, by a second one with its own handle on the
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
        self._in_order: list[str] = []  # the same in the plain reader's order
        self._taken: set[str] = set()
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
            wanted = sheets_to_read(self.declared, titles, self.extra, list(self.skip))
            declared = sheets_to_read(self.declared, titles, False)
            largest = max(declared, key=lambda t: workbook.sizes.get(t, 0), default=None)
            first = [largest] if largest is not None else []
            rest = [t for t in wanted if t != largest]
            self._in_order = wanted
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
        """The sheet's cells and what the scan found, once a thread has read them. A sheet
        that could not be read raises its error, or the error of a sheet before it (in the
        plain reader's order) not yet taken, as reading one after another would have. Each
        sheet is handed over once: the loader keeps no reference to it afterwards."""
        self.titles()
        self._taking.set()
        slot = self._sheets.get(title)
        if slot is None:
            raise KeyError(f"the sheet '{title}' was not asked for")
        self._taken.add(title)
        try:
            return slot.get()
        except Exception as exc:
            earlier = [t for t in self._in_order[:self._in_order.index(title)]
                       if t not in self._taken]
            raise (self._first_error(earlier) or exc) from None
        finally:
            slot.value = None

    def _first_error(self, titles: Sequence[str]) -> BaseException | None:
        """The error of the first of `titles` (in that order) whose reading failed, waiting
        for each."""
        for title in titles:
            slot = self._sheets[title]
            slot.ready.wait()
            slot.value = None
            if slot.error is not None and not isinstance(slot.error, NotRead):
                return slot.error
        return None

    def close(self) -> None:
        """Stop after the sheet being read (calamine cannot be interrupted) and wait."""
        self.stop()
        self._thread.join()

    def stop(self) -> None:
        """Tell the threads to stop, without waiting for a large sheet's parse to finish (they
        end with the process): an error or Ctrl+C ends the command at once."""
        self._stop.set()
        self._taking.set()

    def __enter__(self) -> SheetLoader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.stop()


__all__ = ["SheetLoader", "prefetch", "sheet_reader"]
