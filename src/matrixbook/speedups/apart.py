"""The large outputs of a large build written in forked processes, beside the others: the
two cores share the build instead of one doing it all.

An output declared `apart` (its cost grows with the policies: the CLIMB sheet, the policy
database, the mapping and inception reports) is written in the forked process its `apart`
names, started when the build starts, with the tables already in memory; outputs naming the
same process (the two reports, which both draw charts) are written there in turn. It writes
its files into the build's staging folder itself and hands back only what the build keeps of
it: the paths it wrote, the files it staged (for the folder's manifest) and its lines for the
person running the build. The build takes them in the order of the outputs, so it says and
lists the same as when it writes them in turn; a problem an apart output meets fails the
build when it is collected, before anything is moved into place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matrixbook.speedups import enabled, pool

# From how many rows (all sheets) a build writes its apart outputs in other processes: forking
# costs a few hundredths of a second each; the default workbook's few hundred rows stay in turn.
APART_FROM = 3_000


@dataclass
class Written:
    """What the build keeps of an output it wrote: its files and its lines."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_CTX: list[Any] = []  # the build's context while the forks are made: inherited by them


def _write(outputs: list[Any]) -> list[tuple[list[Path], dict[str, str], list[str]]]:
    """In the forked process: each output written in turn into the build's staging folder."""
    ctx = _CTX[0]
    ctx.later = None
    done = []
    for output in outputs:
        ctx.output = output.name
        staged_before, said_before = set(ctx.folder.produced), len(ctx.messages)
        files = output.write(ctx)
        staged = {k: v for k, v in ctx.folder.produced.items() if k not in staged_before}
        done.append((files, staged, ctx.messages[said_before:]))
    return done


def start(ctx: Any, outputs: Sequence[Any]) -> dict[str, Written]:
    """Fork a process for each `apart` name of a large build's outputs now, and write the
    outputs that name it there; {output name: Written}, filled by `ctx.later` when the build
    collects them (empty for a small build, the plain path or where there is no fork)."""
    lanes: dict[str, list[Any]] = {}
    for output in outputs:
        if getattr(output, "apart", ""):
            lanes.setdefault(output.apart, []).append(output)
    if (not lanes or not enabled() or not pool.can_fork() or ctx.later is None
            or sum(len(t) for t in ctx.tables.values()) < APART_FROM):
        return {}
    slots: dict[str, Written] = {}
    _CTX[:] = [ctx]
    try:
        for lane in lanes.values():
            written = [slots.setdefault(o.name, Written()) for o in lane]
            ctx.later.add(pool.started_call(_write, lane), _collect(ctx, written))
    finally:
        _CTX.clear()
    return slots


def _collect(ctx: Any, slots: list[Written]) -> pool.Finish:
    def finish(results: Iterator[Any]) -> None:
        for slot, (files, staged, notes) in zip(slots, next(results), strict=True):
            ctx.folder.produced.update(staged)
            slot.files[:], slot.notes[:] = files, notes
    return finish
