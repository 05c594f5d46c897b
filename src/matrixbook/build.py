"""`matrixbook build`: validate, then write each output for the chosen audience.

Every output is a module in `matrixbook/outputs/` that defines `OUTPUT = Output(...)`: its name,
its audience and one function that writes its files. Adding an output means adding a module.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd

from matrixbook import outputs as outputs_package
from matrixbook.audience import filter_tables
from matrixbook.errors import OutputError, UsageError, describe_os_error, os_error_of
from matrixbook.files import is_open_elsewhere
from matrixbook.loading import SheetLoader
from matrixbook.outfolder import OutputFolder
from matrixbook.report import Report
from matrixbook.schema import Schema, load_schema


@dataclass
class BuildContext:
    """What an output gets: the audience-filtered tables and where to write."""

    schema: Schema
    tables: dict[str, pd.DataFrame]
    audience: str
    out_dir: Path
    source: Path
    today: date | None = None
    messages: list[str] = field(default_factory=list)  # printed by the CLI after the build
    folder: OutputFolder | None = None  # where files are staged until the whole set is done
    output: str = ""  # the output being written

    def note(self, message: str) -> None:
        """A line for the person running the build (e.g. a note's page estimate)."""
        self.messages.append(message)

    @property
    def audience_label(self) -> str:
        return self.audience.capitalize()

    @property
    def source_name(self) -> str:
        return self.source.name

    @cached_property
    def data_date(self) -> str:
        """The date of the data: the latest 'Checked on' of the bodies (or 'not recorded')."""
        days = []
        for sheet in ("Entities", "Dialogues"):
            t = self.tables.get(sheet)
            if t is not None and "checked_on" in t and t["checked_on"].notna().any():
                days.append(t["checked_on"].max())
        return max(days).strftime("%Y-%m-%d") if days else "not recorded"

    def path(self, name: str) -> Path:
        return self.out_dir / name

    @contextmanager
    def writing(self, name: str) -> Iterator[Path]:
        """The path to write `name` to: in the folder's staging area, moved into place with
        every other output once all of them are written."""
        if self.folder is None:
            raise RuntimeError("BuildContext.writing outside a build's output folder")
        staged = self.folder.staged(name, self.output)
        try:
            yield staged
        except Exception as exc:
            os_error = os_error_of(exc)
            if os_error is None:
                raise
            raise OutputError(describe_os_error(os_error, self.path(name))) from exc

    def bodies(self) -> pd.DataFrame:
        """Entities then dialogues, one frame with `body_id`, `kind` and the shared columns."""
        ent = self.tables["Entities"].rename(columns={"entity_id": "body_id"})
        dlg = self.tables["Dialogues"].rename(columns={"dialogue_id": "body_id"})
        ent = ent.assign(kind="Regional entity")
        dlg = dlg.assign(kind="Inter-regional dialogue")
        return pd.concat([ent, dlg], ignore_index=True, sort=False)


@dataclass(frozen=True)
class Output:
    name: str
    audience: str  # "external": built for both audiences; "internal": internal builds only
    description: str
    write: Callable[[BuildContext], list[Path]]
    order: int = 50


@dataclass
class BuildResult:
    report: Report
    written: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # warnings, for stderr
    notes: list[str] = field(default_factory=list)  # what outputs report, for stdout


def discover_outputs() -> list[Output]:
    found = []
    for info in pkgutil.iter_modules(outputs_package.__path__):
        module = importlib.import_module(f"{outputs_package.__name__}.{info.name}")
        output = getattr(module, "OUTPUT", None)
        if isinstance(output, Output):
            found.append(output)
    return sorted(found, key=lambda o: (o.order, o.name))


def select_outputs(only: list[str] | None, audience: str) -> tuple[list[Output], list[str]]:
    available = discover_outputs()
    names = {o.name: o for o in available}
    messages = []
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            import difflib

            hints = [f"'{n}' (did you mean '{g[0]}'?)" if (g := difflib.get_close_matches(
                n, list(names), n=1)) else f"'{n}'" for n in unknown]
            raise UsageError(f"Unknown output {', '.join(hints)}; choose from "
                             f"{', '.join(names)}.")
        chosen = [names[n] for n in only]
    else:
        chosen = available
    selected = []
    for output in chosen:
        if audience == "external" and output.audience == "internal":
            if only:
                raise UsageError(f"The output '{output.name}' is internal only; build it with "
                                 "--audience internal.")
            messages.append(f"Skipped {output.name}: internal only.")
            continue
        selected.append(output)
    return selected, messages


def build_outputs(path: Path, out_dir: Path, *, only: list[str] | None = None,
                  audience: str = "internal", today: date | None = None,
                  loader: SheetLoader | None = None, force: bool = False) -> BuildResult:
    from matrixbook.validation import check_workbook

    schema = load_schema()
    selected, messages = select_outputs(only, audience)
    checked = check_workbook(path, schema, loader=loader)
    result = BuildResult(checked.report, messages=messages)
    if is_open_elsewhere(path):
        result.messages.append(
            f"Warning: {path} seems to be open in Excel or LibreOffice; edits not yet saved "
            "there are not in this build.")
    if not checked.report.ok:
        return result
    ctx = BuildContext(schema, filter_tables(schema, checked.tables, audience), audience,
                       out_dir, path, today)
    # The tables stay alive through every output: out of the cycle collector's sight meanwhile,
    # so that each of its full collections does not walk their millions of cells again.
    gc.freeze()
    try:
        with OutputFolder(out_dir, path, audience, force=force) as folder:
            ctx.folder = folder
            for output in selected:
                ctx.output = output.name
                result.written.extend(output.write(ctx))
            removed = folder.commit([o.name for o in selected])
    finally:
        gc.unfreeze()
    result.notes.extend(ctx.messages)
    if removed:
        result.notes.append(f"Removed {len(removed)} file(s) an earlier build wrote that this "
                            f"{audience} build does not: {', '.join(str(p) for p in removed)}.")
    return result
