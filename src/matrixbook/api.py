"""The library behind the command line: each function does one command's work."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from matrixbook.schema import Schema
from matrixbook.schema import load_schema as _load_schema

if TYPE_CHECKING:
    from matrixbook.build import BuildResult
    from matrixbook.merge import MergeResult
    from matrixbook.outputs import Output
    from matrixbook.repair import Repaired
    from matrixbook.report import Report


def load_schema() -> Schema:
    return _load_schema()


def init_workbook(path: Path | str, *, blank: bool = False, force: bool = False) -> Path:
    """Write a new master workbook from the schemas; seeded from workbook/seed unless blank."""
    import shutil

    from matrixbook.files import atomic_write, refuse_overwrite
    from matrixbook.newbook import write_workbook
    from matrixbook.resources import default_workbook, seed_dir
    from matrixbook.seed import load_about, load_seed

    schema = _load_schema()
    path = Path(path)
    if blank:
        return write_workbook(path, schema, None, force=force)
    if seed_dir().is_dir():
        return write_workbook(path, schema, load_seed(seed_dir(), schema), force=force,
                              about=load_about(seed_dir()))
    # An installed wheel carries the default workbook itself, not its seed.
    refuse_overwrite(path, force)
    with atomic_write(path) as tmp:
        shutil.copyfile(default_workbook(), tmp)
    return path


def repair_lists(path: Path | str, out: Path | str, *, force: bool = False) -> Repaired:
    """A copy of the workbook at `out` with its drop-down lists rebuilt; its data unchanged."""
    from matrixbook.repair import repair_lists as _repair

    return _repair(Path(path), Path(out), _load_schema(), force=force)


def validate(path: Path | str, *, stage: str = "draft", today: date | None = None) -> Report:
    """Check the workbook; the report holds every finding with its cell. `today` (default:
    the computer's date) is the date statuses are checked against (an interview still
    Planned after its date...)."""
    from matrixbook.speedups.loading import prefetch

    schema = _load_schema()
    # The sheets are parsed in threads while pandas and pandera are imported.
    with prefetch(Path(path), schema.sheet_names):
        from matrixbook.validation import check_workbook

        return check_workbook(Path(path), schema, stage=stage,
                              today=today or date.today()).report


def annotate_copy(path: Path | str, report: Report, out: Path | str, *,
                  force: bool = False) -> Path:
    """A copy of the user's workbook with every finding marked at its cell."""
    from matrixbook.annotate import annotate

    return annotate(Path(path), report, Path(out), force=force)


def available_outputs() -> list[Output]:
    from matrixbook.outputs import discover_outputs

    return discover_outputs()


def build(path: Path | str, out_dir: Path | str = "out", *, only: list[str] | None = None,
          audience: str = "internal", today: date | None = None,
          force: bool = False) -> BuildResult:
    """Validate, then write each output for `audience` into `out_dir` (all of them or, when
    one fails, none; see matrixbook.outfolder for what the build owns in the folder)."""
    from matrixbook.speedups.loading import prefetch

    # The sheets are parsed in threads while pandas, pandera and the outputs are imported.
    with prefetch(Path(path), _load_schema().sheet_names):
        from matrixbook.build import build_outputs

        return build_outputs(Path(path), Path(out_dir), only=only, audience=audience,
                             today=today, force=force)


def merge(base: Path | str, mine: Path | str, theirs: Path | str, out: Path | str, *,
          force: bool = False, today: date | None = None) -> MergeResult:
    """Merge two copies edited from BASE into `out` (MINE's layout kept, conflicts marked)."""
    from matrixbook.merge import merge as _merge

    return _merge(base, mine, theirs, out, _load_schema(), force=force, today=today)
