"""`matrixbook merge`: bring together two copies of the workbook edited in parallel.

BASE is the copy both started from, MINE the copy whose layout MERGED keeps, THEIRS the other.
Records, sheets and columns are matched as `diff` matches them (matching); each cell, record,
column and sheet is decided three ways (decide); MERGED is MINE with the decisions applied and
the conflicts marked (writing); the report counts what came from each side (report). MERGED is
then checked like `validate` checks a workbook: two valid copies can still break a rule
together (one adds a record that names an entity the other deleted).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from matrixbook.errors import UsageError
from matrixbook.files import refuse_overwrite
from matrixbook.merge.decide import Conflict, plan_merge
from matrixbook.merge.report import MergeResult
from matrixbook.schema import Schema

__all__ = ["Conflict", "MergeResult", "check_target", "merge"]


def check_target(base: Path, mine: Path, theirs: Path, out: Path, *,
                 force: bool = False) -> None:
    """Refuse, before any work, an --out that is an input, or exists (without --force), or is
    not a workbook name."""
    suffix = ".xlsm" if mine.suffix.lower() == ".xlsm" else ".xlsx"
    if out.suffix.lower() != suffix:
        raise UsageError(f"--out {out}: give a file name ending in {suffix}, e.g. "
                         f"merged{suffix} (MERGED is a copy of MINE, {mine.name}).")
    for name, path in (("BASE", base), ("MINE", mine), ("THEIRS", theirs)):
        if out.resolve() == path.resolve():
            raise UsageError(f"--out would write over {path} ({name}); the copies being "
                             "merged are never replaced. Give another name, e.g. merged.xlsx.")
    refuse_overwrite(out, force)


def merge(base: Path | str, mine: Path | str, theirs: Path | str, out: Path | str,
          schema: Schema, *, force: bool = False, today: date | None = None) -> MergeResult:
    """Merge MINE and THEIRS (both edited from BASE) into OUT; return the report.

    Raises InputError / UsageError (exit 2) when it cannot run; then nothing is written."""
    from matrixbook.merge.writing import write_merged
    from matrixbook.reading import read_book
    from matrixbook.validation import check_workbook

    base, mine, theirs, out = Path(base), Path(mine), Path(theirs), Path(out)
    check_target(base, mine, theirs, out, force=force)
    books = [read_book(p, schema, keep_extra_sheets=True) for p in (base, mine, theirs)]
    plan = plan_merge(*books)
    refuse_overwrite(out, force)  # created by someone else while the copies were read
    write_merged(plan, mine, theirs, out)
    report = check_workbook(out, schema, today=today or date.today()).report
    return MergeResult(str(base), str(mine), str(theirs), str(out), plan.conflicts,
                       plan.notes, plan.counts, report)
