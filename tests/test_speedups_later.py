"""matrixbook.speedups.pool.Later: the briefing notes render in forked workers while the build
writes its other outputs, and are written before the folder is committed: the same files as
the plain path; a worker's problem still stops the build; a failed build stops the workers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import MASTER
from matrixbook.api import build
from matrixbook.outfolder import MANIFEST
from matrixbook.speedups import PLAIN_VARIABLE, pool

pytestmark = pytest.mark.skipif(not pool.can_fork(), reason="forked workers need Linux")


def _square_or_fail(n: int) -> int:
    if n == 7:
        raise ValueError("item 7 cannot be done")
    return n * n


def _slow(n: int) -> int:
    time.sleep(0.5)
    return n


def test_results_come_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "PARALLEL_FROM", 2)
    got: list[int] = []
    with pool.background() as later:
        started = pool.started_map(_square_or_fail, list(range(6)))
        assert started is not None
        later.add(started, lambda results: got.extend(results))
        assert got == []  # nothing is read before the block ends
    assert got == [0, 1, 4, 9, 16, 25]


def test_few_items_are_left_to_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "PARALLEL_FROM", 10)
    assert pool.started_map(_square_or_fail, list(range(3))) is None


def test_a_workers_problem_is_raised_at_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "PARALLEL_FROM", 2)
    got: list[int] = []
    with pytest.raises(ValueError, match="item 7 cannot be done"), pool.background() as later:
        started = pool.started_map(_square_or_fail, list(range(12)))
        assert started is not None
        later.add(started, lambda results: got.extend(results))
    assert 49 not in got


def test_a_failed_build_stops_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """40 half-second items (10 s on two workers) dropped when the block fails at once."""
    monkeypatch.setattr(pool, "PARALLEL_FROM", 2)
    written: list[int] = []
    began = time.monotonic()
    with pytest.raises(RuntimeError, match="another output failed"), \
            pool.background() as later:
        started = pool.started_map(_slow, list(range(40)))
        assert started is not None
        later.add(started, lambda results: written.extend(results))
        raise RuntimeError("another output failed")
    assert written == []
    assert time.monotonic() - began < 5


def test_notes_written_after_the_other_outputs_are_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The notes and a report built together: the notes go the deferred way (the waiting
    one is switched off) and their files are those of the plain path, and the build lists
    them in the same order."""
    monkeypatch.setattr(pool, "PARALLEL_FROM", 2)
    taken: list[int] = []
    started_map = pool.started_map

    def spy(function: Any, items: Any) -> Any:
        taken.append(len(items))
        return started_map(function, items)

    def forbidden(*_args: object) -> Iterator[Any]:
        raise AssertionError("the notes were rendered while the build waited")

    monkeypatch.setattr(pool, "started_map", spy)
    monkeypatch.setattr(pool, "forked_map", forbidden)
    only = ["briefs", "inception_report"]
    fast = build(MASTER, tmp_path / "fast", only=only, today=date(2025, 9, 3))
    assert taken and taken[0] > 2
    monkeypatch.setenv(PLAIN_VARIABLE, "1")
    plain = build(MASTER, tmp_path / "plain", only=only, today=date(2025, 9, 3))
    assert [p.relative_to(tmp_path / "fast") for p in fast.written] == \
        [p.relative_to(tmp_path / "plain") for p in plain.written]
    for path in fast.written:
        relative = path.relative_to(tmp_path / "fast")
        assert path.read_bytes() == (tmp_path / "plain" / relative).read_bytes(), relative
    # The folder's record of what the build wrote: the same files, in the same order.
    assert (tmp_path / "fast" / MANIFEST).read_bytes() == \
        (tmp_path / "plain" / MANIFEST).read_bytes()
