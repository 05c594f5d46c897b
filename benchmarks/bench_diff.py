"""Time `matrixbook diff` on two versions of a large workbook, as staff run it.

    .venv/bin/python benchmarks/bench_diff.py                  # 20,000 policies, 3 rounds
    .venv/bin/python benchmarks/bench_diff.py --policies 2000 --repeat 5

The old version is benchmarks/generate.py's valid workbook plus a small sheet of staff's own
(as real workbooks have: the default one carries About and Lists). The new one is the same
workbook revised the way a reviewer revises it: about 1% of the policies' cells edited
(free-text columns, so the workbook stays valid), one policy in seven moved to the end of the
sheet, twenty policies deleted, one row of the staff's sheet edited.

The figures kept are medians over the rounds of whole processes (`matrixbook diff OLD NEW`,
its JSON form, and with `--out`), wall time and CPU time (the child and the process it forks to
read the second file). Then where the time goes, measured in this process one step at a time.

Target (issue 10): two 20,000-policy workbooks compared in under 3 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"
TARGET_SECONDS = 3.0
EDIT_SHARE = 0.01  # of the policies' cells
FREE_TEXT = ("title", "title_en", "provisions", "note", "internal_notes")
MOVE_EVERY = 7
DELETED = 20
OWN_SHEET_ROWS = 50


def load_generator() -> ModuleType:
    """benchmarks/generate.py, imported from its path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("benchmark_generate", HERE / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def own_sheet(edited: bool) -> tuple[Any, Iterator[dict[str, Any]]]:
    """A sheet of staff's own, in the shape generate.write() takes: a Sheet the schemas do not
    declare, so matrixbook reads it as an extra sheet."""
    from matrixbook.schema import Column, Sheet

    columns = (Column("Contact", "contact", "string", ""), Column("Note", "note", "string", ""))
    rows = [{"contact": f"Contact {i}", "note": f"Called on day {i}"}
            for i in range(1, OWN_SHEET_ROWS + 1)]
    if edited:
        rows[3]["note"] = "Called again"
    return Sheet("Contacts log", "", None, columns), iter(rows)


def revised(records: Callable[..., Iterator[tuple[Any, Any]]], seed: int | None
            ) -> Callable[..., Iterator[tuple[Any, Any]]]:
    """The generator's records and a sheet of staff's own; seed None: as generated, else with
    the Policies revised as a reviewer would."""

    def revise(schema: Any, counts: dict[str, int], record_seed: int
               ) -> Iterator[tuple[Any, Any]]:
        rng = random.Random(seed)
        for sheet, rows in records(schema, counts, record_seed):
            if sheet.name != "Policies" or seed is None:
                yield sheet, rows
                continue
            rows = list(rows)
            edits = int(len(rows) * len(sheet.columns) * EDIT_SHARE)
            for _ in range(edits):
                rec = rows[rng.randrange(len(rows))]
                name = rng.choice(FREE_TEXT)
                rec[name] = f"{rec[name] or 'Text'} (revised {rng.randrange(1000)})"
            for _ in range(DELETED):
                rows.pop(rng.randrange(len(rows)))
            moved = rows[::MOVE_EVERY]
            kept = [r for i, r in enumerate(rows) if i % MOVE_EVERY]
            yield sheet, iter(kept + moved)
        yield own_sheet(edited=seed is not None)

    return revise


def workbooks(policies: int) -> tuple[Path, Path]:
    """The old and the new version, generated when missing or older than their sources."""
    old = DATA / f"diff-old-p{policies}.xlsx"
    new = DATA / f"diff-new-p{policies}.xlsx"
    sources = [HERE / "generate.py", Path(__file__), *(REPO / "schemas").rglob("*.yaml")]
    newest = max(p.stat().st_mtime for p in sources)
    if all(p.exists() and p.stat().st_mtime >= newest for p in (old, new)):
        return old, new
    generate = load_generator()
    print(f"Generating {old.relative_to(REPO)} and {new.name} ...", file=sys.stderr)
    original = generate.records
    try:
        for path, seed in ((old, None), (new, 2)):
            generate.records = revised(original, seed)  # write() looks records() up by name
            generate.write(path, policies, seed=1)
    finally:
        generate.records = original
    return old, new


def matrixbook() -> list[str]:
    script = Path(sys.executable).with_name("matrixbook")
    return [str(script)] if script.exists() else [sys.executable, "-m", "matrixbook"]


def run(argv: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds (user + system, children included) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
    if code not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed: {err}")
    return seconds, usage.ru_utime + usage.ru_stime, code


def phases(old: Path, new: Path) -> dict[str, float]:
    """Where the time of one comparison goes: the steps of matrixbook.diff.compare, one after
    the other in this process."""
    from matrixbook.diff import compare_books
    from matrixbook.reading import read_book
    from matrixbook.schema import load_schema
    from matrixbook.validation import check_workbook

    schema = load_schema()
    out: dict[str, float] = {}
    start = time.perf_counter()
    for path in (old, new):
        check_workbook(path, schema)
    out["check_workbook, both files (reads each)"] = time.perf_counter() - start
    start = time.perf_counter()
    books = [read_book(path, schema, keep_extra_sheets=True) for path in (old, new)]
    out["read_book again for the staff's own sheets, both files"] = time.perf_counter() - start
    start = time.perf_counter()
    result = compare_books(*books)
    out["compare records"] = time.perf_counter() - start
    start = time.perf_counter()
    result.to_text()
    result.to_json()
    out["render text and JSON"] = time.perf_counter() - start
    out["changes found"] = len(result.changes)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policies", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-out", action="store_true", help="skip timing --out")
    args = parser.parse_args(argv)
    old, new = workbooks(args.policies)
    mb = matrixbook()
    with tempfile.TemporaryDirectory() as tmp:
        cases = {
            "diff (text)": [*mb, "diff", str(old), str(new)],
            "diff --format json": [*mb, "diff", str(old), str(new), "--format", "json"],
        }
        if not args.no_out:
            cases["diff --out CHANGES.xlsx"] = [
                *mb, "diff", str(old), str(new), "--out", str(Path(tmp) / "changes.xlsx"),
                "--force"]
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(args.repeat):  # interleaved, so a busy moment falls on every case
            for name, command in cases.items():
                seconds, cpu, status = run(command)
                if status != 1:
                    sys.exit(f"{name}: exit status {status}, expected 1 (differences)")
                times[name].append((seconds, cpu))
    load = os.getloadavg()[0]
    print(f"`matrixbook diff`, {args.policies:,} policies, median of {args.repeat} runs "
          f"(whole process; load average {load:.1f} on {os.cpu_count()} cores)\n")
    print("| command | wall (s) | CPU (s) | wall of each run (s) |\n|---|---:|---:|---|")
    for name, values in times.items():
        walls = [w for w, _ in values]
        cpus = [c for _, c in values]
        runs = ", ".join(f"{w:.2f}" for w in walls)
        print(f"| `{name}` | {statistics.median(walls):.2f} | {statistics.median(cpus):.2f} "
              f"| {runs} |")
    print("\nWhere the time goes (one run, in process, one step after the other)\n")
    print("| step | seconds |\n|---|---:|")
    for name, value in phases(old, new).items():
        shown = f"{value:,}" if isinstance(value, int) else f"{value:.2f}"
        print(f"| {name} | {shown} |")
    verdict = statistics.median(w for w, _ in times["diff (text)"])
    print(f"\nTarget: under {TARGET_SECONDS:.0f} s — "
          f"{'met' if verdict < TARGET_SECONDS else 'NOT met'} ({verdict:.2f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
