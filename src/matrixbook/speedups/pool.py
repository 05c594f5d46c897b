"""Work spread over forked processes (Linux): the children start at once with everything
imported and the work in memory; only an index and each result cross between processes."""

from __future__ import annotations

import multiprocessing
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# From how many documents a build renders them in two processes: starting them costs about a
# tenth of a second, a note about 20 ms; a small build stays in one process.
PARALLEL_FROM = 60
WORKERS = 2
_WORK: list[Any] = []  # (function, items) while a pool runs: inherited by the forked workers


def can_fork() -> bool:
    """Forking is safe only on Linux (on macOS a forked child may crash in system libraries,
    Windows has none)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _leave_ctrl_c_to_parent() -> None:
    """A worker ignores Ctrl+C: the command itself stops, says so in one line and replaces
    nothing; a worker's own traceback would only bury that line."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(index: int) -> Any:
    function, items = _WORK[0]
    return function(items[index])


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_leave_ctrl_c_to_parent)


def forked_map(function: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Any] | None:
    """function(item) for each item, in order, computed by WORKERS forked processes; None when
    the items are fewer than PARALLEL_FROM or forking is unavailable (the caller then does the
    work itself)."""
    if len(items) < PARALLEL_FROM or not can_fork():
        return None
    return _map(function, items)


def _map(function: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Any]:
    _WORK[:] = [(function, items)]
    try:
        with _pool(WORKERS) as pool:
            yield from pool.map(_run, range(len(items)), chunksize=4)
    finally:
        _WORK.clear()


def started_map(function: Callable[[Any], Any], items: Sequence[Any]
                ) -> tuple[ProcessPoolExecutor, Iterator[Any]] | None:
    """forked_map, its processes forked and given every item now: (the pool, the results in
    order as they come); None as for forked_map. The caller goes on with other work meanwhile
    and hands both to a `Later`, which reads the results and closes the pool."""
    if len(items) < PARALLEL_FROM or not can_fork():
        return None
    _WORK[:] = [(function, items)]
    try:  # with fork, the pool starts every worker at the first task: they have _WORK
        pool = _pool(WORKERS)
        results = pool.map(_run, range(len(items)), chunksize=4)
    finally:
        _WORK.clear()
    return pool, results


def started_call(function: Callable[[Any], Any], item: Any
                 ) -> tuple[ProcessPoolExecutor, Iterator[Any]]:
    """function(item) in one forked process, started now: (the pool, an iterator giving the
    one result once it is done) for a `Later`. Only on Linux (`can_fork`)."""
    _WORK[:] = [(function, [item])]
    try:  # with fork, the worker starts at the submit: it has _WORK
        pool = _pool(1)
        done = pool.submit(_run, 0)
    finally:
        _WORK.clear()
    return pool, _result(done)


def _result(done: Future[Any]) -> Iterator[Any]:
    yield done.result()


Finish = Callable[[Iterator[Any]], None]


class Later:
    """Work outputs started in forked processes (`started_map`, `started_call`) and what to do
    with its results, done by `finish` once every output has had its turn: the briefing notes
    and the large outputs of a large build are written on the two cores while this process
    writes the other outputs, instead of this process waiting for them."""

    def __init__(self) -> None:
        self._tasks: list[tuple[ProcessPoolExecutor, Iterator[Any], Finish]] = []

    def add(self, started: tuple[ProcessPoolExecutor, Iterator[Any]], finish: Finish) -> None:
        self._tasks.append((*started, finish))

    def finish(self) -> None:
        """Each task's results handed to its `finish`, in the order the tasks were added; a
        problem raised in a worker is raised here."""
        while self._tasks:
            pool, results, finish = self._tasks.pop(0)
            try:
                finish(results)
            except BaseException:
                _stop(pool)
                self.cancel()
                raise
            pool.shutdown(wait=True)

    def cancel(self) -> None:
        """The work not yet begun dropped, the workers stopped at once (the build failed or was
        interrupted): a whole output being written elsewhere is not waited for."""
        while self._tasks:
            pool, _results, _finish = self._tasks.pop(0)
            _stop(pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    """The pool's pending work dropped and its workers ended (SIGTERM), then waited for, so
    that none writes after its build has cleared its staging folder."""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join()
    pool.shutdown(wait=True)


@contextmanager
def background() -> Iterator[Later]:
    """A `Later` for the time of a build: whatever is still pending when the block ends by an
    error (or Ctrl+C) is cancelled; on a normal end it is finished."""
    later = Later()
    try:
        yield later
    except BaseException:
        later.cancel()
        raise
    later.finish()


def both(function: Callable[[Any], Any], first: Any, second: Any) -> tuple[Any, Any]:
    """(function(first), function(second)): `first` in a forked process while this one does
    `second`. When both fail, the problem with `first` is raised, as if done in turn."""
    with _pool(1) as pool:
        done: Future[Any] = pool.submit(function, first)
        try:
            other = function(second)
        except Exception:
            done.result()
            raise
        return done.result(), other


PARALLEL_BYTES = 1_000_000  # both files larger than this: each is read on its own core


def both_large(*paths: Path) -> bool:
    """Whether every file is larger than PARALLEL_BYTES and this system can fork: reading
    and checking are most of the time of a large comparison; small files stay in turn."""
    return can_fork() and all(p.is_file() and p.stat().st_size > PARALLEL_BYTES for p in paths)
