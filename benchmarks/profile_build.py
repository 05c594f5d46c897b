"""Where a build's time goes, output by output, inside one process.

    .venv/bin/python benchmarks/profile_build.py benchmarks/data/p20000.xlsx [--audience external]

Runs `build_outputs` once with a timer around validation and around each output's `write`:
wall time, the CPU of this process, and the CPU of the forked workers it waited for
(`RUSAGE_CHILDREN`). Work an output hands to the background (the notes, the outputs a large
build writes apart) is charged to the `finish` line, where the build waits for it. Prints a
Markdown table, then a timeline: when each output (and each notes worker) began and ended,
in which process, in seconds from the start of the build.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROWS: list[tuple[str, float, float, float]] = []
SPANS = Path(tempfile.gettempdir()) / f"matrixbook-timeline-{os.getpid()}.txt"
ORIGIN = time.monotonic()


def _cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


@contextmanager
def timed(name: str) -> Iterator[None]:
    wall, (own, kids) = time.perf_counter(), _cpu()
    try:
        yield
    finally:
        own2, kids2 = _cpu()
        ROWS.append((name, time.perf_counter() - wall, own2 - own, kids2 - kids))


def _wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        began = time.monotonic()
        try:
            with timed(name):
                return function(*args, **kwargs)
        finally:
            _span(name, began)
    return wrapped


def _span(name: str, began: float) -> None:
    """One line of the timeline, from whichever process did the work (O_APPEND)."""
    with SPANS.open("a", encoding="utf-8") as fh:
        fh.write(f"{name}\t{os.getpid()}\t{began - ORIGIN:.3f}\t{time.monotonic() - ORIGIN:.3f}\n")


def _timeline() -> None:
    spans: dict[tuple[str, str], list[float]] = {}
    for line in SPANS.read_text(encoding="utf-8").splitlines():
        name, pid, began, ended = line.split("\t")
        span = spans.setdefault((name, pid), [float(began), float(ended)])
        span[0], span[1] = min(span[0], float(began)), max(span[1], float(ended))
    SPANS.unlink()
    here = str(os.getpid())
    print("\n| Work | Process | From (s) | To (s) |\n|---|---|---:|---:|")
    for (name, pid), (began, ended) in sorted(spans.items(), key=lambda s: s[1][0]):
        print(f"| {name} | {'build' if pid == here else pid} | {began:.2f} | {ended:.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--audience", default="internal")
    parser.add_argument("--lang", default="en")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    import importlib

    from matrixbook import outputs, validation
    from matrixbook.speedups import pool

    build = importlib.import_module("matrixbook.build")

    ROWS.append(("imports", time.perf_counter() - start, *_cpu()))
    found = outputs.discover_outputs()
    patched = [dataclasses.replace(o, write=_wrap(o.name, o.write)) for o in found]
    outputs.discover_outputs = lambda: patched  # type: ignore[assignment]
    build.discover_outputs = lambda: patched  # type: ignore[attr-defined]
    validation.check_workbook = _wrap("validate", validation.check_workbook)
    pool.Later.finish = _wrap("finish (background work)", pool.Later.finish)  # type: ignore
    from matrixbook.documents import pairs

    pairs._render_and_write = _wrap("notes worker", pairs._render_and_write)  # type: ignore
    total = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        result = build.build_outputs(args.workbook, Path(out), audience=args.audience,
                                     today=date(2025, 9, 3), lang=args.lang)
    total = time.perf_counter() - total
    if not result.report.ok:
        print("The workbook has errors; nothing built.", file=sys.stderr)
        return 1
    print("| Step | Wall (s) | CPU here (s) | CPU of workers (s) |")
    print("|---|---:|---:|---:|")
    for name, wall, own, kids in ROWS:
        print(f"| {name} | {wall:.2f} | {own:.2f} | {kids:.2f} |")
    own, kids = _cpu()
    print(f"| **build_outputs** | **{total:.2f}** | {own:.2f} (process) | {kids:.2f} |")
    _timeline()
    return 0


if __name__ == "__main__":
    sys.exit(main())
