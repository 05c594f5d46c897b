"""The build context: what every output receives — the audience-filtered tables, the schema,
the audience, the date of the build and where to write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from matrixbook.errors import OutputError, describe_os_error, os_error_of
from matrixbook.i18n import Texts, texts
from matrixbook.outfolder import OutputFolder
from matrixbook.schema import Schema


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
    lang: str = "en"  # the language of every fixed text of the outputs (matrixbook.i18n)
    later: Any = None  # matrixbook.speedups.pool.Later: documents still rendering elsewhere

    @cached_property
    def texts(self) -> Texts:
        """The build's language: fixed texts, dates, numbers, countries, vocabulary labels,
        column headers and the French counterparts of the workbook's names and texts."""
        return texts(self.lang)

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
        for sheet in (self.schema.names.entities, self.schema.names.dialogues):
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
        ent = self.tables[self.schema.names.entities].rename(columns={"entity_id": "body_id"})
        dlg = self.tables[self.schema.names.dialogues].rename(columns={"dialogue_id": "body_id"})
        ent = ent.assign(kind="Regional entity")
        dlg = dlg.assign(kind="Inter-regional dialogue")
        return pd.concat([ent, dlg], ignore_index=True, sort=False)
