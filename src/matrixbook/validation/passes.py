"""The two column passes as pandera runs them: what each column is checked for, declared once
(`ColumnChecks`, generated from the sheet declarations by `columns`), turned into a pandera
schema (`to_pandera`), and run by pandera on the columns that need it (`failures`).

A clean workbook of 20,000 realistic rows has thirty-odd columns per pass whose every check
passes; pandera spends about a millisecond of its own bookkeeping on each column it is given,
whatever the column holds, plus its import and first call (about 0.25 s together). So each
check is first run on its column here (the same vectorised test pandera would run), and pandera
is given only the columns with a cell that fails, with the answers already found: a column
whose checks all pass, whose required cells are all filled and whose unique values are unique
is settled and left out, and pandera is not imported when no column is left. pandera's failure
cases of the columns it is given are the same rows, values and checks as those of the whole
schema (tests/test_validate_passes.py compares the two on workbooks full of errors)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pandera.pandas as pa

Test = Callable[[pd.Series], pd.Series]  # a vectorised check: True where a cell passes

FAILURE_COLUMNS = ["column", "check", "failure_case", "index"]


@dataclass(frozen=True)
class ColumnChecks:
    """What one column is checked for: its checks as (name, test) in order, whether an empty
    cell fails (`nullable=False`: a required column) and whether its values must be unique
    (the second and later copies of a value fail)."""

    field: str
    checks: tuple[tuple[str, Test], ...] = ()
    nullable: bool = True
    unique: bool = False

    @property
    def empty(self) -> bool:
        """Nothing to check: pandera would only spend its time on it."""
        return not self.checks and self.nullable and not self.unique


def to_pandera(name: str, columns: Sequence[ColumnChecks]) -> pa.DataFrameSchema:
    """The pandera schema of the columns: every check sees every cell, empty ones included,
    and lets the empty ones pass (pandera's default, ignore_na, looks for empty cells and
    copies the column without them before each check: two more passes over it, for nothing
    here); duplicates are reported from their second copy on."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {c.field: pa.Column(None, nullable=c.nullable, required=False, unique=c.unique,
                            report_duplicates="exclude_first",
                            checks=[pa.Check(test, name=check, ignore_na=False)
                                    for check, test in c.checks])
         for c in columns},
        strict=False, name=name)


def failures(name: str, columns: Sequence[ColumnChecks], frame: pd.DataFrame) -> pd.DataFrame:
    """pandera's failure cases (column, check, failure_case, index) of `frame` against the
    columns' checks, in pandera's order, for the columns that have a failing cell."""
    needed = [c for c in (settle(c, frame[c.field]) for c in columns
                          if c.field in frame.columns) if not c.empty]
    if not needed:
        return pd.DataFrame(columns=FAILURE_COLUMNS)
    return run_pandera(to_pandera(name, needed), frame)


def run_pandera(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    import pandera.pandas as pa

    try:
        # inplace: no column is coerced, so this only spares pandera a copy of the frame
        schema.validate(frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        return fc[fc["index"].notna()]
    return pd.DataFrame(columns=FAILURE_COLUMNS)


def settle(column: ColumnChecks, s: pd.Series) -> ColumnChecks:
    """The column with what its cells already answer left out: a check every cell passes, the
    required test when no cell is empty, the unique test when no value repeats (pandera's own
    tests: `hasnans`, `is_unique`). A check kept hands pandera the answer it found here."""
    kept = []
    for check, test in column.checks:
        try:
            ok = test(s)
        except Exception:  # let pandera meet the error as it always has
            kept.append((check, test))
            continue
        if isinstance(ok, pd.Series) and ok.dtype == np.bool_ and len(ok) == len(s):
            if ok.all():
                continue
            kept.append((check, _answer(ok, test)))
        else:
            kept.append((check, test))
    return replace(column, checks=tuple(kept),
                   nullable=column.nullable or not s.hasnans,
                   unique=column.unique and not s.is_unique)


def _answer(ok: pd.Series, test: Test) -> Test:
    """The test, answered: `ok` for the column it was found on, the test itself otherwise."""

    def check(s: pd.Series) -> pd.Series:
        if s.index is ok.index or (len(s) == len(ok) and s.index.equals(ok.index)):
            return ok
        return test(s)

    return check


__all__ = ["ColumnChecks", "failures", "settle", "to_pandera"]
