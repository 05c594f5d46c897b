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


def init_workbook(path: Path | str, *, blank: bool = False, force: bool = False,
                  lang: str = "en") -> Path:
    """Write a new master workbook from the schemas; seeded from workbook/seed unless blank.
    `lang`: the language of its About sheet, input messages and validation messages (its
    sheet names, headers and list values stay as declared)."""
    import shutil

    from matrixbook.files import atomic_write, refuse_overwrite
    from matrixbook.i18n import texts
    from matrixbook.newbook import write_workbook
    from matrixbook.resources import default_workbook, seed_dir
    from matrixbook.seed import load_about, load_seed

    words = texts(lang)
    own = None if words.english else words
    schema = _load_schema()
    path = Path(path)
    if blank:
        return write_workbook(path, schema, None, force=force, words=own)
    if seed_dir().is_dir():
        return write_workbook(path, schema, load_seed(seed_dir(), schema), force=force,
                              about=load_about(seed_dir(), lang), words=own)
    if own is not None:
        # An installed wheel carries the default workbook, not its seed: its rows are read
        # back and written again with the texts of the language.
        from matrixbook.seed import rows_of_workbook

        return write_workbook(path, schema, rows_of_workbook(default_workbook(), schema),
                              force=force, words=own)
    # An installed wheel carries the default workbook itself, not its seed.
    refuse_overwrite(path, force)
    with atomic_write(path) as tmp:
        shutil.copyfile(default_workbook(), tmp)
    return path


def repair_lists(path: Path | str, out: Path | str, *, force: bool = False) -> Repaired:
    """A copy of the workbook at `out` with its drop-down lists rebuilt; its data unchanged."""
    from matrixbook.repair import repair_lists as _repair

    return _repair(Path(path), Path(out), _load_schema(), force=force)


def validate(path: Path | str, *, stage: str = "draft", today: date | None = None,
             lang: str = "en") -> Report:
    """Check the workbook; the report holds every finding with its cell. `today` (default:
    the computer's date) is the date statuses are checked against (an interview still
    Planned after its date...). `lang`: the language of the messages (en, fr) and of the
    build checked for (at --stage final, French text missing is reported)."""
    from matrixbook.i18n import written
    from matrixbook.speedups.loading import prefetch

    written(lang)  # an unknown language stops here, before the workbook is read
    schema = _load_schema()
    # The sheets are parsed in threads while pandas, pandera and Babel are imported.
    with prefetch(Path(path), schema.sheet_names):
        from matrixbook.i18n import texts
        from matrixbook.i18n.findings import localize
        from matrixbook.validation import check_workbook

        words = texts(lang)

        report = check_workbook(Path(path), schema, stage=stage,
                                today=today or date.today(), lang=lang).report
    return localize(report, words)


def annotate_copy(path: Path | str, report: Report, out: Path | str, *,
                  force: bool = False, lang: str = "en") -> Path:
    """A copy of the user's workbook with every finding marked at its cell; the Findings
    sheet's words in `lang` (the messages are the report's, from validate(lang=...))."""
    from matrixbook.annotate import annotate
    from matrixbook.i18n import texts

    words = texts(lang)
    return annotate(Path(path), report, Path(out), force=force,
                    words=None if words.english else words)


def available_outputs() -> list[Output]:
    from matrixbook.outputs import discover_outputs

    return discover_outputs()


def build(path: Path | str, out_dir: Path | str = "out", *, only: list[str] | None = None,
          audience: str = "internal", today: date | None = None,
          force: bool = False, lang: str = "en") -> BuildResult:
    """Validate, then write each output for `audience` into `out_dir` (all of them or, when
    one fails, none; see matrixbook.outfolder for what the build owns in the folder), every
    fixed text in `lang` (an output not yet written in it is skipped, or refused by `only`)."""
    from matrixbook.speedups.loading import prefetch

    # The sheets are parsed in threads while pandas, pandera and the outputs are imported.
    with prefetch(Path(path), _load_schema().sheet_names):
        from matrixbook.build import build_outputs

        return build_outputs(Path(path), Path(out_dir), only=only, audience=audience,
                             today=today, force=force, lang=lang)


def merge(base: Path | str, mine: Path | str, theirs: Path | str, out: Path | str, *,
          force: bool = False, today: date | None = None) -> MergeResult:
    """Merge two copies edited from BASE into `out` (MINE's layout kept, conflicts marked)."""
    from matrixbook.merge import merge as _merge

    return _merge(base, mine, theirs, out, _load_schema(), force=force, today=today)
