"""Where a build's time goes, output by output, inside one process.

    .venv/bin/python benchmarks/profile_build.py benchmarks/data/p20000.xlsx [--audience external]

Runs `build_outputs` once with a timer around validation and around each output's `write`:
wall time, the CPU of this process, and the CPU of the forked workers it waited for
(`RUSAGE_CHILDREN`). Work an output hands to the background (the notes) is charged to the
`finish` line, where the build waits for it. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
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
        with timed(name):
            return function(*args, **kwargs)
    return wrapped


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
    patched = [outputs.Output(o.name, o.audience, o.description, _wrap(o.name, o.write),
                              o.order, o.languages, o.only_english) for o in found]
    outputs.discover_outputs = lambda: patched  # type: ignore[assignment]
    build.discover_outputs = lambda: patched  # type: ignore[attr-defined]
    validation.check_workbook = _wrap("validate", validation.check_workbook)
    pool.Later.finish = _wrap("finish (background notes)", pool.Later.finish)  # type: ignore
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
